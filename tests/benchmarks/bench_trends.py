"""Issue 5: damped-trend projections of rates (fitting every covered département and France), and the
rolling-origin backtest per indicator (last 10 origins, horizons 1-5, every département and France)."""

from __future__ import annotations

import time

from indicators import store, trends
from tests.benchmarks.run import Measure


def run() -> list[Measure]:
    table = store.load_indicators()
    observed = table[table["variant"] == "observed"]
    start = time.perf_counter()
    trends.build(observed)
    fit_all = time.perf_counter() - start
    start = time.perf_counter()
    summary = trends.backtest(observed)
    elapsed = time.perf_counter() - start
    print("Rolling-origin backtest of the damped trend (last 10 origins, horizons 1-5 years):")
    print(summary.round(2).to_string())
    return [
        Measure(5, "trend projections of 6 rates, all départements + France", fit_all, "s", 15.0),
        Measure(5, "rolling-origin backtest of the trends, all départements", elapsed, "s", 180.0),
    ]
