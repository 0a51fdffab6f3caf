"""Backtest of the population projection against two naive baselines: project from a past base year and
compare with the estimates.

Mean absolute percentage error (MAPE) over départements of the total, 65+ and 75+ populations, for the
central variant and two naive baselines: the population held constant at the base year, and the linear
trend of the ten years before the base year (least squares, extrapolated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.models.projections import project_population

AGGREGATES = {"total": 0, "65+": 65, "75+": 75}
METHODS = {
    "hamilton_perry": "Hamilton–Perry (variante centrale)",
    "constant": "Population constante",
    "linear_trend": "Tendance linéaire des 10 ans",
}


def _aggregates(population: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year (+ variant when present) -> columns total, 65+, 75+."""
    start = population["age_band"].str.extract(r"^(\d+)")[0].astype(int)
    keys = ["territory_code", "year"] + (["variant"] if "variant" in population else [])
    out = {}
    for name, low in AGGREGATES.items():
        out[name] = population[start >= low].groupby(keys)["population"].sum()
    return pd.DataFrame(out)


def predictions(
    population: pd.DataFrame, base_year: int = 2013, target_year: int = 2023, projected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """territory_code x (observed, hamilton_perry, constant, linear_trend) for each aggregate.
    projected: project_population from base_year to at least target_year, when already computed."""
    dep = population[population["territory_code"] != "FR"]
    observed = _aggregates(dep[dep["year"].isin(range(base_year - 10, target_year + 1))])
    if projected is None:
        projected = project_population(dep[dep["year"] <= base_year], base_year, until=target_year)
    hp = _aggregates(projected[(projected["year"] == target_year) & (projected["variant"] == "central")])
    hp = hp.droplevel(["year", "variant"])
    frames = {
        "observed": observed.xs(target_year, level="year"),
        "hamilton_perry": hp,
        "constant": observed.xs(base_year, level="year"),
    }
    past = observed[observed.index.get_level_values("year") <= base_year]
    years = past.index.get_level_values("year").to_numpy(dtype=float)
    trend = {}
    for code, rows in past.groupby(level="territory_code"):
        x = years[past.index.get_level_values("territory_code") == code]
        trend[code] = {
            c: np.polyval(np.polyfit(x, rows[c].to_numpy(), 1), target_year) if len(x) > 1 else rows[c].iloc[-1]
            for c in AGGREGATES
        }
    frames["linear_trend"] = pd.DataFrame.from_dict(trend, orient="index")
    codes = frames["hamilton_perry"].index.intersection(frames["observed"].index)
    return pd.concat({m: f.reindex(codes) for m, f in frames.items()}, axis=1)


def mape_table(
    population: pd.DataFrame, base_year: int = 2013, target_year: int = 2023, projected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """rows: method; columns: total, 65+, 75+ (MAPE in %), plus the number of départements."""
    pred = predictions(population, base_year, target_year, projected)
    rows = {}
    for method in METHODS:
        errors = (pred[method] - pred["observed"]).abs() / pred["observed"] * 100
        rows[method] = errors.mean()
    table = pd.DataFrame(rows).T[list(AGGREGATES)]
    table["departements"] = len(pred)
    return table
