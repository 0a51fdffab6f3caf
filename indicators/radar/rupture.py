"""Rupture: what changed more than expected.

- ``band``: the latest observation of a trend rate (catalogue ``trend:``) fell outside the calibrated
  80 % band of the forecast made the year before (indicators.models.trends run on the rows up to the
  year before, so exactly what the forecasts page would have shown then). Score: 1.2816 × distance to
  the central forecast / half-width of the 80 % band on the logit scale (1.28 = the band's edge).
- ``gap``: the gap to France of an oriented rate widened over two years by more than its own past
  two-year changes explain: (change − their median) / (1.4826 × their MAD), at least MIN_PAST of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.models import trends
from indicators.radar import rules

Z80 = 1.2816  # the normal quantile of an 80 % two-sided band
MIN_PAST = 5
SPAN = 2


def band_forecasts(observed: pd.DataFrame, indicator_id: str, level: str) -> tuple[int, pd.DataFrame] | None:
    """(year L, forecast made at L − 1 for L and L + SPAN: territory × variant) for one trend rate."""
    own = observed[(observed["indicator_id"] == indicator_id) & (observed["territory_level"] == level)]
    if own.empty:
        return None
    last = int(own["year"].max())
    read = observed["indicator_id"].isin(trends.needed_indicators([indicator_id]))  # the rate, its splicing counts
    cut = observed[read & (observed["year"] < last) & observed["territory_level"].isin([level, "france"])]
    rows = trends.build(cut, until=last + SPAN, indicators=[indicator_id])
    rows = rows[(rows["territory_level"] == level) & rows["year"].isin([last, last + SPAN])]
    if rows.empty:
        return None
    wide = rows.pivot_table(index="territory_code", columns=["year", "variant"], values="value")
    return last, wide


def raise_bands(observed: pd.DataFrame, level: str, codes, threshold: float, only=None) -> list[dict]:
    entries = rules.raising(only)
    ids = [i for i in trends.INDICATORS if i in entries]
    wanted = set(codes)
    found = []
    for indicator_id in ids:
        made = band_forecasts(observed, indicator_id, level)
        if made is None:
            continue
        last, wide = made
        cap = trends.cap_of(indicator_id)
        actual = observed[
            (observed["indicator_id"] == indicator_id)
            & (observed["territory_level"] == level)
            & (observed["year"] == last)
        ].set_index("territory_code")
        for code in wanted.intersection(actual.index).intersection(wide.index):
            central, p10, p90 = (wide.at[code, (last, v)] for v in ("trend", "trend_p10", "trend_p90"))
            value = float(actual.at[code, "value"])
            z, zc, z10, z90 = trends.to_logit([value, central, p10, p90], cap)
            half = (z90 - zc) if z > zc else (zc - z10)
            if not np.isfinite(half) or half <= 1e-9:
                continue
            score = Z80 * abs(z - zc) / half
            if score < threshold:
                continue
            later = wide.get((last + SPAN, "trend"))
            found.append(
                rules.signal_row(
                    level,
                    code,
                    indicator_id,
                    "rupture",
                    "band",
                    "worse" if rules.worse_sign(entries[indicator_id]) * (z - zc) > 0 else "better",
                    last,
                    score,
                    value,
                    actual.at[code, "source_id"],
                    since=last - 1,
                    reference=float(central),
                    low=float(p10),
                    high=float(p90),
                    expected_2=None if later is None or pd.isna(later.get(code)) else float(later[code]),
                )
            )
    return found


def gap_series(observed: pd.DataFrame, indicator_id: str, level: str) -> pd.DataFrame:
    """Territory × year of the gap to France (value − France the same year)."""
    rows = observed[observed["indicator_id"] == indicator_id]
    france = rows[rows["territory_level"] == "france"].set_index("year")["value"]
    own = rows[rows["territory_level"] == level].pivot_table(index="territory_code", columns="year", values="value")
    if own.empty or france.empty:
        return pd.DataFrame()
    common = [y for y in own.columns if y in france.index]
    return own[common] - france[common]


def widening(gaps: pd.Series) -> tuple[float, float, int] | None:
    """(score, change over SPAN years, last year) of one territory's gap series, None when too short."""
    return _widening(gaps.index.to_numpy(dtype=float), gaps.to_numpy(dtype=float))


def _widening(years: np.ndarray, gaps: np.ndarray) -> tuple[float, float, int] | None:
    """``widening`` on arrays (years ascending, NaN where no gap): the same arithmetic, without pandas."""
    known = ~np.isnan(gaps)
    years, gaps = years[known].astype(int), gaps[known]
    if len(gaps) < MIN_PAST + SPAN + 1 or years[-1] - years[-1 - SPAN] != SPAN:
        return None
    full = np.full(years.max() - years.min() + 1, np.nan)
    full[years - years.min()] = gaps
    changes = full[SPAN:] - full[:-SPAN]
    changes = changes[~np.isnan(changes)]
    past, change = changes[:-1], float(changes[-1])
    if len(past) < MIN_PAST:
        return None
    middle = float(np.median(past))
    spread = float(np.median(np.abs(past - middle))) * 1.4826
    if spread <= 1e-12:
        return None
    return abs(change - middle) / spread, change, int(years[-1])


def raise_gaps(observed: pd.DataFrame, level: str, codes, threshold: float, only=None) -> list[dict]:
    entries = rules.raising(only)
    found = []
    read = observed[observed["indicator_id"].isin(list(entries))]
    by_indicator = {indicator_id: part for indicator_id, part in read.groupby("indicator_id")}
    for indicator_id, indicator in entries.items():
        mine = by_indicator.get(indicator_id)
        if mine is None:
            continue
        rows = mine[mine["territory_level"] == level]
        if rows["year"].nunique() < MIN_PAST + SPAN + 1:
            continue  # too few years for a widening (gap_series would have fewer columns): skip its pivot
        table = gap_series(mine, indicator_id, level)
        if table.shape[1] < MIN_PAST + SPAN + 1:
            continue
        by_year = rows.set_index(["territory_code", "year"])[["value", "source_id"]]
        by_year = by_year[~by_year.index.duplicated()]
        years, grid = table.columns.to_numpy(dtype=float), table.to_numpy(dtype=float)
        where = {code: i for i, code in enumerate(table.index)}
        column = {int(year): i for i, year in enumerate(years)}
        for code in sorted(set(codes).intersection(table.index)):
            row = grid[where[code]]
            measured = _widening(years, row)
            if measured is None:
                continue
            score, change, last = measured
            before, now = float(row[column[last - SPAN]]), float(row[column[last]])
            if score < threshold or abs(now) <= abs(before) or np.sign(change) != np.sign(now):
                continue  # only a gap that widened, away from France
            value = by_year.loc[[(code, last)]]
            found.append(
                rules.signal_row(
                    level,
                    code,
                    indicator_id,
                    "rupture",
                    "gap",
                    "worse" if rules.worse_sign(indicator) * change > 0 else "better",
                    last,
                    score,
                    value["value"].iloc[0],
                    value["source_id"].iloc[0],
                    since=last - SPAN,
                    previous=before,
                    reference=now,
                )
            )
    return found
