"""The build's steps cached in parts or newly cached (issue 29): the needs' projection and track record one part
per need, each keyed on the rows it reads (a short need on every need's: it borrows their errors), and the map
geometry and age table cached on their raw files. The parts put together are the whole computation, row for
row (the pipeline-wide check is tests/compare_steps.py)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from indicators.build import build_steps, geo_build, pipeline, projected, table_steps
from indicators.core import catalogue
from indicators.core.paths import RAW_DIR
from indicators.core.schema import validate_population
from indicators.models import needs, track_record
from indicators.sources import insee_population

SOME = 20  # départements: the parts tested on a smaller table, the same code path


def _parquet(frame: pd.DataFrame, tmp_path, name: str) -> pd.DataFrame:
    """The frame as the step cache hands it on (read back from Parquet)."""
    frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    return pd.read_parquet(tmp_path / f"{name}.parquet")


@pytest.fixture(scope="module")
def small(table, population):
    """(the needs' observed rows, population by age) of SOME départements (and France)."""
    codes = sorted(population.loc[population["territory_code"] != "FR", "territory_code"].unique())[:SOME]
    rows = table_steps.rows_of(table, catalogue.need_ids(), observed=True)
    rows = rows[rows["territory_code"].isin(codes)].reset_index(drop=True)
    return rows, population[population["territory_code"].isin([*codes, "FR"])].reset_index(drop=True)


@pytest.mark.parametrize("origin", [None, 2010, 2013])
def test_the_cheap_shortness_test_says_what_the_calibration_says(table, population, origin):
    """needs.too_short decides a part's key before anything is computed: it must agree with rate_quantiles."""
    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    until = 2050
    if origin is not None:
        observed, population = observed[observed["year"] <= origin], population[population["year"] <= origin + 1]
        until = origin + 10
    verdicts = {}
    for need_id in catalogue.need_ids():
        rate = needs.observed_rate(observed, population[population["territory_code"] != "FR"], need_id)
        horizons = needs.horizons_of(rate, until)
        verdicts[need_id] = needs.too_short(rate, need_id, horizons)
        assert verdicts[need_id] == needs.rate_quantiles(rate, need_id, horizons).empty, need_id
    if origin == 2010:  # PCH from 2006, RSA from 2009: too short at the track record's origin
        assert verdicts == {i: i in ("pch_recipients", "rsa_households") for i in catalogue.need_ids()}
    if origin is None:
        assert not any(verdicts.values())


def test_projected_needs_one_part_per_need(small, tmp_path):
    rows, population = small
    ages = projected.projected_ages(population)

    def run(frame) -> tuple[str, pd.DataFrame]:
        log: list = []
        parts = build_steps.run_parts(
            table_steps.PROJECTED_NEEDS, table_steps.need_parts(frame, population, ages), RAW_DIR, tmp_path, log
        )
        return log[-1][0], projected.joined_needs([f for (f,) in parts.values()])

    name, joined = run(rows)
    assert name == "projected_needs [5/5]"
    whole = _parquet(projected.need_part(rows, population, ages), tmp_path, "whole")
    assert_frame_equal(joined, whole, check_exact=True)  # values, dtypes and the rows' order
    assert run(rows)[0] == "projected_needs"
    aah = (rows["indicator_id"] == "aah_recipients") & (rows["year"] == 2019)
    changed = rows.assign(value=rows["value"].where(~aah, rows["value"] + 10))
    assert run(changed)[0] == "projected_needs [1/5]"  # AAH's part alone


def test_track_needs_one_part_per_need_but_a_short_need_reads_every_need(small, tmp_path):
    rows, population = small
    short = {i: track_record.short_need(rows, population, i) for i in catalogue.need_ids()}
    assert short["pch_recipients"] and not short["aah_recipients"]  # the rule is exercised

    def run(frame) -> tuple[str, pd.DataFrame]:
        log: list = []
        parts = table_steps.need_path_parts(frame, population, RAW_DIR, tmp_path, log)
        out = build_steps.run_parts(table_steps.TRACK_NEEDS, parts, RAW_DIR, tmp_path, log)
        return log[-1][0], track_record.joined_need_paths([f for (f,) in out.values()])

    name, joined = run(rows)
    assert name == "track_needs [5/5]"
    whole = _parquet(track_record.need_paths(rows, population).reset_index(drop=True), tmp_path, "whole")
    assert_frame_equal(joined, whole, check_exact=True)

    def plus(indicator_id: str, year: int) -> pd.DataFrame:
        at = (rows["indicator_id"] == indicator_id) & (rows["year"] == year)
        return rows.assign(value=rows["value"].where(~at, rows["value"] + 10))

    assert run(plus("aah_recipients", 2019))[0] == "track_needs [1/5]"  # after the origin: its own part
    # up to the origin: AAH's part and every short need's (they borrow AAH's errors)
    assert run(plus("aah_recipients", 2008))[0] == f"track_needs [{1 + sum(short.values())}/5]"


def test_the_map_geometry_is_a_cached_step_written_as_built(tmp_path):
    log: list = []

    def run() -> gpd.GeoDataFrame:
        (frame,) = build_steps.run(pipeline.GEOMETRY_STEP, RAW_DIR, tmp_path, lambda: (geo_build.build(RAW_DIR),), log)
        return geo_build.from_stored(frame)

    first, again = run(), run()
    assert [what for _, what, *_ in log] == ["rebuilt", "reused"]
    geo_build.build(RAW_DIR).to_parquet(tmp_path / "built.parquet", index=False)
    again.to_parquet(tmp_path / "cached.parquet", index=False)
    assert (tmp_path / "built.parquet").read_bytes() == (tmp_path / "cached.parquet").read_bytes()
    assert first.crs == again.crs == geo_build.CRS and len(again) == 101
    assert str(geo_build.RAW_GEOJSON) in pipeline.GEOMETRY_STEP.inputs


def test_the_age_table_is_a_cached_step(tmp_path):
    log: list = []
    compute = lambda: (validate_population(insee_population.read_age_sex(RAW_DIR)),)  # noqa: E731
    first = build_steps.run(pipeline.AGE_TABLE_STEP, RAW_DIR, tmp_path, compute, log)[0]
    again = build_steps.run(pipeline.AGE_TABLE_STEP, RAW_DIR, tmp_path, compute, log)[0]
    assert [what for _, what, *_ in log] == ["rebuilt", "reused"]
    assert_frame_equal(again, compute()[0], check_exact=True)
    assert_frame_equal(first, again, check_exact=True)
    assert pipeline.AGE_TABLE_STEP.inputs == tuple(insee_population.FILES)
