"""Damped-trend projections of rates: known answers on synthetic series, the stored rows, the backtest."""

import numpy as np
import pandas as pd
import pytest

from indicators import store, trends


def _years(values, start=2005):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def test_linear_series_continues_close_to_the_line_and_bands_nest():
    line = trends.fit(_years(5.0 + 0.4 * np.arange(16)), until=2050).path.set_index("year")  # 2005..2020
    for year in (2021, 2022, 2023):
        assert line.at[year, "trend"] == pytest.approx(5.0 + 0.4 * (year - 2005), abs=0.1)
    assert line.at[2050, "trend"] < 5.0 + 0.4 * 45  # damped: below the straight line in the long run
    wiggle = np.tile([0.05, -0.05], 8)
    path = trends.fit(_years(5.0 + 0.4 * np.arange(16) + wiggle), until=2050).path.set_index("year")
    assert path.at[2023, "trend"] == pytest.approx(12.2, abs=0.4)
    assert (path["trend_p10"] <= path["trend_p25"] + 1e-9).all()
    assert (path["trend_p25"] <= path["trend"] + 1e-9).all() and (path["trend"] <= path["trend_p75"] + 1e-9).all()
    assert (path["trend_p75"] <= path["trend_p90"] + 1e-9).all()
    assert (path[list(trends.VARIANTS)] <= 100).all().all()
    assert list(path.index) == list(range(2021, 2051))


def test_constant_series_stays_constant():
    path = trends.fit(_years([7.5] * 12), until=2030).path
    assert np.allclose(path[list(trends.VARIANTS)], 7.5)


def test_rates_are_clipped_at_zero():
    falling = _years(np.maximum(10.0 - 1.2 * np.arange(10), 0.3))
    path = trends.fit(falling, until=2050).path
    assert path[list(trends.VARIANTS)].min().min() >= 0.0


def test_short_series_is_flagged_and_not_projected():
    result = trends.fit(_years([14.0, 14.5, 14.2, 14.8, 15.1], start=2016))
    assert result.short and result.path.empty and result.years == 5


def test_stored_trend_rows_never_observed_and_start_after_the_last_observation(table):
    rows = table[table["variant"].str.startswith("trend")]
    assert set(rows["variant"]) == set(trends.VARIANTS)
    assert set(rows["indicator_id"]) == set(trends.INDICATORS) - {"poverty_rate"}
    assert set(rows["territory_level"]) == {"departement", "france"}
    last = table[table["variant"] == "observed"].groupby(["territory_code", "indicator_id"])["year"].max()
    first = rows.groupby(["territory_code", "indicator_id"])["year"].min()
    assert (first == last.reindex(first.index) + 1).all()
    assert rows["year"].max() == 2050
    wide = rows[(rows["territory_code"] == "93") & (rows["indicator_id"] == "unemployment_rate")].pivot(
        index="year", columns="variant", values="value"
    )
    assert wide.at[2025, "trend"] == pytest.approx(10.36, abs=0.05)
    assert (wide["trend_p10"] <= wide["trend_p90"]).all()


def test_backtest_unemployment_seine_saint_denis_is_reproducible(table):
    series = store.series(table, "unemployment_rate", "93")
    errors = trends.series_backtest(series, "unemployment_rate", max_origins=10)
    assert len(errors) == 40 and errors["origin"].min() == 2014 and errors["origin"].max() == 2023
    summary = trends.summarise(errors)
    assert summary == trends.summarise(trends.series_backtest(series, "unemployment_rate", max_origins=10))
    assert summary["mae_trend"] == pytest.approx(0.95, abs=0.01)
    assert summary["mae_naive"] == pytest.approx(0.907, abs=0.001)
    assert summary["coverage_80"] == pytest.approx(90.0)
