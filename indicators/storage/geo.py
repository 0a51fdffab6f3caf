"""Département boundaries for the maps, as the app reads them: the store's departements.geoparquet (built by
indicators/build/geo_build.py from the IGN GeoJSON), the inset boxes of the DROM, the GeoJSON sent to the browser.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

JSON_DECIMALS = 4  # ≈ 10 m: coordinates are rounded only in the GeoJSON sent to the browser

# Inset boxes (lon_min, lat_min, lon_max, lat_max), stacked in the Atlantic west of Brittany.
INSET_LEFT, INSET_RIGHT = -10.6, -7.0
INSET_TOP, INSET_HEIGHT, INSET_GAP = 50.9, 1.55, 0.35
INSET_ORDER = ("971", "972", "973", "974", "976")


def inset_boxes() -> dict[str, tuple[float, float, float, float]]:
    """The box each DROM is fitted into, top to bottom in INSET_ORDER."""
    boxes = {}
    for i, code in enumerate(INSET_ORDER):
        top = INSET_TOP - i * (INSET_HEIGHT + INSET_GAP)
        boxes[code] = (INSET_LEFT, top - INSET_HEIGHT, INSET_RIGHT, top)
    return boxes


def load(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def to_geojson(frame: gpd.GeoDataFrame, column: str = "geometry") -> dict:
    """A FeatureCollection whose feature ids are the département codes (plotly's featureidkey="id").

    ``column="detail"`` gives the finer shapes of the petite couronne zoom (only those départements).
    """
    frame = frame[~frame[column].isna()]
    rounded = shapely.transform(np.asarray(frame[column].values), lambda xy: np.round(xy, JSON_DECIMALS))
    features = [
        {"type": "Feature", "id": code, "properties": {"name": name}, "geometry": shapely.geometry.mapping(geom)}
        for code, name, geom in zip(frame["code"], frame["name"], rounded, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def publish_geojson(geojson: dict, folder: Path, stem: str, token: str) -> str:
    """Write ``geojson`` once as ``folder/{stem}-{token}.json`` (temporary file, then rename) and delete the
    files of older tokens; returns the file name. The browser then fetches (and caches) the geometry by
    URL instead of receiving it inside every figure."""
    import json
    import os

    folder.mkdir(parents=True, exist_ok=True)
    name = f"{stem}-{token}.json"
    target = folder / name
    if not target.exists():
        tmp = folder / f".{name}.tmp-{os.getpid()}"
        tmp.write_text(json.dumps(geojson, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, target)
    for old in folder.glob(f"{stem}-*.json"):
        if old.name != name and old.stem.count("-") == stem.count("-") + 1:
            old.unlink(missing_ok=True)
    return name
