# make build: every edition into build/.  make test: ruff, mypy and pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint check clean system-check

build: $(STAMP)
	$(BIN)/mgi-report build --out build

test: $(STAMP)
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
