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
from indicators.sources import (
    drees_aide_sociale,
    drees_minima_sociaux,
    insee_chomage,
    insee_filosofi_communes,
    insee_population,
)
from indicators.storage import edition_files, versions
from indicators.storage import store as store_tables
from tests import edition_cuts

pytestmark = [pytest.mark.store, pytest.mark.slow]
ONLY = {"93"}
FILOSOFI_POVERTY = "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv"
CUTS = {
    "unemployment": (insee_chomage.FILES[0], lambda p, o: edition_cuts.unemployment_until(p, 2023, o)),
    "population": (insee_population.FILES[0], lambda p, o: edition_cuts.population_until(p, 2022, o)),
    "filosofi": (FILOSOFI_POVERTY, lambda p, o: None),  # one year per file: the store without the 2020 edition
    # the 2020 edition (years to 2018), as the 2021 edition's workbook cut: no 2019 column, no 2019 RSA rate
    "minima": (drees_minima_sociaux.FILES[0], lambda p, o: edition_cuts.minima_until(p, 2018, o)),
    # the beneficiaries workbook without 2020: the store then takes 2020 from the 1996-2022 tidy table
    # (drees_aide_sociale_2022, the years the workbook lacks); the full workbook takes 2020 back from it
    "aide_sociale": (
        drees_aide_sociale.BENEFICIARIES_FILE,
        lambda p, o: edition_cuts.aide_sociale_until(p, 2019, o),
    ),
}


def _steps(into: Path, without: str = "") -> Path:
    """A step cache seeded with the real store's (hard links): the commune steps are not recomputed, but for
    the step ``without`` (the commune Filosofi's: its parser then runs in the import)."""
    (into / ".steps").mkdir(parents=True)
    for path in (processed_dir() / ".steps").glob("*.parquet"):
        if not (without and path.name.startswith(without + "-")):
            (into / ".steps" / path.name).hardlink_to(path.resolve())
    return into


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _steps(tmp_path_factory.mktemp("full"))
    return pipeline.build_tables(RAW_DIR, cache_dir=store, only=ONLY)


@pytest.fixture(scope="module")
def full(built) -> pd.DataFrame:
    return built[0]


def _cut_store(tmp_path: Path, slot: str, cut, without: str = "") -> Path:
    """A store whose base is built from data/raw with ``slot`` replaced by its cut copy (None: no file)."""
    store = _steps(tmp_path / "store", without)
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


def test_the_commune_filosofi_file_is_read_by_the_commune_builds_parser_and_equals_the_full_build(full, tmp_path):
    """No earlier commune edition is available (data/raw holds the 2021 file only), and a fabricated one would be
    invented figures: the honest cut is the store built without the commune file (as the département Filosofi
    case), refreshed by importing the publisher's 2021 file, which the commune build reads (its step recomputed:
    not seeded) and maps to today's communes; then the rows of 93's communes equal the full build's."""
    slot = f"{insee_filosofi_communes.FOLDER.name}/cc_filosofi_2021_COM.csv"
    store = _cut_store(tmp_path, slot, lambda p, o: None, without="commune_social")
    before = versions.table(store_dir=store)
    communes = before[(before["territory_level"] == "commune") & before["territory_code"].str.startswith("93")]
    assert "poverty_rate" not in set(communes["indicator_id"])
    result = editions.prepare((RAW_DIR / slot).read_bytes(), "telechargement.csv", store, RAW_DIR, only=ONLY)
    assert result["status"] == "recognised" and result["source"]["slot"] == slot, result
    assert (result["year"], result["served"]["year"], result["territories"]) == (2021, None, 31304)
    assert len(result["indicators"]) == len(insee_filosofi_communes.INDICATORS)
    record = edition_files.publish(result["key"], "test", store, based_on=0)
    served = versions.table(store_dir=store)
    _same(served, full)
    poverty = served.query("indicator_id == 'poverty_rate' and year == 2021").set_index("territory_code")["value"]
    assert poverty["93001"] == 42.0  # Aubervilliers, « 42,0 » in the file
    assert "93066" not in poverty  # Saint-Denis merged with Pierrefitte in 2025: a rate is not summed (merged)
    versions.rollback(0, "test", store, based_on=record["id"])
    _same(versions.table(store_dir=store), before)


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


@pytest.mark.parametrize("name", ["minima", "aide_sociale"])
def test_a_drees_workbook_cut_at_an_earlier_year_refreshed_by_the_full_one_equals_the_full_build(name, full, tmp_path):
    """The DREES workbooks, whose parsers read the years the file has: the store built from the workbook cut at
    an earlier year, then the publisher's full workbook imported, serves the full build's rows (every column: the
    aide sociale's 2020 rows go back from the 1996-2022 tidy table to the workbook, their source with them)."""
    slot, cut = CUTS[name]
    store = _cut_store(tmp_path, slot, cut)
    before = versions.table(store_dir=store)
    result = editions.prepare((RAW_DIR / slot).read_bytes(), "telechargement.xlsx", store, RAW_DIR, only=ONLY)
    assert result["status"] == "recognised" and result["source"]["slot"] == slot, result
    assert (result["year"], result["served"]["year"]) == ((2019, 2018) if name == "minima" else (2020, 2020))
    if name == "aide_sociale":  # 2020 was served from the tidy table: same figures, now credited to the workbook
        assert result["recredited"] > 0
    record = edition_files.publish(result["key"], "test", store, based_on=0)
    _same(versions.table(store_dir=store), full)
    versions.rollback(0, "test", store, based_on=record["id"])
    _same(versions.table(store_dir=store), before)


def test_a_file_ten_times_off_is_refused_by_the_command_line_and_nothing_is_published(tmp_path, monkeypatch, capsys):
    """End to end through ``python -m indicators.upload FILE`` (its worker run in-process on 93): the publisher's
    unemployment workbook with every rate ten times larger is recognised, rebuilt, then refused by the meaning check
    with which indicator and how far, and the store serves what it served."""
    from indicators.publishing import editions as publishing_editions
    from indicators.publishing import upload_cli

    slot = insee_chomage.FILES[0]
    store = _cut_store(tmp_path, slot, lambda p, o: p)  # the store of the publisher's file as it is
    before = versions.table(store_dir=store)
    ten = edition_cuts.unemployment_scaled(RAW_DIR / slot, 10, tmp_path / "sl_etc_2025T3.xlsx")

    def prepare(data, filename, store_dir=None, older_ok=False):
        return editions.prepare(data, filename, store_dir, RAW_DIR, only=ONLY, older_ok=older_ok)

    monkeypatch.setattr(publishing_editions, "prepare", prepare)
    monkeypatch.setattr(upload_cli.radar_signals, "refresh_in_background", lambda store: None)
    assert upload_cli.main([str(ten), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "unemployment_rate : valeurs douteuses" in err
    assert "plus de 3 fois supérieure ou inférieure à leur dernière valeur publiée" in err
    assert "rien n'a été publié" in err
    assert versions.current(store) == 0  # still the base: no version published
    _same(versions.table(store_dir=store), before)
