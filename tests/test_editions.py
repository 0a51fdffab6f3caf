"""A publisher's own file imported as a new edition of its source (indicators/build/editions.py).

The decisive test, per source: a store built from a copy of the source's file cut at an earlier year, refreshed by
importing the publisher's full file (recognised, read by the source's own parser, every derived row recomputed,
published as a version), serves exactly the table built from the full file. On a few départements (``ONLY``: the
same build path, ``pipeline.build_tables(only=...)``), so that each costs seconds, not the full build's minutes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.build import editions, pipeline
from indicators.core import layout
from indicators.core.paths import POPULATION_FILE, RAW_DIR, TRACK_RECORD_FILES, processed_dir
from indicators.core.schema import KEY
from indicators.models import track_record
from indicators.sources import insee_chomage, insee_population
from indicators.storage import edition_files, versions
from indicators.storage import store as store_tables
from tests import edition_cuts

pytestmark = pytest.mark.store
ONLY = {"93"}
FILOSOFI_POVERTY = "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv"
CUTS = {
    "unemployment": (insee_chomage.FILES[0], lambda p, o: edition_cuts.unemployment_until(p, 2023, o)),
    "population": (insee_population.FILES[0], lambda p, o: edition_cuts.population_until(p, 2022, o)),
    "filosofi": (FILOSOFI_POVERTY, lambda p, o: None),  # one year per file: the store without the 2020 edition
}


def _steps(into: Path) -> Path:
    """A step cache seeded with the real store's (hard links): the commune steps are not recomputed."""
    (into / ".steps").mkdir(parents=True)
    for path in (processed_dir() / ".steps").glob("*.parquet"):
        (into / ".steps" / path.name).hardlink_to(path.resolve())
    return into


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _steps(tmp_path_factory.mktemp("full"))
    return pipeline.build_tables(RAW_DIR, cache_dir=store, only=ONLY)


@pytest.fixture(scope="module")
def full(built) -> pd.DataFrame:
    return built[0]


def _cut_store(tmp_path: Path, slot: str, cut) -> Path:
    """A store whose base is built from data/raw with ``slot`` replaced by its cut copy (None: no file)."""
    store = _steps(tmp_path / "store")
    cut_file = cut(RAW_DIR / slot, tmp_path / "cut" / Path(slot).name)
    view = editions.raw_view(RAW_DIR, [(slot, cut_file)], tmp_path / "raw")
    base, population = pipeline.build_tables(view, cache_dir=store, only=ONLY)
    layout.write(base, store / "indicators.parquet")
    population.to_parquet(store / POPULATION_FILE, index=False)
    versions.record_base(store)
    shutil.rmtree(tmp_path / "raw")
    return store


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.sort_values(KEY).reset_index(drop=True)
    want = want[got.columns].sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False)


@pytest.mark.parametrize("name", ["filosofi", "population"])
def test_cut_store_refreshed_by_the_publishers_file_equals_the_full_build(name, full, built, tmp_path):
    slot, cut = CUTS[name]
    store = _cut_store(tmp_path, slot, cut)
    before = versions.table(store_dir=store)
    result = editions.prepare((RAW_DIR / slot).read_bytes(), Path(slot).name, store, RAW_DIR, only=ONLY)
    assert result["status"] == "recognised", result
    assert result["source"]["slot"] == slot and not result["older"]
    assert set(TRACK_RECORD_FILES) <= set(result["tables"])  # the cut store has no track record: all new
    assert (POPULATION_FILE in result["tables"]) == (name == "population")  # only a new population changes it
    record = edition_files.publish(result["key"], "test", store, based_on=0)
    assert record["edition"]["source_id"] == result["source"]["source_id"]
    _same(versions.table(store_dir=store), full)
    population = store_tables.load_population(store)  # what the pages read (versions.table_path)
    pd.testing.assert_frame_equal(population, built[1], check_dtype=False)
    assert track_record.held(track_record.RATE_PATHS_FILE, store)
    if name == "population":  # 93 on 1 January 2023 (Insee, estimations de population), absent from the cut file
        assert _total(population, 2023) == 1_682_806 and _total(population, 2022) == 1_673_645
    versions.rollback(0, "test", store, based_on=record["id"])  # rollback restores every derived row too
    _same(versions.table(store_dir=store), before)
    population = store_tables.load_population(store)  # and the cut store's population
    assert int(population["year"].max()) == (2022 if name == "population" else 2023)
    assert _total(population, 2022) == 1_673_645 and not track_record.held(track_record.RATE_PATHS_FILE, store)


def _total(population: pd.DataFrame, year: int) -> float:
    return float(population.query("territory_code == '93' and year == @year")["population"].sum())


def test_unemployment_file_recognised_diffed_published_equal_then_older_edition_asked(full, tmp_path):
    slot, cut = CUTS["unemployment"]
    store = _cut_store(tmp_path, slot, cut)
    before = versions.table(store_dir=store)
    result = editions.prepare((RAW_DIR / slot).read_bytes(), "sl_etc_2025T3.xls", store, RAW_DIR, only=ONLY)
    assert result["status"] == "recognised" and result["source"]["slot"] == slot
    assert (result["producer"], result["year"], result["served"]["year"]) == ("Insee", 2024, 2023)
    assert result["indicators"] == ["unemployment_rate"] and result["territories"] == 100
    assert result["served"]["since"].startswith("fichiers de data/raw")
    assert 2024 in result["years_touched"]["unemployment_rate"]  # the new year, observed now
    added = {r["indicator_id"]: r["added"] for r in result["per_indicator"]}
    assert added["unemployment_rate"] == 1  # 93's 2024 rate (the file publishes no France rate)
    rate = full.query("indicator_id == 'unemployment_rate' and territory_code == '93' and year == 2024")
    assert rate["value"].round(3).tolist() == [10.325]
    record = edition_files.publish(result["key"], "test", store, based_on=0)
    _same(versions.table(store_dir=store), full)
    # the cut file again is an older edition: said before any rebuild, with the edition served and since when
    older = editions.prepare(
        edition_cuts.unemployment_until(RAW_DIR / slot, 2023, tmp_path / "old.xlsx").read_bytes(),
        "old.xlsx",
        store,
        RAW_DIR,
        only=ONLY,
    )
    assert older["status"] == "older" and (older["year"], older["served"]["year"]) == (2023, 2024)
    assert older["served"]["since"].startswith("importée le ")
    versions.rollback(0, "test", store, based_on=record["id"])
    _same(versions.table(store_dir=store), before)
