"""Les métiers du social: the départements' staff by category (DREES), per 1 000 of the need each category
serves, and the staff each would need to 2050 if that ratio held.

The mapping of staff categories to needs (``CATEGORIES``, declared in the catalogue's ``workforce:``) is a
modelling choice, written with its limits:
the DREES counts staff by *profession*, not by *field* (a PMI team is paramedical, medical and
administrative staff), and one category serves several needs at once.

Ratio of year N = staff at 31/12/N / need at 31/12/N × 1 000 (population: at 1/1/N+1, the store's rule for
stocks). Projection "if the ratio held": staff in year Y = staff of the base year × carrier(Y) / carrier(base
year), the carrier being the sum of the needs the store projects (``needs.NEEDS``) that the category serves.
Each band of the needs (p10 … p90) gives the same band of staff; a category serving several needs sums their
bands (they err in the same direction through their common population: a prudent, slightly wide band).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from indicators.core import catalogue
from indicators.models.scenarios import BAND_COLUMNS

LAST_STAFF_YEAR = 2020  # the staff workbook's last year; a category's base year is the last year where its
# staff and every need it serves are published (2019 when RSA households stop there)
MILESTONES = (2030, 2040, 2050)
UNDER_5 = catalogue.UNDER_5  # pseudo need: children aged 0-4 at 1/1/N+1 (the population table's first band)


@dataclass(frozen=True)
class Category:
    id: str  # category in the staff table (indicators.sources.drees_staff.SHEETS)
    label: str
    unit: str  # "ETP" or "agents" (headcount)
    served: tuple[str, ...]  # store indicators (or UNDER_5) summed into the need of the ratio
    served_label: str
    carrier: tuple[str, ...]  # projected needs (needs.NEEDS) that carry the projection; () = not projected
    limits: str


def declared_categories(entries: dict | None = None) -> tuple[Category, ...]:
    """The staff categories of the catalogue's ``workforce:``, in order (``entries``: only a key of the cache)."""
    return tuple(
        Category(
            key,
            item["label"],
            item["unit"],
            tuple(item["served"]),
            item["served_label"],
            tuple(item["carrier"]),
            " ".join(item["limits"].split()),
        )
        for key, item in catalogue.workforce().items()
    )


# Read on first use; ``workforce.CATEGORIES`` and ``CATEGORY_BY_ID`` still work (__getattr__).
categories = catalogue.lazy(declared_categories)
category_by_id = catalogue.lazy(lambda entries: {c.id: c for c in categories()})
__getattr__ = catalogue.lazy_constants(__name__, CATEGORIES=categories, CATEGORY_BY_ID=category_by_id)
# Counted by the DREES but mapped to no need: shown as counts only.
UNMAPPED = {
    "medical": "Personnel médical",
    "psychologists": "Psychologues",
    "medico_technical": "Personnel médico-technique",
    "admin_technical": "Personnel administratif et technique",
}


def need_table(observed: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year, indicator_id, value: the observed needs (store rows, variant observed) and the
    children aged 0-4 at 1/1/N+1 stored as year N under UNDER_5."""
    needs = observed[["territory_code", "year", "indicator_id", "value"]]
    young = (
        population[population["age_band"] == "0-4"]
        .groupby(["territory_code", "year"], as_index=False)["population"]
        .sum()
    )
    young = young.assign(year=young["year"] - 1, indicator_id=UNDER_5).rename(columns={"population": "value"})
    return pd.concat([needs, young[needs.columns]], ignore_index=True)


def _summed(needs: pd.DataFrame, ids: tuple[str, ...]) -> pd.DataFrame:
    """territory_code, year, need: the sum of the ids, only where every one of them is published."""
    wide = needs[needs["indicator_id"].isin(ids)].pivot_table(
        index=["territory_code", "year"], columns="indicator_id", values="value"
    )
    wide = wide.reindex(columns=list(ids)).dropna()
    return wide.sum(axis=1).rename("need").reset_index()


def ratios(staff: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year, category, staff, need, ratio (staff per 1 000 of the need) for every mapped
    category, département and year where both are published (missing stays missing)."""
    parts = []
    for category in categories():
        own = staff[staff["category"] == category.id].rename(columns={"value": "staff"})
        merged = own.merge(_summed(needs, category.served), on=["territory_code", "year"])
        parts.append(merged.assign(ratio=merged["staff"] / merged["need"] * 1000))
    columns = ["territory_code", "year", "category", "staff", "need", "ratio"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def ranks(table: pd.DataFrame) -> pd.DataFrame:
    """territory_code, category, year, rank (1 = the highest ratio), out_of: among the départements
    published in the category's last year (France excluded)."""
    table = table[table["territory_code"].str.len() <= 3]
    last = table.groupby("category")["year"].transform("max")
    rows = table[table["year"] == last].copy()
    rows["rank"] = rows.groupby("category")["ratio"].rank(ascending=False, method="min").astype(int)
    rows["out_of"] = rows.groupby("category")["ratio"].transform("count").astype(int)
    return rows[["territory_code", "category", "year", "rank", "out_of"]]


def carrier_today(needs: pd.DataFrame, code: str, category: Category, year: int) -> float | None:
    """The sum of the category's projected needs in the base year (None when one is missing)."""
    own = needs[
        (needs["territory_code"] == code) & (needs["year"] == year) & needs["indicator_id"].isin(category.carrier)
    ]
    if not category.carrier or own["indicator_id"].nunique() != len(category.carrier):
        return None
    return float(own["value"].sum())


def projection(staff_today: float, carrier_today: float, bands: pd.DataFrame, category: Category) -> pd.DataFrame:
    """year, central, p10 … p90: the staff the category would need if its ratio held. bands: need, year,
    central, p10 … p90 (recipients, scenarios.need_bands of one département). Empty when not projected."""
    columns = ["year", "central", *BAND_COLUMNS]
    own = bands[bands["need"].isin(category.carrier)]
    if not category.carrier or own.empty or not carrier_today:
        return pd.DataFrame(columns=columns)
    complete = own.groupby("year")["need"].nunique() == len(category.carrier)
    summed = own.groupby("year")[columns[1:]].sum()[complete]
    return (summed * (staff_today / carrier_today)).reset_index()[columns]


def scenario_projection(
    staff_today: float, carrier_today: float, results: pd.DataFrame, category: Category
) -> pd.DataFrame:
    """scenario, year, staff, staff_low, staff_high: the same rule through each scenario's trajectories
    (scenarios.run: scenario, need, year, recipients, recipients_low, recipients_high)."""
    columns = ["scenario", "year", "staff", "staff_low", "staff_high"]
    own = results[results["need"].isin(category.carrier)]
    if not category.carrier or own.empty or not carrier_today:
        return pd.DataFrame(columns=columns)
    complete = own.groupby(["scenario", "year"])["need"].nunique() == len(category.carrier)
    summed = own.groupby(["scenario", "year"])[["recipients", "recipients_low", "recipients_high"]].sum()[complete]
    out = summed * (staff_today / carrier_today)
    out.columns = columns[2:]
    return out.reset_index()


def decomposition(staff_today: float, carrier_today: float, total: pd.Series, demography: pd.Series) -> pd.DataFrame:
    """year, change, demography, rates: the change of staff from the base year, split into the part the
    population alone brings (the needs' rates held at their last value: ``demography``, carrier by year)
    and the rest (the rates' own paths: ``total``, carrier by year)."""
    scale = staff_today / carrier_today
    frame = pd.DataFrame({"total": total, "demography": demography}).dropna()
    change = frame["total"] * scale - staff_today
    demo = frame["demography"] * scale - staff_today
    return pd.DataFrame({"year": frame.index, "change": change.values, "demography": demo.values}).assign(
        rates=lambda f: f["change"] - f["demography"]
    )


def rates_held(bases: dict) -> dict:
    """The needs' baselines (needs.Baseline) with every rate held at its last observed value instead of its
    central path: the run whose change is due to the population alone (``decomposition``)."""
    return {need_id: replace(base, central_rate=None) for need_id, base in bases.items()}
