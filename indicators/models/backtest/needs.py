"""Backtest of the needs' projections (indicators.models.needs): the rate part of the recipients' bands on
held-out origins, and the combined population + rate bands from a past origin against the recipients then
observed."""

from __future__ import annotations

import pandas as pd

from indicators.models import trends
from indicators.models.backtest.rates import held_out
from indicators.models.projections import project_population


def need_rate_items(table: pd.DataFrame, population: pd.DataFrame):
    """(("departement", code, need id), rate in % by year) of every need: recipients at 31/12/N over the
    age group at 1/1/N+1, the rates whose central-path errors make the rate part of the needs bands."""
    from indicators.core.age_groups import age_group_population
    from indicators.models import needs

    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    for need in needs.NEEDS:
        counts = observed[observed["indicator_id"] == need.id]
        group = age_group_population(population[population["territory_code"] != "FR"], need.ages)
        rate = counts.merge(group.assign(year=group["year"] - 1), on=["territory_code", "year"])
        for code, rows in rate.groupby("territory_code"):
            values = rows.set_index("year")["value"] / rows.set_index("year")["population"] * 100
            yield ("departement", code, need.id), trends.consecutive(values)


def need_rate_held_out(table: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Held-out rate part of the needs: each need's rate on its central path with its band setting
    (``needs.rate_settings``), against "the rate stays at its last value" (naive)."""
    from indicators.models import needs

    items = list(need_rate_items(table, population))
    settings = {n.id: needs.rate_settings(n.id) for n in needs.NEEDS}
    return held_out(
        items, list(settings), {i: s[0] for i, s in settings.items()}, {i: s[1] for i, s in settings.items()}
    )


NEED_RUNS = ((2010, 10), (2015, 5))


def past_population(population: pd.DataFrame, origin: int) -> pd.DataFrame:
    """The départements' population as estimated up to 1/1/origin+1: what a projection made at ``origin`` reads."""
    dep = population[population["territory_code"] != "FR"]
    return dep[dep["year"] <= origin + 1]


def projected_at(population: pd.DataFrame, origin: int, horizon: int) -> pd.DataFrame:
    """The population projection ``need_paths`` starts from (shared by every need)."""
    return project_population(past_population(population, origin), origin + 1, until=origin + horizon + 1)


def need_paths(
    table: pd.DataFrame, population: pd.DataFrame, origin: int, horizon: int, projected=None, only=None
) -> pd.DataFrame:
    """What ``needs.project_all`` would have said at ``origin`` (recipients counted up to 31/12/origin,
    population estimated up to 1/1/origin+1, projected from there) beside the recipients then observed:
    territory_code, indicator_id, year, horizon, observed, central, p10, p25, p75, p90 (years origin+1 …
    origin+horizon that are observed). ``projected``: ``projected_at`` when already computed; ``only``: these
    needs alone (``needs.project_all``)."""
    from indicators.models import needs

    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    past_pop = past_population(population, origin)
    projected = projected_at(population, origin, horizon) if projected is None else projected
    ahead = needs.project_all(observed[observed["year"] <= origin], past_pop, projected, origin + horizon, only)
    wide = ahead.pivot_table(index=["territory_code", "indicator_id", "year"], columns="variant", values="value")
    seen = observed.set_index(["territory_code", "indicator_id", "year"])["value"].rename("observed")
    out = wide.join(seen, how="inner").reset_index()
    last = observed[observed["year"] <= origin].groupby(["territory_code", "indicator_id"])["year"].max()
    out = out.join(last.rename("last"), on=["territory_code", "indicator_id"])
    out = out[out["last"] == origin]  # series observed up to the origin only
    return out.assign(horizon=out["year"] - origin)[
        ["territory_code", "indicator_id", "year", "horizon", "observed", "central", "p10", "p25", "p75", "p90"]
    ]


def need_band_table(table: pd.DataFrame, population: pd.DataFrame, runs=NEED_RUNS) -> pd.DataFrame:
    """Per origin and need, over départements and every horizon up to the run's: MAPE and bias (%) of the
    central path (the rate's central path × projected population), share of observations inside the
    50 % and 80 % bands, and inside the 80 % band at the last horizon."""
    rows = []
    for origin, horizon in runs:
        paths = need_paths(table, population, origin, horizon)
        for need, p in paths.groupby("indicator_id", sort=False):
            pct = (p["central"] - p["observed"]) / p["observed"] * 100
            inside80 = (p["observed"] >= p["p10"]) & (p["observed"] <= p["p90"])
            end = p["horizon"] == p["horizon"].max()
            rows.append(
                {
                    "origin": origin,
                    "indicator_id": need,
                    "horizons": f"1-{int(p['horizon'].max())}",
                    "mape": float(pct.abs().mean()),
                    "bias": float(pct.mean()),
                    "coverage_50": float(((p["observed"] >= p["p25"]) & (p["observed"] <= p["p75"])).mean() * 100),
                    "coverage_80": float(inside80.mean() * 100),
                    "coverage_80_last": float(inside80[end].mean() * 100),
                    "below_p10": float((p["observed"] < p["p10"]).mean() * 100),
                    "above_p90": float((p["observed"] > p["p90"]).mean() * 100),
                    "forecasts": len(p),
                }
            )
    return pd.DataFrame(rows)
