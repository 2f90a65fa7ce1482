# Two entry points for a new user (see README.md): `make demo` and `make test`.
# Each creates .venv with the machine's python3, installs nassb into it and runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-output

.PHONY: demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/nassb evaluate examples/cells/nacro2-nyzc-nps-nasn.toml -o $(DEMO_OUT)/cell-report.html --json $(DEMO_OUT)/cell-evaluation.json
	$(BIN)/nassb db list
	$(BIN)/nassb db query --property ionic_conductivity --family sulfide --min 1e-3 --json $(DEMO_OUT)/sulfides-above-1mS.json
	$(BIN)/nassb db plot arrhenius -o $(DEMO_OUT)/kb-arrhenius
	$(BIN)/nassb db plot window -o $(DEMO_OUT)/kb-window
	$(BIN)/nassb db export $(DEMO_OUT)/knowledge-base.parquet
	$(BIN)/nassb eis arrhenius --manifest examples/eis/synthetic-series/series.csv --thickness-cm 0.1 --area-cm2 0.785 -o $(DEMO_OUT)/eis --json $(DEMO_OUT)/eis/arrhenius.json
	$(BIN)/nassb cycling ccd examples/cycling/synthetic-ccd-ramp.csv --area-cm2 1 -o $(DEMO_OUT)/cycling --json $(DEMO_OUT)/cycling/ccd.json
	$(BIN)/nassb material analyse Na3PS4-cubic -o $(DEMO_OUT)/material --json $(DEMO_OUT)/material/Na3PS4-cubic.json
	$(BIN)/nassb material dope Na3PS4-tetragonal --substitute W:P --range 0-0.15 --json $(DEMO_OUT)/material/Na3PS4-W-series.json
	$(BIN)/nassb material stability Na3PS4 -o $(DEMO_OUT)/thermo --json $(DEMO_OUT)/thermo/Na3PS4-stability.json
	$(BIN)/nassb interface react Na Na3SbS4 -o $(DEMO_OUT)/thermo --json $(DEMO_OUT)/thermo/Na-Na3SbS4.json
	$(BIN)/nassb material hydrolysis Na3PS4 Na3SbS4 Na3AsS4 Na3YCl6 Na3PO4 --json $(DEMO_OUT)/thermo/hydrolysis.json
	@echo "demo outputs in $(DEMO_OUT)/"

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache
