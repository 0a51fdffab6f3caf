"""Backtest of the population projection: project from a past base year, compare with the estimates.

Mean absolute percentage error (MAPE) over départements of the total, 65+ and 75+ populations, for the
central variant and two naive baselines: the population held constant at the base year, and the linear
trend of the ten years before the base year (least squares, extrapolated).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from indicators.models import projections, trends
from indicators.models.projections import past_errors, project_groups, project_population

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


# --- Rates: rolling origins, horizons 1-10, settings chosen on early origins, held-out coverage -------

RATE_CANDIDATES = [trends.LAST_VALUE] + [
    trends.Setting(w, k, phi) for w in (0.5, 1.0) for k in (3, 5, 8) for phi in (0.6, 0.8, 0.95)
]


def error_measures(actual, forecast) -> dict[str, float]:
    """MAE, MAPE (%), bias (mean signed error, forecast − actual) and P90 of the absolute error."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    gap = forecast - actual
    nonzero = np.abs(actual) > 1e-9
    return {
        "mae": float(np.mean(np.abs(gap))),
        "mape": float(np.mean(np.abs(gap[nonzero]) / np.abs(actual[nonzero])) * 100),
        "bias": float(np.mean(gap)),
        "p90_abs": float(np.quantile(np.abs(gap), 0.9)),
    }


def split_year(errors: pd.DataFrame) -> int:
    """Origins up to this year are 'early' (used for choices); later origins are reported out of sample."""
    return int(np.median(errors["origin"].unique()))


def select_rate_settings(table: pd.DataFrame, indicators=trends.INDICATORS) -> pd.DataFrame:
    """Per indicator: MAE (original scale) of every candidate on the early origins (targets up to the
    split year) and the winner. Returns indicator_id, setting, mae, chosen."""
    items = list(trends.series(table, indicators))
    rows = []
    for indicator_id in indicators:
        mine = [it for it in items if it[0][2] == indicator_id]
        cap = trends.cap_of(indicator_id)
        base = trends.pooled_errors(mine, {indicator_id: trends.LAST_VALUE})
        if base.empty:
            continue
        split = split_year(base)
        for cand in RATE_CANDIDATES:
            e = trends.pooled_errors(mine, {indicator_id: cand})
            e = e[e["target"] <= split]
            mae = np.mean(np.abs(trends.from_logit(e["forecast"], cap) - trends.from_logit(e["actual"], cap)))
            rows.append({"indicator_id": indicator_id, "setting": cand, "mae": float(mae), "split": split})
    out = pd.DataFrame(rows)
    best = out.loc[out.groupby("indicator_id")["mae"].idxmin()]
    return out.assign(chosen=out.index.isin(best.index))


def rate_held_out(table: pd.DataFrame, indicators=trends.INDICATORS, settings=None, bands=None) -> pd.DataFrame:
    """For every indicator, the late origins T (after the split year): bands calibrated only on errors
    whose target is at most T (what a table cut at T knows), compared with what happened at T+1..T+10.
    Returns one row per forecast: indicator_id, territory_code, origin, horizon, actual, trend, naive,
    p10, p25, p75, p90 (original scale)."""
    items = list(trends.series(table, indicators))
    return held_out(items, indicators, settings, trends.BAND_SETTINGS if bands is None else bands)


def held_out(items, indicators, settings=None, bands=None, early: bool = False) -> pd.DataFrame:
    """rate_held_out on given series: items = ((level, code, indicator_id), consecutive values by year).
    bands: indicator id -> trends.BandSetting (default trends.NOMINAL). early: the origins up to the split
    year instead, forecasts of targets up to the split year only (what the band settings are chosen on)."""
    out = []
    for indicator_id in indicators:
        mine = [it for it in items if it[0][2] == indicator_id]
        errors = trends.pooled_errors(mine, settings)
        if errors.empty:
            continue
        cap = trends.cap_of(indicator_id)
        split = split_year(errors)
        for origin in sorted(o for o in errors["origin"].unique() if (o <= split) == early):
            q = trends.calibrate(
                errors[errors["target"] <= origin], trends.MAX_HORIZON, (bands or {}).get(indicator_id, trends.NOMINAL)
            )
            now = errors[errors["origin"] == origin]
            now = now[now["target"] <= split] if early else now
            if q.empty or now.empty:
                continue
            qh = q.reindex(now["horizon"]).to_numpy()
            frame = {
                "indicator_id": indicator_id,
                "territory_code": now["territory_code"].to_numpy(),
                "origin": origin,
                "horizon": now["horizon"].to_numpy(),
                "actual": trends.from_logit(now["actual"], cap),
                "trend": trends.from_logit(now["forecast"], cap),
            }
            for i, v in enumerate(trends.LEVELS_Q):
                frame[v.removeprefix("trend_")] = trends.from_logit(
                    now["forecast"].to_numpy() + qh[:, i] * now["scale"].to_numpy(), cap
                )
            out.append(pd.DataFrame(frame))
    if not out:
        return pd.DataFrame(columns=["indicator_id", "territory_code", "origin", "horizon", "actual", "trend", "naive"])
    held = pd.concat(out, ignore_index=True)
    last = {}
    for (_, code, indicator_id), s in items:
        last[(code, indicator_id)] = s
    naive = [
        last[(c, i)].get(o, np.nan)
        for c, i, o in zip(held["territory_code"], held["indicator_id"], held["origin"], strict=True)
    ]
    return held.assign(naive=naive)


BAND_MARGIN = 2.0
BAND_CANDIDATES = [
    trends.BandSetting(symmetric, inner, outer)
    for symmetric in (False, True)
    for inner in (0.4, 0.5, 0.6)
    for outer in (0.7, 0.8, 0.9)
]


def select_band_settings(table: pd.DataFrame, indicators=trends.INDICATORS) -> pd.DataFrame:
    """Per indicator and candidate band setting: coverage of the 50 % and 80 % bands on the early origins
    (up to the split year, targets up to it, each band calibrated on the errors known at its origin), the
    distance |c50 − 50| + |c80 − 80| and the winner (the nominal setting wins unless another is closer by
    more than BAND_MARGIN points: the early origins are few)."""
    items = list(trends.series(table, indicators))
    rows = []
    for indicator_id in indicators:
        for cand in BAND_CANDIDATES:
            held = held_out(items, (indicator_id,), None, {indicator_id: cand}, early=True)
            if held.empty:
                continue
            c50 = float(((held["actual"] >= held["p25"]) & (held["actual"] <= held["p75"])).mean() * 100)
            c80 = float(((held["actual"] >= held["p10"]) & (held["actual"] <= held["p90"])).mean() * 100)
            distance = abs(c50 - 50) + abs(c80 - 80) - (BAND_MARGIN if cand == trends.NOMINAL else 0.0)
            rows.append({"indicator_id": indicator_id, "setting": cand, "c50": c50, "c80": c80, "distance": distance})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    best = out.loc[out.groupby("indicator_id")["distance"].idxmin()]
    return out.assign(chosen=out.index.isin(best.index))


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


def rate_table(held: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: held-out coverage of the 50 % and 80 % bands (%), MAE of the central path and of the
    last value, their ratio, bias and P90 of the absolute error, origins and forecasts."""
    rows = {}
    for indicator_id, h in held.groupby("indicator_id", sort=False):
        m = error_measures(h["actual"], h["trend"])
        naive = error_measures(h["actual"], h["naive"])
        rows[indicator_id] = {
            "coverage_50": float(((h["actual"] >= h["p25"]) & (h["actual"] <= h["p75"])).mean() * 100),
            "coverage_80": float(((h["actual"] >= h["p10"]) & (h["actual"] <= h["p90"])).mean() * 100),
            "mae_trend": m["mae"],
            "mae_last_value": naive["mae"],
            "mae_ratio": m["mae"] / naive["mae"] if naive["mae"] else np.nan,
            "bias": m["bias"],
            "p90_abs": m["p90_abs"],
            "origins": f"{h['origin'].min()}-{h['origin'].max()}",
            "forecasts": len(h),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# --- Needs: the combined population + rate bands of projected recipients, from a past origin -------

NEED_RUNS = ((2010, 10), (2015, 5))


def need_paths(table: pd.DataFrame, population: pd.DataFrame, origin: int, horizon: int) -> pd.DataFrame:
    """What ``needs.project_all`` would have said at ``origin`` (recipients counted up to 31/12/origin,
    population estimated up to 1/1/origin+1, projected from there) beside the recipients then observed:
    territory_code, indicator_id, year, horizon, observed, central, p10, p25, p75, p90 (years origin+1 …
    origin+horizon that are observed)."""
    from indicators.models import needs

    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    dep = population[population["territory_code"] != "FR"]
    past_pop = dep[dep["year"] <= origin + 1]
    projected = project_population(past_pop, origin + 1, until=origin + horizon + 1)
    ahead = needs.project_all(observed[observed["year"] <= origin], past_pop, projected, origin + horizon)
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


# --- Population: origins × horizons × age groups, the central path and the p10-p90 interval ----------

GROUPS = {"total": (0, None), "0-19": (0, 19), "20-64": (20, 64), "65+": (65, None), "75+": (75, None)}
POPULATION_RUNS = ((2003, 10), (2008, 10), (2013, 10), (2008, 5), (2013, 5), (2018, 5))


def _groups(population: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year (+ variant) -> one column per age group of GROUPS."""
    start = population["age_band"].str.extract(r"^(\d+)")[0].astype(int)
    keys = ["territory_code", "year"] + (["variant"] if "variant" in population else [])
    out = {}
    for name, (low, high) in GROUPS.items():
        inside = (start >= low) & (start <= high if high is not None else True)
        out[name] = population[inside].groupby(keys)["population"].sum()
    return pd.DataFrame(out)


def origin_projections(population: pd.DataFrame, runs=POPULATION_RUNS) -> dict[int, pd.DataFrame]:
    """origin -> ``project_groups`` (age groups with their own intervals) from the départements' history up
    to that origin, to its furthest target."""
    dep = population[population["territory_code"] != "FR"]
    until: dict[int, int] = {}
    for origin, horizon in runs:
        until[origin] = max(until.get(origin, 0), origin + horizon)
    return {o: project_groups(dep[dep["year"] <= o], o, until=u) for o, u in until.items()}


def population_table(
    population: pd.DataFrame, runs=POPULATION_RUNS, projected: dict[int, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """One row per (origin, horizon, age group): MAPE, bias (mean signed % error) and P90 of the absolute
    % error of the central variant over départements, and the share of départements whose observed value
    falls inside [p10, p90] and [p25, p75] (%). projected: ``origin_projections``, when already computed."""
    dep = population[population["territory_code"] != "FR"]
    observed = _groups(dep)
    projected = projected or origin_projections(population, runs)
    rows = []
    for origin, horizon in runs:
        target = origin + horizon
        at = projected[origin]
        at = at[at["year"] == target].pivot_table(
            index=["group", "territory_code"], columns="variant", values="population"
        )
        obs = observed.xs(target, level="year")
        for group in GROUPS:
            wide = at.loc[group]
            o = obs[group].reindex(wide.index)
            pct = (wide["central"] - o) / o * 100
            rows.append(
                {
                    "origin": origin,
                    "horizon": horizon,
                    "group": group,
                    "mape": float(pct.abs().mean()),
                    "bias": float(pct.mean()),
                    "p90_abs": float(pct.abs().quantile(0.9)),
                    "coverage_80": float(((o >= wide["p10"]) & (o <= wide["p90"])).mean() * 100),
                    "coverage_50": float(((o >= wide["p25"]) & (o <= wide["p75"])).mean() * 100),
                    "departements": len(o),
                }
            )
    return pd.DataFrame(rows)


LEVEL_RUNS = ((2003, 10), (2008, 5))  # the runs whose target (2013) is known at the split: level choice
LEVEL_GRID = tuple(round(0.05 * k, 2) for k in range(2, 20))


def select_population_levels(population: pd.DataFrame, runs=LEVEL_RUNS) -> pd.DataFrame:
    """Per age group and level of the grid: the mean coverage (%) on the early runs of the band ±(that
    quantile of the group's absolute past errors at the run's horizon), and which levels are chosen for the
    50 % and 80 % bands (closest mean coverage). Returns group, level, coverage, chosen ('' / '50' / '80')."""
    dep = population[population["territory_code"] != "FR"]
    observed = _groups(dep)
    rows = []
    for origin, horizon in runs:
        past = dep[dep["year"] <= origin]
        errors = past_errors(past, origin)
        central = project_groups(past, origin, origin + horizon)
        central = central[(central["year"] == origin + horizon) & (central["variant"] == "central")]
        central = central.set_index(["group", "territory_code"])["population"]
        obs = observed.xs(origin + horizon, level="year")
        for group in GROUPS:
            c = central.loc[group]
            gap = np.abs(np.log(obs[group].reindex(c.index) / c))
            size = errors.loc[(errors["group"] == group) & (errors["horizon"] == horizon), "error"].abs()
            for level in LEVEL_GRID:
                rows.append((group, level, origin, float((gap <= size.quantile(level)).mean() * 100)))
    table = pd.DataFrame(rows, columns=["group", "level", "origin", "coverage"])
    table = table.groupby(["group", "level"], sort=False)["coverage"].mean().reset_index()
    table["chosen"] = ""
    for target in (50, 80):
        best = (table["coverage"] - target).abs().groupby(table["group"]).idxmin()
        table.loc[best, "chosen"] = str(target)
    return table


SETTING_ORIGINS = tuple(range(1990, 2009))  # early origins: the central settings are chosen on their 10-year errors
EARLY_RUNS = ((2003, 10), (2008, 10), (2008, 5))  # the harness runs before 2013: a candidate must not do worse
RUN_TOLERANCE = 0.05  # … by more than this (points of MAPE, total and 65+) than the reference
REFERENCE = projections.Setting(recent_weight=0.75, earlier_weight=0.10, cwr_weight=1.0)  # child–woman ratio undamped
SETTING_CANDIDATES = tuple(
    projections.Setting(r, e, c) for r in (0.75, 0.9, 1.0) for e in (0.0, 0.1) for c in (0.0, 0.25, 0.5, 0.75, 1.0)
)


def _run_cube(population: pd.DataFrame, origin: int, horizon: int) -> np.ndarray:
    """cube[year, territory, sex, band] of the years origin - 2 * STEP … origin + horizon, for the départements
    estimated in every one of them."""
    years = list(range(origin - 2 * projections.STEP, origin + horizon + 1))
    return projections._cube(population[population["territory_code"] != projections.FRANCE], years)[1]


def _central_mape(cube: np.ndarray, horizon: int, setting) -> dict[str, float]:
    """MAPE (%) of the total and the 65+ of the central path from the run cube's origin, at its last year."""
    projected = projections.central_projection(cube[: 2 * projections.STEP + 1], horizon, setting)[-1]
    masks = projections.group_masks()
    out = {}
    for group in ("total", "65+"):
        p, o = projected[..., masks[group]].sum(axis=(1, 2)), cube[-1][..., masks[group]].sum(axis=(1, 2))
        out[group] = float(np.mean(np.abs(p / o - 1)) * 100)
    return out


def select_population_settings(population: pd.DataFrame, candidates=SETTING_CANDIDATES) -> pd.DataFrame:
    """Per candidate ``projections.Setting``: mean 10-year MAPE of the total and the 65+ over SETTING_ORIGINS, and
    the MAPE of each of EARLY_RUNS (départements estimated from 10 years before the origin to the target); the
    chosen one has the lowest mean total MAPE among the candidates no worse than REFERENCE on any early run by
    more than RUN_TOLERANCE. Origins 2013 and later are not used."""
    runs = sorted({(o, 10) for o in SETTING_ORIGINS} | set(EARLY_RUNS))
    cubes = {run: _run_cube(population, *run) for run in runs}
    rows = []
    for setting in dict.fromkeys((REFERENCE, *candidates)):
        mape = {run: _central_mape(cubes[run], run[1], setting) for run in runs}
        row = setting._asdict()
        for group in ("total", "65+"):
            row[f"mean_{group}"] = float(np.mean([mape[(o, 10)][group] for o in SETTING_ORIGINS]))
            row.update({f"{group}_{o}+{h}": mape[(o, h)][group] for o, h in EARLY_RUNS})
        rows.append(row)
    table = pd.DataFrame(rows)
    run_columns = [c for c in table if "+" in c and not c.startswith("mean")]
    table["eligible"] = (table[run_columns] <= table.loc[0, run_columns] + RUN_TOLERANCE).all(axis=1)
    table["chosen"] = table.index == table.loc[table["eligible"], "mean_total"].idxmin()
    return table


def main() -> None:  # pragma: no cover - a report printed by `python -m indicators.models.backtest`
    from indicators.core import paths

    table = pd.read_parquet(paths.processed_dir() / paths.INDICATORS_FILE)
    population = pd.read_parquet(paths.processed_dir() / paths.POPULATION_FILE)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    print("Population (central variant, interval p10-p90 / p25-p75):")
    print(population_table(population).round(2).to_string(index=False))
    print("\nPopulation: interval levels chosen on the runs with target 2013:")
    levels = select_population_levels(population)
    print(levels[levels["chosen"] != ""].round(1).to_string(index=False))
    observed = table[table["variant"] == "observed"]
    print("\nRates: held-out origins (after the split year), horizons 1-10:")
    print(rate_table(rate_held_out(observed)).round(3).to_string())
    print("\nNeeds (rate part: central path of the need's rate, needs.rate_settings): held-out origins, horizons 1-10:")
    print(rate_table(need_rate_held_out(table, population)).round(4).to_string())
    print("\nNeeds: combined population + rate bands from a past origin, against the observed recipients:")
    print(need_band_table(table, population).round(2).to_string(index=False))
    print("\nRates: settings chosen on the early origins:")
    chosen = select_rate_settings(observed)
    print(chosen[chosen["chosen"]].to_string(index=False))
    if "--settings" in sys.argv:  # every candidate on every early origin: how projections.CENTRAL was chosen
        print("\nPopulation: central settings on the early origins (10-year MAPE %):")
        print(select_population_settings(population).round(3).to_string(index=False))
    if "--bands" in sys.argv:  # slower (every candidate on every early origin): how BAND_SETTINGS was chosen
        print("\nRates: band settings on the early origins (coverage %, chosen):")
        bands = select_band_settings(observed)
        print(bands.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
