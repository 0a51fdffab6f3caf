# Radar social: every command sets itself up (creates .venv and installs requirements).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast data bench lint format clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

data: $(STAMP)
	$(PY) -m indicators.pipeline

run: data
	$(PY) -m streamlit run app.py

test: data
	$(PY) -m pytest

# No store build: the unit tests read the fixture store (tests/fixture_store.py); `store` tests need `make data`.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not store and not slow"

bench: data
	$(PY) -m tests.benchmarks.run

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf data/processed
