# Radar social: every command sets itself up (creates .venv and installs requirements).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast data bench bench-cluster cluster lint format clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

data: $(STAMP)
	$(PY) -m indicators.pipeline

# No source watcher for users: it cost ~0.4 s of CPU on every visitor's first page (docs/cluster.md);
# `streamlit run app.py` (developers) keeps reloading on save.
run: data
	$(PY) -m streamlit run app.py --server.fileWatcherType none

# The app in a minute, without the full build: on the fixture store (tests/fixture_store.py: seven
# départements, a few indicators, real figures, the map geometry), written to data/demo/ in a few seconds.
DEMO_STORE ?= data/demo
demo: $(STAMP)
	$(PY) -c "from pathlib import Path; from tests import fixture_store; fixture_store.write(Path('$(DEMO_STORE)'), geometry=True)"
	RADAR_DATA_DIR=$(DEMO_STORE) $(PY) -m streamlit run app.py $(DEMO_ARGS)

# Two workers (pytest-xdist), a test file each at a time (--dist loadfile: a file's module-scoped servers stay on
# one worker): the browser tests spend most of their time waiting on a page, so the run takes about 20 minutes
# on 2 cores instead of over 30.
test: data
	$(PY) -m pytest -n 2 --dist loadfile

# No store build: the unit tests read the fixture store (tests/fixture_store.py); `store` tests need `make data`.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not store and not slow"

bench: data
	$(PY) -m tests.benchmarks.run

# Issue 30: REPLICAS Streamlit replicas behind nginx (Debian's package) on 127.0.0.1:PORT, sharing the store
# (ops/cluster.py); Ctrl-C stops them. bench-cluster: simulated users through it (~12 min, loopback only).
REPLICAS ?= 2
PORT ?= 8600
cluster: data
	$(PY) -m ops.cluster --replicas $(REPLICAS) --port $(PORT)

bench-cluster: data
	$(PY) -m tests.benchmarks.load_cluster

# The docs' generated parts (layout, catalogue fields, counts, the data's age) must match the code:
# `$(PY) docs/generate.py` rewrites them.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) docs/generate.py --check

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf data/processed
