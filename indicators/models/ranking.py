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


def rank_all(table: pd.DataFrame, variant: str = "observed") -> dict[tuple[str, int, str], tuple[int, int]]:
    """``rank_departements`` of every indicator and year at once: (indicator_id, year, territory_code) ->
    (rank, total). One grouped rank instead of one filtered frame per indicator (the compare table)."""
    rows = table[(table["territory_level"] == "departement") & (table["variant"] == variant)]
    ids = rows["indicator_id"].to_numpy(dtype=object)
    better = {i: catalogue.get(i).polarity == "higher_is_better" for i in set(ids)}
    values = rows["value"].to_numpy(dtype=float)
    # Ranking -value upwards is ranking value downwards, ties included ("min": 1 + how many are worse).
    key = pd.Series([v if better[i] else -v for i, v in zip(ids, values, strict=True)], index=rows.index)
    grouped = key.groupby([rows["indicator_id"], rows["year"]], observed=True, sort=False)
    ranks, totals = grouped.rank(method="min").astype(int), grouped.transform("size")
    keys = zip(ids, rows["year"].tolist(), rows["territory_code"].tolist(), strict=True)
    return {k: (int(r), int(n)) for k, r, n in zip(keys, ranks.tolist(), totals.tolist(), strict=True)}
