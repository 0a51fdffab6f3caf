"""Demography-driven social needs: projected recipients = rate × projected population of the age group.

Rates follow the store's rule for stocks: recipients at 31/12/N over the population at 1/1/N+1, so the
recipients of year N are projected from the population projected for 1/1/N+1. A rate is either held
at its last observed value (yearly change 0 %) or changed by a given % a year (e.g. its recent trend).
Spending = recipients × the last observed net spending per recipient (euros of that year, no inflation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.derive import ALL_AGES, AgeGroup, age_group_population

TREND_YEARS = 5
MAX_TREND = 5.0  # % a year, either way


@dataclass(frozen=True)
class Need:
    id: str  # the count in the store
    label: str
    ages: AgeGroup
    spending_id: str | None  # DREES net spending of the same field (k€), None when the State pays


NEEDS = [
    Need("apa_recipients", "Bénéficiaires de l'APA", AgeGroup(75, None), "social_spending_net_elderly"),
    Need("pch_recipients", "Bénéficiaires de la PCH", ALL_AGES, "social_spending_net_disability"),
    Need("ase_children", "Enfants suivis par l'ASE", AgeGroup(0, 19), "social_spending_net_child_welfare"),
    Need("aah_recipients", "Allocataires de l'AAH", AgeGroup(20, 64), None),
    Need("rsa_households", "Foyers allocataires du RSA", AgeGroup(15, 69), "social_spending_net_rsa_insertion"),
]
NEED_BY_ID = {n.id: n for n in NEEDS}
AGE_LABELS = {
    "apa_recipients": "75 ans et plus",
    "pch_recipients": "population totale",
    "ase_children": "0-19 ans",
    "aah_recipients": "20-64 ans",
    "rsa_households": "15-69 ans",
}


@dataclass(frozen=True)
class Baseline:
    """What the projection of one need in one territory starts from."""

    need: str
    last_year: int
    last_rate: float  # recipients per inhabitant of the age group
    trend: float  # recent yearly change of the rate, % a year
    cost_per_recipient: float | None  # € (net spending of cost_year / recipients at 31/12 of cost_year)
    cost_year: int | None
    observed: pd.Series  # recipients by year


def _dep_values(table: pd.DataFrame, indicator_id: str, code: str) -> pd.Series:
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    ]
    return rows.set_index("year")["value"].sort_index()


def rates(counts: pd.Series, group_population: pd.Series) -> pd.Series:
    """count(31/12/N) / population(1/1/N+1), by N."""
    following = group_population.rename(lambda y: y - 1)
    return (counts / following).dropna()


def recent_trend(rate: pd.Series, years: int = TREND_YEARS) -> float:
    """Mean yearly % change of the rate over its last ``years`` years (clipped to ±MAX_TREND)."""
    rate = rate[rate > 0]
    if len(rate) < 2:
        return 0.0
    tail = rate.iloc[-(years + 1) :]
    span = tail.index[-1] - tail.index[0]
    change = ((tail.iloc[-1] / tail.iloc[0]) ** (1 / span) - 1) * 100
    return float(np.clip(change, -MAX_TREND, MAX_TREND))


def baselines(table: pd.DataFrame, population: pd.DataFrame, code: str) -> dict[str, Baseline]:
    """For one département: the last rate, trend and unit cost of every need with observations."""
    age_sex = population[population["territory_code"] == code]
    out = {}
    for need in NEEDS:
        counts = _dep_values(table, need.id, code)
        group = age_group_population(age_sex, need.ages).set_index("year")["population"]
        rate = rates(counts, group)
        if rate.empty:
            continue
        cost, cost_year = None, None
        if need.spending_id:
            spending = _dep_values(table, need.spending_id, code)
            both = spending.index.intersection(counts.index)
            if len(both):
                cost_year = int(both.max())
                cost = float(spending[cost_year] * 1000 / counts[cost_year])
        out[need.id] = Baseline(
            need.id, int(rate.index[-1]), float(rate.iloc[-1]), recent_trend(rate), cost, cost_year, counts
        )
    return out


def group_projection(projected: pd.DataFrame, observed: pd.DataFrame, ages: AgeGroup) -> pd.Series:
    """Population of the age group by year (observed years, then projected ones) for one variant."""
    both = pd.concat([observed, projected[~projected["year"].isin(observed["year"])]], ignore_index=True)
    return age_group_population(both, ages).set_index("year")["population"].sort_index()


def project_need(
    baseline: Baseline,
    group: pd.Series,
    until: int,
    yearly_change: float = 0.0,
    shock_year: int | None = None,
    shock_size: float = 0.0,
    damping: float = 1.0,
) -> pd.DataFrame:
    """year N (31/12/N) -> rate, recipients, spending (€) for N = last_year+1 … until.
    group: population of the age group at 1/1 by year, up to until+1. The k-th year after the last
    observation changes the rate by yearly_change × damping**(k-1) % (damping 1 = a constant change)."""
    years = np.arange(baseline.last_year + 1, until + 1)
    steps = years - baseline.last_year
    rate = baseline.last_rate * np.cumprod(1 + yearly_change / 100 * damping ** (steps - 1.0))
    if shock_year is not None and shock_size:
        rate = rate * np.where(years >= shock_year, 1 + shock_size / 100, 1.0)
    recipients = rate * group.reindex(years + 1).to_numpy()
    cost = baseline.cost_per_recipient
    spending = recipients * cost if cost is not None else np.full(len(years), np.nan)
    return pd.DataFrame({"year": years, "rate": rate, "recipients": recipients, "spending": spending})


def project_all(table: pd.DataFrame, population: pd.DataFrame, projected: pd.DataFrame, until: int) -> pd.DataFrame:
    """Every département, every need, rates held at their last value, for each population variant:
    territory_code, indicator_id, year, variant, value (recipients)."""
    out = []
    for need in NEEDS:
        counts = table[
            (table["indicator_id"] == need.id)
            & (table["territory_level"] == "departement")
            & (table["variant"] == "observed")
        ]
        if counts.empty:
            continue
        obs_group = age_group_population(population[population["territory_code"] != "FR"], need.ages)
        following = obs_group.assign(year=obs_group["year"] - 1)
        rate = counts.merge(following, on=["territory_code", "year"])
        rate = rate.assign(rate=rate["value"] / rate["population"]).sort_values("year")
        last = rate.groupby("territory_code").last()[["year", "rate"]]
        for variant, rows in projected.groupby("variant"):
            group = age_group_population(rows, need.ages)
            group = pd.concat([obs_group, group[~group["year"].isin(obs_group["year"])]])
            group = group.assign(year=group["year"] - 1).merge(last, on="territory_code", suffixes=("", "_last"))
            group = group[(group["year"] > group["year_last"]) & (group["year"] <= until)]
            out.append(
                pd.DataFrame(
                    {
                        "territory_code": group["territory_code"],
                        "indicator_id": need.id,
                        "year": group["year"],
                        "variant": variant,
                        "value": group["population"] * group["rate"],
                    }
                )
            )
    return pd.concat(out, ignore_index=True)
