"""What the store holds, for the home page and the README: one row per indicator."""

from __future__ import annotations

import pandas as pd

from indicators import catalogue


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Indicator, label, unit, first/last year and number of départements covered (observed rows)."""
    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    stats = observed.groupby("indicator_id").agg(
        first_year=("year", "min"), last_year=("year", "max"), departements=("territory_code", "nunique")
    )
    return _described(stats)


def coverage_of(summary: pd.DataFrame) -> pd.DataFrame:
    """The same table from query.coverage("departement") (no full table needed)."""
    stats = summary.set_index("indicator_id")[["first_year", "last_year", "territories"]]
    return _described(stats.rename(columns={"territories": "departements"}))


def _described(stats: pd.DataFrame) -> pd.DataFrame:
    entries = catalogue.load()
    stats["label"] = [entries[i].label for i in stats.index]
    stats["unit"] = [entries[i].unit for i in stats.index]
    stats["source"] = [entries[i].citation for i in stats.index]
    stats["theme"] = [entries[i].theme for i in stats.index]
    return stats.reset_index()
