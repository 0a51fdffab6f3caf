"""Population projections: tiny synthetic populations whose future is known by hand, the contract,
and the 2013 -> 2023 backtest against the INSEE estimates."""

import numpy as np
import pandas as pd
import pytest

from indicators.core.schema import AGE_BANDS
from indicators.models import backtest, projections
from indicators.models.projections import OUTPUT_COLUMNS, project_population


def _history(cell, years, codes=("01",)) -> pd.DataFrame:
    """cell(code, year, sex, band_index) -> population."""
    rows = [
        (c, y, s, b, float(cell(c, y, s, i)))
        for c in codes
        for y in years
        for s in "FM"
        for i, b in enumerate(AGE_BANDS)
    ]
    return pd.DataFrame(rows, columns=["territory_code", "year", "sex", "age_band", "population"])


def _cells(out: pd.DataFrame, variant: str = "central") -> pd.Series:
    rows = out[out["variant"] == variant]
    return rows.set_index(["territory_code", "year", "sex", "age_band"])["population"]


def test_stable_population_stays_stable():
    history = _history(lambda c, y, s, i: 1000.0, range(1990, 2001), codes=("01", "02"))
    out = project_population(history, 2000, until=2050)
    assert np.allclose(_cells(out).xs("01", level="territory_code"), 1000.0)
    assert np.allclose(_cells(out).xs("FR", level="territory_code"), 2000.0)


def test_closed_cohort_ages_one_band_every_five_years():
    # 500 women in band k during the years 1980+5k … 1984+5k, nobody else: no births, no deaths.
    def cell(c, y, s, i):
        return 500.0 if s == "F" and (y - 1980) // 5 == i else 0.0

    out = _cells(project_population(_history(cell, range(1990, 2001)), 2000, until=2020))
    for year, band in [(2005, "25-29"), (2010, "30-34"), (2020, "40-44")]:
        at_year = out.xs(("01", year), level=["territory_code", "year"])
        assert at_year[("F", band)] == pytest.approx(500.0)
        assert at_year.sum() == pytest.approx(500.0)
    mid = out.xs(("01", 2003, "F"), level=["territory_code", "year", "sex"])
    assert (mid["20-24"], mid["25-29"]) == (pytest.approx(200.0), pytest.approx(300.0))


def test_open_band_keeps_its_survivors_and_newborns_follow_women():
    # every band 100, except 95+ which loses half of (90-94 + 95+) every 5 years -> stays at 100.
    history = _history(lambda c, y, s, i: 100.0, range(1994, 2001))
    out = _cells(project_population(history, 2000, until=2010))
    assert out[("01", 2010, "M", "95+")] == pytest.approx(100.0)
    assert out[("01", 2010, "F", "0-4")] == pytest.approx(100.0)


def test_contract_years_variants_france_and_no_peeking():
    history = _history(
        lambda c, y, s, i: 1000 + 10 * i + (y - 2000) * (3 if c == "01" else -2), range(1990, 2006), codes=("01", "2A")
    )
    out = project_population(history, 2000, until=2030)
    assert list(out.columns) == OUTPUT_COLUMNS
    assert sorted(out["year"].unique()) == list(range(2001, 2031))
    assert set(out["variant"]) == {"central", "low", "high", "p10", "p25", "p75", "p90"}
    assert set(out["territory_code"]) == {"01", "2A", "FR"}
    dep = out[out["territory_code"] != "FR"].groupby(["year", "sex", "age_band", "variant"])["population"].sum()
    fr = out[out["territory_code"] == "FR"].set_index(["year", "sex", "age_band", "variant"])["population"]
    assert np.allclose(dep.sort_index(), fr.sort_index())
    later = history.assign(population=np.where(history["year"] > 2000, 0.0, history["population"]))
    pd.testing.assert_frame_equal(out, project_population(later, 2000, until=2030))
    totals = out[out["year"] == 2030].groupby("variant")["population"].sum()
    assert totals["low"] < totals["central"] < totals["high"]


def test_backtest_2013_2023_beats_both_baselines(population):
    table = backtest.mape_table(population, 2013, 2023)
    assert table.loc["hamilton_perry", "total"] < 2.0
    for aggregate in backtest.AGGREGATES:
        assert table.loc["hamilton_perry", aggregate] < table.loc["constant", aggregate]
        assert table.loc["hamilton_perry", aggregate] < table.loc["linear_trend", aggregate]
    assert table["departements"].iloc[0] == 100  # Mayotte has no estimate before 2014


def test_projection_of_the_store_to_2050(population):
    out = project_population(population, 2023)
    totals = out[out["year"] == 2050].groupby(["territory_code", "variant"])["population"].sum()
    assert len(totals.index.get_level_values(0).unique()) == 102  # 101 départements + France
    observed_2023 = population[(population["territory_code"] == "93") & (population["year"] == 2023)]
    first = out[(out["territory_code"] == "93") & (out["year"] == 2024) & (out["variant"] == "central")]
    assert first["population"].sum() == pytest.approx(observed_2023["population"].sum(), rel=0.02)


def test_prediction_interval_2013_2023_from_past_errors_only(population):
    table = backtest.population_table(population, runs=((2013, 10),)).set_index("group")
    assert table.at["total", "mape"] == pytest.approx(1.60, abs=0.01)
    assert table.at["total", "coverage_80"] == pytest.approx(79.0)  # target 75-85 %, out of sample
    assert table.at["total", "coverage_50"] == pytest.approx(56.0)
    assert table.at["65+", "coverage_80"] == pytest.approx(77.0)
    assert table.at["65+", "mape"] == pytest.approx(2.17, abs=0.01)
    out = project_population(population[population["territory_code"] == "93"].pipe(lambda d: d), 2013, 2030)
    totals = out[out["year"].isin([2018, 2030])].groupby(["year", "variant"])["population"].sum().unstack()
    for year in (2018, 2030):
        row = totals.loc[year]
        assert row["p10"] < row["p25"] < row["central"] < row["p75"] < row["p90"]
    width = totals["p90"] / totals["p10"]
    assert width[2030] > width[2018]  # errors grow with the horizon


def test_rows_interval_sums_to_the_totals_own_and_groups_keep_theirs(population):
    rows = project_population(population, 2023, until=2050)
    groups = projections.project_groups(population, 2023, until=2050).set_index(
        ["territory_code", "year", "group", "variant"]
    )["population"]
    at = rows[(rows["territory_code"] == "93") & (rows["year"] == 2050)]
    totals = at.groupby("variant")["population"].sum()
    for variant in ("central", "p10", "p25", "p75", "p90"):
        assert totals[variant] == pytest.approx(groups[("93", 2050, "total", variant)])
    own = groups.xs(("93", 2050), level=("territory_code", "year")).unstack("variant")
    assert own.loc["75+", "p10"] < own.loc["75+", "central"] < own.loc["75+", "p90"]
    width = own["p90"] - own["p10"]
    assert width["total"] < width[["0-19", "20-64", "65+"]].sum()  # quantiles do not add up: errors partly cancel


def test_central_settings_chosen_on_the_early_origins(population):
    table = backtest.select_population_settings(population)
    chosen = table[table["chosen"]].iloc[0]
    assert projections.Setting(chosen["recent_weight"], chosen["earlier_weight"], chosen["cwr_weight"]) == (
        projections.CENTRAL
    )
    assert chosen["mean_total"] < table.loc[0, "mean_total"]  # better than the undamped child-woman ratio
