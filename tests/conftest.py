"""Shared fixtures: the built store (the tests run after `make data`, which `make test` does)."""

from pathlib import Path

import pandas as pd
import pytest

from indicators import store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


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
