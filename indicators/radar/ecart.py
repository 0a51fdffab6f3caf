"""Écart: a territory clearly worse (or better) than France AND than the median of its similar
territories, on an oriented indicator, measured on a robust scale of the spread among the territories of
its level (1.4826 × MAD, the standard deviation of a normal spread). Communes and EPCI: the spread among
territories of comparable size (deciles of population), as a small commune's rates spread far more.

The same arithmetic serves the census-point rupture of communes (``changes``): the change of a commune
between two census points against the change of its département and of its similar communes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.codes import among
from indicators.radar import peers, rules

MAD_TO_SD = 1.4826
SIZE_BANDS = 10


def robust_scale(values: pd.Series) -> float:
    values = values.dropna()
    if len(values) < 5:
        return float("nan")
    mad = float((values - values.median()).abs().median()) * MAD_TO_SD
    return mad if mad > 1e-12 else float("nan")


def scales(pool: pd.Series, size: pd.Series | None) -> pd.Series:
    """Robust spread for every territory of the pool: one for the level, or one per size band."""
    if size is None or size.empty:
        return pd.Series(robust_scale(pool), index=pool.index)
    known = size.reindex(pool.index)
    bands = pd.qcut(np.log10(known.clip(lower=1)), SIZE_BANDS, labels=False, duplicates="drop")
    out = pd.Series(np.nan, index=pool.index)
    for band in bands.dropna().unique():
        members = bands.index[bands == band]
        out[members] = robust_scale(pool[members])
    return out


def similar_median(pool: pd.Series, near: dict[str, list[str]], codes) -> pd.Series:
    """Median of the similar territories' values (NaN with fewer than MIN_SIMILAR of them)."""
    codes = list(codes)
    width = max((len(near.get(c, [])) for c in codes), default=0)
    if not codes or width == 0:
        return pd.Series(np.nan, index=codes, dtype=float)
    flat = [n for c in codes for n in near.get(c, []) + [None] * (width - len(near.get(c, [])))]
    found = pool.index.get_indexer(flat)  # -1: a padding slot or a territory without a value -> the NaN appended
    own = np.append(pool.to_numpy(dtype=float), np.nan)[found].reshape(len(codes), width)
    values = pd.DataFrame(own, index=codes)
    median = values.median(axis=1)
    return median.where(values.notna().sum(axis=1) >= rules.MIN_SIMILAR)


def oriented_gaps(value, first, second, scale, sign: int) -> pd.DataFrame:
    """Signed robust z to each reference (positive = worse) and the signal's score: the smaller of the two
    when both agree, the first alone when the second is missing; 0 when they disagree."""
    a = sign * (value - first) / scale
    b = sign * (value - second) / scale
    agree = np.sign(a) == np.sign(b)
    score = np.where(b.isna(), a.abs(), np.where(agree, np.minimum(a.abs(), b.abs()), 0.0))
    return pd.DataFrame({"z_first": a, "z_second": b, "score": score}, index=value.index)


def level_pool(observed: pd.DataFrame, indicator_id: str, level: str, year: int) -> pd.Series:
    rows = observed[
        (observed["indicator_id"] == indicator_id) & (observed["territory_level"] == level) & (observed["year"] == year)
    ]
    return rows.set_index("territory_code")["value"].astype(float)


def latest(observed: pd.DataFrame, level: str, ids) -> pd.DataFrame:
    """Each territory's latest observed row of each indicator (indicator_id, territory_code, year, value, source_id)."""
    rows = observed[(observed["territory_level"] == level) & observed["indicator_id"].isin(list(ids))]
    return rows.sort_values("year").drop_duplicates(["indicator_id", "territory_code"], keep="last")


def median_without_each(pool: pd.Series, codes) -> pd.Series:
    """For each of ``codes``, the median of ``pool`` without that territory's own value (leave-one-out);
    the whole pool's median for a code outside it."""
    codes = list(codes)
    ordered = np.sort(pool.dropna().to_numpy(dtype=float))
    n = len(ordered)
    if n < 2:
        return pd.Series(np.nan, index=codes, dtype=float)
    own = pool.reindex(codes).to_numpy(dtype=float)
    inside = ~np.isnan(own)
    rank = np.searchsorted(ordered, np.where(inside, own, 0.0), side="left")

    def at(j: int) -> np.ndarray:  # the j-th smallest value once the territory's own value is removed
        return np.where(j < rank, ordered[j], ordered[min(j + 1, n - 1)])

    half = (n - 1) // 2
    without = at(half) if (n - 1) % 2 else (at(half - 1) + at(half)) / 2
    return pd.Series(np.where(inside, without, float(np.median(ordered))), index=codes, dtype=float)


def first_reference(
    observed: pd.DataFrame, indicator_id: str, year: int, pool: pd.Series, codes, france_of: dict | None = None
) -> tuple:
    """(reference per code, what it is): France's value that year, or when the store has no France row,
    the median of the level's other territories (leave-one-out) — never a median holding the territory.
    ``france_of``: (indicator, year) -> France's value, when the caller indexed them already."""
    if france_of is None:
        france = france_value(observed, indicator_id, year)
    else:
        found = france_of.get((indicator_id, year))
        france = None if found is None else float(found)
    if france is not None:
        return pd.Series(france, index=list(codes), dtype=float), "france"
    return median_without_each(pool, codes), "median"


def france_value(observed: pd.DataFrame, indicator_id: str, year: int) -> float | None:
    rows = observed[
        (observed["indicator_id"] == indicator_id)
        & (observed["territory_level"] == "france")
        & (observed["year"] == year)
    ]
    return float(rows["value"].iloc[0]) if len(rows) else None


def raise_ecarts(
    observed: pd.DataFrame,
    level: str,
    codes,
    similar_of: peers.Similar,
    size: pd.Series | None,
    threshold: float,
    only=None,
) -> list[dict]:
    """The écarts of ``codes`` (every indicator of ``rules.raising(only)`` the level has)."""
    entries = rules.raising(only)
    mine = latest(observed, level, entries)
    mine = mine[among(mine["territory_code"], set(codes))]
    wanted = set(zip(mine["indicator_id"], mine["year"], strict=True))
    own = observed[(observed["territory_level"] == level) & observed["indicator_id"].isin(list(entries))]
    pools = {  # (indicator, year) -> the level's values (level_pool, grouped once instead of one filter each)
        key: rows.set_index("territory_code")["value"].astype(float)
        for key, rows in own.groupby(["indicator_id", "year"])
        if key in wanted
    }
    france = observed[observed["territory_level"] == "france"].drop_duplicates(["indicator_id", "year"])
    france_of = dict(zip(zip(france["indicator_id"], france["year"], strict=True), france["value"], strict=True))
    found = []
    for (indicator_id, year), rows in mine.groupby(["indicator_id", "year"]):
        indicator = entries[indicator_id]
        pool = pools[(indicator_id, year)]
        scale = scales(pool, size).reindex(rows["territory_code"])
        value = rows.set_index("territory_code")["value"].astype(float)
        first, reference_of = first_reference(observed, indicator_id, int(year), pool, value.index, france_of)
        similar = similar_median(pool, similar_of.for_indicator(indicator_id, pool), value.index)
        gaps = oriented_gaps(value, first, similar, scale, rules.worse_sign(indicator))
        source = rows.set_index("territory_code")["source_id"]
        hit = gaps.index[(gaps["score"] >= threshold).to_numpy()]
        columns = (gaps.loc[hit, "z_first"], gaps.loc[hit, "score"], value[hit], source[hit], first[hit], similar[hit])
        for code, z_first, score, own, source_id, reference, reference_2 in zip(hit, *columns, strict=True):
            found.append(
                rules.signal_row(
                    level,
                    code,
                    indicator_id,
                    "ecart",
                    "references",
                    "worse" if z_first > 0 else "better",
                    year,
                    score,
                    own,
                    source_id,
                    since=None,
                    reference=float(reference),
                    reference_of=reference_of,
                    reference_2=None if pd.isna(reference_2) else float(reference_2),
                )
            )
    return found


def raise_census_changes(
    observed: pd.DataFrame,
    level: str,
    codes,
    similar_of: peers.Similar,
    size: pd.Series | None,
    departement_of: dict[str, str],
    threshold: float,
    only=None,
) -> list[dict]:
    """Communes / EPCI: an oriented indicator known at two census points (or more); the change between the
    last two against its département's change and the median change of its similar territories."""
    entries = rules.raising(only)
    rows = observed[(observed["territory_level"] == level) & observed["indicator_id"].isin(list(entries))]
    deps = observed[observed["territory_level"] == "departement"]
    deps = {indicator_id: part for indicator_id, part in deps.groupby("indicator_id")}  # one filter, not one each
    found = []
    for indicator_id, own in rows.groupby("indicator_id"):
        years = sorted(own["year"].unique())
        if len(years) < 2:
            continue
        first, last = int(years[-2]), int(years[-1])
        wide = own[own["year"].isin([first, last])].pivot_table(index="territory_code", columns="year", values="value")
        if first not in wide or last not in wide:
            continue
        change = (wide[last] - wide[first]).dropna()
        dep_rows = deps.get(indicator_id, observed.iloc[:0])
        dep_rows = dep_rows[dep_rows["year"].isin([first, last])]
        dep_rows = dep_rows.pivot_table(index="territory_code", columns="year", values="value")
        dep_change = (dep_rows[last] - dep_rows[first]) if first in dep_rows and last in dep_rows else pd.Series()
        value = change[among(change.index, set(codes))]
        if value.empty:
            continue
        indicator = entries[indicator_id]
        reference = pd.Series(  # its département's change (NaN without one)
            dep_change.reindex(value.index.map(departement_of)).to_numpy(dtype=float), index=value.index
        )
        near = similar_of.for_indicator(indicator_id, wide[last])  # leave-one-out on its latest values
        similar = similar_median(change, near, value.index)
        scale = scales(change, size).reindex(value.index)
        gaps = oriented_gaps(value, reference, similar, scale, rules.worse_sign(indicator))
        gaps = gaps[reference.notna()]
        hit = gaps[gaps["score"] >= threshold]
        latest, earlier = wide[last].to_dict(), wide[first].to_dict()
        source_id = own["source_id"].iloc[-1]
        for code, z_first, score in zip(hit.index, hit["z_first"], hit["score"], strict=True):
            found.append(
                rules.signal_row(
                    level,
                    code,
                    indicator_id,
                    "rupture",
                    "census",
                    "worse" if z_first > 0 else "better",
                    last,
                    score,
                    latest[code],
                    source_id,
                    since=first,
                    previous=float(earlier[code]),
                    reference=float(reference[code]),
                    reference_2=None if pd.isna(similar[code]) else float(similar[code]),
                )
            )
    return found
