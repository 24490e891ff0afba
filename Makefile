# cicanalysis: two commands do everything on a fresh machine.
#   make report   create .venv, install, generate the synthetic authority, run the reports
#   make test     run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PERIOD ?= 2016-03-31
DATA   ?= data/synthetic
SEED   ?= 42

.PHONY: report test install data clean kernel

$(BIN)/cicanalysis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/cicanalysis

$(DATA)/.complete: $(BIN)/cicanalysis cicanalysis/synthetic.py
	$(BIN)/cicanalysis generate --seed $(SEED) --out $(DATA)
	touch $@

data: $(DATA)/.complete

report: data
	$(BIN)/cicanalysis run --period $(PERIOD) --data $(DATA) --out outputs

test: $(BIN)/cicanalysis
	$(BIN)/python -m pytest -q

clean:
	rm -rf outputs data/synthetic
