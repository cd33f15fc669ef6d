# make build: every edition into build/.  make test: ruff, mypy and pytest.
# Both first install what they need and is missing: Debian/Ubuntu packages through
# tools/system_deps.py (apt-get, with sudo when not root), Python packages into .venv, and the
# quality gates' npm tools into node_modules/ from package-lock.json.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# Extra options for make build, e.g. BUILD_OPTIONS="--shard 1/4" on one machine of a split build.
BUILD_OPTIONS ?=

.PHONY: build test check clean system-build system-test

build: $(STAMP)
	$(BIN)/mgi-report build --out build $(BUILD_OPTIONS)

test: system-test $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/mgi-report check

system-build:
	@$(PYTHON) tools/system_deps.py build

system-test:
	@$(PYTHON) tools/system_deps.py test

$(STAMP): pyproject.toml | system-build
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The quality gates' npm tools (vnu-jar, axe-core, playwright-core), exactly as locked.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
# No browser is downloaded: playwright-core drives Debian's Chromium.
$(NPM_STAMP): package.json package-lock.json | system-test
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

clean:
	rm -rf build
