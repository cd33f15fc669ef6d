# make build: every edition into build/.  make test: ruff, mypy and pytest (with the npm
# checkers of the quality gates installed from package-lock.json).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: build test lint check clean system-check

build: $(STAMP)
	$(BIN)/mgi-report build --out build

test: $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/mgi-report check

$(STAMP): pyproject.toml | system-check
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The quality gates' npm tools (vnu-jar, axe-core, playwright-core), exactly as locked.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
# No browser is downloaded: playwright-core drives /usr/bin/chromium.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null \
	  || { echo "error: npm is missing. On Debian/Ubuntu: sudo apt-get install nodejs npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

# WeasyPrint needs Pango at run time; say which package to install instead of a traceback.
system-check:
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("pango-1.0") else 1)' \
	  || { echo "error: Pango is missing. On Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 (then run make again)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "error: Python 3.11 or newer is needed (found $$($(PYTHON) --version))" >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null \
	  || { echo "error: Python's venv module is missing. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }

clean:
	rm -rf build
