"""Parsing and validating analysts' files: accepted layouts/encodings, and every problem listed."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from indicators.core.paths import RAW_DIR
from indicators.publishing import upload
from indicators.publishing.upload import UploadError, parse_upload, year_from_column
from tests.conftest import value

FILO = RAW_DIR / "insee-filosofi" / "FILO2020_DISP_PAUVRES_DEP.csv"


def test_filosofi_round_trip_matches_the_store_exactly(table):
    parsed = parse_upload(FILO.read_bytes(), FILO.name, indicator="poverty_rate", column="TP6020")
    stored = table[(table["indicator_id"] == "poverty_rate") & (table["year"] == 2020)]
    pd.testing.assert_frame_equal(parsed.rows.reset_index(drop=True), stored.reset_index(drop=True))
    assert len(parsed.rows) == 98 and parsed.layout == "wide"
    assert parsed.rows.set_index("territory_code").loc["38", "value"] == value(table, "poverty_rate", "38", 2020)


@pytest.mark.parametrize(
    "encoding, sep, decimal",
    [
        ("utf-8", ";", ","),
        ("utf-8-sig", ",", "."),
        ("cp1252", "\t", ","),
        ("latin-1", ";", "."),
    ],
)
def test_separators_decimals_and_encodings_are_detected(encoding, sep, decimal):
    text = sep.join(["territory_code", "indicator_id", "year", "value", "variant"]) + "\n"
    text += sep.join(["38", "poverty_rate", "2021", f"11{decimal}7", "central"]) + "\n"
    text += sep.join(["2A", "poverty_rate", "2021", "s", "central"]) + "\n"
    parsed = parse_upload(text.encode(encoding), "x.csv")
    assert parsed.rows[["territory_code", "year", "value", "variant"]].values.tolist() == [
        ["38", 2021, 11.7, "central"]
    ]
    assert parsed.missing == 1


def test_xlsx_with_title_rows_and_numeric_codes_repaired_with_a_warning():
    frame = pd.DataFrame(
        [["Taux de pauvreté 2021", None], [None, None], ["CODGEO", "TP6021"], [1, 14.2], ["2A", "nd"], [976, "36,1"]]
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, header=False)
    parsed = parse_upload(buffer.getvalue(), "pauvrete.xlsx", indicator="poverty_rate")
    assert parsed.rows.set_index("territory_code")["value"].to_dict() == {"01": 14.2, "976": 36.1}
    assert set(parsed.rows["year"]) == {2021}
    assert parsed.warnings[["row", "value"]].values.tolist() == [[4, "1"]]
    assert "01" in parsed.warnings["message"].iloc[0]


def test_every_problem_is_listed_with_row_column_value():
    text = (
        "territory_code;indicator_id;year;value\n"
        "99;poverty_rate;2020;3\n"  # 2 unknown territory
        "38;poverty_rate;1800;4\n"  # 3 year out of range
        "44;poverty_rate;2020;abc\n"  # 4 non-numeric
        "93;poverty_rate;2020;150\n"  # 5 rate over 100
        "69;nope;2020;1\n"  # 6 unknown indicator
        "2A;poverty_rate;deux;1\n"  # 7 year not an integer
        "976;poverty_rate;2020;1\n976;poverty_rate;2020;2\n"
    )  # 8, 9 duplicate key
    with pytest.raises(UploadError) as caught:
        parse_upload(text.encode(), "bad.csv")
    got = caught.value.problems[["row", "column", "value"]].astype(str).values.tolist()
    assert got == [
        ["2", "territory_code", "99"],
        ["3", "year", "1800"],
        ["4", "value", "abc"],
        ["5", "value", "150"],
        ["6", "indicator_id", "nope"],
        ["7", "year", "deux"],
        ["8", "territory_code", "976"],
        ["9", "territory_code", "976"],
    ]
    messages = caught.value.problems["message"].tolist()
    assert messages[0].startswith("code de territoire inconnu (attendu") and messages[3] == "taux hors de 0–100"
    assert messages[7] == "clé en double (lignes 8, 9)"


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "vide.csv", "le fichier est vide"),
        (b"\n\n  \n", "vide.csv", "le fichier est vide"),
        (b"territory_code;indicator_id;year;value\n", "entete.csv", "aucune ligne de données"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "pas un tableau (contenu binaire)"),
        (b"bonjour\nle monde\n", "texte.csv", "une seule colonne"),
        (b"PK\x03\x04garbage", "faux.xlsx", "n'est pas une archive XLSX lisible"),
        (b"CODGEO;TP6020;TP5020\n38;1;2\n", "large.csv", "plusieurs colonnes possibles"),
        (b"CODGEO;TP6020\n38;1\n", "sans-indicateur.csv", "indicateur non précisé"),
        (b"nom;valeur\nIsere;1\n", "sans-code.csv", "colonne des codes de territoire introuvable"),
        (b"CODGEO;TP6020\n38;s\n44;nd\n", "secret.csv", "aucune valeur à importer"),
        (b"a;b\n1;2;3;4\n", "irregulier.csv", "nombre de colonnes"),
    ],
)
def test_file_level_problems(data, filename, message):
    with pytest.raises(UploadError) as caught:
        parse_upload(data, filename, indicator="poverty_rate" if "sans-indicateur" not in filename else None)
    assert message in caught.value.problems["message"].iloc[0]


def test_size_limit():
    with pytest.raises(UploadError) as caught:
        parse_upload(b"x" * 2000, "gros.csv", max_bytes=1000)
    assert "taille maximale" in caught.value.problems["message"].iloc[0]


def test_region_codes_do_not_collide_with_departement_codes():
    text = (
        "territory_level,territory_code,indicator_id,year,value\nregion,93,poverty_rate,2020,12.5\n"
        "departement,93,poverty_rate,2020,16.1\nregion,38,poverty_rate,2020,1\n"
    )
    with pytest.raises(UploadError) as caught:
        parse_upload(text.encode(), "regions.csv")
    assert caught.value.problems[["row", "value"]].astype(str).values.tolist() == [["4", "38"]]


@pytest.mark.parametrize("name, year", [("TP6020", 2020), ("POP2019", 2019), ("Q220", 2020), ("CODGEO", None)])
def test_year_from_column(name, year):
    assert year_from_column(name) == year


def test_cli_dry_run_valid_and_invalid(tmp_path, capsys, real_store):
    from indicators.publishing import upload_cli
    from indicators.storage import store
    from tests.upload_helpers import copy_store

    store_dir = copy_store(tmp_path / "store")
    before = store.load_indicators(store_dir)
    assert (
        upload_cli.main(
            [str(FILO), "--indicator", "poverty_rate", "--column", "TP6020", "--store", str(store_dir), "--dry-run"]
        )
        == 0
    )
    assert "98 ligne(s) à importer" in capsys.readouterr().out
    bad = Path(tmp_path / "bad.csv")
    bad.write_text("CODGEO;TP6020\n38;abc\n99;1\n")
    assert upload_cli.main([str(bad), "--indicator", "poverty_rate", "--store", str(store_dir)]) == 1
    err = capsys.readouterr().err
    assert "ligne 2 | TP6020 | abc | valeur non numérique" in err and "ligne 3 | CODGEO | 99" in err
    pd.testing.assert_frame_equal(store.load_indicators(store_dir), before)


def test_declared_indicator_entry_needs_every_field():
    entry = upload.declaration("taux_test", "Taux test", "%", "neutral", "Une définition", "Insee", "LO 2.0", "f.csv")
    assert entry["source"] == {
        "id": "import_taux_test",
        "producer": "Insee",
        "title": "Insee",
        "url": "f.csv",
        "licence": "LO 2.0",
        "citation": "Insee",
    }
    assert upload.declaration_complete(entry)
    assert not upload.declaration_complete(
        upload.declaration("taux_test", "Taux", "%", "neutral", "", "Insee", "LO", None)
    )
    assert not upload.declaration_complete(
        upload.declaration("taux_test", "Taux", "%", "neutral", "Déf", "", "LO", None)
    )


def test_the_uploader_refuses_what_the_parser_would_refuse(tmp_path):
    import tomllib
    from pathlib import Path

    from indicators.publishing import upload, upload_cli

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == upload.MAX_BYTES
    big = tmp_path / "gros.csv"
    with big.open("wb") as handle:  # sparse: 1 GB announced, nothing written
        handle.truncate(1024**3)
    with pytest.raises(UploadError) as caught:
        upload_cli.read_bounded(big)
    assert caught.value.problems["value"].iloc[0] == "1\u202f073\u202f741\u202f824 octets"
    assert "rien n'a été lu" in caught.value.problems["message"].iloc[0]
