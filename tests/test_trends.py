"""Rate trends: known answers on synthetic series, the RSA break, the stored rows, the calibrated bands."""

import numpy as np
import pandas as pd
import pytest

from indicators.models import backtest, trends


def _years(values, start=2005):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def test_central_path_is_last_value_plus_damped_drift():
    z = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    path = trends.central(z, trends.Setting(0.5, 5, 0.8), 3)
    assert path == pytest.approx([0.5 + 0.05 * 0.8, 0.5 + 0.05 * 1.44, 0.5 + 0.05 * 1.952])
    assert trends.central(z, trends.LAST_VALUE, 4) == pytest.approx([0.5] * 4)


def test_logit_round_trip_keeps_rates_inside_their_bounds():
    values = np.array([0.5, 11.3, 99.0])
    assert trends.from_logit(trends.to_logit(values, 100.0), 100.0) == pytest.approx(values, rel=1e-6)
    assert 0 < trends.from_logit(-20, 1000.0) < trends.from_logit(20, 1000.0) < 1000.0


def test_calibrated_quantiles_are_the_empirical_ones_then_grow_with_the_horizon():
    rng = np.random.default_rng(0)
    errors = pd.DataFrame(
        {"horizon": np.repeat([1, 2], 1000), "forecast": 0.0, "scale": 1.0, "actual": rng.normal(size=2000)}
    )
    errors.loc[errors["horizon"] == 2, "actual"] *= 2
    q = trends.calibrate(errors, 8)
    assert q.at[1, "trend_p90"] == pytest.approx(1.2816, abs=0.1)
    assert q.at[2, "trend_p90"] == pytest.approx(2 * 1.2816, abs=0.2)
    assert (q["trend_p90"].diff().dropna() >= 0).all() and q.at[8, "trend_p90"] > q.at[2, "trend_p90"]
    assert (q["trend_p10"] < q["trend_p25"]).all() and (q["trend_p75"] < q["trend_p90"]).all()


def test_constant_series_stays_constant_and_short_series_is_flagged():
    path = trends.fit(_years([7.5] * 12), until=2030).path
    assert np.allclose(path[list(trends.VARIANTS)], 7.5)
    result = trends.fit(_years([14.0, 14.5, 14.2, 14.8, 15.1], start=2016))
    assert result.short and result.path.empty and result.years == 5


def test_rsa_years_before_the_2016_break_are_spliced_onto_the_new_method(table):
    items = dict(trends.series(table, ("rsa_coverage_rate",), ("departement",)))
    s = items[("departement", "93", "rsa_coverage_rate")]
    raw = table[
        (table["indicator_id"] == "rsa_coverage_rate")
        & (table["territory_code"] == "93")
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    ].set_index("year")["value"]
    assert s[2016] == pytest.approx(raw[2016]) and s[2019] == pytest.approx(raw[2019])
    assert s[2009] / raw[2009] == pytest.approx(s[2015] / raw[2015]) != pytest.approx(1.0, abs=1e-6)


def test_stored_trend_rows_contract_and_93_unemployment(table):
    rows = table[table["variant"].str.startswith("trend")]
    assert set(rows["variant"]) == set(trends.VARIANTS)
    assert set(rows["indicator_id"]) == set(trends.INDICATORS) - {"poverty_rate"}
    assert set(rows["territory_level"]) == {"departement", "france"}
    assert rows["year"].max() == 2050
    wide = rows[(rows["territory_code"] == "93") & (rows["indicator_id"] == "unemployment_rate")].pivot(
        index="year", columns="variant", values="value"
    )
    assert wide.at[2025, "trend"] == pytest.approx(10.325, abs=0.01)  # last value (2024)
    assert wide.at[2030, "trend_p10"] == pytest.approx(7.78, abs=0.05)
    assert wide.at[2030, "trend_p90"] == pytest.approx(13.58, abs=0.05)
    ordered = wide[["trend_p10", "trend_p25", "trend", "trend_p75", "trend_p90"]].to_numpy()
    assert (np.diff(ordered, axis=1) >= -1e-9).all()


def test_build_uses_only_the_rows_given(table):
    observed = table[(table["variant"] == "observed") & table["territory_code"].isin(["93", "75", "13", "59"])]
    observed = observed[observed["indicator_id"] == "apa_rate_60_plus"]
    cut = trends.build(observed[observed["year"] <= 2014])
    assert cut["year"].min() == 2015
    again = trends.build(pd.concat([observed[observed["year"] <= 2014]]))
    pd.testing.assert_frame_equal(cut, again)


def test_held_out_bands_on_a_subset_are_calibrated(table):
    codes = ["93", "75", "13", "59", "69", "33", "2A", "974", "01", "02"]
    observed = table[(table["variant"] == "observed") & table["territory_code"].isin(codes)]
    held = backtest.rate_held_out(observed, ("apa_rate_60_plus",))
    row = backtest.rate_table(held).loc["apa_rate_60_plus"]
    assert row["forecasts"] == 190 and row["origins"] == "2016-2021"  # DREES to 2022 (issue 31)
    assert row["coverage_80"] == pytest.approx(85.26, abs=0.01)
    assert row["coverage_50"] == pytest.approx(53.68, abs=0.01)
    assert row["mae_ratio"] == pytest.approx(1.0)


def test_symmetric_band_setting_uses_the_absolute_errors():
    errors = pd.DataFrame(
        {"horizon": 1, "forecast": 0.0, "scale": 1.0, "actual": np.r_[np.linspace(-1, 0, 100), np.linspace(0, 3, 100)]}
    )
    signed = trends.calibrate(errors, 1)
    setting = trends.BandSetting(symmetric=True, inner=0.5, outer=0.8)
    both = trends.calibrate(errors, 1, setting)
    size = np.abs(errors["actual"])
    assert both.at[1, "trend_p90"] == pytest.approx(size.quantile(0.8)) == pytest.approx(-both.at[1, "trend_p10"])
    assert both.at[1, "trend_p75"] == pytest.approx(size.quantile(0.5)) == pytest.approx(-both.at[1, "trend_p25"])
    assert signed.at[1, "trend_p90"] > both.at[1, "trend_p90"]  # the signed band leans toward past errors
    assert set(trends.BAND_SETTINGS) == {"unemployment_rate", "aah_rate_20_64"}


def test_a_projection_is_credited_to_the_source_of_its_last_observed_year():
    observed = pd.DataFrame(
        {
            "indicator_id": ["apa_rate_60_plus"] * 3 + ["poverty_rate"],
            "year": [2022, 2020, 2021, 2020],
            "source_id": ["drees_aide_sociale_2022", "drees_aide_sociale", "drees_aide_sociale_2022", "filosofi"],
        }
    )
    assert trends.latest_source(observed).to_dict() == {
        "apa_rate_60_plus": "drees_aide_sociale_2022",
        "poverty_rate": "filosofi",
    }
