"""Census 2018 and 2012 of the communes of 2 000 inhabitants or more: the questionr package's extract of
Insee's « chiffres clés » (``.RData``, read with pyreadr).

Raw files: data/raw/insee-rp-communes/rp2018.RData, rp2012.RData (one data.frame each).

Traps handled here:
- only communes of 2 000 inhabitants or more: a commune absent from the file is not zero, it is not
  published at that size;
- Paris, Lyon and Marseille are listed beside their arrondissements municipaux: the arrondissements are
  dropped (the commune's row is the sum);
- the counts are Insee's weighted census counts (not whole numbers): they are kept as published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR

SOURCE_ID = "insee_rp_communes_questionr"
FOLDER = RAW_DIR / "insee-rp-communes"
YEARS = (2012, 2018)
# count columns kept (the shares are recomputed from them: numerator / denominator)
COUNTS = ("pop_tot", "pop_0_14", "pop_75p", "pop_non_scol_15p", "pop_dipl_aucun", "log_rp", "log_hlm")


def path(year: int, folder: Path = FOLDER) -> Path:
    return folder / f"rp{year}.RData"


def read(year: int, folder: Path = FOLDER) -> pd.DataFrame:
    """One row per code of the file (arrondissements included, flagged by the caller): code, then COUNTS."""
    import pyreadr

    file = path(year, folder)
    try:
        frames = pyreadr.read_r(str(file))
    except (OSError, ValueError, pyreadr.custom_errors.PyreadrError) as error:
        raise RawFileError(file, f"an R data file readable by pyreadr ({error})") from error
    if len(frames) != 1:
        raise RawFileError(file, f"one data.frame (found {list(frames)})")
    table = next(iter(frames.values()))
    missing = [c for c in ("code_insee", *COUNTS) if c not in table.columns]
    if missing:
        raise RawFileError(file, f"columns {missing}")
    out = table[["code_insee", *COUNTS]].rename(columns={"code_insee": "code"})
    out["code"] = out["code"].astype(str)
    if out["code"].duplicated().any():
        raise RawFileError(file, "one row per code_insee")
    out[list(COUNTS)] = out[list(COUNTS)].astype(float)
    return out.reset_index(drop=True)
