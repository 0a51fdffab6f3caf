"""INSEE, Filosofi 2020, département level: poverty rate (60 % threshold) and median living standard.

Semicolon-separated, decimal comma; ``s`` = statistical secrecy, ``nd`` = not available.
98 départements (no file for 971, 973, 976). No national row in these files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code

SOURCE_ID = "insee_filosofi_2020"
FILES = ["insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv", "insee-filosofi/FILO2020_DISP_DEP.csv"]
YEAR = 2020
COLUMNS = {FILES[0]: ("TP6020", "poverty_rate"), FILES[1]: ("Q220", "median_living_standard")}
MISSING = ["s", "nd", "n.d.", ""]


def _read_one(path: Path, column: str, indicator_id: str) -> pd.DataFrame:
    if not path.exists():
        raise RawFileError(path, "file not found")
    try:
        table = pd.read_csv(
            path,
            sep=";",
            decimal=",",
            dtype={"CODGEO": str},
            na_values=MISSING,
            keep_default_na=False,
            usecols=lambda c: c in ("CODGEO", column),
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise RawFileError(path, f"a ';'-separated table with columns CODGEO and {column} ({exc})") from exc
    if list(table.columns) != ["CODGEO", column]:
        raise RawFileError(path, f"columns CODGEO and {column}")
    table["territory_code"] = table["CODGEO"].map(normalise_departement_code)
    table = table.dropna(subset=["territory_code", column])
    if len(table) < 90:
        raise RawFileError(path, f"about 98 départements with a value in {column}, found {len(table)}")
    return pd.DataFrame(
        {
            "territory_level": "departement",
            "territory_code": table["territory_code"],
            "indicator_id": indicator_id,
            "year": YEAR,
            "value": pd.to_numeric(table[column], errors="raise").astype(float),
        }
    )


def read(raw_dir: Path) -> pd.DataFrame:
    return pd.concat([_read_one(raw_dir / f, column, ind) for f, (column, ind) in COLUMNS.items()], ignore_index=True)
