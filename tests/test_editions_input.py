"""The publishers' files recognised by their structure, and bad input (no rebuild: cheap).

Recognition reads the real files of data/raw under other names (never by name); a file that looks like a known
layout but is damaged is refused by its source's own parser, before anything is built; a header in its common
spellings is found; a problem of the whole file is shown without a line (« — », never « None »)."""

from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.build import editions
from indicators.core.formatting import format_number
from indicators.core.paths import INDICATORS_FILE, RAW_DIR, processed_dir
from indicators.publishing import editions as publishing_editions
from indicators.publishing import upload, upload_cli
from indicators.sources import drees_aide_sociale, drees_minima_sociaux, insee_chomage, insee_population

FILOSOFI = RAW_DIR / "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv"


def copy_store(target: Path) -> Path:
    """A store of the indicator table only (what an edition's refusal reads)."""
    target.mkdir(parents=True)
    shutil.copy2(processed_dir() / INDICATORS_FILE, target / INDICATORS_FILE)
    return target


@pytest.mark.parametrize(
    ("path", "module", "slot"),
    [
        (FILOSOFI, "insee_filosofi", "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv"),
        (RAW_DIR / "insee-filosofi/FILO2020_DISP_DEP.csv", "insee_filosofi", "insee-filosofi/FILO2020_DISP_DEP.csv"),
        (RAW_DIR / insee_chomage.FILES[0], "insee_chomage", insee_chomage.FILES[0]),
        (RAW_DIR / insee_population.FILES[0], "insee_population", insee_population.FILES[0]),
        (RAW_DIR / drees_minima_sociaux.FILES[0], "drees_minima_sociaux", drees_minima_sociaux.FILES[0]),
        (RAW_DIR / drees_aide_sociale.BENEFICIARIES_FILE, "drees_aide_sociale", drees_aide_sociale.BENEFICIARIES_FILE),
    ],
)
def test_each_publishers_file_is_recognised_by_its_structure_not_its_name(path, module, slot):
    found = editions.recognise(path.read_bytes(), "telechargement (3).bin")
    assert (found.module, found.slot) == (module, slot)


def test_a_filosofi_file_of_a_new_edition_goes_beside_the_old_one():
    text = FILOSOFI.read_text(encoding="utf-8").replace("TP6020", "TP6021")
    found = editions.recognise(text.encode(), "x.csv")
    assert found.slot == "insee-filosofi/FILO2021_DISP_PAUVRES_DEP.csv"


def test_unknown_layouts_are_not_recognised():
    assert editions.recognise(b"territory_code;indicator_id;year;value\n38;poverty_rate;2021;12\n", "f.csv") is None
    assert editions.recognise(b"PK\x03\x04 truncated", "f.xlsx") is None
    communes = (RAW_DIR / "insee-filosofi-communes/cc_filosofi_2021_COM.csv").read_bytes()[:20000]
    assert editions.recognise(communes, "f.csv") is None  # the commune file: see the note of issue 27


def test_a_damaged_file_of_a_known_layout_is_refused_by_its_parser_before_any_build(tmp_path):
    store = copy_store(tmp_path / "store")
    renamed = FILOSOFI.read_text(encoding="utf-8").replace("CODGEO", "DEP", 1).encode()
    result = editions.prepare(renamed, "FILO.csv", store, RAW_DIR)
    assert result["status"] == "refused"
    assert result["message"] == (
        "l'analyseur de la source refuse ce fichier : FILO2020_DISP_PAUVRES_DEP.csv: columns CODGEO and TP6020 "
        "(file: insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv)"
    )
    assert not (store / "versions").exists()  # nothing published
    workbook = (RAW_DIR / drees_minima_sociaux.FILES[0]).read_bytes()
    without_sheet = _drop_sheet(workbook, "Tableau 7")
    result = editions.prepare(without_sheet, "minima.xlsx", store, RAW_DIR)
    assert result["status"] == "refused" and "Tableau 7" in result["message"]


def _drop_sheet(data: bytes, sheet: str) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    del book[sheet]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_truncated_workbook_is_refused_by_the_command_line_with_what_is_wrong(tmp_path, capsys):
    path = tmp_path / "minima.xlsx"
    path.write_bytes((RAW_DIR / drees_minima_sociaux.FILES[0]).read_bytes()[:50_000])
    assert upload_cli.main([str(path), "--store", str(copy_store(tmp_path / "store")), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "rien n'a été publié" in err and "ligne -" in err


def test_tidy_and_short_files_never_start_the_edition_worker():
    assert not publishing_editions.maybe_edition(b"territory_code;indicator_id;year;value\n" + b"38;x;2021;1\n" * 200)
    assert not publishing_editions.maybe_edition(b"CODGEO;TP6020\n38;12\n")
    assert publishing_editions.maybe_edition(FILOSOFI.read_bytes())


@pytest.mark.parametrize("header", ["Code département", "CODE_DEPARTEMENT", "DEP", "codgeo", "Code-Dép."])
def test_the_code_column_is_found_in_its_common_spellings(header):
    parsed = upload.parse_upload(f"{header};TP6020\n38;12,5\n93;27,6\n".encode(), "f.csv", indicator="poverty_rate")
    assert parsed.rows.set_index("territory_code")["value"].to_dict() == {"38": 12.5, "93": 27.6}


def test_a_problem_of_the_whole_file_is_shown_without_a_line():
    from indicators.ui.import_view import lines_shown

    with pytest.raises(upload.UploadError) as caught:
        upload.parse_upload(b"CODGEO;TP6020\n38;abc\n", "f.csv", indicator="poverty_rate", year=1800)
    shown = lines_shown(pd.concat([caught.value.problems, upload.too_large(10**9)], ignore_index=True))
    assert "None" not in shown["row"].tolist() and "<NA>" not in shown["row"].tolist()
    assert shown["row"].tolist()[-1] == "—" and shown["row"].tolist()[0] == "2"


def test_the_recognised_file_is_said_in_french():
    result = {
        "producer": "Insee",
        "title": "Filosofi 2021",
        "year": 2021,
        "years": [2021],
        "territories": 101,
        "indicators": ["poverty_rate", "median_living_standard"],
        "source": {"what": "taux de pauvreté, départements"},
        "served": {"year": 2022, "since": "importée le 2026-12-01 (version 3)"},
    }
    assert publishing_editions.recognised_text(result) == (
        "Insee, Filosofi 2021 : données jusqu'à 2021, 101 départements, 2 indicateurs (taux de pauvreté, départements)"
    )
    assert publishing_editions.older_text(result).startswith(
        "Ce fichier s'arrête en 2021, avant l'édition servie (données jusqu'à 2022, importée le 2026-12-01 (version 3))"
    )


def test_the_tables_published_with_an_edition_are_said_in_french():
    result = {"added": 1, "changed": 1272, "removed": 0}
    tables = ["backtest_rate_paths.parquet", "backtest_rates.parquet", "population.parquet"]
    assert publishing_editions.counts_text({**result, "tables": tables}) == (
        f"1 ligne(s) ajoutée(s), {format_number(1272)} révisée(s), 0 retirée(s) (dérivés, régions, France, "
        "projections et tendances compris). Publiés avec elle : le bilan des projections passées, "
        "la population par âge et sexe."
    )
    assert publishing_editions.counts_text(result).endswith("tendances compris).")


def test_publishing_an_edition_refreshes_the_radar_like_any_publish(monkeypatch, tmp_path):
    """The command line's edition path starts the same signal refresh as an ordinary publish (issue 28's)."""
    result = {
        "status": "recognised",
        "key": "k",
        "producer": "Insee",
        "title": "Filosofi",
        "year": 2020,
        "years": [2020],
        "territories": 98,
        "indicators": ["poverty_rate"],
        "source": {"what": "taux de pauvreté, départements", "source_id": "insee_filosofi_2020"},
        "served": {"year": 2020, "since": "fichiers de data/raw"},
        **{"added": 0, "changed": 1, "removed": 0, "per_indicator": [], "years_touched": {}, "revisions": []},
    }
    rows = pd.DataFrame(columns=["indicator_id", "variant", "source_id", "territory_code", "year", "value"])
    monkeypatch.setattr(upload_cli.edition_files, "staged", lambda store, key: (result, rows, rows))
    published, refreshed = [], []
    record = {"id": 1, "who": "a"}
    monkeypatch.setattr(upload_cli.edition_files, "publish", lambda key, *a: published.append(key) or record)
    monkeypatch.setattr(upload_cli.radar_signals, "refresh_in_background", lambda store=None: refreshed.append(store))
    args = argparse.Namespace(file=tmp_path / "f.csv", store=None, force=False, dry_run=False, who="a", based_on=0)
    assert upload_cli._edition(args, b"", result) == 0
    assert published == ["k"] and refreshed == [None]  # the store of RADAR_DATA_DIR (the fixture store)
