"""Département boundaries for the maps: a pipeline product (data/processed/departements.geoparquet).

raw IGN/INSEE GeoJSON (101 départements, DROM at their true positions)
-> the five DROM moved into boxes west of metropolitan France, one box each (as INSEE maps do)
-> coverage simplification (shared edges simplified once: no gaps or overlaps between neighbours)
-> exterior rings clockwise, as plotly's d3-geo wants (counter-clockwise rings are drawn as the whole globe
   minus the shape).

Coordinates stay in lon/lat (EPSG:4326) so that plotly's "mercator" projection draws them; the
insets are scaled so that they keep their shape at the latitude where they are drawn.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import box

from indicators.paths import RAW_DIR
from indicators.territories import DROM_CODES

RAW_GEOJSON = Path("france-geojson") / "departements-avec-outre-mer.geojson"
SIMPLIFY_TOLERANCE = 0.012  # degrees, ≈ 1 km
DETAIL_TOLERANCE = 0.001  # degrees, ≈ 100 m: for the Paris / petite couronne zoom
DETAIL_CODES = ("75", "92", "93", "94")
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


def fit_into_box(geom: shapely.Geometry, target: tuple[float, float, float, float]) -> shapely.Geometry:
    """Scale and move ``geom`` (lon/lat) to fill ``target`` (lon/lat), keeping its ground shape.

    One degree of longitude shrinks with cos(latitude): the shape is first made isotropic at its own
    latitude, then stretched back for the latitude of the box, so it looks right on a Mercator map.
    """
    minx, miny, maxx, maxy = geom.bounds
    src_lat = math.radians((miny + maxy) / 2)
    dst_lat = math.radians((target[1] + target[3]) / 2)
    x_factor = math.cos(src_lat) / math.cos(dst_lat)  # lon degrees at source -> lon degrees at target
    width, height = (maxx - minx) * x_factor, maxy - miny
    scale = min((target[2] - target[0]) / width, (target[3] - target[1]) / height)
    moved = affinity.translate(geom, -(minx + maxx) / 2, -(miny + maxy) / 2)
    moved = affinity.scale(moved, x_factor * scale, scale, origin=(0, 0))
    return affinity.translate(moved, (target[0] + target[2]) / 2, (target[1] + target[3]) / 2)


def place_insets(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move the DROM (true positions) into their inset boxes; metropolitan shapes are untouched."""
    boxes = inset_boxes()
    out = frame.copy()
    for idx, code in out["code"].items():
        if code in boxes:
            out.at[idx, "geometry"] = fit_into_box(out.at[idx, "geometry"], boxes[code])
    return out


def inset_frames() -> list[shapely.Geometry]:
    """The inset boxes as polygons (drawn as thin frames on the map)."""
    return [box(*b) for b in inset_boxes().values()]


def simplify(geoms: np.ndarray, tolerance: float = SIMPLIFY_TOLERANCE) -> np.ndarray:
    """Coverage simplification (edges shared by two départements stay shared), clockwise exteriors.

    No set_precision here: snapping each polygon on its own breaks the shared edges (gaps).
    """
    simplified = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    return shapely.orient_polygons(simplified, exterior_cw=True)


def build(raw_dir: Path = RAW_DIR) -> gpd.GeoDataFrame:
    """code, name, zone, geometry for the 101 départements, ready for plotly; plus ``detail``, a finer
    geometry for the petite couronne zoom (empty for the other départements)."""
    raw = gpd.read_file(raw_dir / RAW_GEOJSON).rename(columns={"nom": "name"})
    raw["code"] = raw["code"].astype(str)
    raw["zone"] = np.where(raw["code"].isin(DROM_CODES), "drom", "metro")
    placed = place_insets(raw)
    zoom = placed["code"].isin(DETAIL_CODES).to_numpy()
    detail = np.full(len(placed), None, dtype=object)
    detail[zoom] = simplify(placed.geometry.values[zoom], DETAIL_TOLERANCE)
    placed["geometry"] = simplify(placed.geometry.values)
    placed["detail"] = gpd.GeoSeries(detail, index=placed.index, crs=placed.crs)
    return placed[["code", "name", "zone", "geometry", "detail"]].sort_values("code").reset_index(drop=True)


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
