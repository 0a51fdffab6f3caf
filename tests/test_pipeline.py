"""The pipeline stops on bad raw input with a message naming file, sheet and expectation,
never replaces a good store with a broken one, and skips the build when nothing changed."""

import json
import shutil
from pathlib import Path

import pytest

from indicators.build import pipeline
from indicators.build.build_steps import CACHE_FOLDER
from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR, STAMP_FILE
from tests.conftest import REAL_STORE

POPULATION_XLS = "insee-estimations-population/estim-pop-dep-sexe-aq-1975-2023.xls"
CHOMAGE_XLS = "insee-chomage-localise/sl_etc_2025T3.xls"
FILO_CSV = "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv"


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    """A copy of data/raw and a store built from it, its step cache seeded with the one `make data` wrote (the
    steps are read back, not recomputed: `make test` has just built the real store from the same raw files, so
    a build from scratch is already proven; this saves CI the six minutes of a second one)."""
    root = tmp_path_factory.mktemp("pipeline")
    raw = root / "raw"
    shutil.copytree(RAW_DIR, raw)
    out = root / "processed"
    if (REAL_STORE / CACHE_FOLDER).is_dir():
        shutil.copytree(REAL_STORE / CACHE_FOLDER, out / CACHE_FOLDER)
    message = pipeline.run(raw, out)
    assert message.startswith("built")
    rows = int(message.split()[1])
    assert f"served table: +{rows} added, -0 removed, 0 changed rows" in message  # a first build adds everything
    return raw, out


@pytest.fixture
def raw_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw, ignore=shutil.ignore_patterns("*.geojson"))
    return raw


def test_second_run_is_a_no_op_and_its_stamp_covers_the_code(good_store):
    raw, out = good_store
    assert pipeline.run(raw, out) == "up to date"
    inputs = json.loads((out / STAMP_FILE).read_text())["inputs"]
    assert inputs == pipeline.fingerprint(raw)
    # code the build reaches and the old hand-kept list missed: tests/test_fingerprint.py checks every module
    assert {"epoch", "indicators/core/age_groups.py", "indicators/storage/versions.py"} <= set(inputs)


def test_a_changed_raw_file_triggers_a_rebuild(good_store, tmp_path):
    raw, out = good_store
    stamp = pipeline.fingerprint(raw)
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    (copy / "seed-profils-2018" / "profils-departements-2018.csv").open("a").write("\n")
    assert pipeline.fingerprint(copy) != stamp


def test_a_changed_source_file_rebuilds_only_its_step(good_store, tmp_path):
    raw, out = good_store
    copy, store = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(raw, copy)
    shutil.copytree(out, store)
    (copy / "seed-profils-2018" / "profils-departements-2018.csv").open("a").write("\n")
    message = pipeline.run(copy, store)
    rebuilt, _, reused = message.partition("steps rebuilt: ")[2].partition("; reused: ")
    # the steps fed by the table (projections, track records, radar) read rows a blank line does not change
    assert set(rebuilt.split(", ")) == {"seed_profils_2018"}, message
    reused_steps = set(reused.split("\n")[0].split(", "))
    assert {"insee_population", "commune_indicators", "territory_index", "commune_geo", "radar"} <= reused_steps
    assert {"projected_population", "projected_needs", "projected_trends", "track_rates"} <= reused_steps
    assert message.endswith("no change in the served table")  # a blank line changes no value


def test_missing_file_names_the_file(raw_copy, tmp_path):
    (raw_copy / POPULATION_XLS).unlink()
    with pytest.raises(RawFileError, match="estim-pop-dep-sexe-aq-1975-2023.xls: file not found"):
        pipeline.run(raw_copy, tmp_path / "out")


def test_truncated_spreadsheet_names_the_file(raw_copy, tmp_path):
    path = raw_copy / CHOMAGE_XLS
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(RawFileError, match="sl_etc_2025T3.xls: not a readable spreadsheet"):
        pipeline.run(raw_copy, tmp_path / "out")


def test_changed_layout_names_file_sheet_and_expectation(raw_copy, tmp_path):
    path = raw_copy / FILO_CSV
    path.write_text(path.read_text(encoding="utf-8").replace("TP6020", "TP6021", 1), encoding="utf-8")
    with pytest.raises(RawFileError) as error:
        pipeline.run(raw_copy, tmp_path / "out")
    assert error.value.path.name == "FILO2020_DISP_PAUVRES_DEP.csv"
    assert "TP6020" in error.value.expected


def test_a_failed_build_leaves_the_good_store_in_place(good_store, raw_copy):
    _, out = good_store
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    (raw_copy / CHOMAGE_XLS).write_bytes(b"not a spreadsheet")
    with pytest.raises(RawFileError):
        pipeline.run(raw_copy, out, force=True)
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert not list(out.glob(".*tmp*"))


def test_a_failure_in_the_worker_process_stops_the_build_and_leaves_the_store(good_store, raw_copy, capsys):
    """The commune steps run in the build's second process: their error stops the build all the same."""
    _, out = good_store
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".steps" not in p.parts}
    (raw_copy / "insee-comparateur-communes" / "communes.csv").write_text("not a csv\n")
    assert pipeline.main(["--raw", str(raw_copy), "--out", str(out), "--force", "--workers", "1"]) == 1
    stopped = "pipeline stopped, the store was left as it was: communes.csv: columns ['insee_com'"
    assert stopped in capsys.readouterr().err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".steps" not in p.parts}
    assert after == before  # tables, stamp and the commune GeoJSON folder
    assert not list(out.glob(".*tmp*"))


def test_command_line_reports_the_error_and_exits_non_zero(raw_copy, tmp_path, capsys):
    (raw_copy / POPULATION_XLS).unlink()
    assert pipeline.main(["--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 1
    assert "estim-pop-dep-sexe-aq-1975-2023.xls" in capsys.readouterr().err
    assert not Path(tmp_path / "out" / "indicators.parquet").exists()
