"""CSV exports that a spreadsheet opens safely: text cells starting with = + - @ (or tab/CR) are neutralised."""

from __future__ import annotations

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that a spreadsheet would run as a formula is prefixed with ``'``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(DANGEROUS) else v)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, ';' separated, decimal comma: what French spreadsheets open directly."""
    return neutralise(frame).to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
