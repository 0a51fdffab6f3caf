"""Insee Filosofi 2021 by commune (base « chiffres clés »): median standard of living, poverty rates, income
composition and deciles.

Raw file: data/raw/insee-filosofi-communes/cc_filosofi_2021_COM.csv (``;``, decimal comma). Every
``cc_filosofi_20yy_COM.csv`` of the folder is an edition (``editions``): a publisher's newer file imported by the
import page goes beside it (indicators/build/editions.py), its year read from its columns (``MED22``, ``TP6022``…:
the variables are the same, suffixed by the year's two digits; a file whose name and columns disagree is refused).

Traps handled here:
- ``s`` is statistical secrecy, never zero: the value is absent and flagged ``secret`` (rates are
  published for 4 409 communes only, medians for 31 316); ``nd`` (not available, a few communes'
  medians) is absent too, without the secrecy flag;
- the arrondissements of Paris, Lyon and Marseille (75101…, 69381…, 13201…) are listed beside their
  commune, which has its own row: they are dropped, never added;
- rates, medians and deciles cannot be summed: a current commune that holds several communes of the
  file (merged since) gets no value (``merged``), it would be an average of rates;
- rates are published as whole numbers (« 36,0 »): they are stored as published.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR

SOURCE_ID = "insee_filosofi_2021_communes"
FOLDER = RAW_DIR / "insee-filosofi-communes"
PATH = FOLDER / "cc_filosofi_2021_COM.csv"
YEAR = 2021  # the edition in data/raw
FILE_NAME = re.compile(r"^cc_filosofi_(20\d\d)_COM\.csv$")
SECRET = "s"
NOT_AVAILABLE = "nd"  # « non disponible »: absent, not secret
VARIABLES = {  # variable (the column without its year suffix) -> indicator
    "MED": "median_living_standard",
    "TP60": "poverty_rate",
    "TP60AGE1": "poverty_rate_under_30",
    "TP60AGE2": "poverty_rate_30_39",
    "TP60AGE3": "poverty_rate_40_49",
    "TP60AGE4": "poverty_rate_50_59",
    "TP60AGE5": "poverty_rate_60_74",
    "TP60AGE6": "poverty_rate_75_plus",
    "TP60TOL1": "poverty_rate_owners",
    "TP60TOL2": "poverty_rate_tenants",
    "PPSOC": "social_benefits_income_share",
    "PPMINI": "minima_income_share",
    "PPLOGT": "housing_benefits_income_share",
    "D1": "living_standard_d1",
    "D9": "living_standard_d9",
    "RD": "interdecile_ratio",
}
INDICATORS = list(VARIABLES.values())


def columns(year: int) -> dict[str, str]:
    """The file's columns of an edition -> indicator: « MED21 » -> median_living_standard for 2021."""
    return {f"{variable}{year % 100:02d}": indicator for variable, indicator in VARIABLES.items()}


COLUMNS = columns(YEAR)


def year_of(header: list[str]) -> int | None:
    """The edition's year from its header (the median's column ``MEDyy``), None when there is none."""
    found = [m for m in (re.fullmatch(r"MED(\d\d)", str(h).strip()) for h in header) if m]
    return 2000 + int(found[0].group(1)) if len(found) == 1 else None


def editions(raw_dir: Path = RAW_DIR) -> list[Path]:
    """Every edition's file in the folder, oldest first."""
    folder = raw_dir / FOLDER.name
    return sorted(p for p in folder.iterdir() if FILE_NAME.match(p.name)) if folder.is_dir() else []


def read(path: Path = PATH) -> pd.DataFrame:
    """The file's rows in long form: code (as published), indicator_id, year, value (NaN where secret), secret."""
    try:
        raw = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise RawFileError(path, f"a readable ';' CSV ({error})") from error
    year = year_of(list(raw.columns))
    if year is None:
        raise RawFileError(path, "one median column MEDyy (the edition's year)")
    named = FILE_NAME.match(path.name)
    if named and int(named.group(1)) != year:
        raise RawFileError(path, f"columns of the {named.group(1)} edition (file name), found MED{year % 100:02d}")
    wanted = columns(year)
    missing = [c for c in ["CODGEO", *wanted] if c not in raw.columns]
    if missing:
        raise RawFileError(path, f"columns {missing}")
    if raw["CODGEO"].duplicated().any():
        raise RawFileError(path, "one row per CODGEO")
    long = raw[["CODGEO", *wanted]].melt(id_vars="CODGEO", var_name="column", value_name="raw")
    text = long["raw"].fillna("").str.strip()
    value = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = long[value.isna() & ~text.isin([SECRET, NOT_AVAILABLE, ""])]
    if len(bad):
        raise RawFileError(
            path, f"numbers or '{SECRET}' only: {bad[['CODGEO', 'column', 'raw']].head(3).values.tolist()}"
        )
    return pd.DataFrame(
        {
            "code": long["CODGEO"].to_numpy(),
            "indicator_id": long["column"].map(wanted).to_numpy(),
            "year": year,
            "value": value.to_numpy(dtype=float),
            "secret": (text == SECRET).to_numpy(),
        }
    )


def edition_rows(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """Every edition's published values as the files give them (commune codes as published, before the commune
    build maps them to today's communes): what an import of a newer file says it holds."""
    parts = [read(path) for path in editions(raw_dir)]
    if not parts:
        raise RawFileError(raw_dir / FOLDER.name, "a cc_filosofi_20yy_COM.csv file")
    long = pd.concat(parts, ignore_index=True)
    long = long[long["value"].notna()]
    return pd.DataFrame(
        {
            "territory_level": "commune",
            "territory_code": long["code"].to_numpy(),
            "indicator_id": long["indicator_id"].to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "value": long["value"].to_numpy(),
        }
    )
