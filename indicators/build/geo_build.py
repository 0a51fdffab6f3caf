"""Département boundaries for the maps: a pipeline step (data/raw -> the store's departements.geoparquet).

raw IGN/INSEE GeoJSON (101 départements, DROM at their true positions)
-> the five DROM moved into boxes west of metropolitan France, one box each (as INSEE maps do)
-> coverage simplification (shared edges simplified once: no gaps or overlaps between neighbours)
-> exterior rings clockwise, as plotly's d3-geo wants (counter-clockwise rings are drawn as the whole globe
   minus the shape).

Coordinates stay in lon/lat (EPSG:4326) so that plotly's "mercator" projection draws them; the
insets are scaled so that they keep their shape at the latitude where they are drawn (indicators/storage/geo.py
holds the boxes and what the app does with the built file).
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity

from indicators.core.codes import DROM_CODES
from indicators.core.paths import RAW_DIR
from indicators.storage.geo import inset_boxes

RAW_GEOJSON = Path("france-geojson") / "departements-avec-outre-mer.geojson"
SIMPLIFY_TOLERANCE = 0.012  # degrees, ≈ 1 km
DETAIL_TOLERANCE = 0.001  # degrees, ≈ 100 m: for the Paris / petite couronne zoom
DETAIL_CODES = ("75", "92", "93", "94")
CRS = "EPSG:4326"  # what a GeoJSON file holds (RFC 7946), so what ``build`` reads


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


def from_stored(frame) -> gpd.GeoDataFrame:
    """``build``'s frame as the step cache hands it back (a plain frame, the shapes as WKB, from Parquet) made a
    GeoDataFrame again: written, the same file as ``build``'s own (its shapes are in lon/lat, CRS)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    out = gpd.GeoDataFrame(
        frame.drop(columns=["geometry", "detail"]), geometry=gpd.GeoSeries.from_wkb(frame["geometry"], crs=CRS)
    )
    out["detail"] = gpd.GeoSeries.from_wkb(frame["detail"], crs=CRS)
    return out
