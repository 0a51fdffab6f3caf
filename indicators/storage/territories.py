"""INSEE territory codes (always strings), names, levels and régions, as the running app reads them.

Read from the store (``admin_units.parquet``, written by the pipeline from the Etalab list of départements
and régions, see indicators/sources/admin_units.py): the running app never reads data/raw. Without a store
these functions raise ``StoreMissing`` (``make data`` builds it; the unit tests point the store at the
fixture store of tests/fixture_store.py). The build reads the same list from data/raw through
admin_units, whose parsers share ``normalise_code`` with this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.core.codes import DROM_CODES as DROM_CODES  # re-exported: the app reads codes from here
from indicators.core.codes import FRANCE_CODE as FRANCE_CODE
from indicators.core.codes import LEVELS as LEVELS
from indicators.core.codes import normalise_code


@dataclass(frozen=True)
class _Reference:
    departements: pd.DataFrame  # code, name, region, zone
    regions: pd.DataFrame  # code, name, zone
    codes: frozenset[str]
    names: dict[str, str]
    region_of: dict[str, str]
    areas: dict[str, float]  # km², départements and France


def _reference() -> _Reference:
    from indicators.storage import store

    path = store.admin_units_path()  # raises StoreMissing
    return _read(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read(path: Path, stamp: int) -> _Reference:
    from indicators.storage import store

    table = store.load_admin_units(path.parent)
    deps = table[table["level"] == "departement"][["code", "name", "region", "zone"]].reset_index(drop=True)
    regs = table[table["level"] == "region"][["code", "name", "zone"]].reset_index(drop=True)
    area_rows = table[table["level"].isin(["departement", "france"])]
    return _Reference(
        departements=deps,
        regions=regs,
        codes=frozenset(deps["code"]),
        names=dict(zip(deps["code"], deps["name"], strict=True)),
        region_of=dict(zip(deps["code"], deps["region"], strict=True)),
        areas=dict(zip(area_rows["code"], area_rows["area_km2"].astype(float), strict=True)),
    )


def departements() -> pd.DataFrame:
    """The 101 départements: code, name, région code, zone (metro|drom)."""
    return _reference().departements


def regions() -> pd.DataFrame:
    """The 18 régions: code, name, zone."""
    return _reference().regions


def areas_km2() -> dict[str, float]:
    """Area of each département (km², IGN contours) and of France (code 'FR', their sum)."""
    return dict(_reference().areas)


def departement_codes() -> list[str]:
    return departements()["code"].tolist()


def departement_names() -> dict[str, str]:
    return dict(_reference().names)


def region_of() -> dict[str, str]:
    """Map département code -> région code."""
    return dict(_reference().region_of)


def territory_name(level: str, code: str) -> str:
    if level == "france":
        return "France"
    table = departements() if level == "departement" else regions()
    match = table.loc[table["code"] == code, "name"]
    return match.iloc[0] if len(match) else code


def normalise_departement_code(raw: object) -> str | None:
    """'1' -> '01', '2a' -> '2A', 974.0 -> '974'; None when it is not a département code (of the store)."""
    return normalise_code(raw, _reference().codes)
