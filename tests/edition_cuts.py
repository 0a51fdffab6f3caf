"""Copies of the publishers' files of data/raw cut at an earlier year, written in the same layout (for the
equality tests of tests/test_editions.py): what the store held before the publisher's newer file came out."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook


def _workbook(path: Path) -> CalamineWorkbook:
    with open(path, "rb") as handle:
        return CalamineWorkbook.from_filelike(handle)


def _write(sheets: dict[str, list[list]], out: Path) -> Path:
    """A workbook of the given sheets (values only), in the order given."""
    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def unemployment_until(path: Path, last_year: int, out: Path) -> Path:
    """The localised unemployment workbook without the quarters after ``last_year`` (Département sheet)."""
    rows = _workbook(path).get_sheet_by_name("Département").to_python()
    header_index = next(i for i, r in enumerate(rows) if str(r[0]).strip() == "Code")
    header = [str(c).strip() for c in rows[header_index]]
    quarter = re.compile(r"^T[1-4]_(\d{4})$")
    keep = [i for i, name in enumerate(header) if not quarter.match(name) or int(name[-4:]) <= last_year]
    return _write({"Département": [[row[i] for i in keep if i < len(row)] for row in rows]}, out)


def population_until(path: Path, last_year: int, out: Path) -> Path:
    """The population estimates workbook without the year sheets after ``last_year``."""
    book = _workbook(path)
    names = [n for n in book.sheet_names if not (n.strip().isdigit() and int(n) > last_year)]
    return _write({n: book.get_sheet_by_name(n).to_python() for n in names}, out)


def _year_of(cell: object) -> int | None:
    """2018 for 2018, 2018.0, « 2018 », « 2016 (2) », « 2009** »; None for any other label."""
    match = re.match(r"^(\d{4})(?:\.0)?\**\s*(?:\(\d+\))?$", str(cell).strip()) if cell is not None else None
    return int(match.group(1)) if match else None


def workbook_until(path: Path, last_year: int, out: Path, sheets: dict[str, str]) -> Path:
    """A copy of a workbook (openpyxl: every sheet, format and footnote kept) where each sheet of ``sheets`` loses
    the columns of the years after ``last_year`` and the columns after its years (rates of the last year): the
    year labels sit on the row of the header cell ``sheets[name]`` or on the row below it."""
    book = openpyxl.load_workbook(path, data_only=True)  # formulas as their cached values (as the parser reads)
    for name, header in sheets.items():
        sheet = book[name]
        head = next(r for r in sheet.iter_rows() if any(str(c.value).strip() == header for c in r))
        row = head[0].row
        labels = [c.value for c in sheet[row]]
        if not any(_year_of(v) for v in labels):
            labels = [c.value for c in sheet[row + 1]]
        years = [j for j, v in enumerate(labels) if _year_of(v)]
        drop = [j for j in range(years[0], sheet.max_column) if j > years[-1] or _year_of(labels[j]) > last_year]
        for j in reversed(drop):
            sheet.delete_cols(j + 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def minima_until(path: Path, last_year: int, out: Path) -> Path:
    """The DREES minima sociaux workbook as its edition ending in ``last_year`` would read: the later years' columns
    removed from every sheet the parser reads, and the published RSA rates too (they are of the file's last year,
    2019; the earlier edition's rates of ``last_year`` are not available, so the cut has none)."""
    from indicators.sources import drees_minima_sociaux

    return workbook_until(path, last_year, out, {t.sheet: "N° Dep" for t in drees_minima_sociaux.TABLES})


def aide_sociale_until(path: Path, last_year: int, out: Path) -> Path:
    """The DREES beneficiaries workbook (séries longues) without the years after ``last_year`` in the sheets read."""
    from indicators.sources import drees_aide_sociale

    sheets = {
        t.sheet: "Département" for t in drees_aide_sociale.TABLES if t.file == drees_aide_sociale.BENEFICIARIES_FILE
    }
    return workbook_until(path, last_year, out, sheets)


def unemployment_scaled(path: Path, factor: float, out: Path) -> Path:
    """The localised unemployment workbook with every rate multiplied by ``factor`` (a file « 10× off »)."""
    rows = _workbook(path).get_sheet_by_name("Département").to_python()
    header_index = next(i for i, r in enumerate(rows) if str(r[0]).strip() == "Code")
    scaled = [
        [
            v * factor if j >= 2 and isinstance(v, int | float) and not isinstance(v, bool) else v
            for j, v in enumerate(r)
        ]
        if i > header_index
        else r
        for i, r in enumerate(rows)
    ]
    return _write({"Département": scaled}, out)
