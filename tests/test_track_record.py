"""The track record written by the pipeline: the 2013 population projection vs what happened (93, all
départements) and the held-out rate bands, read by the pages instead of being recomputed."""

import pytest

from indicators import age_charts, track_record


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
    assert mine.loc[2023, "central"] == pytest.approx(1_628_818, rel=0.002)  # what 2013 would have said
    assert mine.loc[2023, "p10"] < mine.loc[2023, "observed"] < mine.loc[2023, "p90"]
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
    assert total["mape"] == pytest.approx(1.72, abs=0.01)
    assert total["coverage_80"] == pytest.approx(95.0)
    methods = track_record.method_mape(summary)
    assert methods.loc["hamilton_perry", "total"] < methods.loc["linear_trend", "total"]
    assert methods.loc["hamilton_perry", "total"] == pytest.approx(total["mape"])


def test_sentences_in_plain_french(paths, summary):
    mine = paths[paths["territory_code"] == "93"]
    first, second = track_record.population_sentences(mine, summary, "la Seine-Saint-Denis")
    assert "**1\u00a0628\u00a0818 habitants** au 1er janvier 2023 pour la Seine-Saint-Denis" in first
    assert "**1\u00a0682\u00a0806**, soit 3,3\u00a0% de plus (dans l'intervalle à 80 %" in first
    assert second.startswith("**Sur les 100 départements**, à 10 ans, l'écart moyen")
    assert "pour 95 départements sur 100" in second and "plus large que nécessaire" in second
    assert "0-19 ans : écart moyen 4,6\u00a0%, 61 sur 100 dans l'intervalle à 80 % (trop étroit)" in second
    fig = age_charts.past_projection_figure(mine, 2013)
    assert [t.name for t in fig.data[:3]] == [
        "Intervalle à 80 % calculé en 2013",
        "Projection faite en 2013",
        "Observé (estimations Insee)",
    ]


def test_rate_record_matches_the_harness(table):
    from indicators import backtest

    stored = track_record.load(track_record.RATES_FILE)
    record = track_record.rate_record(stored, "apa_rate_60_plus", "93")
    held = backtest.rate_held_out(table[table["variant"] == "observed"], ("apa_rate_60_plus",))
    direct = backtest.rate_table(held).loc["apa_rate_60_plus"]
    assert record["all"]["coverage_80"] == pytest.approx(direct["coverage_80"])
    assert record["all"]["mae_trend"] == pytest.approx(direct["mae_trend"])
    mine = backtest.rate_table(held[held["territory_code"] == "93"]).loc["apa_rate_60_plus"]
    assert record["series"]["coverage_50"] == pytest.approx(mine["coverage_50"])
    assert record["series"]["origins"] == mine["origins"] == "2015-2019"
    assert track_record.rate_record(stored, "poverty_rate", "93") is None  # too short to be backtested
