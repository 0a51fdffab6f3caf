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


def to_xlsx(frame: pd.DataFrame, sheet: str = "Feuil1", widths: dict[int, float] | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=options) as writer:
        neutralise(frame).to_excel(writer, sheet_name=sheet, index=False)
        for column, width in (widths or {}).items():
            writer.sheets[sheet].set_column(column, column, width)
    return buffer.getvalue()
