"""Pipeline step: projected rows of the tidy table (never "observed"): population scenario variants
central / low / high and its prediction interval p10 / p25 / p75 / p90 (from past projection errors).

- population, age shares and 5-year change, for départements, complete régions and France, from
  ``projections.project_population`` (base = last estimated year);
- recipients of APA, PCH, ASE, AAH and RSA, each rate on the central path of its trend rate (last value
  or damped drift, ``needs.project_all``): central / low / high for the population variants; p10 … p90
  combine the population interval with the past errors of that central path (quantiles added in quadrature on the log
  scale), summed to complete régions and France (a sum of quantiles: prudent, see needs);
- trend projections of rates with 50 % / 80 % intervals calibrated on past errors
  (variants trend, trend_p10 … trend_p90,
  ``trends.build``), départements and France, series of at least 8 observed years only.
"""

from __future__ import annotations

import pandas as pd

from indicators.build import derive
from indicators.core import catalogue
from indicators.models import needs, projections, trends

UNTIL = 2050
POPULATION_SOURCE = "insee_estimations_population"


def _population_rows(age_sex: pd.DataFrame, projected: pd.DataFrame, base_year: int) -> pd.DataFrame:
    recent = age_sex[age_sex["year"] > base_year - 5]
    out = []
    for variant, rows in projected.groupby("variant"):
        both = pd.concat([recent, rows.drop(columns="variant")], ignore_index=True)
        totals = derive.age_group_population(both, derive.ALL_AGES)
        level = totals["territory_code"].map(lambda c: "france" if c == "FR" else "departement")
        parts = [
            totals.rename(columns={"population": "value"}).assign(
                territory_level=level, indicator_id=catalogue.POPULATION
            ),
            derive.population_indicators(both),
        ]
        frame = pd.concat(parts, ignore_index=True)
        out.append(frame[frame["year"] > base_year][derive.TIDY].assign(variant=variant))
    return pd.concat(out, ignore_index=True).assign(source_id=POPULATION_SOURCE)


def _need_rows(observed: pd.DataFrame, age_sex: pd.DataFrame, projected: pd.DataFrame, only=None) -> pd.DataFrame:
    dep = needs.project_all(observed, age_sex, projected, UNTIL, only=only)
    dep = dep.assign(territory_level="departement")
    source_of = trends.latest_source(observed)
    out = []
    for variant, rows in dep.groupby("variant"):
        summed = derive.aggregate_counts(rows, sorted(rows["indicator_id"].unique()))
        out.append(pd.concat([rows[derive.TIDY], summed], ignore_index=True).assign(variant=variant))
    frame = pd.concat(out, ignore_index=True)
    return frame.assign(source_id=frame["indicator_id"].map(source_of))


def projected_ages(age_sex: pd.DataFrame) -> pd.DataFrame:
    """``projections.project_population`` from the last estimated year to UNTIL + 1, by sex and age: what the
    population and need parts start from (the pipeline caches it as a step of its own)."""
    return projections.project_population(age_sex, int(age_sex["year"].max()), until=UNTIL + 1)


def population_part(age_sex: pd.DataFrame, projected: pd.DataFrame | None = None) -> pd.DataFrame:
    """The projected population, its age shares and change (reads the age table only; ``projected``:
    ``projected_ages(age_sex)`` when already computed)."""
    base_year = int(age_sex["year"].max())
    projected = projected_ages(age_sex) if projected is None else projected
    return _population_rows(age_sex, projected[projected["year"] <= UNTIL], base_year).dropna(subset=["value"])


def need_part(
    observed: pd.DataFrame, age_sex: pd.DataFrame, projected: pd.DataFrame | None = None, only=None
) -> pd.DataFrame:
    """The projected recipients of the needs (reads the needs' rows of ``observed`` and the age table;
    ``projected``: ``projected_ages(age_sex)`` when already computed; ``only``: these needs alone, the
    pipeline's parts, put together by ``joined_needs``)."""
    projected = projected_ages(age_sex) if projected is None else projected
    return _need_rows(observed, age_sex, projected, only).dropna(subset=["value"])


def short_need(observed: pd.DataFrame, age_sex: pd.DataFrame, need_id: str) -> bool | None:
    """Whether this need's projection borrows the errors of every need (``needs.too_short``: its rows alone
    do not say it), None when it has no département rows (no projection)."""
    rate = needs.observed_rate(observed, age_sex, need_id)
    return None if rate is None else needs.too_short(rate, need_id, needs.horizons_of(rate, UNTIL))


def joined_needs(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """``need_part`` of one need each, in the needs' order, put together in the rows' order of ``need_part``
    of them all: for each variant, every need's départements, then the sums of every need in the order of
    their ids."""
    parts = [p for p in parts if len(p.columns)]
    if not parts:
        return pd.DataFrame()
    frame = pd.concat(parts, ignore_index=True)
    dep = frame["territory_level"] == "departement"
    out = []
    for variant in sorted(frame["variant"].unique()):
        mine = frame["variant"] == variant
        out += [frame[mine & dep], frame[mine & ~dep].sort_values("indicator_id", kind="stable")]
    return pd.concat(out, ignore_index=True)


def trend_part(observed: pd.DataFrame, indicators=None) -> pd.DataFrame:
    """The trend projections of the rates (reads the rates' rows of ``observed``, trends.needed_indicators);
    ``indicators``: these rates only (default: every ``trend:`` rate)."""
    return trends.build(observed, indicators=indicators).dropna(subset=["value"])


def build(observed: pd.DataFrame, age_sex: pd.DataFrame) -> pd.DataFrame:
    """observed: the validated observed table; age_sex: population.parquet. Returns projected rows (the
    pipeline runs the three parts as separate steps, each keyed on the rows it reads)."""
    projected = projected_ages(age_sex)
    parts = [population_part(age_sex, projected), need_part(observed, age_sex, projected), trend_part(observed)]
    return pd.concat(parts, ignore_index=True)
