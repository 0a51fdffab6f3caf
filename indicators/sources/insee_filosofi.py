"""INSEE, Filosofi, département level: poverty rate (60 % threshold) and median living standard.

One file per edition and measure, named as the Insee publishes them: ``FILO<year>_DISP_PAUVRES_DEP.csv``
(column ``TP60<yy>``) and ``FILO<year>_DISP_DEP.csv`` (column ``Q2<yy>``). Every edition present in the folder
is read (data/raw holds 2020; an imported edition adds its own file, see indicators/build/editions.py); the year
is the column's, checked against the file name.

Semicolon-separated, decimal comma; ``s`` = statistical secrecy, ``nd`` = not available.
98 départements (no file for 971, 973, 976). No national row in these files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code

SOURCE_ID = "insee_filosofi_2020"
FOLDER = "insee-filosofi"
FILES = [FOLDER]  # the step's input: every edition in the folder
# file name pattern -> (column prefix, indicator)
MEASURES = {
    re.compile(r"^FILO(\d{4})_DISP_PAUVRES_DEP\.csv$"): ("TP60", "poverty_rate"),
    re.compile(r"^FILO(\d{4})_DISP_DEP\.csv$"): ("Q2", "median_living_standard"),
}
MISSING = ["s", "nd", "n.d.", ""]


def editions(raw_dir: Path) -> list[tuple[Path, int, str, str]]:
    """(path, year, column, indicator) of every edition file in the folder, oldest first."""
    folder = raw_dir / FOLDER
    found = []
    for path in sorted(folder.glob("FILO*_DEP.csv")) if folder.is_dir() else []:
        for pattern, (prefix, indicator_id) in MEASURES.items():
            match = pattern.match(path.name)
            if match:
                year = int(match.group(1))
                found.append((path, year, f"{prefix}{year % 100:02d}", indicator_id))
    return sorted(found, key=lambda item: item[1])


def _read_one(path: Path, column: str, indicator_id: str, year: int) -> pd.DataFrame:
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
            "year": year,
            "value": pd.to_numeric(table[column], errors="raise").astype(float),
        }
    )


def read(raw_dir: Path) -> pd.DataFrame:
    found = editions(raw_dir)
    if not found:
        raise RawFileError(raw_dir / FOLDER, "no FILO<year>_DISP_PAUVRES_DEP.csv nor FILO<year>_DISP_DEP.csv file")
    parts = [_read_one(path, column, indicator_id, year) for path, year, column, indicator_id in found]
    return pd.concat(parts, ignore_index=True)
