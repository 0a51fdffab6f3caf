"""Population projections by sex and 5-year age band to 2050: the Hamilton–Perry cohort-change method.

For each département and sex, from the INSEE estimates up to the base year B only:
- cohort-change ratio of band a -> a+1 (5-9 … 90-94): population of band a+1 at 1/1/B over band a at
  1/1/B-5. The ratio carries mortality *and* net migration of the département; its gap to the national
  ratio is damped and blended with the span B-10 -> B-5 (``central_ratios``: gap_last ** 0.75 ×
  gap_before ** 0.10);
- open band 95+: 95+ at B over (90-94 + 95+) at B-5 (survivors of the open band stay in it);
- youngest band 0-4: child–woman ratio, 0-4 of each sex over women aged 15-49 at B, its gap to the national
  ratio damped (gap ** 0.5: a département's fertility and young families' moves drift toward the national
  level; DROM: undamped, see ``_central_cube``);
- old-age mortality keeps improving: the national ratios at 65+ of the span B-5 -> B over those of
  B-10 -> B-5 (clipped to ±3 %) are applied once more at each of the first IMPROVEMENT_STEPS steps,
  then held (without it the 75+ are under-projected by 4 % after 10 years).
The population is projected in 5-year steps from B, then each cell is interpolated geometrically
between steps to give every year. France is the sum of the départements projected.

Settings (``CENTRAL``) chosen on the early origins 1990–2008 only (``indicators.models.backtest.
select_population_settings``, mean 10-year MAPE of the département totals, 96 metropolitan départements): the
lowest among the candidates no worse than the undamped child–woman ratio by more than 0.05 point on the
harness runs 2003 -> 2013, 2008 -> 2018 and 2008 -> 2013. Damping the child–woman ratio: 2.66 -> 2.58 %
(65+ unchanged, 2.44 %). Tried on the same origins and not kept: the national child–woman ratio (gap ** 0,
2.57 %, but 2003 -> 2013 1.25 % against 1.03 %); averaging the total with a damped exponential or linear trend
of the département's total, bands rescaled (down to 2.36 %, but 2003 -> 2013 and 2008 -> 2018 much worse: the
1990s' growth accelerated, the 2010s' did not); raking the départements to France projected as one unit
(2.63 %); the old-age improvement measured over ten years or a regression of the spans (65+ better on
1990–2003, 2008 -> 2018 65+ 2.5–3.5 % against 1.56 %); separate gap weights at 65+ and a gap fading with the
steps (no gain). Out of sample (100 départements), 10-year MAPE of the totals from 2013: 1.603 % (was 1.66 %;
the issue's < 1.6 % is missed by a hair), 65+ 2.17 % (unchanged, above the 2 % aimed at: the births' fall after
2014 and the old-age mortality were not foreseeable from 2013). The DROM exception was decided after the 2013
run showed it (their child–woman ratio damped toward the national one: 1.66 %), the early origins having no
DROM to measure it on.

Variants (also written in the catalogue): ``central`` uses the ratios as measured; ``low`` and
``high`` multiply every cohort-change ratio by exp(∓MIGRATION_SHIFT) (about ∓0.15 % of each cohort a
year, the order of the spread of net migration between départements) and the child–woman ratios by
(1 ∓ FERTILITY_SHIFT). In the 2013 -> 2023 backtest, 79 % of départements end between low and high.

Prediction interval ``p10`` / ``p25`` / ``p75`` / ``p90`` (a probability statement, unlike low / high):
the errors of the projections this method would have made at every origin from 1985 to B - 1 (horizons
1–10 known by B), for the total and each age group of ``GROUPS`` (``past_errors``, ``error_quantiles``).
The rows' interval is the total's, spread over the ages (``interval_cubes``); an age group's own interval
is ``project_groups`` (quantiles do not add up). Measured by ``indicators.models.backtest.population_table``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators.core.schema import AGE_BANDS

STEP = 5
POOLED_SPANS = 1
MIGRATION_SHIFT = 0.0075
FERTILITY_SHIFT = 0.08
OLD_AGE = 65
MAX_IMPROVEMENT = 0.03
IMPROVEMENT_STEPS = 2
SEXES = ("F", "M")
VARIANTS = {"central": 0.0, "low": -1.0, "high": 1.0}
FERTILE = [AGE_BANDS.index(b) for b in ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")]
OUTPUT_COLUMNS = ["territory_code", "year", "sex", "age_band", "variant", "population"]
FRANCE = "FR"
OVERSEAS = "97"  # code prefix of the DROM: their child–woman ratio is not damped toward the national one


class Setting(NamedTuple):
    """Exponents of a département's gaps to the national ratios (below 1: the gap is damped toward national)."""

    recent_weight: float  # gap to the national cohort-change ratios, last span
    earlier_weight: float  # … and the span before
    cwr_weight: float  # gap to the national child–woman ratio, last span


# Chosen on the origins 1990–2008 (``indicators.models.backtest.select_population_settings``).
CENTRAL = Setting(recent_weight=0.75, earlier_weight=0.10, cwr_weight=0.5)


def _cube(history: pd.DataFrame, years: list[int]) -> tuple[list[str], np.ndarray]:
    """(codes, array[year, territory, sex, band]) for the départements observed in every year listed."""
    rows = history[history["year"].isin(years) & (history["territory_code"] != FRANCE)]
    wide = rows.pivot_table(
        index=["territory_code", "year"], columns=["sex", "age_band"], values="population", aggfunc="sum"
    )
    wide = wide.reindex(columns=pd.MultiIndex.from_product([SEXES, AGE_BANDS]))
    complete = wide.notna().all(axis=1).groupby(level=0).sum()
    codes = sorted(complete[complete == len(years)].index)
    wide = wide.loc[codes].reindex(pd.MultiIndex.from_product([codes, years]))
    cube = wide.to_numpy(dtype=float).reshape(len(codes), len(years), len(SEXES), len(AGE_BANDS))
    return codes, cube.transpose(1, 0, 2, 3)


def _safe_ratio(num: np.ndarray, den: np.ndarray, default: float) -> np.ndarray:
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), default)


def measure_ratios(cube: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From cube[year] (consecutive years, the last POOLED_SPANS + STEP of them are used):
    ccr[territory, sex, band] for bands 1..19 (band 19 = open 95+), cwr[territory, sex]."""
    spans = min(POOLED_SPANS, cube.shape[0] - STEP)
    if spans < 1:
        raise ValueError(f"Hamilton–Perry needs at least {STEP + 1} consecutive years of history")
    end = cube[-spans:]
    start = cube[-spans - STEP : -STEP]
    ccr = np.ones(cube.shape[1:])
    ccr[..., 1:-1] = _safe_ratio(end[..., 1:-1].sum(0), start[..., :-2].sum(0), 1.0)
    ccr[..., -1] = _safe_ratio(end[..., -1].sum(0), start[..., -2:].sum((0, -1)), 1.0)
    women = end[:, :, 0, FERTILE].sum(-1).sum(0)  # [territory]
    cwr = _safe_ratio(end[..., 0].sum(0), women[:, None], 0.0)
    return ccr, cwr


def old_age_improvement(n_recent: np.ndarray, n_before: np.ndarray) -> np.ndarray:
    """[sex, band]: change per step of the national cohort-change ratios n_*[1, sex, band] at OLD_AGE+ between
    the span ending STEP years before the base and the span ending at the base (mortality keeps falling at
    old ages), clipped to ±MAX_IMPROVEMENT."""
    change = np.clip(n_recent[0] / n_before[0], 1 - MAX_IMPROVEMENT, 1 + MAX_IMPROVEMENT)
    old = np.array([int(b.rstrip("+").split("-")[0]) >= OLD_AGE for b in AGE_BANDS])
    return np.where(old[None, :], change, 1.0)


def step(pop: np.ndarray, ccr: np.ndarray, cwr: np.ndarray) -> np.ndarray:
    """Age pop[territory, sex, band] by STEP years."""
    new = np.empty_like(pop)
    new[..., 1:-1] = ccr[..., 1:-1] * pop[..., :-2]
    new[..., -1] = ccr[..., -1] * (pop[..., -2] + pop[..., -1])
    women = new[:, 0, FERTILE].sum(-1)
    new[..., 0] = cwr * women[:, None]
    return new


def _interpolate(a: np.ndarray, b: np.ndarray, share: float) -> np.ndarray:
    """Geometric interpolation between two steps (linear where a cell is zero)."""
    both = (a > 0) & (b > 0)
    geometric = np.where(both, a * np.power(np.where(both, b / np.where(a > 0, a, 1), 1), share), 0)
    return np.where(both, geometric, a + (b - a) * share)


def project_cube(
    base: np.ndarray, ccr: np.ndarray, cwr: np.ndarray, horizon: int, improvement: np.ndarray | None = None
) -> np.ndarray:
    """array[h-1, territory, sex, band] for h = 1..horizon years after the base.
    improvement[sex, band]: factor applied to the ratios at each further step (up to IMPROVEMENT_STEPS)."""
    steps = [base]
    while STEP * (len(steps) - 1) < horizon:
        k = min(len(steps), IMPROVEMENT_STEPS)
        factor = 1.0 if improvement is None else improvement[None] ** k
        steps.append(step(steps[-1], ccr * factor, cwr))
    out = []
    for h in range(1, horizon + 1):
        k, r = divmod(h, STEP)
        out.append(steps[k] if r == 0 else _interpolate(steps[k], steps[k + 1], r / STEP))
    return np.stack(out)


def _long(codes: list[str], years: list[int], cube: np.ndarray, variant: str) -> pd.DataFrame:
    n_y, n_t, n_s, n_b = cube.shape
    return pd.DataFrame(
        {
            "territory_code": np.tile(np.repeat(np.array(codes, dtype=object), n_s * n_b), n_y),
            "year": np.repeat(np.array(years, dtype=np.int64), n_t * n_s * n_b),
            "sex": np.tile(np.repeat(np.array(SEXES, dtype=object), n_b), n_y * n_t),
            "age_band": np.tile(np.array(AGE_BANDS, dtype=object), n_y * n_t * n_s),
            "variant": variant,
            "population": cube.reshape(-1),
        }
    )


INTERVALS = {"p10": 0.10, "p25": 0.25, "p75": 0.75, "p90": 0.90}
FIRST_ORIGIN = 1985  # past projections start here (the estimates start in 1975, two spans are needed)
ERROR_HORIZON = 10
# The age groups whose past errors are measured, each with an interval of its own (they overlap).
GROUPS = {"total": (0, None), "0-19": (0, 19), "20-64": (20, 64), "65+": (65, None), "75+": (75, None)}
SHAPE = ("0-19", "20-64", "65+")  # disjoint, every age: how the total's interval is spread over the ages
# (50 %, 80 %) band -> level of the quantile of a group's absolute past errors, chosen by
# ``indicators.models.backtest.select_population_levels`` on the runs whose target is known by 2013
# (origins 2003 -> 2013 and 2008 -> 2013): the levels whose coverage there is closest to 50 % and 80 %
# (past errors are fat-tailed and correlated within an origin: the nominal levels 0.5 / 0.8 cover more).
# Origins 2013 and 2018 are out of sample. Scaling errors by département size or by the département's
# own past errors, and weighting recent origins more, were tried: no better coverage.
GROUP_LEVELS = {"total": (0.4, 0.6), "0-19": (0.3, 0.6), "20-64": (0.4, 0.7), "65+": (0.5, 0.8), "75+": (0.3, 0.6)}


def _window(past: pd.DataFrame, base_year: int) -> list[int]:
    """The years of ``past`` a projection from ``base_year`` reads its cohort ratios from."""
    available = set(past["year"])
    return [y for y in range(base_year - POOLED_SPANS - STEP + 1, base_year + 1) if y in available]


def _window_complete(window: list[int]) -> bool:
    return len(window) >= STEP + 1 and window[-1] - window[0] == len(window) - 1


def projectable(history: pd.DataFrame) -> bool:
    """Whether ``history`` holds the consecutive years before its last one that Hamilton–Perry needs (a small
    store, such as the demo's one year of estimates, does not: no projection rather than a made-up one)."""
    return not history.empty and _window_complete(_window(history, int(history["year"].max())))


def _central_cube(past: pd.DataFrame, base_year: int):
    """(codes, base population[territory, sex, band], ccr, cwr, improvement) from the history up to base_year:
    ``central_ratios`` where the 2 * STEP years before are known; a département with a shorter history keeps
    the cohort-change and child–woman ratios of its last span, and so does a DROM its child–woman ratio (its
    fertility is far from the national one, and the damping was chosen on metropolitan départements only: the
    DROM's estimates by age are complete from 1999, after the early origins)."""
    available = set(past["year"])
    window = _window(past, base_year)
    if not _window_complete(window):
        raise ValueError(f"Hamilton–Perry needs the {len(window)} years before {base_year}, consecutive")
    codes, cube = _cube(past, window)
    if not codes:
        raise ValueError(f"no département has a complete history up to {base_year}")
    ccr, cwr = measure_ratios(cube)
    long_window = [y for y in range(base_year - 2 * STEP, base_year + 1) if y in available]
    improvement = None
    if len(long_window) == 2 * STEP + 1:
        long_codes, long_cube = _cube(past, long_window)
        if long_codes:
            long_ccr, long_cwr, improvement = central_ratios(long_cube)
            row = {code: i for i, code in enumerate(long_codes)}
            for i, code in enumerate(codes):
                if code in row:
                    ccr[i] = long_ccr[row[code]]
                    cwr[i] = cwr[i] if code.startswith(OVERSEAS) else long_cwr[row[code]]
    return codes, cube[-1], ccr, cwr, improvement


def _gap(own: np.ndarray, national: np.ndarray) -> np.ndarray:
    """own / national, 1 where either is not positive."""
    gap = _safe_ratio(own, np.broadcast_to(national, own.shape), 1.0)
    return np.where(gap > 0, gap, 1.0)


def central_ratios(cube: np.ndarray, setting: Setting = CENTRAL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ccr[territory, sex, band], cwr[territory, sex], improvement[sex, band]) from cube[year] (the last
    2 * STEP + 1 years): the national ratios of the last span times the département's gaps to them, damped:
    ccr = national × gap_last ** recent_weight × gap_before ** earlier_weight, cwr = national ×
    gap ** cwr_weight (gap = département ratio / national ratio of the same span)."""
    recent, own_cwr = measure_ratios(cube[-STEP - 1 :])
    before, _ = measure_ratios(cube[-2 * STEP - 1 : -STEP])
    national = cube.sum(axis=1, keepdims=True)
    n_recent, n_cwr = measure_ratios(national[-STEP - 1 :])
    n_before, _ = measure_ratios(national[-2 * STEP - 1 : -STEP])
    ccr = n_recent * _gap(recent, n_recent) ** setting.recent_weight * _gap(before, n_before) ** setting.earlier_weight
    cwr = n_cwr * _gap(own_cwr, n_cwr) ** setting.cwr_weight
    return (
        np.where(recent > 0, ccr, recent),
        np.where(own_cwr > 0, cwr, own_cwr),
        old_age_improvement(n_recent, n_before),
    )


def central_projection(cube: np.ndarray, horizon: int, setting: Setting = CENTRAL) -> np.ndarray:
    """The central path array[h-1, territory, sex, band], h = 1..horizon, from the history cube[year] (at
    least 2 * STEP + 1 consecutive years up to the base): what ``past_errors`` and the backtests re-project."""
    ccr, cwr, improvement = central_ratios(cube, setting)
    return project_cube(cube[-1], ccr, cwr, horizon, improvement)


def group_masks() -> dict[str, np.ndarray]:
    """Age groups of the interval -> boolean mask over AGE_BANDS."""
    start = np.array([int(b.rstrip("+").split("-")[0]) for b in AGE_BANDS])
    return {g: (start >= lo) & (start <= (hi if hi is not None else 999)) for g, (lo, hi) in GROUPS.items()}


def past_errors(past: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """log(observed / projected) of each département's age pieces (``GROUPS``), for the central
    projections made at every origin from FIRST_ORIGIN to base_year - 1, every horizon up to ERROR_HORIZON
    that is observed by base_year. Columns origin, horizon, group, territory_code, error."""
    masks = group_masks()
    years = sorted(y for y in set(past["year"]) if y <= base_year)
    if not years:
        return pd.DataFrame(columns=["origin", "horizon", "group", "territory_code", "error"])
    codes_all, full = _cube(past, list(range(years[0], base_year + 1))) if _consecutive(years) else ([], None)
    rows = []
    if full is not None and len(codes_all):
        first = years[0]
        for origin in range(max(first + 2 * STEP, FIRST_ORIGIN), base_year):
            horizon = min(ERROR_HORIZON, base_year - origin)
            projected = central_projection(full[: origin - first + 1], horizon)  # [h, territory, sex, band]
            observed = full[origin - first + 1 : origin - first + 1 + horizon]
            for group, mask in masks.items():
                p = projected[..., mask].sum(axis=(2, 3))
                o = observed[..., mask].sum(axis=(2, 3))
                with np.errstate(divide="ignore", invalid="ignore"):
                    err = np.log(o / p)
                rows.append(
                    pd.DataFrame(
                        {
                            "origin": origin,
                            "horizon": np.repeat(np.arange(1, horizon + 1), len(codes_all)),
                            "group": group,
                            "territory_code": np.tile(codes_all, horizon),
                            "error": err.reshape(-1),
                        }
                    )
                )
    if not rows:
        return pd.DataFrame(columns=["origin", "horizon", "group", "territory_code", "error"])
    out = pd.concat(rows, ignore_index=True)
    return out[np.isfinite(out["error"])]


def _consecutive(years: list[int]) -> bool:
    return years[-1] - years[0] == len(years) - 1


def error_quantiles(errors: pd.DataFrame, horizon: int, levels: tuple[float, float] = (0.5, 0.8)) -> pd.DataFrame:
    """Quantiles (columns p10 … p90) of the log errors of one age piece by horizon 1..horizon (rows), from every
    past origin and département at that horizon, symmetric: p25 / p75 = ∓ the levels[0] quantile of the
    absolute errors, p10 / p90 = ∓ the levels[1] quantile (the sign of past errors changes from one origin
    to the next). Beyond the measured horizons each quantile grows as a power of the horizon fitted on them
    (exponent clipped to [0.5, 1.5])."""
    if errors.empty:
        return pd.DataFrame(0.0, index=range(1, horizon + 1), columns=list(INTERVALS))
    size = errors["error"].abs().groupby(errors["horizon"])
    inner, outer = levels
    level = {"p10": outer, "p25": inner, "p75": inner, "p90": outer}
    table = pd.DataFrame({v: np.sign(q - 0.5) * size.quantile(level[v]) for v, q in INTERVALS.items()})
    measured = table.index.to_numpy()
    out = table.reindex(range(1, horizon + 1))
    top = int(measured.max())
    for v in INTERVALS:
        centre = table[v].to_numpy()
        mag = np.maximum(np.abs(centre), 1e-9)
        exponent = float(np.clip(np.polyfit(np.log(measured), np.log(mag), 1)[0], 0.5, 1.5)) if top > 1 else 1.0
        beyond = np.arange(top + 1, horizon + 1)
        out.loc[beyond, v] = centre[-1] * (beyond / top) ** exponent
    out["p25"] = np.minimum(out["p25"], out["p75"])
    out["p10"] = np.minimum(out["p10"], out["p25"])
    out["p90"] = np.maximum(out["p90"], out["p75"])
    return out


def group_quantiles(errors: pd.DataFrame, horizon: int) -> dict[str, pd.DataFrame]:
    """group -> its log error quantiles by horizon (``error_quantiles`` at the group's ``GROUP_LEVELS``)."""
    return {g: error_quantiles(errors[errors["group"] == g], horizon, GROUP_LEVELS[g]) for g in GROUPS}


def interval_cubes(central: np.ndarray, quantiles: dict[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """variant -> array like central[h-1, territory, sex, band], whose sum over sexes and bands is the total's
    own interval (central total × exp(its error quantile)). The total's gap is spread over the bands in
    proportion to each band's gap under its own age piece's quantile (``SHAPE``), so older ages, which err
    more, move more. Quantiles do not add up: an age group's own interval (``group_cubes``) is wider than
    its share of the total's (moving every piece to its own 90th percentile at once gave a total interval
    holding 89 % of départements in the 2013 -> 2023 backtest, for 80 % meant)."""
    masks = group_masks()
    piece_of = np.zeros(len(AGE_BANDS), dtype=int)
    for i, piece in enumerate(SHAPE):
        piece_of[masks[piece]] = i
    total = central.sum(axis=(2, 3))  # [h, territory]
    out = {}
    for variant in INTERVALS:
        piece_q = np.stack([quantiles[p][variant].to_numpy() for p in SHAPE], axis=1)  # [h, piece]
        gap = central * np.expm1(piece_q[:, piece_of])[:, None, None, :]
        target = total * np.expm1(quantiles["total"][variant].to_numpy())[:, None]
        spread = gap.sum(axis=(2, 3))
        scale = np.divide(target, spread, out=np.zeros_like(target), where=spread != 0)
        out[variant] = central + scale[..., None, None] * gap
    return out


def group_cubes(central: np.ndarray, quantiles: dict[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """group -> array[variant (central, p10 … p90), h-1, territory]: each age group of ``GROUPS`` with the
    interval of its own past errors."""
    masks = group_masks()
    out = {}
    for group, mask in masks.items():
        path = central[..., mask].sum(axis=(2, 3))  # [h, territory]
        moved = [path * np.exp(quantiles[group][v].to_numpy())[:, None] for v in INTERVALS]
        out[group] = np.stack([path, *moved])
    return out


def _projection(history: pd.DataFrame, base_year: int, until: int):
    """(codes, years, {variant: cube[h-1, territory, sex, band]} for central / low / high, group quantiles)
    from the history up to base_year only."""
    if until <= base_year:
        raise ValueError("until must be after base_year")
    past = history[history["year"] <= base_year]
    codes, base, ccr, cwr, improvement = _central_cube(past, base_year)
    horizon = until - base_year
    cubes = {}
    for variant, sign in VARIANTS.items():
        cubes[variant] = project_cube(
            base, ccr * np.exp(sign * MIGRATION_SHIFT), cwr * (1 + sign * FERTILITY_SHIFT), horizon, improvement
        )
    quantiles = group_quantiles(past_errors(past, base_year), horizon)
    return codes, list(range(base_year + 1, until + 1)), cubes, quantiles


def project_population(history: pd.DataFrame, base_year: int, until: int = 2050) -> pd.DataFrame:
    """Project every département with history up to ``base_year`` (later years are ignored), every year
    base_year+1 … until, plus France (territory_code "FR") = sum of départements. Variants: the scenario
    variants central / low / high, and the prediction interval p10 / p25 / p75 / p90 of the total (summed
    over sexes and ages) = central × the empirical quantiles of the errors of the projections made every
    year from FIRST_ORIGIN to base_year - 1 (``past_errors``, by horizon, pooled across départements),
    spread over the ages by ``interval_cubes``. An age group's own interval: ``project_groups``.

    history: territory_code, year, sex, age_band, population (population.parquet's columns).
    Returns territory_code, year, sex, age_band, variant, population.
    """
    codes, years, cubes, quantiles = _projection(history, base_year, until)
    frames = []
    for variant, cube in {**cubes, **interval_cubes(cubes["central"], quantiles)}.items():
        frames.append(_long(codes, years, cube, variant))
        frames.append(_long([FRANCE], years, cube.sum(axis=1, keepdims=True), variant))
    return pd.concat(frames, ignore_index=True)[OUTPUT_COLUMNS]


def project_groups(history: pd.DataFrame, base_year: int, until: int = 2050) -> pd.DataFrame:
    """The age groups of ``GROUPS`` of every département: the central projection and the interval of the
    group's own past errors (p10 … p90; wider than the group's rows in ``project_population``'s interval,
    which is the total's). Returns territory_code, year, group, variant, population."""
    codes, years, cubes, quantiles = _projection(history, base_year, until)
    frames = []
    for group, values in group_cubes(cubes["central"], quantiles).items():
        for variant, cube in zip(("central", *INTERVALS), values, strict=True):
            frames.append(
                pd.DataFrame(
                    {
                        "territory_code": np.tile(np.array(codes, dtype=object), len(years)),
                        "year": np.repeat(np.array(years, dtype=np.int64), len(codes)),
                        "group": group,
                        "variant": variant,
                        "population": cube.reshape(-1),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
