"""ANCT Observatoire des territoires, « part des jeunes non insérés » (neither in employment nor in
education), census 2008, 2013 and 2018, for communes, EPCI, départements and régions.

Raw files: data/raw/anct-jeunes-non-inseres/neet_{communes,epci,dpt,region}_2018.csv
(``codgeo;libgeo;an;part_non_inseres``, UTF-8 with BOM, decimal comma).

Traps handled here:
- the files name neither their source nor the age band (ANCT's indicator is the 15-24 year-olds): the
  catalogue says so wherever the figure is shown;
- an empty value is a value not published (secrecy or too few young people), never zero;
- départements and régions also have 2007, 2012 and 2017: only the census years every level has
  (2008, 2013, 2018) are kept, so that a commune is compared with its département on the same year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR

SOURCE_ID = "anct_jeunes_non_inseres"
FOLDER = RAW_DIR / "anct-jeunes-non-inseres"
INDICATOR = "neet_rate"
YEARS = (2008, 2013, 2018)
FILES = {
    "commune": "neet_communes_2018.csv",
    "epci": "neet_epci_2018.csv",
    "departement": "neet_dpt_2018.csv",
    "region": "neet_region_2018.csv",
}
HEADER = ["codgeo", "libgeo", "an", "part_non_inseres"]


def read(level: str, folder: Path = FOLDER) -> pd.DataFrame:
    """code, name, year, value (NaN = not published) of one level's file, years of YEARS only."""
    file = folder / FILES[level]
    try:
        raw = pd.read_csv(file, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise RawFileError(file, f"a readable ';' CSV ({error})") from error
    if list(raw.columns) != HEADER:
        raise RawFileError(file, f"columns {HEADER}")
    text = raw["part_non_inseres"].str.strip()
    value = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = raw[value.isna() & (text != "")]
    if len(bad):
        raise RawFileError(file, f"a number or nothing in part_non_inseres: {bad.head(3).values.tolist()}")
    if ((value < 0) | (value > 100)).any():
        raise RawFileError(file, "shares between 0 and 100")
    out = pd.DataFrame(
        {"code": raw["codgeo"].str.strip(), "name": raw["libgeo"], "year": pd.to_numeric(raw["an"]), "value": value}
    )
    out = out[out["year"].isin(YEARS)]
    if out.duplicated(["code", "year"]).any():
        raise RawFileError(file, "one row per code and year")
    return out.reset_index(drop=True)
