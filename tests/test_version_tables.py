"""The store's other tables (population, track records, series notes) follow a version that carries its own (a new
edition of a source, indicators/build/editions.py): the pages read them through versions.table_path, and a
rollback brings back the previous ones. On a copy of the fixture store (no build)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from indicators.core.paths import NOTES_FILE, POPULATION_FILE
from indicators.models import track_record
from indicators.storage import query, store, versions


@pytest.fixture
def store_dir(fixture_store_dir, tmp_path, monkeypatch, backend):
    path = tmp_path / "store"
    shutil.copytree(fixture_store_dir, path)
    monkeypatch.setenv("RADAR_DATA_DIR", str(path))
    return path


def _total(population: pd.DataFrame, code: str, year: int) -> float:
    return float(population.query("territory_code == @code and year == @year")["population"].sum())


def _edition_files(store_dir, tmp_path) -> dict:
    """A population with 93's 2023 figures doubled, a track record and a series note: an edition's tables."""
    tmp_path.mkdir()
    population = store.load_population(store_dir)
    population.loc[population["territory_code"] == "93", "population"] *= 2
    population.to_parquet(tmp_path / POPULATION_FILE, index=False)
    record = pd.DataFrame({"territory_code": ["93"], "origin": [2013], "group": ["total"], "error": [1.5]})
    record.to_parquet(tmp_path / track_record.PATHS_FILE, index=False)
    note = {"territory_level": "commune", "territory_code": "93066", "indicator_id": "poverty_rate"}
    pd.DataFrame([{**note, "year": 2021, "kind": "partial", "note": "n"}]).to_parquet(tmp_path / NOTES_FILE)
    return {name: tmp_path / name for name in (POPULATION_FILE, track_record.PATHS_FILE, NOTES_FILE)}


def _one_row(store_dir, value: float) -> pd.DataFrame:
    table = store.load_indicators(store_dir)
    row = table[(table["territory_code"] == "93") & (table["variant"] == "observed")].head(1)
    return row.assign(value=value)


def test_a_version_carries_its_tables_and_a_rollback_brings_back_the_previous_ones(store_dir, tmp_path):
    assert _total(store.load_population(), "93", 2023) == 1_682_806  # the fixture's base (Insee, 1 January 2023)
    assert versions.table_path(POPULATION_FILE) == store_dir / POPULATION_FILE
    assert not track_record.held(track_record.PATHS_FILE)
    tables = _edition_files(store_dir, tmp_path / "staged")
    edition = versions.publish(_one_row(store_dir, 1.0), "a", "e.xlsx", "x", tables=tables, edition={"source_id": "s"})
    assert edition["tables"] == sorted(tables)
    assert _total(store.load_population(), "93", 2023) == 3_365_612
    assert track_record.load(track_record.PATHS_FILE)["error"].tolist() == [1.5]
    assert query.notes("93066")["kind"].tolist() == ["partial"]
    upload = versions.publish(_one_row(store_dir, 2.0), "b", "u.csv", "y")  # a later upload keeps them
    assert _total(store.load_population(), "93", 2023) == 3_365_612
    versions.rollback(0, "c", based_on=upload["id"])  # back to the base: the pipeline's tables again
    assert _total(store.load_population(), "93", 2023) == 1_682_806
    assert not track_record.held(track_record.PATHS_FILE) and query.notes("93066").empty
    versions.rollback(edition["id"], "c")  # the edition's version again: its tables again
    assert _total(store.load_population(), "93", 2023) == 3_365_612
    assert versions.table_path(POPULATION_FILE, version=0) == store_dir / POPULATION_FILE


def test_the_pages_population_follows_the_published_version(store_dir, tmp_path):
    """The profile's pyramid (cache.profile reads cache.population) shows a newer estimate once published."""
    from indicators.ui import cache

    assert (cache.profile("93").pyramid_year, _total(cache.population(), "93", 2023)) == (2023, 1_682_806)
    population = store.load_population(store_dir)
    newer = population[population["territory_code"] == "93"].assign(year=2024)
    pd.concat([population, newer], ignore_index=True).to_parquet(tmp_path / POPULATION_FILE, index=False)
    tables = {POPULATION_FILE: tmp_path / POPULATION_FILE}
    record = versions.publish(_one_row(store_dir, 1.0), "a", "e.xlsx", "x", tables=tables)
    assert cache.profile("93").pyramid_year == 2024 and _total(cache.population(), "93", 2024) == 1_682_806
    versions.rollback(0, "b", based_on=record["id"])
    assert cache.profile("93").pyramid_year == 2023 and _total(cache.population(), "93", 2024) == 0
