"""The backtest harness of every forecast, one module per model: ``methods`` (the population projection
against naive baselines), ``population`` (by age group, with its interval), ``rates`` (the trends) and
``needs`` (the projected recipients); ``python -m indicators.models.backtest`` prints the report
(``__main__``). The names below are re-exported for the callers of the former single module."""

from indicators.models.backtest.methods import AGGREGATES, METHODS, mape_table, predictions
from indicators.models.backtest.needs import NEED_RUNS, need_band_table, need_paths, need_rate_held_out, need_rate_items
from indicators.models.backtest.population import (
    GROUPS,
    POPULATION_RUNS,
    _groups,
    origin_projections,
    population_table,
    select_population_levels,
    select_population_settings,
)
from indicators.models.backtest.rates import (
    BAND_CANDIDATES,
    RATE_CANDIDATES,
    error_measures,
    held_out,
    rate_held_out,
    rate_table,
    select_band_settings,
    select_rate_settings,
    split_year,
)

__all__ = [
    "AGGREGATES",
    "BAND_CANDIDATES",
    "GROUPS",
    "METHODS",
    "NEED_RUNS",
    "POPULATION_RUNS",
    "RATE_CANDIDATES",
    "_groups",
    "error_measures",
    "held_out",
    "mape_table",
    "need_band_table",
    "need_paths",
    "need_rate_held_out",
    "need_rate_items",
    "origin_projections",
    "population_table",
    "predictions",
    "rate_held_out",
    "rate_table",
    "select_band_settings",
    "select_population_levels",
    "select_population_settings",
    "select_rate_settings",
    "split_year",
]
