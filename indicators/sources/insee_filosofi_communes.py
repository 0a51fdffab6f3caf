"""Insee Filosofi 2021 by commune (base « chiffres clés »): median standard of living, poverty rates, income
composition and deciles.

Raw file: data/raw/insee-filosofi-communes/cc_filosofi_2021_COM.csv (``;``, decimal comma).

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

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR

SOURCE_ID = "insee_filosofi_2021_communes"
FOLDER = RAW_DIR / "insee-filosofi-communes"
PATH = FOLDER / "cc_filosofi_2021_COM.csv"
YEAR = 2021
SECRET = "s"
NOT_AVAILABLE = "nd"  # « non disponible »: absent, not secret
COLUMNS = {
    "MED21": "median_living_standard",
    "TP6021": "poverty_rate",
    "TP60AGE121": "poverty_rate_under_30",
    "TP60AGE221": "poverty_rate_30_39",
    "TP60AGE321": "poverty_rate_40_49",
    "TP60AGE421": "poverty_rate_50_59",
    "TP60AGE521": "poverty_rate_60_74",
    "TP60AGE621": "poverty_rate_75_plus",
    "TP60TOL121": "poverty_rate_owners",
    "TP60TOL221": "poverty_rate_tenants",
    "PPSOC21": "social_benefits_income_share",
    "PPMINI21": "minima_income_share",
    "PPLOGT21": "housing_benefits_income_share",
    "D121": "living_standard_d1",
    "D921": "living_standard_d9",
    "RD21": "interdecile_ratio",
}
INDICATORS = list(COLUMNS.values())


def read(path: Path = PATH) -> pd.DataFrame:
    """The file's rows in long form: code (as published), indicator_id, value (NaN where secret), secret."""
    try:
        raw = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise RawFileError(path, f"a readable ';' CSV ({error})") from error
    missing = [c for c in ["CODGEO", *COLUMNS] if c not in raw.columns]
    if missing:
        raise RawFileError(path, f"columns {missing}")
    if raw["CODGEO"].duplicated().any():
        raise RawFileError(path, "one row per CODGEO")
    long = raw[["CODGEO", *COLUMNS]].melt(id_vars="CODGEO", var_name="column", value_name="raw")
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
            "indicator_id": long["column"].map(COLUMNS).to_numpy(),
            "value": value.to_numpy(dtype=float),
            "secret": (text == SECRET).to_numpy(),
        }
    )
