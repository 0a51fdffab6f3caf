"""Shared fixtures: two stores.

- the fixture store (tests/fixture_store.py: seven départements, a few indicators, written as code): every
  test that is not marked ``store`` runs with ``RADAR_DATA_DIR`` pointed at it, so unit tests need no
  ``make data`` and do not depend on the real data;
- the real store (data/processed, built by ``make data``, which ``make test`` runs): a test is marked
  ``store`` when it uses the ``table``, ``population`` or ``real_store`` fixtures, sits in a module of
  STORE_MODULES, or drives the app (AppTest, browser). Contract and reference-figure tests live there.

`make test-fast` runs ``-m "not store and not slow"``: no store build, no browser.
"""

import os
from pathlib import Path

import pandas as pd
import pytest

from indicators.core import paths
from indicators.storage import store
from tests import fixture_store

# No background warm-up of the map's caches (indicators/ui/warmup.py) in tests and the servers they start: each test
# points the caches at its own store; tests/test_app_warmup.py turns it on for itself.
os.environ.setdefault("RADAR_WARMUP", "0")
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
REAL_STORE = paths.processed_dir()  # where `make data` wrote the store (RADAR_DATA_DIR at start, if set)
STORE_FIXTURES = {"table", "population", "real_store"}
# Modules whose tests read the real store without asking for one of STORE_FIXTURES (through the query
# layer's default folder, the territory index, the map geometry ...).
STORE_MODULES = {
    "test_commune_geo",
    "test_commune_map",
    "test_commune_store",
    "test_commune_social",
    "test_geo_maps",
    "test_local_profile",
    "test_store_contract",
    "test_reference_figures",
    "test_french_numbers",  # every page through AppTest
    "test_upload_communes",  # these copy the real store (tests/upload_helpers.copy_store) and publish into it
    "test_upload_properties",
    "test_versions",
    "test_versions_protocol",
}
# App tests that read the fixture store (the demo store of `make demo`): not ``store``, run by `make test-fast`.
FIXTURE_APP_MODULES = {"test_app_demo_store", "test_app_radar_publish"}
# The fast lane (`make test-fast`) also leaves out the tests that kill processes, generate hundreds of
# files or rebuild the store; `make test` runs everything.
SLOW_MODULES = {
    "test_store_scaled",
    "test_versions_protocol",
    "test_upload_properties",
    "test_pipeline",
    "test_versions",
    "test_upload_communes",
}


def pytest_collection_modifyitems(items):
    for item in items:
        name = item.module.__name__.rsplit(".", 1)[-1]
        if name.startswith("test_app_"):
            item.add_marker(pytest.mark.app)
        if name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        real = STORE_FIXTURES & set(item.fixturenames) or name in STORE_MODULES
        fixture_app = name in FIXTURE_APP_MODULES
        if real or (item.get_closest_marker("app") and not fixture_app) or item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.store)


@pytest.fixture(scope="session")
def fixture_store_dir(tmp_path_factory) -> Path:
    """The fixture store, written once per session (per xdist worker)."""
    return fixture_store.write(tmp_path_factory.mktemp("fixture-store"))


_STORE_OF_THE_CACHES: list[str] = []  # the store folder Streamlit's process-wide caches were filled from


def _forget_caches_of_another_store(folder: str) -> None:
    """Clear Streamlit's caches when this test reads another store than the previous one in this process.

    A few caches hold what no publish changes (the population, the territory index) without the version in
    their key; in production a process serves one store, but a test process switches between the fixture
    store and the real one (and pytest-xdist gives each worker its own mix of modules)."""
    if _STORE_OF_THE_CACHES and _STORE_OF_THE_CACHES[-1] != folder:
        import streamlit as st

        st.cache_resource.clear()
        st.cache_data.clear()
    _STORE_OF_THE_CACHES[:] = [folder]


@pytest.fixture
def fresh_caches():
    """Streamlit's process-wide caches emptied before and after the test (a test on its own copy of a store)."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def _store_folder(request, monkeypatch):
    """Tests not marked ``store`` read the fixture store; ``store`` tests read the real one.

    Every test gets its own analysts' login database (``RADAR_AUTH_DB``): no throttle state across tests.
    Module- and session-scoped fixtures are set up before this one, with the environment the session
    started with (the real store): one that reads the store must ask for ``real_store`` (and pass it on)
    or ``fixture_store_dir``. `make test-fast` on a clone without data/processed catches one that does not."""
    if request.node.get_closest_marker("store"):
        monkeypatch.setenv("RADAR_DATA_DIR", str(REAL_STORE))
    else:
        monkeypatch.setenv("RADAR_DATA_DIR", str(request.getfixturevalue("fixture_store_dir")))
    _forget_caches_of_another_store(os.environ["RADAR_DATA_DIR"])
    monkeypatch.setenv("RADAR_AUTH_DB", str(request.getfixturevalue("tmp_path") / "auth.sqlite3"))
    monkeypatch.delenv("RADAR_DATABASE_URL", raising=False)  # the embedded backend unless a test asks (backend)
    monkeypatch.setenv("RADAR_SIGNALS_REFRESH", "off")  # no background radar run per test publish (issue 28)
    yield
    _STORE_OF_THE_CACHES[:] = [os.environ.get("RADAR_DATA_DIR", "")]  # a test may have pointed it at a copy


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the session (tests/pg_server.py); skipped with the reason when none can be
    reached or started, except under CI=true, where the scaled backend must be tested."""
    from tests import pg_server as pg

    try:
        server = pg.start()
    except pg.Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the PostgreSQL backend: {exc}")
        pytest.skip(f"PostgreSQL backend not tested: {exc}")
    yield server
    server.shutdown()


@pytest.fixture(params=["local", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, monkeypatch):
    """Run a store test once per backend of indicators.storage.versions: ``local`` (versions on disk; None)
    and ``postgres`` (RADAR_DATABASE_URL on a schema of its own, dropped after; the pg_server.Server)."""
    if request.param == "local":
        yield None
        return
    from indicators.storage import pg_versions

    server = request.getfixturevalue("pg_server")
    schema, url = server.new_schema()
    monkeypatch.setenv("RADAR_DATABASE_URL", url)
    yield server
    pg_versions.forget(url)
    server.drop_schema(schema)


@pytest.fixture(scope="session")
def fixture_table(fixture_store_dir) -> pd.DataFrame:
    """The fixture store's published table."""
    return store.load_indicators(fixture_store_dir)


@pytest.fixture(scope="session")
def real_store() -> Path:
    """The store built by `make data` (its folder)."""
    return REAL_STORE


@pytest.fixture(scope="session")
def table(real_store) -> pd.DataFrame:
    return store.load_indicators(real_store)


@pytest.fixture(scope="session")
def population(real_store) -> pd.DataFrame:
    return store.load_population(real_store)


def value(table: pd.DataFrame, indicator_id: str, code: str, year: int, level: str = "departement") -> float:
    """The single observed value of the store for a key (fails if missing or duplicated)."""
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["year"] == year)
        & (table["territory_level"] == level)
        & (table["variant"] == "observed")
    ]
    assert len(rows) == 1, f"{indicator_id} {level} {code} {year}: {len(rows)} rows"
    return float(rows["value"].iloc[0])


def departement_values(table: pd.DataFrame, indicator_id: str, year: int) -> pd.Series:
    """Observed values of every département for one indicator and year, by code."""
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["year"] == year)
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    ]
    return rows.set_index("territory_code")["value"]
