"""Trend projections of rates to 2050: damped-trend exponential smoothing with 50 % and 80 % intervals.

Model: statsmodels ``ETSModel(error="add", trend="add", damped_trend=True)`` (Holt's damped trend,
parameters and initial states by maximum likelihood) fitted on every observed year of one series
(territory × indicator). Prediction intervals are the model's analytic ones (additive errors).
Rates are clipped to [0, 100] (% ) or [0, 1000] (‰).

Stored in the tidy table with the variants ``trend`` (central path), ``trend_p10`` / ``trend_p90``
(80 % interval) and ``trend_p25`` / ``trend_p75`` (50 % interval), from the year after the last
observation to 2050. Series with fewer than ``MIN_YEARS`` observed years (poverty_rate: 2016–2020)
get no trend at all: ``fit`` returns ``short=True`` and an empty path, the page says why.

``backtest``: rolling origins, horizons 1–5, damped trend against the naive "last value" forecast.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from threadpoolctl import threadpool_limits

UNTIL = 2050
MIN_YEARS = 8
INDICATORS = (
    "unemployment_rate",
    "rsa_coverage_rate",
    "poverty_rate",
    "apa_rate_60_plus",
    "aah_rate_20_64",
    "ase_rate_0_19",
    "pch_per_1000",
)
CAPS = {"pch_per_1000": 1000.0}
LEVELS = ("departement", "france")
QUANTILES = {
    "trend_p10": ("lower", 0.2),
    "trend_p25": ("lower", 0.5),
    "trend_p75": ("upper", 0.5),
    "trend_p90": ("upper", 0.2),
}
VARIANTS = ("trend", *QUANTILES)
HORIZONS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Trend:
    """observed: values by year; path: year -> trend, trend_p10 … trend_p90 (empty when short)."""

    observed: pd.Series
    path: pd.DataFrame
    short: bool

    @property
    def years(self) -> int:
        return len(self.observed)


def _model_forecast(values: np.ndarray, steps: int) -> pd.DataFrame:
    """Columns trend, trend_p10, trend_p25, trend_p75, trend_p90 for steps 1..steps (not clipped)."""
    n = len(values)
    if np.ptp(values) < 1e-9:  # a constant series: nothing to estimate, the trend is the constant
        return pd.DataFrame({v: np.full(steps, values[-1]) for v in VARIANTS})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ETSModel(pd.Series(values, dtype=float), error="add", trend="add", damped_trend=True).fit(disp=False)
        prediction = result.get_prediction(start=n, end=n + steps - 1)
        out = {"trend": np.asarray(prediction.predicted_mean)}
        for alpha in (0.5, 0.2):
            frame = prediction.summary_frame(alpha=alpha)
            for variant, (side, a) in QUANTILES.items():
                if a == alpha:
                    out[variant] = frame[f"pi_{side}"].to_numpy()
    return pd.DataFrame(out)[list(VARIANTS)]


def fit(observed: pd.Series, indicator_id: str = "", until: int = UNTIL) -> Trend:
    """observed: values indexed by year (consecutive years expected). Path from last year + 1 to until."""
    observed = observed.dropna().sort_index()
    if len(observed) < MIN_YEARS:
        return Trend(observed, pd.DataFrame(columns=["year", *VARIANTS]), short=True)
    last = int(observed.index.max())
    steps = until - last
    path = _model_forecast(observed.to_numpy(dtype=float), steps).clip(0.0, CAPS.get(indicator_id, 100.0))
    path.insert(0, "year", range(last + 1, until + 1))
    return Trend(observed, path, short=False)


def _series(table: pd.DataFrame, indicators=INDICATORS, levels=LEVELS):
    rows = table[
        (table["variant"] == "observed")
        & table["indicator_id"].isin(indicators)
        & table["territory_level"].isin(levels)
    ]
    for (level, code, indicator_id), group in rows.groupby(["territory_level", "territory_code", "indicator_id"]):
        yield (level, code, indicator_id), group.set_index("year")["value"].sort_index()


def _fit_rows(item) -> pd.DataFrame:
    (level, code, indicator_id), series = item
    trend = fit(series, indicator_id)
    long = trend.path.melt(id_vars="year", var_name="variant", value_name="value")
    return long.assign(territory_level=level, territory_code=code, indicator_id=indicator_id)


def _one_thread() -> None:
    """BLAS threads make these tiny fits ~7x slower: one thread per process."""
    threadpool_limits(1)


def _map(function, items, workers: int) -> list:
    if workers > 1 and len(items) > 8:
        with ProcessPoolExecutor(workers, initializer=_one_thread) as pool:
            return list(pool.map(function, items, chunksize=max(1, len(items) // (4 * workers))))
    with threadpool_limits(1):
        return [function(item) for item in items]


def build(observed: pd.DataFrame, workers: int = 2) -> pd.DataFrame:
    """Trend rows (variants trend, trend_p10 … trend_p90) for every covered series with enough years."""
    items = list(_series(observed))
    parts = [p for p in _map(_fit_rows, items, workers) if len(p)]
    columns = ["territory_level", "territory_code", "indicator_id", "year", "variant", "value"]
    if not parts:
        return pd.DataFrame(columns=[*columns, "source_id"])
    rows = pd.concat(parts, ignore_index=True)[columns]
    source_of = observed.drop_duplicates("indicator_id").set_index("indicator_id")["source_id"]
    return rows.assign(source_id=rows["indicator_id"].map(source_of))


def series_backtest(
    observed: pd.Series, indicator_id: str = "", horizons=HORIZONS, max_origins: int | None = None
) -> pd.DataFrame:
    """Rolling origins from the MIN_YEARS-th year to the second last (the most recent max_origins):
    one row per (origin, horizon) with the observed value, the trend, the naive forecast and the 80 % band."""
    observed = observed.dropna().sort_index()
    years = list(observed.index.astype(int))
    origins = years[MIN_YEARS - 1 : -1]
    if max_origins:
        origins = origins[-max_origins:]
    rows = []
    for origin in origins:
        train = observed[observed.index <= origin]
        path = fit(train, indicator_id, until=origin + max(horizons)).path.set_index("year")
        for h in horizons:
            target = origin + h
            if target in observed.index:
                rows.append(
                    {
                        "origin": origin,
                        "horizon": h,
                        "actual": float(observed[target]),
                        "trend": path.at[target, "trend"],
                        "naive": float(train.iloc[-1]),
                        "p10": path.at[target, "trend_p10"],
                        "p90": path.at[target, "trend_p90"],
                    }
                )
    return pd.DataFrame(rows, columns=["origin", "horizon", "actual", "trend", "naive", "p10", "p90"])


def summarise(errors: pd.DataFrame) -> dict[str, float]:
    """MAE (points), MAPE (%) of trend and naive, coverage of the 80 % interval (%), number of forecasts."""
    actual = errors["actual"]
    nonzero = actual.abs() > 1e-9
    out = {}
    for method in ("trend", "naive"):
        gap = (errors[method] - actual).abs()
        out[f"mae_{method}"] = float(gap.mean())
        out[f"mape_{method}"] = float((gap[nonzero] / actual[nonzero].abs()).mean() * 100)
    inside = (actual >= errors["p10"]) & (actual <= errors["p90"])
    out["coverage_80"] = float(inside.mean() * 100)
    out["forecasts"] = len(errors)
    return out


def _backtest_item(item) -> pd.DataFrame:
    (level, code, indicator_id), series = item
    return series_backtest(series, indicator_id, max_origins=BACKTEST_ORIGINS).assign(
        indicator_id=indicator_id, territory_code=code
    )


BACKTEST_ORIGINS = 10


def backtest(
    table: pd.DataFrame, codes: list[str] | None = None, indicators=INDICATORS, workers: int = 2
) -> pd.DataFrame:
    """Per indicator (rows): mae/mape of trend and naive, 80 % coverage, forecasts, series.
    Over the départements in codes (all when None) and France, the last BACKTEST_ORIGINS origins."""
    items = [
        (key, s)
        for key, s in _series(table, indicators)
        if (codes is None or key[1] in codes or key[0] == "france") and len(s.dropna()) > MIN_YEARS
    ]
    parts = _map(_backtest_item, items, workers)
    errors = pd.concat(parts, ignore_index=True)
    out = {}
    for indicator_id, rows in errors.groupby("indicator_id"):
        out[indicator_id] = {**summarise(rows), "series": rows["territory_code"].nunique()}
    return pd.DataFrame.from_dict(out, orient="index").reindex([i for i in indicators if i in out])
