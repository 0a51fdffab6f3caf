"""Meaning checks of an import: the indicator proposed from the column, values against the indicator's own
history (page confirmation, CLI --force logged in the version), and every problem of a file listed at once."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from indicators.core.paths import RAW_DIR
from indicators.publishing import upload_cli, upload_meaning
from indicators.publishing.upload import UploadError, parse_upload
from indicators.storage import versions
from tests.upload_helpers import copy_store

FILO = RAW_DIR / "insee-filosofi" / "FILO2020_DISP_PAUVRES_DEP.csv"
FILO_DISP = RAW_DIR / "insee-filosofi" / "FILO2020_DISP_DEP.csv"


@pytest.mark.parametrize(
    "column, proposed",
    [
        ("TP6020", "poverty_rate"),
        ("TP6021", "poverty_rate"),
        ("tp602021", "poverty_rate"),
        ("MED21", "median_living_standard"),
        ("Q220", "median_living_standard"),
        ("TP60Q220", None),  # median living standard of the poor, not the poverty rate
        ("AGE1TP6020", None),  # poverty rate of one age group
        ("TP5020", None),
        ("XYZ21", None),
        (None, None),
    ],
)
def test_indicator_proposed_from_the_column_name(column, proposed):
    assert upload_meaning.propose_indicator(column) == proposed


def _meaning(table, indicator, column="TP6020", data=None, name=FILO.name):
    parsed = parse_upload(data or FILO.read_bytes(), name, indicator=indicator, column=column)
    return upload_meaning.check(parsed.rows, table)


def _scaled_poverty_2021(factor: float) -> bytes:
    """The 2020 Filosofi poverty rates, times ``factor``, as a 2021 column (a plausible next edition)."""
    frame = pd.read_csv(FILO, sep=";", dtype=str, usecols=["CODGEO", "TP6020"])
    values = pd.to_numeric(frame["TP6020"].str.replace(",", "."), errors="coerce") * factor
    frame["TP6021"] = values.map(lambda v: "s" if pd.isna(v) else f"{v:.1f}".replace(".", ","))
    return frame[["CODGEO", "TP6021"]].to_csv(sep=";", index=False).encode()


@pytest.mark.parametrize(
    "indicator, column, data, suspicious, compared, outliers",
    [
        # the case: Filosofi poverty rates (10–36 %) offered to the AAH rate (~3 %)
        ("aah_rate_20_64", "TP6020", None, True, 98, 83),
        ("poverty_rate", "TP6020", None, False, 98, 0),  # the same file for its own indicator
        ("poverty_rate", "TP6021", "x1.05", False, 98, 0),  # a plausible next year
        ("poverty_rate", "TP6021", "x0.25", True, 98, 98),  # every value a quarter of its last one
    ],
)
def test_values_against_the_indicator_history(table, indicator, column, data, suspicious, compared, outliers):
    payload = _scaled_poverty_2021(float(data[1:])) if data else None
    (meaning,) = _meaning(table, indicator, column, payload, "f.csv" if data else FILO.name)
    assert (meaning.suspicious, meaning.compared, meaning.outliers) == (suspicious, compared, outliers)


def test_the_comparison_shows_territories_and_the_median_in_french(table):
    (meaning,) = _meaning(table, "aah_rate_20_64")
    shown = upload_meaning.comparison_text(meaning)
    assert shown.iloc[0].tolist() == ["01", "10,5\u00a0%", "2,0\u00a0% (2019)", "5,2"]
    assert shown.iloc[-1].tolist() == ["médiane", "14,2\u00a0%", "3,7\u00a0% (2019)", "3,9"]
    assert meaning.reasons[0].startswith("83 territoire(s) sur 98")
    assert "10,8 écarts-types" in meaning.reasons[1]


def test_cli_refuses_a_doubtful_file_unless_forced_and_logs_the_override(tmp_path, capsys, real_store):
    store_dir = copy_store(tmp_path / "store")
    args = [str(FILO), "--indicator", "aah_rate_20_64", "--column", "TP6020", "--store", str(store_dir), "--who", "ana"]
    assert upload_cli.main(args) == 1
    err = capsys.readouterr().err
    assert "valeurs douteuses" in err and "--confirm" in err and "médiane" in err
    assert versions.current(store_dir) == 0  # nothing published
    assert upload_cli.main([*args, "--force"]) == 0
    assert "malgré l'alerte" in capsys.readouterr().out
    record = json.loads((store_dir / "versions" / "0001" / "meta.json").read_text(encoding="utf-8"))
    assert record["who"] == "ana" and record["forced"][0]["indicator_id"] == "aah_rate_20_64"
    assert record["forced"][0]["outliers"] == 83 and record["forced"][0]["compared"] == 98


def test_cli_publishes_a_plausible_file_without_force(tmp_path, real_store):
    store_dir = copy_store(tmp_path / "store")
    path = tmp_path / "pauvrete2021.csv"
    path.write_bytes(_scaled_poverty_2021(1.05))
    assert upload_cli.main([str(path), "--indicator", "poverty_rate", "--store", str(store_dir)]) == 0
    assert "forced" not in versions.meta(1, store_dir)


MIXED = (  # codes of the fixture store (tests/fixture_store.py)
    "CODGEO;TP6021\n"  # 1
    "01;14,2\n"  # 2 fine
    "999;12,0\n"  # 3 unknown code
    "20;15,1\n"  # 4 the old code of Corsica
    "93;27,5\n"  # 5 duplicated 93 ...
    ";;;\n"  # 6 malformed line
    "93;28,0\n"  # 7 ... duplicated 93
    "38;abc\n"  # 8 not a number
    "44;140,2\n"  # 9 a share over 100
    "69;-3\n"  # 10 a negative share
    "976;1e400\n"  # 11 not finite
    "2C;16,0\n"  # 12 unknown code
    "2A;18,9\n"  # 13 fine
)


def test_a_malformed_line_is_one_problem_among_the_others():
    with pytest.raises(UploadError) as caught:
        parse_upload(MIXED.encode(), "mixte.csv", indicator="poverty_rate")
    got = caught.value.problems.astype(str).values.tolist()
    assert [row[:3] for row in got] == [
        ["3", "CODGEO", "999"],
        ["4", "CODGEO", "20"],
        ["5", "CODGEO", "93"],
        ["6", "(toute la ligne)", "4 colonne(s)"],
        ["7", "CODGEO", "93"],
        ["8", "TP6021", "abc"],
        ["9", "TP6021", "140,2"],
        ["10", "TP6021", "-3"],
        ["11", "TP6021", "1e400"],
        ["12", "CODGEO", "2C"],
    ]
    messages = [row[3] for row in got]
    assert messages[0].startswith("code de territoire inconnu (attendu : un département 01 à 95, 2A, 2B")
    assert messages[1] == "code de territoire inconnu : 20 est l'ancien code de la Corse (attendu : 2A ou 2B)"
    assert messages[2] == messages[4] == "clé en double (lignes 5, 7)"
    assert messages[3] == "nombre de colonnes différent de l'en-tête (2 attendues)"
    assert messages[5].startswith("valeur non numérique (attendu : un nombre")
    assert messages[6] == messages[7] == "taux hors de 0–100"
    assert messages[8] == "valeur non finie"


@pytest.mark.parametrize(
    "text, problems",
    [
        ("CODGEO;TP6021\n01;14,2\n;;;\n", [["3", "nombre de colonnes différent de l'en-tête (2 attendues)"]]),
        ("CODGEO;TP6021\n01;14,2\n;\n44;15\n", []),  # an empty spreadsheet row: skipped
        ('CODGEO;TP6021\n01;"14,2"\n;;;\n38;abc\n', [["3", "nombre"], ["4", "valeur non numérique"]]),  # quoted
    ],
)
def test_malformed_lines_plain_and_quoted(text, problems):
    try:
        parse_upload(text.encode(), "f.csv", indicator="poverty_rate")
        got = []
    except UploadError as error:
        got = error.problems[["row", "message"]].astype(str).values.tolist()
    assert len(got) == len(problems)
    assert [[row, message[: len(want)]] for (row, message), (_, want) in zip(got, problems, strict=True)] == problems


def test_a_published_file_is_its_own_source_in_the_profile_and_its_csv(tmp_path, monkeypatch, real_store):
    from indicators.storage import store
    from indicators.views import profile

    store_dir = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(store_dir))
    path = tmp_path / "pauvrete2021.csv"
    path.write_bytes(_scaled_poverty_2021(1.05))
    args = [str(path), "--indicator", "poverty_rate", "--who", "ana"]
    args += ["--publisher", "CCAS de Grenoble", "--title", "Analyse des besoins sociaux", "--edition", "2022"]
    assert upload_cli.main(args) == 0
    sha = versions.meta(1)["sha256"]
    isere = profile.build(store.load_indicators(), store.load_population(), "38")
    poverty = isere.figure("poverty_rate", "Chiffres clés")
    assert (poverty.text, poverty.year) == ("11,9\u00a0%", 2021)  # 11,3 % x 1,05, rounded to one decimal
    assert poverty.source.startswith(
        f"CCAS de Grenoble, Analyse des besoins sociaux (2022) ; fichier importé par ana, sha256 {sha[:12]}, le "
    )
    assert "Insee" not in poverty.source
    assert poverty.source in profile.to_csv(isere).decode("utf-8-sig")
    assert versions.history()["source"].iloc[0] == poverty.source
    import io

    from pypdf import PdfReader

    from indicators.views import report

    pdf = report.build_pdf(isere)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Fichier importé (Taux de pauvreté) : CCAS de Grenoble, Analyse des besoins sociaux (2022)" in " ".join(
        text.split()
    )
