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
