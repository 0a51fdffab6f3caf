"""Hostile and tricky XLSX workbooks built in memory (for the property suite, the benchmarks and the browser test)."""

from __future__ import annotations

import io
import zipfile

OXML = "http://schemas.openxmlformats.org"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REL = f"{OXML}/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _zip(sheet_xml: bytes | str, level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def far_cell(declare_dimension: bool = True) -> bytes:
    """A few cells and one at XFD1048576: a dense reader allocates 16 384 x 1 048 576 cells."""
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare_dimension else ""
    return _zip(
        SHEET_HEAD + dimension + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>CODGEO</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>TP6020</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )


def bomb(rows: int = 2_000_000) -> bytes:
    """Small compressed, huge inside: millions of identical rows (no dimension declared)."""
    row = '<row><c t="inlineStr"><is><t>38</t></is></c><c><v>12.5</v></c></row>'
    return _zip(SHEET_HEAD + "<sheetData>" + row * rows + "</sheetData></worksheet>")


def wide_rows(rows: int = 400_000, columns: int = 40) -> bytes:
    """Under every part limit, no dimension: many cells that take long or much memory to read."""
    row = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    return _zip(SHEET_HEAD + "<sheetData>" + row * rows + "</sheetData></worksheet>")
