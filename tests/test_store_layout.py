"""The store's two layouts (indicators/core/layout.py): the indicator-major file and its territory-major copy hold
the same rows, the queries about one territory read the copy, and a missing, stale or damaged copy costs speed,
never a wrong row. The copy is written only for big tables (layout.COPY_MIN_ROWS): these tests lower the
threshold to write it for the fixture store and a small synthetic store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from indicators.core import layout
from indicators.core.paths import INDICATORS_FILE
from indicators.core.schema import KEY
from indicators.storage import query, versions
from tests import fixture_store
from tests.benchmarks import synthetic_store


@pytest.fixture
def always_copy(monkeypatch):
    monkeypatch.setattr(layout, "COPY_MIN_ROWS", 0)


@pytest.fixture
def paired_store(tmp_path, monkeypatch, always_copy) -> Path:
    """The fixture store written by the pipeline's writer, with its territory copy."""
    store = fixture_store.write(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(store))
    return store


@pytest.fixture
def synthetic(tmp_path, monkeypatch, always_copy) -> Path:
    """400 communes x 6 indicators x 20 years; row groups of 700 rows in the copy, so a commune's 120 rows
    sometimes straddle two of them."""
    monkeypatch.setattr(layout, "TERRITORY_ROW_GROUP", 700)
    return synthetic_store.build(tmp_path / "synthetic" / INDICATORS_FILE, communes=400, indicators=6)


def _truth(path: Path) -> pd.DataFrame:
    """The main file read whole with pyarrow, no query layer."""
    return pq.read_table(path).to_pandas()


def _main_only(monkeypatch):
    """No territory copy and no footer index: DuckDB on the main file, the query layer of a small table."""
    monkeypatch.setattr(query, "territory_copy", lambda path: None)
    monkeypatch.setattr(query, "_from_big_main", lambda path, where, columns: None)


def test_the_writer_pairs_a_big_table_with_its_copy_and_a_small_one_has_none(paired_store, tmp_path, monkeypatch):
    main = paired_store / INDICATORS_FILE
    copy = layout.copy_path(main)
    assert layout.pair_of(main) is not None and layout.pair_of(main) == layout.pair_of(copy)
    assert query.territory_copy(main) == copy
    by_territory = pq.read_table(copy).to_pandas()
    assert by_territory.equals(by_territory.sort_values(layout.TERRITORY_SORT).reset_index(drop=True))
    monkeypatch.setattr(layout, "COPY_MIN_ROWS", 10**9)  # the real threshold: the fixture store is small
    layout.write(_truth(main), main)
    assert not copy.exists() and query.territory_copy(main) is None


def test_fixture_store_both_layouts_give_the_same_rows_for_every_territory_and_indicator(paired_store, monkeypatch):
    main = paired_store / INDICATORS_FILE
    copy = layout.copy_path(main)
    truth = _truth(main)
    territories = truth[["territory_level", "territory_code"]].drop_duplicates().itertuples(index=False)
    from_copy = {(lvl, code): query.profile_rows(code, lvl) for lvl, code in territories}
    series_copy = query.series("poverty_rate", "38")
    rows_copy = query.rows(codes=["38", "93"], levels=None, variants=None)
    assert {code for _, code in from_copy} >= {"38", "93", "2A"}
    pairs = truth[["indicator_id", "year"]].drop_duplicates().itertuples(index=False)
    years_indexed = {(i, y): query.indicator_year(i, y) for i, y in pairs}
    _main_only(monkeypatch)
    for (level, code), frame in from_copy.items():
        pd.testing.assert_frame_equal(frame, query.profile_rows(code, level))
        observed = truth[
            (truth["territory_level"] == level) & (truth["territory_code"] == code) & (truth["variant"] == "observed")
        ]
        assert len(frame) == len(observed)
    pd.testing.assert_series_equal(series_copy, query.series("poverty_rate", "38"))
    duck = query.rows(codes=["38", "93"], levels=None, variants=None)
    pd.testing.assert_frame_equal(
        rows_copy.sort_values(KEY).reset_index(drop=True), duck.sort_values(KEY).reset_index(drop=True)
    )
    isere = truth[
        (truth["indicator_id"] == "poverty_rate") & (truth["territory_code"] == "38") & (truth["year"] == 2020)
    ]
    assert series_copy[2020] == isere["value"].iloc[0]
    for (indicator, year), frame in years_indexed.items():
        pd.testing.assert_frame_equal(frame, query.indicator_year(indicator, year, path=main))
        pd.testing.assert_frame_equal(frame, query.indicator_year(indicator, year, path=copy))


def test_synthetic_store_both_layouts_give_the_same_rows(synthetic, monkeypatch):
    copy = layout.copy_path(synthetic)
    assert pq.read_metadata(copy).num_row_groups > 60
    truth = _truth(synthetic).set_index(KEY)["value"]
    codes = synthetic_store.commune_codes(400)
    picked = [codes[0], codes[5], codes[6], codes[199], codes[-1]]  # straddling groups among them
    from_copy = {code: query.profile_rows(code, "commune", path=synthetic) for code in picked}
    ids = synthetic_store.indicator_ids(6)
    years_indexed = {i: query.indicator_year(i, 2015, "commune", path=synthetic) for i in ids}
    _main_only(monkeypatch)
    for code, frame in from_copy.items():
        assert len(frame) == 6 * 20
        pd.testing.assert_frame_equal(frame, query.profile_rows(code, "commune", path=synthetic))
        keys = [("commune", code, i, y, "observed") for i, y in zip(frame["indicator_id"], frame["year"], strict=True)]
        assert frame["value"].tolist() == truth.loc[keys].tolist()
    for indicator, frame in years_indexed.items():
        assert len(frame) == 400
        pd.testing.assert_frame_equal(frame, query.indicator_year(indicator, 2015, "commune", path=synthetic))
        pd.testing.assert_frame_equal(frame, query.indicator_year(indicator, 2015, "commune", path=copy))


def _stale(copy: Path, main: Path) -> None:
    """A copy of other values (another pair id): what a copy left by an older table looks like."""
    other = _truth(main).assign(value=lambda f: f["value"] + 1.0)
    other = other.sort_values(layout.TERRITORY_SORT).reset_index(drop=True)
    with layout.writer(copy, layout.new_pair(), layout.TERRITORY_ROW_GROUP) as out:
        out(pa.Table.from_pandas(other[layout.SCHEMA.names], schema=layout.SCHEMA, preserve_index=False))


def _damaged_pages(copy: Path, main: Path) -> None:
    """Bytes flipped inside a data page (not its header), the footer intact (same pair id, same row count):
    only the page's CRC tells."""
    data = bytearray(copy.read_bytes())
    chunk = pq.read_metadata(copy).row_group(0).column(5)  # the value column's pages
    first = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    start = first + chunk.total_compressed_size - 8  # the last page's last bytes
    data[start : start + 8] = bytes(b ^ 0x5A for b in data[start : start + 8])
    copy.write_bytes(bytes(data))


def _same_pair_fewer_rows(copy: Path, main: Path) -> None:
    table = pq.read_table(copy)
    table = table.slice(0, table.num_rows // 2)
    with layout.writer(copy, layout.pair_of(main), layout.TERRITORY_ROW_GROUP) as out:
        out(table.replace_schema_metadata(None))


COPY_FAULTS = {
    "missing": lambda copy, main: copy.unlink(),
    "truncated": lambda copy, main: copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2]),
    "not a Parquet file": lambda copy, main: copy.write_bytes(b"garbage"),
    "stale (another pair)": _stale,
    "damaged pages": _damaged_pages,
    "same pair, rows missing": _same_pair_fewer_rows,
}


@pytest.mark.parametrize("fault", COPY_FAULTS)
def test_a_missing_stale_or_damaged_copy_never_gives_a_wrong_row(fault, paired_store, monkeypatch):
    main = paired_store / INDICATORS_FILE
    copy = layout.copy_path(main)
    _main_only(monkeypatch)
    expected = query.profile_rows("38", "departement")
    series = query.series("poverty_rate", "38")
    monkeypatch.undo()
    monkeypatch.setenv("RADAR_DATA_DIR", str(paired_store))
    monkeypatch.setattr(layout, "COPY_MIN_ROWS", 0)
    assert len(expected) > 5 and len(series) == 2 and query.territory_copy(main) == copy
    COPY_FAULTS[fault](copy, main)
    pd.testing.assert_frame_equal(query.profile_rows("38", "departement"), expected)
    pd.testing.assert_series_equal(query.series("poverty_rate", "38"), series)
    pd.testing.assert_frame_equal(query.profile_rows("38", "departement"), expected)  # and again, once set aside


def test_a_publish_writes_the_copy_of_its_snapshot_and_profiles_follow_it(paired_store, backend, monkeypatch):
    before = query.series("poverty_rate", "38")
    rows = query.rows(["poverty_rate"], ["departement"], ["38"], years=[2020]).assign(value=99.5)
    versions.publish(rows, "alice", "t.csv", "abc")
    path = versions.published_path()
    assert path.name.startswith("snapshot-") and query.territory_copy(path) == layout.copy_path(path)
    after = query.series("poverty_rate", "38")
    assert after[2020] == 99.5 and after.drop(2020).equals(before.drop(2020))
    layout.copy_path(path).unlink()  # a lost copy: the snapshot answers the same
    assert query.series("poverty_rate", "38")[2020] == 99.5
    path.unlink()  # a lost snapshot: recomposed from the base and the chain, with its copy
    assert versions.published_path() == path and query.territory_copy(path) == layout.copy_path(path)
    assert query.profile_rows("38", indicator_ids=["poverty_rate"]).set_index("year")["value"][2020] == 99.5


def test_the_manifests_vouch_for_the_copy_and_make_data_rebuilds_a_damaged_one(paired_store):
    import json

    from indicators.build import pipeline
    from indicators.core.paths import STAMP_FILE

    copy = layout.copy_path(paired_store / INDICATORS_FILE)
    stamp = json.loads((paired_store / STAMP_FILE).read_text())
    manifest = json.loads((paired_store / versions.BASE_MANIFEST).read_text())
    assert stamp["copy"]["sha256"] == manifest["copy"]["sha256"] == versions._digest(copy)
    assert pipeline.base_intact(paired_store, stamp)
    data = bytearray(copy.read_bytes())
    data[100] ^= 0xFF  # one flipped byte: the footer still reads, the pair id still matches
    copy.write_bytes(bytes(data))
    assert not pipeline.base_intact(paired_store, stamp)  # « make data » rebuilds, never « up to date »
    copy.unlink()
    assert not pipeline.base_intact(paired_store, stamp)


def test_a_version_manifest_records_its_snapshot_and_copy(paired_store):
    import json

    rows = query.rows(["poverty_rate"], ["departement"], ["93"], years=[2020]).assign(value=30.5)
    version = versions.publish(rows, "alice", "t.csv", "abc")["id"]
    folder = versions._dir(None) / versions._name(version)
    caches = json.loads((folder / versions.MANIFEST).read_text())["caches"]
    snapshot = versions.published_path()
    assert set(caches) == {snapshot.name, layout.copy_path(snapshot).name}
    assert caches[layout.copy_path(snapshot).name]["sha256"] == versions._digest(layout.copy_path(snapshot))
    assert versions.complete(folder)


@pytest.mark.parametrize("fault", ["missing", "damaged pages", "stale (another pair)"])
def test_repair_recomposes_the_copy_of_the_published_snapshot(fault, paired_store, capsys):
    from indicators.publishing import upload_cli

    rows = query.rows(["poverty_rate"], ["departement"], ["93"], years=[2020]).assign(value=30.5)
    versions.publish(rows, "alice", "t.csv", "abc")
    snapshot = versions.published_path()
    copy = layout.copy_path(snapshot)
    expected = pq.read_table(copy)
    assert upload_cli.main(["--repair", "--store", str(paired_store)]) == 0
    assert "recomposée" not in capsys.readouterr().out  # a sound copy is left alone
    COPY_FAULTS[fault](copy, snapshot)
    assert upload_cli.main(["--repair", "--store", str(paired_store)]) == 0
    assert "copie par territoire de la version publiée recomposée" in capsys.readouterr().out
    assert query.territory_copy(snapshot) == copy and layout.pair_of(copy) == layout.pair_of(snapshot)
    assert pq.read_table(copy).equals(expected)
    assert query.series("poverty_rate", "93")[2020] == 30.5
