"""The radar on small constructed tables (no store needed): a rupture, a secret commune value, sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.radar import engine, rules, sentences, signals
from indicators.views import radar_view

CHOMAGE = "insee_chomage_localise"


def _tidy(rows, source="test") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["territory_level", "territory_code", "indicator_id", "year", "value"])
    return frame.assign(variant="observed", source_id=source)


def _unemployment(jump: float) -> pd.DataFrame:
    """30 départements with a calm, noisy unemployment rate 2000-2015; département 13 is smooth and jumps by
    ``jump`` in 2015."""
    rng = np.random.default_rng(0)
    rows = []
    for n in range(1, 31):
        code = f"{n:02d}"
        base = rng.uniform(6, 10)
        for year in range(2000, 2016):
            noise = 0.0 if code == "13" else rng.normal(0, 0.15)  # 13 smooth: inside the band unless it jumps
            value = base + 0.02 * (year - 2000) + noise + (jump if code == "13" and year == 2015 else 0)
            rows.append(("departement", code, "unemployment_rate", year, value))
    rows += [("france", "FR", "unemployment_rate", y, 8.0 + 0.02 * (y - 2000)) for y in range(2000, 2016)]
    return _tidy(rows, CHOMAGE)


def test_a_jump_outside_the_band_of_last_years_forecast_is_a_rupture():
    found = signals(_unemployment(3.0), "departement", "13")
    rupture = found[found["kind"] == "rupture"].iloc[0]
    assert (rupture["indicator_id"], rupture["method"], rupture["direction"], rupture["year"]) == (
        "unemployment_rate",
        "band",
        "worse",
        2015,
    )
    assert rupture["value"] > rupture["high"] > rupture["reference"] > rupture["low"]
    assert rupture["score"] > rules.THRESHOLDS.band
    assert rupture["sentence"].startswith("Taux de chômage localisé (moyenne annuelle) : ")
    assert "au-dessus de la bande attendue d'après la tendance jusqu'en 2014" in rupture["sentence"]
    assert "la hausse est plus rapide que prévu, signe d'une dégradation." in rupture["sentence"]
    assert rupture["source"] == "Insee, taux de chômage localisés"


def test_no_jump_no_rupture():
    found = signals(_unemployment(0.0), "departement", "13")
    assert found[found["kind"] == "rupture"].empty


def _communes(secret: str) -> pd.DataFrame:
    """60 communes of the fixture's Isère with the commune profile's similarity indicators; 38002 has a
    very high unemployment rate, ``secret`` a very high one too but withheld (NaN, as a secret cell)."""
    rng = np.random.default_rng(1)
    rows = []
    for n in range(60):
        code = f"38{n:03d}"
        population = 2000 + 50 * n
        unemployment = 10 + rng.normal(0, 1)
        if code in ("38002", secret):
            unemployment = 30.0
        if code == secret:
            unemployment = np.nan
        rows += [
            ("commune", code, "legal_population", 2023, population),
            ("commune", code, "density", 2021, 100 + 5 * n),
            ("commune", code, "birth_rate", 2022, 10 + rng.normal(0, 1)),
            ("commune", code, "death_rate", 2022, 9 + rng.normal(0, 1)),
            ("commune", code, "legal_population_change", 2023, rng.normal(0.3, 0.2)),
            ("commune", code, "census_unemployment_rate_15_64", 2021, unemployment),
        ]
    rows.append(("france", "FR", "census_unemployment_rate_15_64", 2021, 11.0))
    return _tidy(rows)


def test_a_secret_commune_value_raises_nothing_while_a_known_one_does():
    table = _communes(secret="38003")
    assert signals(table, "commune", "38003").empty
    known = signals(table, "commune", "38002")
    assert known[["indicator_id", "kind", "direction"]].values.tolist() == [
        ["census_unemployment_rate_15_64", "ecart", "worse"]
    ]
    assert "n.d." not in known["sentence"].iloc[0]


def test_descriptive_and_count_indicators_raise_no_ecart():
    oriented = rules.oriented()
    assert "rsa_coverage_rate" in oriented and "unemployment_rate" in oriented
    assert "share_75_plus" not in oriented  # neutral
    assert "rsa_households" not in oriented  # a count
    assert "rsa_coverage_rate_published" not in oriented  # a check, shown nowhere


SENTENCES = [
    (
        dict(
            indicator_id="rsa_coverage_rate",
            kind="ecart",
            method="references",
            direction="worse",
            year=2023,
            territory_level="departement",
            value=12.34,
            reference=5.61,
            reference_2=7.02,
        ),
        "Part de la population couverte par le RSA : 12,3 % en 2023, "
        "contre 5,6 % en France et 7,0 % dans les départements similaires (nettement plus élevé, situation plus "
        "difficile).",
    ),
    (
        dict(
            indicator_id="median_living_standard",
            kind="ecart",
            method="references",
            direction="better",
            year=2020,
            territory_level="departement",
            value=24400.0,
            reference=22040.0,
            reference_2=None,
        ),
        "Niveau de vie médian : 24 400 €/an en 2020, contre 22 040 €/an en France (nettement plus élevé, situation "
        "plus favorable).",
    ),
    (
        dict(
            indicator_id="unemployment_rate",
            kind="rupture",
            method="gap",
            direction="worse",
            year=2019,
            since=2017,
            territory_level="departement",
            value=11.2,
            previous=1.5,
            reference=2.6,
        ),
        "Taux de chômage localisé (moyenne annuelle) : l'écart à la France est passé de +1,5 pt en 2017 à +2,6 pt "
        "en 2019 (11,2 %) : il se creuse plus que ses variations passées ne l'expliquent.",
    ),
    (  # Isère's RSA gap (real figures): one decimal would say « −1,9 pt à −2,0 pt » for a change of 0,19 pt
        dict(
            indicator_id="rsa_coverage_rate",
            kind="rupture",
            method="gap",
            direction="better",
            year=2019,
            since=2017,
            territory_level="departement",
            value=3.694052,
            previous=-1.851489,
            reference=-2.040728,
        ),
        "Part de la population couverte par le RSA : l'écart à la France est passé de −1,85 pt en 2017 à −2,04 pt "
        "en 2019 (3,7 %) : il s'élargit en sa faveur plus que ses variations passées ne l'expliquent.",
    ),
    (  # 93's ASE just below its band (real figures): one decimal would put « 1,8 % » below « 1,8 % à 2,1 % »
        dict(
            indicator_id="ase_rate_0_19",
            kind="rupture",
            method="band",
            direction="better",
            year=2022,
            since=2021,
            territory_level="departement",
            value=1.8304972,
            reference=1.97,
            low=1.8434016,
            high=2.1106398,
        ),
        "Enfants concernés par une mesure d'ASE parmi les 0-19 ans : 1,83 % en 2022, en dessous de la bande attendue "
        "d'après la tendance jusqu'en 2021 (1,84 % à 2,11 %, 8 chances sur 10) : la baisse est plus rapide que "
        "prévu, signe d'une amélioration.",
    ),
    (
        dict(
            indicator_id="census_unemployment_rate_15_64",
            kind="rupture",
            method="census",
            direction="worse",
            year=2021,
            since=2015,
            territory_level="commune",
            value=14.0,
            previous=11.0,
            reference=0.5,
            reference_2=-0.2,
        ),
        "Taux de chômage des 15-64 ans au sens du recensement (2021) : +3,0 pt entre 2015 et 2021 (de 11,0 % à "
        "14,0 %), contre +0,5 pt dans le département et −0,2 pt dans les communes similaires (évolution plus "
        "défavorable).",
    ),
    (
        dict(
            indicator_id="apa_recipients",
            kind="horizon",
            method="need",
            direction="worse",
            year=2030,
            since=2022,
            territory_level="departement",
            value=0.31,
            reference=0.18,
            low=0.22,
            high=0.40,
        ),
        "Bénéficiaires de l'APA : +31 % attendus entre 2022 et 2030 (8 chances sur 10 entre +22 % et +40 %), "
        "contre +18 % en France : le besoin croît nettement plus vite (projection Radar social).",
    ),
]


@pytest.mark.parametrize(("signal", "expected"), SENTENCES)
def test_sentences(signal, expected):
    assert sentences.sentence(signal) == expected.replace(" %", "\u00a0%").replace(" €/an", "\u00a0€/an").replace(
        " pt", "\u00a0pt"
    ).replace("24 400", "24\u00a0400").replace("22 040", "22\u00a0040")


def test_an_empty_table_gives_an_empty_frame_with_the_columns():
    empty = engine.level_signals(_tidy([]), "departement", ["93"])
    assert empty.empty and list(empty.columns) == rules.COLUMNS


def test_backtest_sentence_says_how_many_held():
    measured = pd.DataFrame(
        [
            dict(
                kind="rupture",
                period="later",
                origins="2015-2017",
                signals=12,
                per_territory=0.3,
                evaluated=10,
                persisted=7,
                share=0.7,
            )
        ]
    )
    text = radar_view.backtest_sentences(measured)["rupture"]
    assert text == (
        "7 ruptures sur 10 signalées par le passé (départements, origines 2015-2017) se sont confirmées deux ans "
        "après, soit 7 sur 10 (0,3 par département et par an)."
    )


def _industrial_towns() -> pd.DataFrame:
    """60 communes; the 20 largest are industrial towns with unemployment near 22 % (and a NEET rate that
    moves with it), the others near 10 %. 38045, industrial, has 25 %; on everything else it is alike 38005,
    38015, 38025, 38035 (not industrial) and 38055."""
    rng = np.random.default_rng(2)
    rows = []
    for n in range(60):
        code = f"38{n:03d}"
        unemployment = (22.0 if n >= 40 else 10.0) + rng.normal(0, 0.5)
        if code == "38045":
            unemployment = 25.0
        rows += [
            ("commune", code, "legal_population", 2023, 2000 + 50 * n),
            ("commune", code, "density", 2021, 100 + 30 * (n % 10)),  # 38045 alike 38005, 38015 … 38055
            ("commune", code, "birth_rate", 2022, 8 + 0.4 * (n % 10)),
            ("commune", code, "death_rate", 2022, 7 + 0.3 * (n % 10)),
            ("commune", code, "legal_population_change", 2023, 0.1 * (n % 10)),
            ("commune", code, "census_unemployment_rate_15_64", 2021, unemployment),
            ("commune", code, "neet_rate", 2018, unemployment * 0.8 + rng.normal(0, 0.1)),
        ]
    rows.append(("france", "FR", "census_unemployment_rate_15_64", 2021, 12.1))
    return _tidy(rows)


def test_similar_territories_leave_out_the_tested_indicator_and_its_proxies():
    """Leave-one-out: 38045's unemployment is compared with towns chosen without unemployment and without
    the NEET rate that stands for it, not with the industrial towns chosen for having its unemployment."""
    from indicators.radar import peers

    table = _industrial_towns()
    observed = engine.relevant(engine.observed_rows(table), "commune")
    similar = peers.Similar(observed, "commune", ["38045"])
    tested = observed[observed["indicator_id"] == "census_unemployment_rate_15_64"].set_index("territory_code")
    left_out = peers.left_out(similar.raw, "census_unemployment_rate_15_64", tested["value"])
    assert left_out == {"census_unemployment_rate_15_64", "neet_rate"}
    assert all(int(c[2:]) >= 40 for c in similar.without()["38045"])  # on the whole set: industrial towns only
    found = signals(table, "commune", "38045")
    ecart = found[(found["indicator_id"] == "census_unemployment_rate_15_64") & (found["kind"] == "ecart")].iloc[0]
    assert ecart["reference"] == 12.1 and ecart["reference_of"] == "france"
    assert ecart["reference_2"] < 16  # the median of towns similar on everything else, not ~22 %


def test_a_median_reference_never_holds_the_territory_itself():
    from indicators.radar import ecart

    pool = pd.Series([1.0, 2.0, 3.0, 10.0, 50.0], index=list("abcde"))
    assert ecart.median_without_each(pool, ["a", "c", "e", "z"]).tolist() == [6.5, 6.0, 2.5, 3.0]
    signal = dict(SENTENCES[0][0], territory_level="commune", reference_of="median", reference_2=None)
    assert "contre 5,6\u00a0% pour la commune médiane (" in sentences.sentence(signal)


def test_signal_row_takes_only_signal_columns():
    row = rules.signal_row("departement", "93", "poverty_rate", "ecart", "references", "worse", 2020, 3, 27.6, "s")
    assert (row["year"], row["score"], row["value"]) == (2020, 3.0, 27.6)
    with pytest.raises(TypeError):
        rules.signal_row("departement", "93", "poverty_rate", "ecart", "references", "worse", 2020, 3, 27.6, "s", z=1)


def test_a_publish_gets_its_own_signals_file_the_view_reads(tmp_path, monkeypatch):
    """After a publish, ``python -m indicators.radar --refresh`` (started in the background by the publishing
    code) writes the version's signals beside it. Until it lands, the view serves the previous version's
    signals, said « recalcul en cours », without computing anything; then the new ones, « nouveau » included.
    A rollback serves the restored version's file at once (the same table)."""
    from indicators.radar import stored
    from indicators.storage import store, versions
    from tests import fixture_store

    folder = tmp_path / "store"
    fixture_store.write(folder)
    monkeypatch.setenv("RADAR_DATA_DIR", str(folder))
    stored.refresh(folder, 0)  # the pipeline's signals.parquet (the fixture store has none)
    index = store.load_territories(folder)
    base = radar_view.build("departement", "38", index, folder)
    assert base.pending_from is None and "poverty_rate" not in set(base.signals["indicator_id"])
    assert stored.refresh_in_background(folder) is None  # RADAR_SIGNALS_REFRESH=off in the tests
    rows = _tidy([("departement", "38", "poverty_rate", 2020, 40.0)], "insee_filosofi_2020")
    record = versions.publish(rows.assign(variant="observed"), "alice", "t.csv", "x", folder)
    assert not stored.has_signals(record["id"], folder) and stored.serving_version(None, folder) == 0

    def no_computing(*args, **kwargs):
        raise AssertionError("the view must not compute signals")

    monkeypatch.setattr(engine, "level_signals", no_computing)
    waiting = radar_view.build("departement", "38", index, folder)
    assert (waiting.version, waiting.pending_from, waiting.compared_with) == (1, 0, None)
    pd.testing.assert_frame_equal(waiting.signals.drop(columns="new"), base.signals.drop(columns="new"))
    assert not waiting.signals["new"].any()
    assert radar_view.pending_sentence(waiting) == (
        "Recalcul en cours : la version n° 1 vient d'être publiée et ses signaux sont en cours de calcul. Les "
        "signaux ci-dessous sont encore ceux de la version précédente (de la base, avant toute publication) ; "
        "ils seront remplacés dès la fin du calcul."
    )
    monkeypatch.undo()
    monkeypatch.setenv("RADAR_DATA_DIR", str(folder))

    path = stored.refresh(folder)
    assert path == folder / "versions" / "0001" / f"signals-{versions.base_hash(folder)}.parquet"
    kept = stored.load_signals(folder)
    # the publish touched the poverty rate only, not the départements' similarity set: the other signals were
    # carried over from version 0, the poverty rate's computed; the same as computing everything
    assert stored.carried_over(1, folder)[1] == {"poverty_rate"}
    assert "poverty_rate" not in stored.peer_inputs("departement")
    everything = stored._typed(stored.compute_all(versions.table(1, folder), index=index))
    keys = ["territory_level", "territory_code", "indicator_id", "kind"]
    pd.testing.assert_frame_equal(
        kept.sort_values(keys).reset_index(drop=True),
        everything.sort_values(keys).reset_index(drop=True),
        check_dtype=False,  # str read back from Parquet, object computed
    )
    poverty = kept[(kept["territory_code"] == "38") & (kept["indicator_id"] == "poverty_rate")]
    assert poverty["direction"].tolist() == ["worse"] and poverty["value"].tolist() == [40.0]
    radar = radar_view.build("departement", "38", index, folder)
    assert (radar.version, radar.compared_with, radar.pending_from) == (1, 0, None)
    assert radar_view.pending_sentence(radar) is None
    new = radar.signals.set_index(["indicator_id", "kind"])["new"]
    assert new[("poverty_rate", "ecart")] and not new.drop(("poverty_rate", "ecart")).any()

    versions.rollback(0, "alice", folder)  # version 2 = the base's table again: its file serves at once
    assert stored.serving_version(None, folder) == 0 and stored.exact_for(2, 0, folder)
    back = radar_view.build("departement", "38", index, folder)
    assert (back.version, back.compared_with, back.pending_from) == (2, 1, None)
    assert "poverty_rate" not in set(back.signals["indicator_id"])


def test_horizon_rule_replayed_on_past_need_projections():
    """Ten départements projected from 2010; 01 and 02 projected to grow fastest (band above France): 01 did
    grow faster than France, 02 did not."""
    from indicators.radar import backtest

    rows = []
    for n in range(1, 11):
        code = f"{n:02d}"
        central = 1.5 if n <= 2 else 1.0 + 0.01 * n
        observed = {1: 1.6, 2: 0.9}.get(n, 1.05)
        rows += [
            (code, "apa_recipients", 2010, 2010, 100.0, None, None),
            (code, "apa_recipients", 2010, 2020, 100.0 * observed, 100.0 * central, 100.0 * (central - 0.2)),
        ]
    paths = pd.DataFrame(
        rows, columns=["territory_code", "indicator_id", "origin", "year", "observed", "central", "p10"]
    )
    found = backtest.horizon_hits(paths).iloc[0]
    assert (found["year"], found["territories"], found["signals"], found["held"]) == (2020, 10, 2, 1)


def test_horizons_threshold_chosen_on_the_early_years_and_said_on_the_page():
    """Ten départements projected from 2010; 01 and 02 projected to grow fastest (band above France): judged in
    2015 and in 2020, 01 grew faster than France, 02 did not: 1 in 2 held, below the 2 in 3 aimed at, said."""
    from indicators.radar import backtest

    rows = []
    for n in range(1, 11):
        code = f"{n:02d}"
        central = 1.5 if n <= 2 else 1.0 + 0.01 * n
        observed = {1: 1.6, 2: 0.9}.get(n, 1.05)
        rows += [(code, "apa_recipients", 2010, 2010, 100.0, None, None)]
        rows += [
            (code, "apa_recipients", 2010, y, 100.0 * observed, 100.0 * central, 90 * central) for y in (2015, 2020)
        ]
    paths = pd.DataFrame(
        rows, columns=["territory_code", "indicator_id", "origin", "year", "observed", "central", "p10"]
    )
    assert backtest.choose_horizon(paths) == (rules.THRESHOLDS.horizon, False)  # fewer than MIN_EVALUATED
    summary = backtest.horizon_summary(paths).set_index("period")
    assert summary.loc["early", ["signals", "persisted", "years"]].tolist() == [2, 1, "2015-2015"]
    assert summary.loc["later", ["signals", "persisted", "years", "origins"]].tolist() == [2, 1, "2020-2020", "2010"]
    text = radar_view.backtest_sentences(summary.reset_index())["horizon"]
    assert text == (
        "1 horizons sur 2 signalés par le passé (projections des départements faites en 2010) se sont confirmés "
        "en 2020 — le besoin a crû plus vite qu'en France —, soit 5 sur 10 : moins que les 2 sur 3 visés. Un "
        "horizon est une tendance plausible, pas une certitude."
    )


def test_a_rebuilt_base_under_a_published_version_starts_its_signals_refresh(tmp_path, monkeypatch):
    """`make data` under published versions: the version's signals file, named after the base, no longer
    applies; the pipeline starts its refresh in the background (pipeline.refresh_signals), once."""
    from indicators.build import pipeline
    from indicators.core.paths import INDICATORS_FILE
    from indicators.radar import stored
    from indicators.storage import versions
    from tests import fixture_store

    folder = tmp_path / "store"
    fixture_store.write(folder)
    monkeypatch.setenv("RADAR_DATA_DIR", str(folder))
    started = []
    monkeypatch.setattr(stored, "refresh_in_background", lambda store_dir=None: started.append(store_dir) or 1)
    assert pipeline.refresh_signals(folder) is None and not started  # no publish: the pipeline wrote version 0's
    rows = _tidy([("departement", "38", "poverty_rate", 2020, 40.0)], "insee_filosofi_2020")
    versions.publish(rows.assign(variant="observed"), "alice", "t.csv", "x", folder)
    engine.frame([]).to_parquet(stored.signals_path(1, folder))  # version 1's signals, written on the base
    assert pipeline.refresh_signals(folder) is None and not started
    base = folder / INDICATORS_FILE  # the pipeline rebuilds the base: one value changed
    table = pd.read_parquet(base)
    table.assign(value=table["value"].where(table.index != 0, table["value"] + 1)).to_parquet(base)
    versions.record_base(folder)
    assert not stored.has_signals(1, folder)
    assert pipeline.refresh_signals(folder) == 1 and started == [folder]
