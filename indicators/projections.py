"""Population projections by sex and 5-year age band to 2050: the Hamilton–Perry cohort-change method.

For each département and sex, from the INSEE estimates up to the base year B only:
- cohort-change ratio of band a -> a+1 (5-9 … 90-94): population of band a+1 at 1/1/B over band a at
  1/1/B-5 (POOLED_SPANS > 1 pools several spans; the backtests of 2003, 2008 and 2013 favour the latest
  span alone). The ratio carries mortality *and* net migration of the département;
- open band 95+: 95+ at B over (90-94 + 95+) at B-5 (survivors of the open band stay in it);
- youngest band 0-4: child–woman ratio, 0-4 of each sex over women aged 15-49 at B;
- old-age mortality keeps improving: the national ratios at 65+ of the span B-5 -> B over those of
  B-10 -> B-5 (clipped to ±3 %) are applied once more at each of the first IMPROVEMENT_STEPS steps,
  then held (without it the 75+ are under-projected by 4 % after 10 years).
The population is projected in 5-year steps from B, then each cell is interpolated geometrically
between steps to give every year. France is the sum of the départements projected.

Variants (also written in the catalogue): ``central`` uses the ratios as measured; ``low`` and
``high`` multiply every cohort-change ratio by exp(∓MIGRATION_SHIFT) (about ∓0.15 % of each cohort a
year, the order of the spread of net migration between départements) and the child–woman ratios by
(1 ∓ FERTILITY_SHIFT). In the 2013 -> 2023 backtest, 3 départements in 4 end between low and high.

Prediction interval ``p10`` / ``p25`` / ``p75`` / ``p90`` (a probability statement, unlike low / high):
see ``project_population`` and ``error_quantiles``; measured by ``indicators.backtest.population_table``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.schema import AGE_BANDS

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


def old_age_improvement(cube: np.ndarray) -> np.ndarray | None:
    """[sex, band]: change per step of the national cohort-change ratios at OLD_AGE+ between the span
    ending STEP years before the base and the span ending at the base (mortality keeps falling at old
    ages). None when the history is too short."""
    if cube.shape[0] < 2 * STEP + 1:
        return None
    national = cube.sum(axis=1, keepdims=True)
    recent, _ = measure_ratios(national[-STEP - 1 :])
    earlier, _ = measure_ratios(national[-2 * STEP - 1 : -STEP])
    change = np.clip(recent[0] / earlier[0], 1 - MAX_IMPROVEMENT, 1 + MAX_IMPROVEMENT)
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
PAST_ORIGINS = (5, 10, 15)  # years before the base: the past projections whose errors make the interval
ERROR_HORIZON = 10


def _central_cube(past: pd.DataFrame, base_year: int, horizon: int, sign: float = 0.0, sign_fertility: float = 0.0):
    """(codes, array[h-1, territory, sex, band]) projected from the history up to base_year."""
    available = set(past["year"])
    window = [y for y in range(base_year - POOLED_SPANS - STEP + 1, base_year + 1) if y in available]
    if len(window) < STEP + 1 or window[-1] - window[0] != len(window) - 1:
        raise ValueError(f"Hamilton–Perry needs the {len(window)} years before {base_year}, consecutive")
    codes, cube = _cube(past, window)
    if not codes:
        raise ValueError(f"no département has a complete history up to {base_year}")
    ccr, cwr = measure_ratios(cube)
    long_window = [y for y in range(base_year - 2 * STEP, base_year + 1) if y in available]
    improvement = None
    if IMPROVEMENT_STEPS and len(long_window) == 2 * STEP + 1:
        improvement = old_age_improvement(_cube(past, long_window)[1])
    return codes, cube, ccr, cwr, improvement


def past_errors(past: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """log(observed / projected) of each département's total, for the central projections made
    PAST_ORIGINS years before base_year, every horizon up to ERROR_HORIZON that is observed by base_year."""
    totals = past[past["territory_code"] != FRANCE].groupby(["territory_code", "year"])["population"].sum()
    rows = []
    for back in PAST_ORIGINS:
        origin = base_year - back
        horizon = min(ERROR_HORIZON, back)
        try:
            codes, cube, ccr, cwr, improvement = _central_cube(past[past["year"] <= origin], origin, horizon)
        except ValueError:
            continue
        projected = project_cube(cube[-1], ccr, cwr, horizon, improvement).sum(axis=(2, 3))  # [h, territory]
        for h in range(1, horizon + 1):
            observed = totals.xs(origin + h, level="year").reindex(codes).to_numpy()
            rows.append(pd.DataFrame({"origin": origin, "horizon": h, "error": np.log(observed / projected[h - 1])}))
    if not rows:
        return pd.DataFrame(columns=["origin", "horizon", "error"])
    return pd.concat(rows, ignore_index=True).dropna()


def error_quantiles(errors: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Quantiles (columns p10 … p90) of the log errors by horizon 1..horizon (rows), symmetric: ± the 80 %
    (50 %) quantile of the absolute errors (the sign of past errors changes from one origin to the next).
    Beyond the measured horizons the quantile grows as a power of the horizon fitted on them
    (exponent clipped to [0.5, 1.5])."""
    if errors.empty:
        return pd.DataFrame(0.0, index=range(1, horizon + 1), columns=list(INTERVALS))
    size = errors["error"].abs().groupby(errors["horizon"])
    table = pd.DataFrame({v: np.sign(q - 0.5) * size.quantile(abs(2 * q - 1)) for v, q in INTERVALS.items()})
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


def project_population(history: pd.DataFrame, base_year: int, until: int = 2050) -> pd.DataFrame:
    """Project every département with history up to ``base_year`` (later years are ignored), every year
    base_year+1 … until, plus France (territory_code "FR") = sum of départements. Variants: the scenario
    variants central / low / high, and the prediction interval p10 / p25 / p75 / p90 = central × the
    empirical quantiles of the errors of the projections made 5, 10 and 15 years before base_year
    (``past_errors``, by horizon, pooled across départements, applied to every age band alike).

    history: territory_code, year, sex, age_band, population (population.parquet's columns).
    Returns territory_code, year, sex, age_band, variant, population.
    """
    if until <= base_year:
        raise ValueError("until must be after base_year")
    past = history[history["year"] <= base_year]
    codes, cube, ccr, cwr, improvement = _central_cube(past, base_year, until - base_year)
    horizon = until - base_year
    years = list(range(base_year + 1, until + 1))
    frames = []

    def add(projected: np.ndarray, variant: str) -> None:
        frames.append(_long(codes, years, projected, variant))
        frames.append(_long([FRANCE], years, projected.sum(axis=1, keepdims=True), variant))

    central = None
    for variant, sign in VARIANTS.items():
        projected = project_cube(
            cube[-1], ccr * np.exp(sign * MIGRATION_SHIFT), cwr * (1 + sign * FERTILITY_SHIFT), horizon, improvement
        )
        central = projected if variant == "central" else central
        add(projected, variant)
    quantiles = error_quantiles(past_errors(past, base_year), horizon)
    for variant in INTERVALS:
        add(central * np.exp(quantiles[variant].to_numpy())[:, None, None, None], variant)
    return pd.concat(frames, ignore_index=True)[OUTPUT_COLUMNS]
