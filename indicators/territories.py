"""INSEE territory codes (always strings), names, levels and régions.

Reference list: Etalab decoupage-administratif (COG), shipped in data/raw.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from indicators.paths import RAW_DIR

ETALAB_DIR = RAW_DIR / "etalab-decoupage-administratif"
FRANCE_CODE = "FR"
LEVELS = ("departement", "region", "france")
DROM_CODES = ("971", "972", "973", "974", "976")


@lru_cache(maxsize=1)
def departements() -> pd.DataFrame:
    """The 101 départements: code, name, région code, zone (metro|drom).

    The Etalab list also holds the 8 overseas collectivities (zone "com": 975, 977 … 989), which are
    not départements: they are left out."""
    rows = json.loads((ETALAB_DIR / "departements.json").read_text(encoding="utf-8"))
    df = pd.DataFrame(rows)[["code", "nom", "region", "zone"]]
    df = df[df["zone"].isin(["metro", "drom"])]
    return df.rename(columns={"nom": "name"}).astype(str).reset_index(drop=True)


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """The 18 régions: code, name, zone (the overseas collectivities are left out)."""
    rows = json.loads((ETALAB_DIR / "regions.json").read_text(encoding="utf-8"))
    df = pd.DataFrame(rows)[["code", "nom", "zone"]]
    df = df[df["zone"].isin(["metro", "drom"])]
    return df.rename(columns={"nom": "name"}).astype(str).reset_index(drop=True)


def departement_codes() -> list[str]:
    return departements()["code"].tolist()


def departement_names() -> dict[str, str]:
    return dict(zip(departements()["code"], departements()["name"], strict=True))


def region_of() -> dict[str, str]:
    """Map département code -> région code."""
    return dict(zip(departements()["code"], departements()["region"], strict=True))


def territory_name(level: str, code: str) -> str:
    if level == "france":
        return "France"
    table = departements() if level == "departement" else regions()
    match = table.loc[table["code"] == code, "name"]
    return match.iloc[0] if len(match) else code


def normalise_departement_code(raw: object) -> str | None:
    """'1' -> '01', '2a' -> '2A', 974.0 -> '974'; None when it is not a département code."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = str(raw).strip().upper()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text if text in set(departement_codes()) else None
