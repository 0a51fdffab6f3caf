"""Read the Parquet store (data/processed) and answer the questions every page asks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from indicators.core.errors import (
    STORE_REBUILD_HINT,
    StoreDamaged,
    StoreMissing,  # noqa: F401 (re-exported: store.StoreMissing)
)
from indicators.core.paths import (
    ADMIN_UNITS_FILE,
    COMMUNE_GEO_FOLDER,
    GEO_FILE,
    INDICATORS_FILE,
    POPULATION_FILE,
    TERRITORIES_FILE,
    processed_dir,
)


def _path(name: str, store_dir: Path | None) -> Path:
    path = (store_dir or processed_dir()) / name
    if not path.exists():
        raise StoreMissing(f"{path} is missing: build the store with `make data`")
    return path


def table_path(name: str, store_dir: Path | None = None) -> Path:
    """One of the store's other tables (population, track records, series notes) as the published version serves
    it: a new edition of a source carries the ones it changes (versions.table_path), else the pipeline's."""
    from indicators.storage import versions

    path = versions.table_path(name, store_dir)
    if not path.exists():
        raise StoreMissing(f"{path} is missing: build the store with `make data`")
    return path


def load_indicators(store_dir: Path | None = None) -> pd.DataFrame:
    """The published tidy table (the pipeline's base plus analysts' published uploads, see versions.py)."""
    from indicators.storage import versions

    _path(INDICATORS_FILE, store_dir)
    return versions.table(store_dir=store_dir)


def _read(path: Path) -> pd.DataFrame:
    """A table of the store; an unreadable one is StoreDamaged (French for the page, the detail for the log)."""
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise StoreDamaged(
            f"{path}: unreadable ({exc})", f"Une table des données ({path.stem}) est illisible : {STORE_REBUILD_HINT}."
        ) from exc


def load_population(store_dir: Path | None = None) -> pd.DataFrame:
    return _read(table_path(POPULATION_FILE, store_dir))


def load_territories(store_dir: Path | None = None) -> pd.DataFrame:
    """Départements, EPCI and communes with their names and attachments (see territory_index). The population
    of an EPCI or a commune is the store's latest legal population, with its year (the one the profile shows:
    one number, the year travelling with it), else the index's own."""
    from indicators.storage import query

    index = _read(_path(TERRITORIES_FILE, store_dir))
    legal = query.rows(["legal_population"], ["epci", "commune"], store_dir=store_dir)
    return with_latest_population(index, legal)


def with_latest_population(index: pd.DataFrame, legal: pd.DataFrame) -> pd.DataFrame:
    """index with population / population_year replaced by each territory's latest row of ``legal`` (tidy rows
    of legal_population) where it has one."""
    if legal.empty:
        return index
    latest = (
        legal.dropna(subset=["value"])
        .sort_values("year")
        .drop_duplicates(["territory_level", "territory_code"], keep="last")
    )
    found = index[["level", "code"]].merge(
        latest.rename(columns={"territory_level": "level", "territory_code": "code"})[
            ["level", "code", "value", "year"]
        ],
        how="left",
        on=["level", "code"],
    )
    has = found["value"].notna().to_numpy()
    out = index.copy()
    out.loc[has, "population"] = found.loc[has, "value"].to_numpy(dtype=float)
    out.loc[has, "population_year"] = found.loc[has, "year"].to_numpy(dtype=int)
    return out


def admin_units_path(store_dir: Path | None = None) -> Path:
    return _path(ADMIN_UNITS_FILE, store_dir)


def load_admin_units(store_dir: Path | None = None) -> pd.DataFrame:
    """The 101 départements, 18 régions and France: level, code, name, region, zone, area_km2 (admin_units)."""
    return _read(admin_units_path(store_dir))


def load_geometry(store_dir: Path | None = None):
    """The map geometry (GeoDataFrame: code, name, zone, geometry), built by the pipeline."""
    from indicators.storage import geo

    return geo.load(_path(GEO_FILE, store_dir))


def commune_geometry_path(departement: str, store_dir: Path | None = None) -> Path:
    """The simplified commune shapes of one département (written by indicators.build.commune_geo)."""
    return (store_dir or processed_dir()) / COMMUNE_GEO_FOLDER / f"{departement}.json"


def load_commune_geometry(departement: str, store_dir: Path | None = None) -> dict:
    """The FeatureCollection of one département's communes (empty when it has no file)."""
    file = commune_geometry_path(departement, store_dir)
    if not file.exists():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(file.read_text(encoding="utf-8"))
