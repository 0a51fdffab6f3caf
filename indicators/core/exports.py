"""The one writer of every export (CSV and XLSX) that a spreadsheet opens safely.

A text cell starting with = + - @ (or tab, CR, LF) would run as a formula in a spreadsheet: it is
prefixed with ``'``. Numbers written as text (``-2,1``, ``-1,2 %``) are left as they are. XLSX files are
also written with xlsxwriter's formula and URL conversion off, so no text becomes a live formula or link.
"""

from __future__ import annotations

import io
import re

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width
NUMBER_TEXT = re.compile(r"[+-]?\d[\d\u00a0\u202f ]*(?:[.,]\d+)?(?:e[+-]?\d+)?(?:[\u00a0 ]?(?:%|‰|pt))?")


def _safe(value):
    if isinstance(value, str) and value.lstrip(" ").startswith(DANGEROUS) and not NUMBER_TEXT.fullmatch(value):
        return f"'{value}"
    return value


DISPLAYED_DECIMALS = re.compile(r"\d,(\d+)")


def decimals_of(text: str) -> int:
    """The number of decimals a French displayed figure carries: '27,6 %' -> 1, '1 682 806 habitants' -> 0."""
    found = DISPLAYED_DECIMALS.search(text or "")
    return len(found.group(1)) if found else 0


def rounded(value: float | None, decimals: int) -> float | None:
    """A value as a file should hold it: rounded as displayed, never '-0' (a rounded -0.04 is 0), None when
    missing (an empty cell)."""
    if value is None or pd.isna(value):
        return None
    out = round(float(value), decimals)
    return 0.0 if out == 0 else out


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell (and column name) a spreadsheet would run as a formula is prefixed with ``'``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe)
    out.columns = [_safe(c) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame, sep: str = ";", decimal: str = ",", encoding: str = "utf-8-sig") -> bytes:
    """Default: UTF-8 with BOM, ';' separated, decimal comma: what French spreadsheets open directly.

    Floats print with up to 15 significant digits: a rounded figure reads as displayed ("1294476",
    "0,48"), never "1294476,0" or a binary tail ("0,48457974770064194")."""
    return neutralise(frame).to_csv(index=False, sep=sep, decimal=decimal, float_format="%.15g").encode(encoding)


def number_format(decimals: int) -> str:
    """The Excel format of a number shown with ``decimals`` decimals and a thousands separator (Excel prints
    them with the reader's own separators: 1 682 806 and 27,6 in a French Excel)."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def to_xlsx(
    frame: pd.DataFrame,
    sheet: str = "Feuil1",
    widths: dict[int, float] | None = None,
    row_decimals: list[int] | None = None,
    sources: pd.DataFrame | None = None,
) -> bytes:
    """A workbook a person can use: a bold header row frozen with the first column, every number with its number
    format (``row_decimals``: the decimals of each row's figures, for a table of one indicator per row; else
    whole numbers), and a second sheet « Sources » (``sources``: one row per indicator, its source and unit)."""
    buffer = io.BytesIO()
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    safe = neutralise(frame)
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=options) as writer:
        safe.to_excel(writer, sheet_name=sheet, index=False)
        book, ws = writer.book, writer.sheets[sheet]
        formats: dict[int, object] = {}
        for position, column in enumerate(safe.columns):
            values = safe[column]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                continue
            is_int = pd.api.types.is_integer_dtype(values)
            for row, value in enumerate(values):
                if pd.isna(value):
                    continue
                decimals = 0 if is_int or row_decimals is None else row_decimals[row]
                if decimals not in formats:
                    formats[decimals] = book.add_format({"num_format": number_format(decimals)})
                # a year or a rank is a plain integer: no thousands separator ("2023", not "2 023")
                plain = is_int and (str(column).startswith(("Année", "Rang")) or "année" in str(column))
                ws.write_number(row + 1, position, float(value), None if plain else formats[decimals])
        ws.freeze_panes(1, 1)
        ws.set_row(0, 30, book.add_format({"bold": True, "text_wrap": True, "valign": "top"}))
        for column, width in (widths or {}).items():
            ws.set_column(column, column, width)
        if sources is not None:
            neutralise(sources).to_excel(writer, sheet_name="Sources", index=False)
            writer.sheets["Sources"].freeze_panes(1, 0)
            writer.sheets["Sources"].set_column(0, len(sources.columns) - 1, 45)
    return buffer.getvalue()
