"""The publishers' files recognised by their structure, and bad input (no rebuild: cheap).

Recognition reads the real files of data/raw under other names (never by name); a file that looks like a known
layout but is damaged is refused by its source's own parser, before anything is built; a header in its common
spellings is found; a problem of the whole file is shown without a line (« — », never « None »)."""

from __future__ import annotations

import argparse
import hashlib
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
COMMUNES = "insee-filosofi-communes/cc_filosofi_2021_COM.csv"


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
        (RAW_DIR / drees_aide_sociale.SPENDING_FILE, "drees_aide_sociale", drees_aide_sociale.SPENDING_FILE),
        (RAW_DIR / COMMUNES, "insee_filosofi_communes", COMMUNES),
    ],
)
def test_each_publishers_file_is_recognised_by_its_structure_not_its_name(path, module, slot):
    found = editions.recognise(path.read_bytes(), "telechargement (3).bin")
    assert (found.module, found.slot) == (module, slot)


def test_a_filosofi_file_of_a_new_edition_goes_beside_the_old_one():
    text = FILOSOFI.read_text(encoding="utf-8").replace("TP6020", "TP6021")
    found = editions.recognise(text.encode(), "x.csv")
    assert found.slot == "insee-filosofi/FILO2021_DISP_PAUVRES_DEP.csv"


def test_a_commune_filosofi_file_of_a_new_edition_goes_beside_the_old_one():
    text = (RAW_DIR / COMMUNES).read_text(encoding="utf-8")
    newer = text.split("\n", 1)[0].replace("21;", "22;").replace("21\n", "22\n") + "\n" + text.split("\n", 1)[1]
    found = editions.recognise(newer.encode(), "x.csv")
    assert (found.slot, found.level) == ("insee-filosofi-communes/cc_filosofi_2022_COM.csv", "commune")


def test_unknown_layouts_are_not_recognised():
    assert editions.recognise(b"territory_code;indicator_id;year;value\n38;poverty_rate;2021;12\n", "f.csv") is None
    assert editions.recognise(b"PK\x03\x04 truncated", "f.xlsx") is None
    communes = (RAW_DIR / COMMUNES).read_text(encoding="utf-8").replace("MED21", "MEDIAN").encode()
    assert editions.recognise(communes, "f.csv") is None  # a commune file without the edition's median


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


# --- bad input, per recognised source: refused by the source's parser with what and where, store unchanged -------


def _rewritten(path: Path, change, out: Path, sheets: list[str] | None = None) -> bytes:
    """The workbook's ``sheets`` (default: all; values at their place) after ``change(rows by sheet)``, as XLSX."""
    from python_calamine import CalamineWorkbook

    from tests import edition_cuts

    book = CalamineWorkbook.from_path(str(path))
    tables = {}
    for name in sheets or book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        first_row, first_col = sheet.start
        tables[name] = [[]] * first_row + [[*[""] * first_col, *row] for row in sheet.to_python()]
    change(tables)
    return edition_cuts._write(tables, out).read_bytes()


def _set(table: list[list], find: str, new: str) -> None:
    """The first cell reading ``find`` (its text, stripped) now reads ``new``."""
    for row in table:
        for j, cell in enumerate(row):
            if str(cell).strip() == find:
                row[j] = new
                return
    raise AssertionError(f"no cell {find!r}")


def _swap(table: list[list], first, second) -> None:
    """Two header labels exchanged: the years go backwards there."""

    def key(cell) -> str:
        text = str(cell).strip()
        return text[:-2] if text.endswith(".0") else text

    for row in table:
        labels = [key(c) for c in row]
        if str(first) in labels and str(second) in labels:
            i, j = labels.index(str(first)), labels.index(str(second))
            row[i], row[j] = row[j], row[i]
            return
    raise AssertionError(f"no row with {first} and {second}")


MINIMA = RAW_DIR / drees_minima_sociaux.FILES[0]
MINIMA_SHEETS = [t.sheet for t in drees_minima_sociaux.TABLES]
BENEFICIARIES = RAW_DIR / drees_aide_sociale.BENEFICIARIES_FILE
BENEFICIARY_SHEETS = [t.sheet for t in drees_aide_sociale.TABLES if t.file == drees_aide_sociale.BENEFICIARIES_FILE]
POPULATION = RAW_DIR / insee_population.FILES[0]
UNEMPLOYMENT = RAW_DIR / insee_chomage.FILES[0]


def _csv(path: Path, find: str, new: str) -> bytes:
    return path.read_text(encoding="utf-8").replace(find, new, 1).encode()


# (source, damage, file -> damaged bytes (tmp file given), what the refusal names)
DAMAGED = [
    (
        "minima",
        "missing sheet",
        lambda o: _rewritten(MINIMA, lambda t: t.pop("Tableau 7"), o, MINIMA_SHEETS),
        ["Tableau 7", "sheet missing"],
    ),
    (
        "minima",
        "renamed column",
        lambda o: _rewritten(MINIMA, lambda t: _set(t["Tableau 6"], "Libelle Dep", "Département"), o, MINIMA_SHEETS),
        ["Tableau 6", "'N° Dep', 'Libelle Dep'"],
    ),
    (
        "minima",
        "years backwards",
        lambda o: _rewritten(MINIMA, lambda t: _swap(t["Tableau 1"], 2011, 2012), o, MINIMA_SHEETS),
        ["Tableau 1", "in order", "2012, 2011"],
    ),
    (
        "aide sociale",
        "missing sheet",
        lambda o: _rewritten(BENEFICIARIES, lambda t: t.pop("Tab7-ph"), o, BENEFICIARY_SHEETS),
        ["Tab7-ph", "sheet missing"],
    ),
    (
        "aide sociale",
        "renamed column",
        lambda o: _rewritten(BENEFICIARIES, lambda t: _set(t["Tab5-pa"], "Département", "Nom"), o, BENEFICIARY_SHEETS),
        ["Tab5-pa", "should be 'Département'"],
    ),
    (
        "aide sociale",
        "years backwards",
        lambda o: _rewritten(BENEFICIARIES, lambda t: _swap(t["Tab1-ase"], 2010, 2011), o, BENEFICIARY_SHEETS),
        ["Tab1-ase", "one column per year from 2002, in order"],
    ),
    (
        "population",
        "missing sheet",
        lambda o: _rewritten(POPULATION, lambda t: t.pop("2000"), o),
        ["one sheet per year from 1975, without gaps"],
    ),
    (
        "population",
        "renamed column",
        lambda o: _rewritten(POPULATION, lambda t: _set(t["2000"], "0 à 4 ans", "0-4 ans"), o),
        ["sheet '2000'", "row 5"],
    ),
    (
        "unemployment",
        "renamed column",
        lambda o: _rewritten(UNEMPLOYMENT, lambda t: _set(t["Département"], "Libellé", "Nom"), o, ["Département"]),
        ["Département", "'Libellé'"],
    ),
    (
        "unemployment",
        "years backwards",
        lambda o: _rewritten(UNEMPLOYMENT, lambda t: _swap(t["Département"], "T1_2001", "T1_2002"), o, ["Département"]),
        ["Département", "in order", "T1_2002"],
    ),
    (
        "filosofi départements",
        "renamed column",
        lambda o: _csv(FILOSOFI, "CODGEO", "DEP"),
        ["columns CODGEO and TP6020"],
    ),
    (
        "filosofi communes",
        "renamed column",
        lambda o: _csv(RAW_DIR / COMMUNES, "TP60AGE121", "TP60AGE1_21"),
        ["cc_filosofi_2021_COM.csv", "TP60AGE121"],
    ),
]


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    return copy_store(tmp_path_factory.mktemp("damaged") / "store")


@pytest.mark.parametrize(
    ("source", "damage", "damaged", "named"),
    [  # the population workbook has a sheet per year: rewriting it takes tens of seconds (slow)
        pytest.param(*case, id=f"{case[0]}: {case[1]}", marks=[pytest.mark.slow] if case[0] == "population" else [])
        for case in DAMAGED
    ],
)
def test_a_damaged_publishers_file_is_refused_with_what_and_where_and_the_store_is_unchanged(
    source, damage, damaged, named, small_store, tmp_path
):
    before = hashlib.sha256((small_store / INDICATORS_FILE).read_bytes()).hexdigest()
    data = damaged(tmp_path / "damaged.xlsx")
    assert editions.recognise(data, "fichier") is not None  # it still looks like the publisher's layout
    result = editions.prepare(data, "fichier.xlsx", small_store, RAW_DIR)
    assert result["status"] == "refused", (source, damage, result)
    for words in named:
        assert words in result["message"], (words, result["message"])
    assert hashlib.sha256((small_store / INDICATORS_FILE).read_bytes()).hexdigest() == before
    assert not (small_store / "versions").exists() and not list((small_store / "editions").glob("[!.]*"))


def _times_ten(table: list[list], header: str, first_col: int) -> None:
    """Every number below the row holding ``header``, from column ``first_col`` on, ten times larger."""
    start = next(i for i, row in enumerate(table) if any(str(c).strip() == header for c in row))
    for row in table[start + 1 :]:
        for j in range(first_col, len(row)):
            if isinstance(row[j], int | float) and not isinstance(row[j], bool):
                row[j] = row[j] * 10


def _csv_times_ten(path: Path, column: str) -> bytes:
    frame = pd.read_csv(path, sep=";", dtype=str)
    number = pd.to_numeric(frame[column].str.replace(",", "."), errors="coerce")
    frame[column] = (number * 10).map(lambda v: "s" if pd.isna(v) else f"{v:g}".replace(".", ","))
    return frame.to_csv(sep=";", index=False).encode()


# (source, file -> bytes ten times off (tmp file given), slot, indicator the meaning check flags)
TEN_TIMES = [
    (
        "filosofi départements",
        lambda o: _csv_times_ten(FILOSOFI, "TP6020"),
        str(FILOSOFI.relative_to(RAW_DIR)),
        "poverty_rate",
    ),
    ("filosofi communes", lambda o: _csv_times_ten(RAW_DIR / COMMUNES, "MED21"), COMMUNES, "median_living_standard"),
    (
        "minima",
        lambda o: _rewritten(MINIMA, lambda t: _times_ten(t["Tableau 1"], "N° Dep", 3), o, MINIMA_SHEETS),
        drees_minima_sociaux.FILES[0],
        "aah_recipients",
    ),
    (
        "aide sociale",
        lambda o: _rewritten(
            BENEFICIARIES, lambda t: _times_ten(t["Tab7-ph"], "Département", 3), o, BENEFICIARY_SHEETS
        ),
        drees_aide_sociale.BENEFICIARIES_FILE,
        "pch_recipients",
    ),
    (
        "unemployment",
        lambda o: _rewritten(UNEMPLOYMENT, lambda t: _times_ten(t["Département"], "Libellé", 2), o, ["Département"]),
        insee_chomage.FILES[0],
        "unemployment_rate",
    ),
]


@pytest.mark.store
@pytest.mark.parametrize(("source", "damaged", "slot", "indicator"), TEN_TIMES, ids=[c[0] for c in TEN_TIMES])
def test_values_ten_times_off_are_flagged_against_the_served_history_naming_the_territories(
    source, damaged, slot, indicator, tmp_path
):
    """What the import page and the command line do with the staged rows of an edition (upload_meaning.check:
    the command line refuses without --confirm), on the rows the source's parser reads from the damaged file."""
    from indicators.publishing import upload_meaning
    from indicators.storage import versions

    data = damaged(tmp_path / "damaged.xlsx")
    found = editions.recognise(data, "fichier")
    assert found.slot == slot
    (tmp_path / "file").write_bytes(data)
    view = editions.raw_view(RAW_DIR, [(slot, tmp_path / "file")], tmp_path / "raw")
    module = __import__(f"indicators.sources.{found.module}", fromlist=["read"])
    rows = getattr(module, "edition_rows", module.read)(view)
    rows = rows[rows["indicator_id"] == indicator].assign(variant="observed")
    doubtful = upload_meaning.suspicious(upload_meaning.check(rows, versions.table(store_dir=processed_dir())))
    assert [m.indicator_id for m in doubtful] == [indicator]
    assert "plus de 3 fois supérieure ou inférieure" in doubtful[0].reasons[0]
    shown = doubtful[0].comparison  # where: territories, the file's value, the last one, their ratio
    assert shown["ratio"].iloc[0] == pytest.approx(10, rel=0.01)


@pytest.mark.slow  # the commune geography's successors are read: ~25 s under load
def test_the_commune_build_reads_every_filosofi_edition_of_its_folder(tmp_path):
    """A newer commune file put beside the 2021 one (as an import's raw view does) is read by the commune build with
    its own year; its name and its columns must agree. (The « 2022 » file is the 2021 one relabelled: a test of the
    plumbing only, never served.)"""
    from indicators.build import commune_social
    from indicators.core.errors import RawFileError
    from indicators.sources import insee_filosofi_communes

    text = (RAW_DIR / COMMUNES).read_text(encoding="utf-8")
    header, body = text.split("\n", 1)
    (tmp_path / "cc_filosofi_2022_COM.csv").write_text(header.replace("21", "22") + "\n" + body, encoding="utf-8")
    slot = "insee-filosofi-communes/cc_filosofi_2022_COM.csv"
    view = editions.raw_view(RAW_DIR, [(slot, tmp_path / "cc_filosofi_2022_COM.csv")], tmp_path / "raw")
    assert [p.name for p in insee_filosofi_communes.editions(view)] == [Path(COMMUNES).name, Path(slot).name]
    rows, notes = commune_social.filosofi(view, view / "etalab-decoupage-communes")
    rows = pd.concat(rows)
    poverty = rows[(rows["indicator_id"] == "poverty_rate") & (rows["territory_code"] == "93001")]
    assert poverty.set_index("year")["value"].to_dict() == {2021: 42.0, 2022: 42.0}
    (tmp_path / "cc_filosofi_2023_COM.csv").write_text(text, encoding="utf-8")  # 2021 columns, 2023 name
    with pytest.raises(RawFileError, match="columns of the 2023 edition"):
        insee_filosofi_communes.read(tmp_path / "cc_filosofi_2023_COM.csv")
