"""What a real spreadsheet means is what is imported: percent formats, formulas, visible sheet, names vs years,
numbers, units, variants, encodings, line numbers. Every case names the exact value or refusal."""

from __future__ import annotations

import io

import openpyxl
import pytest

from indicators.publishing.upload import UploadError, parse_upload, year_from_column


def _xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problems(data: bytes, name: str = "f.csv", **kwargs) -> list[list[str]]:
    with pytest.raises(UploadError) as caught:
        parse_upload(data, name, **kwargs)
    return caught.value.problems[["row", "column", "value", "message"]].astype(str).values.tolist()


def test_percent_formatted_cells_on_the_visible_sheet_after_a_hidden_one():
    def build(book):
        hidden = book.active
        hidden.title = "Brouillon"
        hidden.append(["CODGEO", "TP6020"])
        hidden.append(["38", 99])
        hidden.sheet_state = "hidden"
        data = book.create_sheet("Données")
        data.append(["Taux de pauvreté 2020"])  # a title row
        data.append([])
        data.append(["CODGEO", "TP6020"])
        data.append(["38", 0.113])
        data.append([])  # one blank row does not refuse the file
        data.append(["44", 0.105])
        for row in (4, 6):
            data.cell(row, 2).number_format = "0.0%"

    parsed = parse_upload(_xlsx(build), "pauvrete.xlsx", indicator="poverty_rate")
    assert parsed.rows[["territory_code", "value"]].values.tolist() == [["38", 11.3], ["44", 10.5]]
    assert "2 cellule(s) au format pourcentage" in parsed.warnings["message"].iloc[0]


def test_a_formula_without_cached_value_is_refused_naming_the_cell():
    def build(book):
        sheet = book.active
        sheet.append(["CODGEO", "TP6020"])
        sheet.append(["38", "=10+1.3"])

    assert _problems(_xlsx(build), "f.xlsx", indicator="poverty_rate")[0][3].startswith(
        "la cellule B2 de la feuille « Sheet » contient une formule sans valeur calculée"
    )


def test_a_notes_sheet_first_and_a_named_sheet():
    def build(book):
        book.active.title = "Notes"
        book.active.append(["Source : Insee, Filosofi"])
        data = book.create_sheet("Départements")
        data.append(["CODGEO", "TP6020"])
        data.append(["38", 12.5])

    data = _xlsx(build)
    assert parse_upload(data, "f.xlsx", indicator="poverty_rate").rows["value"].tolist() == [12.5]
    assert (
        "feuille « Autre » absente du classeur (feuilles : Notes, Départements)"
        in _problems(data, "f.xlsx", indicator="poverty_rate", sheet="Autre")[0][3]
    )


def test_names_are_not_years():
    assert [year_from_column(n, this_year=2026) for n in ("TP60", "TP6020", "Q220", "MED27", "MED28")] == [
        None,
        2020,
        2020,
        2027,
        None,
    ]
    assert _problems(b"CODGEO;TP60\n38;12\n", indicator="poverty_rate")[0][3] == (
        "plusieurs colonnes possibles : choisissez la colonne à importer"
    )


@pytest.mark.parametrize(
    "indicator, value, message",
    [
        ("poverty_rate", "inf", "valeur non finie"),
        ("poverty_rate", "1e400", "valeur non finie"),
        ("population", "-20", "effectif négatif (habitants)"),
        ("population", "inf", "valeur non finie"),
        ("poverty_rate", "500", "taux hors de 0–100"),
        ("poverty_rate", "-20", "taux hors de 0–100"),
    ],
)
def test_values_outside_the_unit_range_are_refused(indicator, value, message):
    text = f"territory_code;indicator_id;year;value\n38;{indicator};2020;{value}\n"
    assert _problems(text.encode()) == [["2", "value", value, message]]


def test_per_mille_range_and_rate_of_change_range():
    from indicators.core import catalogue

    permille = next(i for i, e in catalogue.load().items() if e.unit == "‰")
    text = f"territory_code;indicator_id;year;value\n38;{permille};2020;1000,5\n"
    assert _problems(text.encode())[0][3] == "taux pour mille hors de 0–1000"
    ok = parse_upload(b"territory_code;indicator_id;year;value\n38;population_change_5y;2020;-1,5\n", "f.csv")
    assert ok.rows["value"].tolist() == [-1.5]  # a rate of change may be negative (catalogue range)


def test_declaring_an_existing_indicator_is_refused_and_cannot_skip_the_range():
    problems = _problems(b"CODGEO;TP6020\n38;500\n", indicator="poverty_rate", declared={"poverty_rate": "nombre"})
    assert problems[0][2:] == ["poverty_rate", problems[0][3]] and "existe déjà au catalogue" in problems[0][3]


def test_years_must_be_written_as_years():
    text = b"territory_code;indicator_id;year;value\n38;poverty_rate;2e3;1\n44;poverty_rate;2020.0;2\n"
    assert _problems(text) == [["2", "year", "2e3", "année illisible (quatre chiffres attendus, ex. 2021)"]]


def test_variants_are_restricted_to_known_ones():
    text = (
        b"territory_code;indicator_id;year;value;variant\n"
        b"38;poverty_rate;2020;1;Observed\n44;poverty_rate;2020;1;observ\xc3\xa9\n"
    )
    problems = _problems(text)
    assert [p[:3] for p in problems] == [["2", "variant", "Observed"], ["3", "variant", "observé"]]
    assert problems[0][3].startswith("variante inconnue (connues : observed, central, low, high, trend")


def test_physical_line_numbers_after_blank_lines_and_multiline_cells():
    text = (
        b"territory_code;indicator_id;year;value\n\n"
        b'38;poverty_rate;2020;"note\nsur deux lignes"\n\n44;poverty_rate;2020;abc\n'
    )
    assert [p[:3] for p in _problems(text)] == [
        ["3", "value", "note\nsur deux lignes"],
        ["6", "value", "abc"],
    ]


def test_rows_with_missing_fields_are_reported():
    text = b"territory_code;indicator_id;year;value\n38;poverty_rate;2020\n44;poverty_rate;2020;3\n"
    assert _problems(text) == [
        ["2", "(toute la ligne)", "3 colonne(s)", "nombre de colonnes différent de l'en-tête (4 attendues)"]
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_and_excel_sep_line(encoding):
    text = "sep=,\nterritory_code,indicator_id,year,value\n38,poverty_rate,2020,12.5\n"
    parsed = parse_upload(text.encode(encoding), "export.csv")
    assert parsed.rows[["territory_code", "value"]].values.tolist() == [["38", 12.5]]
