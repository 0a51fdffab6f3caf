"""Backtest of the population projection by age group (indicators.models.projections): origins × horizons
× age groups, the central path and the p10-p90 interval; how the interval levels and the central settings
were chosen on the early origins."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.models import projections
from indicators.models.projections import past_errors, project_groups

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
