"""The track record written by the pipeline: the 2013 population projection vs what happened (93, all
départements) and the held-out rate bands, read by the pages instead of being recomputed."""

import pandas as pd
import pytest

from indicators.models import track_record
from indicators.views import age_charts


@pytest.fixture(scope="module")
def paths(real_store):
    return track_record.load(track_record.PATHS_FILE, real_store)


@pytest.fixture(scope="module")
def summary(real_store):
    return track_record.load(track_record.POPULATION_FILE, real_store)


def test_projection_made_in_2013_for_seine_saint_denis(paths):
    mine = paths[(paths["territory_code"] == "93") & (paths["group"] == "total")].set_index("year")
    assert mine.index.min() == 2003 and mine.index.max() == 2023
    assert mine.loc[2013, ["central", "p10"]].isna().all()  # the origin itself is observed only
    assert mine.loc[2023, "observed"] == pytest.approx(1_682_806, abs=1)  # Insee estimate at 1/1/2023
    assert mine.loc[2023, "central"] == pytest.approx(1_620_956, rel=0.002)  # what 2013 would have said
    assert mine.loc[2023, "observed"] > mine.loc[2023, "p90"]  # its births kept above the national level
    assert set(paths["group"]) == {"total", "0-19", "20-64", "65+", "75+"}
    assert paths["territory_code"].nunique() == 100


def test_population_summary_origins_horizons_groups(summary):
    runs = summary[~summary["group"].str.startswith("method:")]
    assert set(zip(runs["origin"], runs["horizon"], strict=True)) == {
        (2003, 10),
        (2008, 10),
        (2013, 10),
        (2008, 5),
        (2013, 5),
        (2018, 5),
    }
    total = runs.set_index(["origin", "horizon", "group"]).loc[(2013, 10, "total")]
    assert total["mape"] == pytest.approx(1.60, abs=0.01)
    assert total["coverage_80"] == pytest.approx(79.0)
    methods = track_record.method_mape(summary)
    assert methods.loc["hamilton_perry", "total"] < methods.loc["linear_trend", "total"]
    assert methods.loc["hamilton_perry", "total"] == pytest.approx(total["mape"])


def test_sentences_in_plain_french(paths, summary):
    mine = paths[paths["territory_code"] == "93"]
    first, second = track_record.population_sentences(mine, summary, "la Seine-Saint-Denis")
    assert "**1\u00a0620\u00a0956 habitants** au 1er janvier 2023 pour la Seine-Saint-Denis" in first
    assert "**1\u00a0682\u00a0806**, soit 3,8\u00a0% de plus (hors de l'intervalle à 80 %" in first
    assert second.startswith("**Sur les 100 départements**, à 10 ans, l'écart moyen")
    assert "pour 79 départements sur 100" in second and "il est bien calibré" in second
    assert "0-19 ans : écart moyen 4,6\u00a0%, 74 sur 100 dans l'intervalle à 80 % (trop étroit)" in second
    fig = age_charts.past_projection_figure(mine, 2013)
    assert [t.name for t in fig.data[:3]] == [
        "Intervalle à 80 % calculé en 2013",
        "Projection faite en 2013",
        "Observé (estimations Insee)",
    ]


def test_rate_record_matches_the_harness(table):
    from indicators.models import backtest

    stored = track_record.load(track_record.RATES_FILE)
    record = track_record.rate_record(stored, "apa_rate_60_plus", "93")
    held = backtest.rate_held_out(table[table["variant"] == "observed"], ("apa_rate_60_plus",))
    direct = backtest.rate_table(held).loc["apa_rate_60_plus"]
    assert record["all"]["coverage_80"] == pytest.approx(direct["coverage_80"])
    assert record["all"]["mae_trend"] == pytest.approx(direct["mae_trend"])
    mine = backtest.rate_table(held[held["territory_code"] == "93"]).loc["apa_rate_60_plus"]
    assert record["series"]["coverage_50"] == pytest.approx(mine["coverage_50"])
    assert record["series"]["origins"] == mine["origins"] == "2016-2021"
    assert track_record.rate_record(stored, "poverty_rate", "93") is None  # too short to be backtested


def test_rate_record_says_what_it_rests_on(real_store):
    stored = track_record.load(track_record.RATES_FILE, real_store)
    said = {
        i: track_record.tested_span(track_record.rate_record(stored, i, "93")["all"]) for i in stored["indicator_id"]
    }
    assert said["unemployment_rate"] == "origines 2007 à 2023, horizons 1 à 10 ans, 12\u00a0024 comparaisons"
    # RSA is observed 2009-2019 on one method: one held-out origin, checked one year ahead only
    assert said["rsa_coverage_rate"] == "origine 2018, horizon 1 an, 101 comparaisons"
    assert said["pch_per_1000"] == "origines 2018 à 2021, horizons 1 à 4 ans, 990 comparaisons"
    notes = {i: track_record.extrapolation_note(track_record.rate_record(stored, i, "93")["all"]) for i in said}
    assert notes["unemployment_rate"] == ""  # checked 1 to 10 years ahead, as far as the bands are measured
    assert notes["rsa_coverage_rate"] == (
        "Ce recul est court : la série n'a permis de vérifier les projections que 1 an à l'avance ; "
        "au-delà, la largeur des intervalles est extrapolée."
    )
    assert "que 4 ans à l'avance" in notes["pch_per_1000"]


def test_rate_forecast_made_in_2014_for_seine_saint_denis_unemployment(real_store):
    stored = track_record.load(track_record.RATE_PATHS_FILE, real_store)
    origins = stored.groupby("indicator_id")["origin"].first().to_dict()
    # 10 years before the last observation, or 5 when fewer than 8 years were known by then; RSA: too short
    assert origins == {
        "unemployment_rate": 2014,
        "apa_rate_60_plus": 2012,  # DREES to 2022 (issue 31)
        "ase_rate_0_19": 2012,
        "aah_rate_20_64": 2009,
        "pch_per_1000": 2017,
    }
    mine = stored[(stored["territory_code"] == "93") & (stored["indicator_id"] == "unemployment_rate")]
    mine = mine.set_index("year")
    assert mine.index.min() == 2004 and mine.index.max() == 2024
    assert mine.loc[2014, ["trend", "p10"]].isna().all()
    assert mine.loc[2015, "trend"] == pytest.approx(12.975)  # last value of 2014, held
    assert mine.loc[2023, "observed"] == pytest.approx(10.25)
    assert mine.loc[2023, "p10"] == pytest.approx(9.84, abs=0.01) and mine.loc[2023, "p90"] == pytest.approx(
        16.92, abs=0.01
    )


def test_need_forecast_made_in_2010_for_seine_saint_denis_apa(real_store):
    stored = track_record.load(track_record.NEED_PATHS_FILE, real_store)
    mine = stored[(stored["territory_code"] == "93") & (stored["indicator_id"] == "apa_recipients")].set_index("year")
    assert (mine["origin"] == 2010).all() and mine.index.min() == 2002 and mine.index.max() == 2020
    assert mine.loc[2010, "observed"] == 18_815 and pd.isna(mine.loc[2010, "central"])
    row = mine.loc[2020]
    assert row["observed"] == 22_390
    assert row["central"] == pytest.approx(20_009, abs=1)  # APA rate of 2010 × the 75+ projected from 2011
    assert row["p10"] < row["p25"] < row["central"] < row["p75"] < row["p90"]
    assert row["p10"] == pytest.approx(17_984, abs=1) and row["p90"] == pytest.approx(22_875, abs=1)


def test_need_bands_against_what_happened(table, population):
    from indicators.models import backtest

    frame = backtest.need_band_table(table, population, runs=((2015, 5),)).set_index("indicator_id")
    assert frame.at["apa_recipients", "coverage_80"] == pytest.approx(79.76, abs=0.01)
    assert frame.at["apa_recipients", "forecasts"] == 494
    # RSA: seven years by 2015, too few for its own rate errors; the bands borrow those of the other needs
    assert frame.at["rsa_households", "coverage_80"] == pytest.approx(64.50, abs=0.01)


@pytest.mark.parametrize(("inside", "said"), [(0, "aucune n'est tombée"), (1, "1 est tombée"), (2, "2 sont tombées")])
def test_past_forecast_sentence_agrees_with_its_count(inside, said):
    """'1 est tombée', never '1 sont tombées'."""
    rows = pd.DataFrame(
        {
            "origin": 2014,
            "year": [2015, 2016],
            "trend": [10.0, 11.0],
            "observed": [10.0 if inside >= 1 else 30.0, 11.0 if inside == 2 else 30.0],
            "p10": [9.0, 10.0],
            "p90": [12.0, 13.0],
        }
    )
    sentence = track_record.past_forecast_sentence(rows, "trend", lambda v: f"{v:.0f}", "Isère")
    assert sentence.endswith(f"Sur les 2 années projetées, {said} dans cet intervalle.")
