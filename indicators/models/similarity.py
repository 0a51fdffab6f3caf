"""Similar départements: Euclidean distance between standardised indicator values (z-scores).

Each indicator is taken at its latest year with at least MIN_COVERAGE départements, standardised over
the départements that have every chosen indicator (mean 0, standard deviation 1), so that each counts
the same whatever its unit. Distance = sqrt(sum over indicators of (z_a - z_b)²).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.storage import territories

MIN_COVERAGE = 90
# The compare page's default (``similarity: {sets: [compare]}``), read on first use (DEFAULT_INDICATORS too).
default_indicators = catalogue.lazy(lambda entries: catalogue.similarity_ids("compare", entries))
__getattr__ = catalogue.lazy_constants(__name__, DEFAULT_INDICATORS=default_indicators)


def indicator_matrix(table: pd.DataFrame, indicator_ids: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Raw values (département × indicator, complete rows only) and the year used for each indicator."""
    rows = table[
        (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
        & table["indicator_id"].isin(indicator_ids)
    ]
    columns, years = {}, {}
    for indicator_id in indicator_ids:
        own = rows[rows["indicator_id"] == indicator_id]
        counts = own.groupby("year")["territory_code"].nunique()
        covered = counts[counts >= MIN_COVERAGE]
        if covered.empty:
            continue
        years[indicator_id] = int(covered.index.max())
        columns[indicator_id] = own[own["year"] == years[indicator_id]].set_index("territory_code")["value"]
    return pd.DataFrame(columns).dropna().sort_index(), years


def standardise(matrix: pd.DataFrame) -> pd.DataFrame:
    spread = matrix.std(ddof=0).replace(0, np.nan)
    return ((matrix - matrix.mean()) / spread).fillna(0.0)


def distances(z: pd.DataFrame, code: str) -> pd.Series:
    """Euclidean distance from ``code`` to every département of ``z`` (itself included, at 0)."""
    return np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1)).rename("distance")


def nearest(z: pd.DataFrame, code: str, k: int = 5) -> pd.DataFrame:
    """The k closest other départements: code, name, distance (ascending, ties by code)."""
    names = territories.departement_names()
    dist = distances(z, code).drop(code).reset_index().rename(columns={"index": "code"})
    dist.columns = ["code", "distance"]
    dist = dist.sort_values(["distance", "code"]).head(k).reset_index(drop=True)
    dist.insert(1, "name", dist["code"].map(names))
    return dist


def breakdown(z: pd.DataFrame, code: str, others: list[str]) -> pd.DataFrame:
    """Per indicator, the gap in standard deviations |z_other - z_code|: why they are close (small = alike)."""
    return (z.loc[others] - z.loc[code]).abs().T
