"""Territory codes as constants and rules, shared by the build (parsers) and the app: no file is read here."""

from __future__ import annotations

import numpy as np
import pandas as pd

FRANCE_CODE = "FR"
LEVELS = ("departement", "region", "france")
DROM_CODES = ("971", "972", "973", "974", "976")


def among(codes: pd.Series | pd.Index, wanted) -> np.ndarray:
    """``codes.isin(wanted)`` as a boolean array, through a hash table: pandas' Arrow-string ``isin`` makes one
    pyarrow scalar per wanted value (0,2 s for a département's 35 000 communes, on every call)."""
    return pd.Index(np.asarray(codes, dtype=object), dtype=object).isin(list(wanted))


def normalise_code(raw: object, codes: frozenset[str] | set[str]) -> str | None:
    """'1' -> '01', '2a' -> '2A', 974.0 -> '974'; None when the result is not one of ``codes``."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = str(raw).strip().upper()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text if text in codes else None
