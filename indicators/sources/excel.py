"""Shared helpers to read the publishers' spreadsheets strictly (file, sheet and layout checked)."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from indicators.core.errors import RawFileError


def open_workbook(path: Path) -> CalamineWorkbook:
    if not path.exists():
        raise RawFileError(path, "file not found: copy it from the publisher into data/raw")
    try:  # by content, not by extension: a publisher's new edition may be an XLSX where the old one was an XLS
        with open(path, "rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # calamine raises several error types for broken files
        raise RawFileError(path, f"not a readable spreadsheet ({exc})") from exc


def sheet_rows(workbook: CalamineWorkbook, path: Path, sheet: str) -> list[list]:
    if sheet not in workbook.sheet_names:
        raise RawFileError(path, f"sheet missing; sheets present: {workbook.sheet_names}", sheet)
    return workbook.get_sheet_by_name(sheet).to_python()


def find_header_row(rows: list[list], path: Path, sheet: str, first_cell: str, within: int = 15) -> int:
    """Index of the first row whose first non-empty cell starts with ``first_cell``."""
    for i, row in enumerate(rows[:within]):
        cells = [str(c).strip() for c in row if str(c).strip()]
        if cells and cells[0].lower().startswith(first_cell.lower()):
            return i
    raise RawFileError(path, f"no header row starting with '{first_cell}' in the first {within} rows", sheet)
