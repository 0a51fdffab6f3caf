"""The backtests' report: ``python -m indicators.models.backtest [--settings] [--bands]`` prints every
table of the harness on the built store."""

from __future__ import annotations

import sys

import pandas as pd

from indicators.models.backtest.needs import need_band_table, need_rate_held_out
from indicators.models.backtest.population import population_table, select_population_levels, select_population_settings
from indicators.models.backtest.rates import rate_held_out, rate_table, select_band_settings, select_rate_settings


def main() -> None:  # pragma: no cover - a report
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
