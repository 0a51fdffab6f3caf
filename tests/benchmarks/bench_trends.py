"""Issue 10: rate trends with calibrated bands (every département and France), and the whole backtest
harness (population: 6 origin × horizon runs; rates: settings chosen on early origins, held-out bands)."""

from __future__ import annotations

import time

from indicators.models import backtest, trends
from indicators.storage import store
from tests.benchmarks.run import Measure


def run() -> list[Measure]:
    observed = trends.store_rows()
    population = store.load_population()
    start = time.perf_counter()
    trends.build(observed)
    fit_all = time.perf_counter() - start
    start = time.perf_counter()
    pop = backtest.population_table(population)
    held = backtest.rate_table(backtest.rate_held_out(observed))
    backtest.select_rate_settings(observed)
    elapsed = time.perf_counter() - start
    print("Population harness (central MAPE %, p10-p90 coverage %):")
    print(pop.round(2).to_string(index=False))
    print("Rates, held-out origins:")
    print(held.round(3).to_string())
    return [
        Measure(
            10, "trend projections of 6 rates with calibrated bands, all départements + France", fit_all, "s", 15.0
        ),
        Measure(10, "backtest harness: population, rates held out, settings selection", elapsed, "s", 180.0),
    ]
