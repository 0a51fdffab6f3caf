"""The 101 départements, 18 régions and France as the build reads them from data/raw, written by the pipeline
into the store (``admin_units.parquet``), where the running app reads them (indicators/storage/territories.py).

- names, régions and zones: Etalab decoupage-administratif (COG), ``departements.json`` and ``regions.json``;
  the 8 overseas collectivities (zone "com": 975, 977 … 989) are not départements and are left out;
- areas: the IGN Admin Express 2018 contours (france-geojson) in an equal-area projection (EPSG:6933), in km²;
  France = the sum of the 101 départements (used for the density of indicators/models/density.py).

The source parsers and derivations run before the store exists: they take the list from here
(``departement_codes``, ``normalise_departement_code``, ``region_of``), never from the store.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.core.codes import FRANCE_CODE, normalise_code
from indicators.core.paths import RAW_DIR

ETALAB_DIR = Path("etalab-decoupage-administratif")
BOUNDARIES = Path("france-geojson") / "departements-avec-outre-mer.geojson"
EQUAL_AREA = "EPSG:6933"
COLUMNS = ["level", "code", "name", "region", "zone", "area_km2"]


def _etalab(name: str, columns: list[str], raw_dir: Path) -> pd.DataFrame:
    rows = json.loads((raw_dir / ETALAB_DIR / name).read_text(encoding="utf-8"))
    frame = pd.DataFrame(rows)[columns]
    frame = frame[frame["zone"].isin(["metro", "drom"])]
    return frame.rename(columns={"nom": "name"}).astype(str).reset_index(drop=True)


@lru_cache(maxsize=2)
def departements(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """code, name, region, zone (metro | drom) of the 101 départements."""
    return _etalab("departements.json", ["code", "nom", "region", "zone"], raw_dir)


@lru_cache(maxsize=2)
def regions(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """code, name, zone of the 18 régions."""
    return _etalab("regions.json", ["code", "nom", "zone"], raw_dir)


def departement_codes(raw_dir: Path = RAW_DIR) -> list[str]:
    return departements(raw_dir)["code"].tolist()


def region_of(raw_dir: Path = RAW_DIR) -> dict[str, str]:
    """Map département code -> région code."""
    deps = departements(raw_dir)
    return dict(zip(deps["code"], deps["region"], strict=True))


@lru_cache(maxsize=2)
def _codes(raw_dir: Path = RAW_DIR) -> frozenset[str]:
    return frozenset(departement_codes(raw_dir))


def normalise_departement_code(raw: object) -> str | None:
    """'1' -> '01', '2a' -> '2A', 974.0 -> '974'; None when it is not a département code."""
    return normalise_code(raw, _codes())


def areas_km2(raw_dir: Path = RAW_DIR) -> dict[str, float]:
    """Area of each of the 101 départements (km²), and of France (code 'FR', their sum)."""
    import geopandas as gpd

    shapes = gpd.read_file(raw_dir / BOUNDARIES)
    area = shapes.to_crs(EQUAL_AREA).area / 1e6
    codes = _codes(raw_dir)
    out = {str(code): float(a) for code, a in zip(shapes["code"], area, strict=True) if str(code) in codes}
    out[FRANCE_CODE] = sum(out.values())
    return out


def build(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """The store's table (COLUMNS): one row per département (with its area), région and France."""
    areas = areas_km2(raw_dir)
    deps = departements(raw_dir).assign(level="departement")
    regs = regions(raw_dir).assign(level="region", region=lambda f: f["code"])
    france = pd.DataFrame([{"level": "france", "code": FRANCE_CODE, "name": "France", "region": "", "zone": ""}])
    table = pd.concat([deps, regs, france], ignore_index=True)
    table["area_km2"] = table["code"].map(areas).where(table["level"] != "region")
    return table[COLUMNS]
