"""The one schema of the tidy indicator table, shared by the pipeline, the store and uploads."""

from __future__ import annotations

import copy
import functools

import numpy as np
import pandas as pd
import pandera.pandas as pa

KEY = ["territory_level", "territory_code", "indicator_id", "year", "variant"]
COLUMNS = [*KEY, "value", "source_id"]
POPULATION_COLUMNS = ["territory_code", "year", "sex", "age_band", "population"]
AGE_BANDS = [f"{a}-{a + 4}" for a in range(0, 95, 5)] + ["95+"]
# The territory levels and the shape of their codes. commune: 5-character INSEE code (01001, 2A004,
# 97411); epci: 9-digit SIREN. departement, region and france are what the pipeline publishes today.
LEVEL_CODES = {
    "departement": r"^(\d{2}|2[AB]|97\d)$",
    "region": r"^\d{2}$",
    "france": r"^FR$",
    "commune": r"^(\d{5}|2[AB]\d{3})$",
    "epci": r"^\d{9}$",
}
LEVELS = list(LEVEL_CODES)


def code_matches_level(levels: pd.Series, codes: pd.Series) -> pd.Series:
    """True where ``codes`` has the shape of its row's level (False for an unknown level).

    Each pattern is matched once per distinct code (a file of 1 M rows has a few thousand), then spread."""
    level_rows, level_values = pd.factorize(levels, use_na_sentinel=False)
    code_rows, code_values = pd.factorize(codes.astype(str), use_na_sentinel=False)
    distinct = pd.Series(code_values)
    ok = np.zeros(len(codes), dtype=bool)
    for i, level in enumerate(level_values):
        pattern = LEVEL_CODES.get(level) if isinstance(level, str) else None
        if pattern is not None:
            fits = distinct.str.fullmatch(pattern[1:-1]).fillna(False).to_numpy(dtype=bool)
            rows = level_rows == i
            ok[rows] = fits[code_rows[rows]]
    return pd.Series(ok, index=codes.index)


class IndicatorTable(pa.DataFrameModel):
    """territory_level, territory_code, indicator_id, year, variant -> value (+ source_id)."""

    territory_level: str = pa.Field(isin=LEVELS)
    territory_code: str = pa.Field(str_length={"min_value": 2, "max_value": 9})
    indicator_id: str = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    year: int = pa.Field(ge=1900, le=2100)
    variant: str = pa.Field(str_length={"min_value": 1})
    value: float = pa.Field(nullable=False)
    source_id: str = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(error="territory_code does not have the shape of its territory_level")
    def code_fits_level(cls, df: pd.DataFrame) -> pd.Series:
        return code_matches_level(df["territory_level"], df["territory_code"])

    class Config:
        strict = True
        coerce = True
        unique = KEY


class PopulationTable(pa.DataFrameModel):
    territory_code: str = pa.Field(str_matches=r"^(\d{2}|2[AB]|97\d|FR)$")
    year: int = pa.Field(ge=1900, le=2100)
    sex: str = pa.Field(isin=["F", "M"])
    age_band: str = pa.Field(isin=AGE_BANDS)
    population: float = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = True
        unique = ["territory_code", "year", "sex", "age_band"]


def validate_indicators(df: pd.DataFrame, lazy: bool = True, keys_checked: bool = False) -> pd.DataFrame:
    """Validate and coerce; raises pandera's SchemaErrors listing every failure when lazy.

    ``keys_checked``: the caller has already refused duplicate keys (an upload lists them with their line
    numbers): pandera's ``unique=KEY`` check, the costliest of the schema (about half of it on 1 M rows), is
    skipped and the rows are returned in the caller's order, unsorted."""
    if keys_checked:
        return _without_unique().validate(df[COLUMNS], lazy=lazy)
    out = IndicatorTable.validate(df[COLUMNS], lazy=lazy)
    return out.sort_values(KEY).reset_index(drop=True)


@functools.cache
def _without_unique() -> pa.DataFrameSchema:
    schema = copy.deepcopy(IndicatorTable.to_schema())  # to_schema() is pandera's cached object: never modified
    schema.unique = None
    return schema


def validate_population(df: pd.DataFrame, lazy: bool = True) -> pd.DataFrame:
    out = PopulationTable.validate(df[POPULATION_COLUMNS], lazy=lazy)
    return out.sort_values(POPULATION_COLUMNS[:4]).reset_index(drop=True)
