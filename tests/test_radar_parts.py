"""The radar step in parts (indicators.radar.parts, table_steps.radar_signals / radar_backtest): the parts put
together are the whole computation (stored.build), and a changed value reruns only the parts that read it. Small
constructed tables: 30 départements and France 2005-2019 (unemployment, a similarity indicator, the RSA coverage
with its series break, one need with its projection) and 60 communes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.build import build_steps, table_steps
from indicators.radar import backtest, parts, rules, stored
from tests.test_radar import _communes, _tidy

YEARS = range(2008, 2020)
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 21)]


def _departements() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for n, code in enumerate(DEPARTEMENTS, start=1):
        base, density, rsa = rng.uniform(6, 10), rng.uniform(30, 900), rng.uniform(4, 9)
        for year in YEARS:
            jump = 3.0 if code == "13" and year == 2019 else 0.0
            rows.append(("departement", code, "unemployment_rate", year, base + rng.normal(0, 0.15) + jump))
            rows.append(("departement", code, "density", year, density))
            rows.append(("departement", code, "rsa_coverage_rate", year, rsa + rng.normal(0, 0.1)))
            rows.append(("departement", code, "apa_recipients", year, 1000 + 10 * n + 5 * (year - 2008)))
        for name in ("rsa_covered_people", "rsa_covered_people_old_method"):
            rows.append(("departement", code, name, 2016, 1000 * rsa * (1.1 if "old" in name else 1.0)))
    for year in YEARS:
        rows.append(("france", "FR", "unemployment_rate", year, 8.0))
        rows.append(("france", "FR", "rsa_coverage_rate", year, 6.5))
        rows.append(("france", "FR", "apa_recipients", year, 30000 + 100 * (year - 2008)))
    observed = _tidy(rows)
    ahead = [  # the needs' projections the horizons read (central, p10, p90 of rules.HORIZON_YEAR)
        (level, code, "apa_recipients", rules.HORIZON_YEAR, factor * (1.6 if code == "13" else 1.2), variant)
        for level, code in [("france", "FR"), *(("departement", code) for code in DEPARTEMENTS)]
        for variant, factor in (("central", 1100.0), ("p10", 1050.0), ("p90", 1150.0))
    ]
    projected = pd.DataFrame(
        ahead, columns=["territory_level", "territory_code", "indicator_id", "year", "value", "variant"]
    )
    return pd.concat([observed, projected.assign(source_id="test")], ignore_index=True)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.concat([_departements(), _communes("38005")], ignore_index=True)


@pytest.fixture(scope="module")
def index() -> pd.DataFrame:
    codes = [f"38{n:03d}" for n in range(60)]
    return pd.DataFrame({"level": "commune", "code": codes, "name": codes, "departement": "38"})


def _radar(table, index, cache, log=None):
    log = [] if log is None else log
    measured = table_steps.radar_backtest(table, cache, cache, log)
    signals = table_steps.radar_signals(table, index, cache, cache, log)
    return signals, measured, {name: what for name, what, *_ in log}


def test_the_parts_put_together_are_the_whole_radar(table, index, tmp_path):
    signals, measured, log = _radar(table, index, tmp_path)
    assert (log["radar [4/4]"], log["radar_origins [6/6]"], log["radar_backtest"]) == ("rebuilt",) * 3
    whole = stored.build(table_steps.rows_of(table, table_steps.radar_ids()), index)
    pd.testing.assert_frame_equal(signals, whole[stored.SIGNALS_FILE], check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(measured, whole[stored.BACKTEST_FILE], check_exact=True)
    # what the parts found: the jump of 13 in 2019, its need's horizon, the commune 38002's écart
    found = set(zip(signals["territory_code"], signals["indicator_id"], signals["method"], strict=True))
    assert {("13", "unemployment_rate", "band"), ("13", "apa_recipients", "need")} <= found
    assert ("38002", "census_unemployment_rate_15_64", "references") in found
    assert list(signals["territory_level"].drop_duplicates()) == ["departement", "commune"]
    # every part read back from the step cache: the same frames
    reused, reused_backtest, log = _radar(table, index, tmp_path)
    assert log["radar"] == log["radar_origins"] == log["radar_backtest"] == "reused"
    pd.testing.assert_frame_equal(reused, signals, check_exact=True)
    pd.testing.assert_frame_equal(reused_backtest, measured, check_exact=True)


def _changed(table: pd.DataFrame, indicator_id: str, code: str, year: int, level="departement") -> pd.DataFrame:
    at = (
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["year"] == year)
        & (table["territory_level"] == level)
        & (table["variant"] == "observed")
    )
    assert at.sum() == 1
    return table.assign(value=table["value"].where(~at, table["value"] + 0.5))


def _keys(table: pd.DataFrame, index: pd.DataFrame) -> dict[str, bytes]:
    """Each part's cache key (the frames it reads: build_steps.run_parts hashes them), without computing it."""
    rows = table_steps.rows_of(table, table_steps.radar_ids())
    found = {**parts.signal_parts(rows, index), **parts.origin_parts(rows)}
    return {name: b"".join(build_steps.frame_digest(f) for f in reads) for name, (_, reads) in found.items()}


def _rerun(old: dict[str, bytes], after: pd.DataFrame, index: pd.DataFrame) -> set[str]:
    """The parts whose key differs from ``old``'s (those a build of ``after`` recomputes)."""
    new = _keys(after, index)
    assert set(old) == set(new)
    return {name for name in old if old[name] != new[name]}


def test_a_changed_value_reruns_only_the_parts_that_read_it(table, index):
    origins = {f"origin{year}" for year in range(2012, 2018)}
    keys = _keys(table, index)
    rows = table_steps.rows_of(table, table_steps.radar_ids())
    for origin in (2012, 2017):  # each origin's rows: what backtest.raised reads at that origin
        (_, (cut,)) = parts.origin_parts(rows)[f"origin{origin}"]
        pd.testing.assert_frame_equal(cut, backtest.origin_rows(rows, origin))
    assert set(keys) == origins | {
        "departement_apa_recipients",
        "departement_rsa_coverage_rate",
        "departement_unemployment_rate",
        "commune_census_unemployment_rate_15_64",
    }
    # a need's value of 2019: its horizon only (the backtest's origins read up to 2017, and no need)
    assert _rerun(keys, _changed(table, "apa_recipients", "01", 2019), index) == {"departement_apa_recipients"}
    # an oriented rate's value of 2019: its signals only
    assert _rerun(keys, _changed(table, "rsa_coverage_rate", "01", 2019), index) == {"departement_rsa_coverage_rate"}
    # a spliced count of the RSA break: the RSA coverage's part, and every origin from 2016
    assert _rerun(keys, _changed(table, "rsa_covered_people", "01", 2016), index) == {
        "departement_rsa_coverage_rate",
        "origin2016",
        "origin2017",
    }
    # the départements' similarity set (unemployment is in it): every département part, the origins from 2013
    assert _rerun(keys, _changed(table, "unemployment_rate", "02", 2013), index) == {
        "departement_apa_recipients",
        "departement_rsa_coverage_rate",
        "departement_unemployment_rate",
    } | (origins - {"origin2012"})
    # a commune's similarity indicator: every commune part (one here), no département part
    changed = _changed(table, "density", "38010", 2021, "commune")
    assert _rerun(keys, changed, index) == {"commune_census_unemployment_rate_15_64"}
    # the territory index (the communes' départements, for census changes): the commune parts
    moved = index.assign(departement=index["departement"].where(index["code"] != "38003", "73"))
    assert _rerun(keys, table, moved) == {"commune_census_unemployment_rate_15_64"}


def test_among_is_isin_for_arrow_strings_and_indexes():
    """codes.among: the écarts' filter of a level's territories, Series.isin's answer through a hash table."""
    from indicators.core.codes import among

    series = pd.Series(["59183", "59350", None, "2A004", "93066"], dtype="str")
    wanted = {"59183", "2A004", "75056"}
    assert among(series, wanted).tolist() == series.isin(wanted).tolist() == [True, False, False, True, False]
    assert among(pd.Index(series), wanted).tolist() == [True, False, False, True, False]
    assert not among(series, set()).any()
