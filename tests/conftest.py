"""Shared fixtures: the built store (the tests run after `make data`, which `make test` does)."""

from pathlib import Path

import pandas as pd
import pytest

from indicators import store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
# The fast lane (`make test-fast`) leaves out the browser, the app driven through AppTest, and the
# tests that kill processes, generate hundreds of files or publish into the full store; `make test` runs
# everything.
SLOW_MODULES = {
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


@pytest.fixture(scope="session")
def table() -> pd.DataFrame:
    return store.load_indicators()


@pytest.fixture(scope="session")
def population() -> pd.DataFrame:
    return store.load_population()


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
