"""Issue 23: a workbook is told as it is. Macros, external links and web formulas are named and refused
unless confirmed (--confirm; the page's checkbox); XML and zip damage is explained in French."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from indicators.publishing import upload_cli, workbook
from indicators.publishing.upload import UploadError, parse_upload
from tests.upload_helpers import copy_store


def _book(formula: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Données")
    sheet.write_row(0, 0, ["CODGEO", "TP6020", "note"])
    sheet.write_row(1, 0, ["38", 12.5, "WEBSERVICE(ceci est un texte)"])
    sheet.write_string(2, 0, "44")
    if formula:
        sheet.write_formula(2, 1, formula, None, 14.2)
    else:
        sheet.write_number(2, 1, 14.2)
    book.close()
    if not extra:
        return out.getvalue()
    again = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(again, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        for name, content in extra.items():
            target.writestr(name, content)
    return again.getvalue()


def _rewrite(data: bytes, part: str, broken: bytes) -> bytes:
    """The workbook with ``broken`` inserted after the first tag of ``part``'s XML."""
    again = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(again, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                cut = content.index(b"<sheetData>") + 11 if b"<sheetData>" in content else content.index(b"?>") + 2
                content = content[:cut] + broken + content[cut:]
            target.writestr(item, content)
    return again.getvalue()


EXTERNAL = {
    "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><externalBook r:id="rId1"/></externalLink>',
    "xl/externalLinks/_rels/externalLink1.xml.rels": b'<Relationships><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
    b'Target="file:///C:/Users/analyste/pauvrete-2020.xlsx" TargetMode="External"/></Relationships>',
}


def test_a_plain_workbook_has_nothing_to_confirm():
    parsed = parse_upload(_book(), "f.xlsx", indicator="poverty_rate")
    assert parsed.risks == []  # "WEBSERVICE(" in a text cell is not a formula
    assert parsed.rows.set_index("territory_code")["value"].to_dict() == {"38": 12.5, "44": 14.2}


@pytest.mark.store  # the CLI publishes into a copy of the built store
@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_book('=WEBSERVICE("http://127.0.0.1:9/taux")'), "formule web WEBSERVICE en B3 de la feuille « Données »"),
        (_book('=FILTERXML("<a>1</a>","//a")'), "formule web FILTERXML en B3"),
        (_book(extra=EXTERNAL), "liaison externe vers « file:///C:/Users/analyste/pauvrete-2020.xlsx »"),
        (_book(extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"}), "macros VBA (xl/vbaProject.bin)"),
    ],
)
def test_risks_are_named_and_publishing_needs_confirm(data, named, tmp_path, capsys):
    parsed = parse_upload(data, "f.xlsx", indicator="poverty_rate")
    assert any(named in risk for risk in parsed.risks), parsed.risks
    assert parsed.rows.set_index("territory_code")["value"].to_dict() == {"38": 12.5, "44": 14.2}  # cached values
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    store = copy_store(tmp_path / "store")
    args = [str(path), "--indicator", "poverty_rate", "--store", str(store), "--who", "t"]
    assert upload_cli.main(args) == 1
    err = capsys.readouterr().err
    assert named in err and "rien n'a été publié" in err and "--confirm" in err
    assert upload_cli.main([*args, "--confirm"]) == 0
    assert "malgré l'alerte, --confirm" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "n'est pas une archive XLSX lisible"),
        (_book()[:-300], "n'est pas une archive XLSX lisible"),
        (_rewrite(_book(), "xl/worksheets/sheet1.xml", b"<row><c><v>1</c>"), "partie XML du classeur est mal formée"),
        (_rewrite(_book(), "xl/styles.xml", b"<oops"), "partie XML du classeur est mal formée"),
    ],
)
def test_broken_workbooks_are_explained_in_french(data, said):
    with pytest.raises(UploadError) as caught:
        parse_upload(data, "f.xlsx", indicator="poverty_rate")
    message = caught.value.problems["message"].iloc[0]
    assert said in message, message
    assert not any(word in message for word in ("Error", "BadZip", "Calamine", "Exception"))


def test_every_explained_error_is_french():
    for name, text in workbook.EXPLAINED.items():
        assert name not in text and text[0].islower()
