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
    return _read(_path(POPULATION_FILE, store_dir))


def load_territories(store_dir: Path | None = None) -> pd.DataFrame:
    """Départements, EPCI and communes with their names and attachments (see territory_index)."""
    return _read(_path(TERRITORIES_FILE, store_dir))


def admin_units_path(store_dir: Path | None = None) -> Path:
    return _path(ADMIN_UNITS_FILE, store_dir)


def load_admin_units(store_dir: Path | None = None) -> pd.DataFrame:
    """The 101 départements, 18 régions and France: level, code, name, region, zone, area_km2 (admin_units)."""
    return _read(admin_units_path(store_dir))


def series(
    table: pd.DataFrame, indicator_id: str, code: str, level: str = "departement", variant: str = "observed"
) -> pd.Series:
    """Values by year for one territory (empty when the store has none)."""
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["territory_level"] == level)
        & (table["variant"] == variant)
    ]
    return rows.set_index("year")["value"].sort_index()


def latest(
    table: pd.DataFrame, indicator_id: str, code: str, level: str = "departement", year: int | None = None
) -> tuple[float, int] | None:
    """(value, year) of the latest observed year (or of ``year``), None when missing."""
    values = series(table, indicator_id, code, level)
    if year is not None:
        values = values[values.index == year]
    if values.empty:
        return None
    return float(values.iloc[-1]), int(values.index[-1])


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
