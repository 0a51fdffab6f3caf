"""Ranks of départements for one indicator and year, in the direction given by the catalogue polarity.

Rank 1 is the département in the most difficult situation: the highest value when higher is worse,
the lowest when higher is better. Neutral indicators are ranked from the highest value down.
Ties share the best rank ("min" method). Départements without a value are not ranked.
"""

from __future__ import annotations

import pandas as pd

from indicators.core import catalogue


def rank_departements(table: pd.DataFrame, indicator_id: str, year: int, variant: str = "observed") -> pd.DataFrame:
    """territory_code, value, rank, total (number of départements ranked), sorted by rank."""
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["year"] == year)
        & (table["territory_level"] == "departement")
        & (table["variant"] == variant)
    ]
    ascending = catalogue.get(indicator_id).polarity == "higher_is_better"
    ranked = rows[["territory_code", "value"]].copy()
    ranked["rank"] = ranked["value"].rank(method="min", ascending=ascending).astype(int)
    ranked["total"] = len(ranked)
    return ranked.sort_values(["rank", "territory_code"]).reset_index(drop=True)
