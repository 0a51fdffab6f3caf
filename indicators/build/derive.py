"""Derived indicators: age shares, population change, and ratios of counts to the right population.

Rules (also written in the catalogue):
- stocks counted at 31 December of year N are divided by the population at 1 January N+1;
- yearly flows (spending of year N) are divided by the mean of the populations at 1 January N and N+1;
- régions and France are never averages of rates: counts are summed, then the ratio is recomputed
  over exactly the départements that have a value (numerator and denominator on the same field).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.core import catalogue
from indicators.core.age_groups import ALL_AGES, AgeGroup, age_group_population  # noqa: F401 (re-exported)
from indicators.sources.admin_units import departements, region_of

TIDY = ["territory_level", "territory_code", "indicator_id", "year", "value"]
MAYOTTE = "976"
MIN_DEPARTEMENTS_FOR_FRANCE_RATIO = 98  # all but at most Mayotte and the two Corse départements


@dataclass(frozen=True)
class Ratio:
    indicator_id: str
    numerator: str
    ages: AgeGroup
    scale: float
    timing: str  # "stock": population 1/1/N+1; "flow": mean of 1/1/N and 1/1/N+1; "same": 1/1/N


def catalogue_ratios(entries: dict | None = None) -> list[Ratio]:
    """The derived ratios the catalogue declares (``recipe:``), in catalogue order."""
    entries = entries if entries is not None else catalogue.load(catalogue.CATALOGUE_PATH, store_dir=None)
    return [
        Ratio(i.id, i.recipe.numerator, AgeGroup(*i.recipe.ages), i.recipe.scale, i.recipe.timing)
        for i in entries.values()
        if i.recipe is not None and i.recipe.kind == "ratio"
    ]


def catalogue_shares(entries: dict | None = None) -> dict[str, AgeGroup]:
    """indicator id -> age group of the population shares the catalogue declares (``recipe: {kind: share}``)."""
    entries = entries if entries is not None else catalogue.repository()
    return {i.id: AgeGroup(*i.recipe.ages) for i in entries.values() if i.recipe and i.recipe.kind == "share"}


def catalogue_changes(entries: dict | None = None) -> dict[str, int]:
    """indicator id -> years of the mean annual population changes (``recipe: {kind: change, years}``)."""
    entries = entries if entries is not None else catalogue.repository()
    return {i.id: i.recipe.years for i in entries.values() if i.recipe and i.recipe.kind == "change"}


# What the catalogue declares, read on first use (``derive.RATIOS`` etc. still work, through __getattr__).
declared_ratios = catalogue.lazy(catalogue_ratios, catalogue.load)  # with the analysts' extension, as before
declared_shares = catalogue.lazy(catalogue_shares)
declared_changes = catalogue.lazy(catalogue_changes)
__getattr__ = catalogue.lazy_constants(
    __name__, RATIOS=declared_ratios, SHARES=declared_shares, CHANGES=declared_changes
)


def _denominator(age_sex: pd.DataFrame, ages: AgeGroup, timing: str) -> pd.DataFrame:
    """territory_code, year (of the numerator), denominator."""
    pop = age_group_population(age_sex, ages).set_index(["territory_code", "year"])["population"]
    if timing == "same":
        den = pop
    else:
        following = pop.rename(lambda y: y - 1, level="year")
        den = following if timing == "stock" else (pop + following) / 2
    return den.dropna().rename("denominator").reset_index()


def _with_region(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["region"] = frame["territory_code"].map(region_of())
    return frame


def _complete_regions(frame: pd.DataFrame, value_cols: list[str]) -> pd.DataFrame:
    """Sum over the départements of each région, only where every département has a value."""
    sizes = departements().groupby("region").size()
    grouped = _with_region(frame).groupby(["region", "year"])
    sums = grouped[value_cols].sum()
    counts = grouped.size()
    complete = counts[counts == sizes.reindex(counts.index.get_level_values(0)).to_numpy()].index
    out = sums.loc[complete].reset_index().rename(columns={"region": "territory_code"})
    out["territory_level"] = "region"
    return out


def aggregate_counts(tidy: pd.DataFrame, indicator_ids: list[str]) -> pd.DataFrame:
    """Région sums (complete régions) and France sums (all départements but possibly Mayotte),
    for counts with no published national figure."""
    n_all = len(departements())
    out = []
    for indicator_id in indicator_ids:
        dep = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["territory_level"] == "departement")]
        if dep.empty:
            continue
        regions = _complete_regions(dep, ["value"])
        regions["indicator_id"] = indicator_id
        out.append(regions[TIDY])
        published = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["territory_level"] == "france")]
        grouped = dep.groupby("year")
        by_year = grouped.agg(value=("value", "sum"), n=("value", "size"))
        by_year["mayotte"] = (dep["territory_code"] == MAYOTTE).groupby(dep["year"]).any()
        full = by_year[(by_year["n"] == n_all) | ((by_year["n"] == n_all - 1) & ~by_year["mayotte"])]
        full = full[~full.index.isin(published["year"])]
        out.append(
            pd.DataFrame(
                {
                    "territory_level": "france",
                    "territory_code": "FR",
                    "indicator_id": indicator_id,
                    "year": full.index,
                    "value": full["value"],
                }
            )
        )
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=TIDY)


def _ratio_rows(num_den: pd.DataFrame, indicator_id: str, scale: float) -> pd.DataFrame:
    """num_den: territory_code, year, value (numerator), denominator, for départements."""
    dep = num_den.assign(territory_level="departement")
    regions = _complete_regions(num_den, ["value", "denominator"])
    france = (
        num_den.groupby("year")
        .agg(value=("value", "sum"), denominator=("denominator", "sum"), n=("value", "size"))
        .reset_index()
    )
    france = france[france["n"] >= MIN_DEPARTEMENTS_FOR_FRANCE_RATIO].assign(
        territory_level="france", territory_code="FR"
    )
    rows = pd.concat([dep, regions, france], ignore_index=True)
    rows["value"] = rows["value"] / rows["denominator"] * scale
    rows["indicator_id"] = indicator_id
    return rows[TIDY]


def ratios(tidy: pd.DataFrame, age_sex: pd.DataFrame, recipes: list[Ratio] | None = None) -> pd.DataFrame:
    dep_age = age_sex[age_sex["territory_code"] != "FR"]
    out = []
    for ratio in declared_ratios() if recipes is None else recipes:
        num = tidy[(tidy["indicator_id"] == ratio.numerator) & (tidy["territory_level"] == "departement")]
        den = _denominator(dep_age, ratio.ages, ratio.timing)
        merged = num[["territory_code", "year", "value"]].merge(den, on=["territory_code", "year"])
        if not merged.empty:
            out.append(_ratio_rows(merged, ratio.indicator_id, ratio.scale))
    return pd.concat(out, ignore_index=True)


def _all_levels(pop: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year, population (départements + FR) -> the same with complete régions added,
    and a territory_level column."""
    level = pop["territory_code"].map(lambda c: "france" if c == "FR" else "departement")
    dep = pop[level == "departement"].rename(columns={"population": "value"})
    regions = _complete_regions(dep, ["value"]).rename(columns={"value": "population"})
    both = pd.concat([pop.assign(territory_level=level), regions], ignore_index=True)
    return both[["territory_level", "territory_code", "year", "population"]]


def population_indicators(
    age_sex: pd.DataFrame, shares: dict[str, AgeGroup] | None = None, changes: dict[str, int] | None = None
) -> pd.DataFrame:
    """Population of régions (summed), the catalogue's age shares and mean annual changes, all levels."""
    totals = _all_levels(age_group_population(age_sex, ALL_AGES))
    regions = totals[totals["territory_level"] == "region"]
    out = [regions.rename(columns={"population": "value"}).assign(indicator_id=catalogue.POPULATION)[TIDY]]
    for indicator_id, ages in (declared_shares() if shares is None else shares).items():
        part = _all_levels(age_group_population(age_sex, ages))
        merged = part.merge(totals, on=["territory_level", "territory_code", "year"], suffixes=("", "_all"))
        merged["value"] = merged["population"] / merged["population_all"] * 100
        out.append(merged.assign(indicator_id=indicator_id)[TIDY])
    for indicator_id, years in (declared_changes() if changes is None else changes).items():
        previous = totals.assign(year=totals["year"] + years).rename(columns={"population": "before"})
        change = totals.merge(previous, on=["territory_level", "territory_code", "year"])
        change["value"] = ((change["population"] / change["before"]) ** (1 / years) - 1) * 100
        out.append(change.assign(indicator_id=indicator_id)[TIDY])
    return pd.concat(out, ignore_index=True)


def derived(observed: pd.DataFrame, age_sex: pd.DataFrame, entries: dict | None = None) -> pd.DataFrame:
    """Every indicator the catalogue derives (``recipe:``) plus the région / France sums of the counts the
    ratios divide, with the ``source_id`` of each row (a ratio's is its numerator's, the population's
    otherwise). ``observed``: the source rows (with ``source_id``); ``entries``: the catalogue (default: the
    repository's)."""
    entries = entries if entries is not None else catalogue.repository()
    recipes = catalogue_ratios(entries)
    rows = pd.concat(
        [
            population_indicators(age_sex, catalogue_shares(entries), catalogue_changes(entries)),
            aggregate_counts(observed, [r.numerator for r in recipes]),
            ratios(observed, age_sex, recipes),
        ],
        ignore_index=True,
    )
    rows["source_id"] = _row_sources(rows, observed, {r.indicator_id: r.numerator for r in recipes})
    return rows


def _row_sources(rows: pd.DataFrame, observed: pd.DataFrame, numerator: dict[str, str]) -> pd.Series:
    """The source of each derived row: that of the same year of the counts it rests on (a ratio's numerator,
    a sum's own département rows), so a year from another edition is credited to it; the indicator's first
    source when that year has no source row; the population's for population indicators."""
    from indicators.sources import insee_population

    base = rows["indicator_id"].map(lambda i: numerator.get(i, i))
    yearly = observed.drop_duplicates(["indicator_id", "year"]).set_index(["indicator_id", "year"])["source_id"]
    first = observed.drop_duplicates("indicator_id").set_index("indicator_id")["source_id"]
    same_year = yearly.reindex(pd.MultiIndex.from_arrays([base, rows["year"]])).to_numpy()
    return pd.Series(same_year, index=rows.index).fillna(base.map(first)).fillna(insee_population.SOURCE_ID)
