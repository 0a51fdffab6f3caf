"""Issue 23: numbers read the French way, and doubted. « 76.954 » among « 674 624 » is never 76,954: the
column's other values say which mark separates thousands, else the value is a question; a value that moves
by a factor 1 000 against its published history is refused unless confirmed."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.publishing import upload_cli, upload_meaning
from indicators.publishing.upload import UploadError, parse_upload, read_numbers
from indicators.storage import versions
from tests.upload_helpers import copy_store

AMBIGUOUS = "nombre ambigu"


@pytest.mark.parametrize(
    ("column", "numbers", "asked"),
    [
        (["674 624", "76.954"], [674624, 76.954], [None, 76954]),  # spaces say nothing of the point: asked
        (["674 624", "1,234"], [674624, 1.234], [None, 1234]),
        (["1.234.567", "76.954"], [1234567, 76954], [None, None]),  # the point groups thousands here
        (["1.234,5", "76.954"], [1234.5, 76954], [None, None]),  # the comma is the decimal mark: the point groups
        (["12,5", "76.954"], [12.5, 76954], [None, None]),
        (["12,5", "1,234"], [12.5, 1.234], [None, None]),  # the comma is a decimal mark in this column
        (["12.5", "1,234"], [12.5, 1234], [None, None]),  # the point is: the comma groups thousands
        (["0.954", "76.954"], [0.954, 76.954], [None, None]),
        (["1 234 567", "12,5", "s"], [1234567, 12.5, None], [None, None, None]),
    ],
)
def test_a_column_tells_how_its_numbers_are_written(column, numbers, asked):
    values, missing, thousands = read_numbers(pd.Series(column))
    assert values.tolist() == pytest.approx([float("nan") if n is None else n for n in numbers], nan_ok=True)
    assert [None if pd.isna(t) else t for t in thousands] == asked


def test_the_range_settles_a_question_and_the_rest_is_asked():
    rates = parse_upload(b"CODGEO;TP6020\n38;12,345\n44;1,234\n", "f.csv", indicator="poverty_rate")
    assert rates.rows.set_index("territory_code")["value"].to_dict() == {"38": 12.345, "44": 1.234}  # 12 345 % is not
    with pytest.raises(UploadError) as caught:
        parse_upload(b"CODGEO;P23_POP\n38;1 294 476\n44;76.954\n", "f.csv", indicator="population")
    problems = caught.value.problems
    assert problems[["row", "value"]].values.tolist() == [[3, "76.954"]]
    assert problems["message"].iloc[0].startswith(AMBIGUOUS)


@pytest.mark.store
def test_lozere_written_with_a_decimal_mark_is_refused_unless_confirmed(tmp_path, capsys):
    path = tmp_path / "population.csv"
    path.write_text(
        "CODGEO;P23_POP\n38;1294476\n93;1682806\n48;76,6480\n", encoding="utf-8"
    )  # 76 648 in 2023, 4 decimals: not a question
    parsed = parse_upload(path.read_bytes(), path.name, indicator="population", year=2023)
    assert parsed.rows.set_index("territory_code")["value"]["48"] == 76.648  # a decimal in a French file
    doubt = upload_meaning.suspicious(upload_meaning.check(parsed.rows, versions.table()))
    assert [m.indicator_id for m in doubt] == ["population"]
    assert "1 territoire(s) (48) ont une valeur au moins 300 fois" in doubt[0].reasons[0]
    assert doubt[0].comparison["territory_code"].iloc[0] == "48"
    store = copy_store(tmp_path / "store")
    args = [str(path), "--indicator", "population", "--year", "2023", "--store", str(store), "--who", "t"]
    assert upload_cli.main(args) == 1
    assert "séparateur de milliers" in capsys.readouterr().err
    assert upload_cli.main([*args, "--confirm"]) == 0
    history = versions.history(store)
    record = history.loc[history["id"].idxmax()]
    assert record["source"].endswith("publiée malgré l'alerte sur les valeurs")
