"""Commune boundaries for the commune maps: a pipeline product, one GeoJSON file per département.

raw IGN Admin Express 2018 (france-geojson, one file per département, geography of 2018)
-> every 2018 code moved to the current commune that holds it (etalab_communes.successors) and the
   communes merged since dissolved into one shape (current geography)
-> coverage simplification of the whole département at once (an edge shared by two communes is
   simplified once: no gaps or overlaps between neighbours)
-> exterior rings clockwise (plotly's d3-geo), coordinates rounded to 4 decimals (≈ 10 m)
-> data/processed/communes-geo/<département>.json, feature id = commune code (names travel with the values).

The running app serves these files by URL (cache.commune_geojson_url) and never reads data/raw.
DROM communes stay at their true position: a commune map shows one département (or one EPCI).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from indicators.core.paths import COMMUNE_GEO_FOLDER, RAW_DIR
from indicators.sources import etalab_communes
from indicators.storage.geo import JSON_DECIMALS

RAW_FOLDER = "france-geojson-communes"
FOLDER = COMMUNE_GEO_FOLDER  # in data/processed; read back by store.load_commune_geometry
SIMPLIFY_TOLERANCE = 0.0025  # degrees, ≈ 200 m: Nord (647 communes) ≈ 280 kB


def raw_files(raw_dir: Path = RAW_DIR) -> dict[str, Path]:
    """Département code -> its raw file (``communes-59-nord.geojson`` -> ``59``)."""
    return {p.name.split("-")[1].upper(): p for p in sorted((raw_dir / RAW_FOLDER).glob("communes-*.geojson"))}


def departement_shapes(path: Path, successors: dict[str, str]) -> gpd.GeoDataFrame:
    """code, geometry of the current communes of one raw file, dissolved and simplified."""
    raw = gpd.read_file(path, use_arrow=True)
    codes = np.array([successors.get(code) for code in raw["code"].astype(str)], dtype=object)
    kept = codes != None  # noqa: E711 (element-wise) a code with no successor is outside the 101 départements
    dissolved = dissolve(codes[kept], np.asarray(raw.geometry.values)[kept], raw.crs)
    simplified = shapely.coverage_simplify(dissolved.geometry.values, SIMPLIFY_TOLERANCE, simplify_boundary=True)
    dissolved["geometry"] = shapely.orient_polygons(simplified, exterior_cw=True)
    return dissolved.sort_values("code").reset_index(drop=True)


def dissolve(codes: np.ndarray, shapes: np.ndarray, crs=None) -> gpd.GeoDataFrame:
    """code, union of the code's shapes (sorted by code): what ``GeoDataFrame.dissolve("code")`` gives (each
    code's shapes in their order in the file, one GEOS union each), in one call over a (code x shape) grid
    padded with None instead of one pandas group at a time."""
    order = np.argsort(codes, kind="stable")
    unique, first, counts = np.unique(codes[order], return_index=True, return_counts=True)
    grid = np.full((len(unique), counts.max(initial=1)), None, dtype=object)
    grid[np.repeat(np.arange(len(unique)), counts), np.arange(len(order)) - np.repeat(first, counts)] = shapes[order]
    return gpd.GeoDataFrame({"code": unique, "geometry": shapely.union_all(grid, axis=1)}, crs=crs)


def _geometries(shapes: np.ndarray) -> list[dict]:
    """``shapely.geometry.mapping`` of each shape (the same JSON): the polygons' and multipolygons' rings cut
    from one array of every point (numpy's tolist) instead of a tuple per point and shapely calls per shape."""
    kinds = shapely.get_type_id(shapes)  # 3 Polygon, 6 MultiPolygon
    simple = np.isin(kinds, (3, 6)) & ~shapely.is_empty(shapes) & ~shapely.has_z(shapes)
    parts, part_of = shapely.get_parts(shapes[simple], return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)  # each exterior, then its holes
    points = shapely.get_coordinates(rings).tolist()
    ends = np.cumsum(shapely.get_num_coordinates(rings)).tolist()
    polygons: list[list] = [[] for _ in parts]
    for start, end, part in zip([0, *ends[:-1]], ends, ring_of.tolist(), strict=True):
        polygons[part].append(points[start:end])
    grouped: list[list] = [[] for _ in range(int(simple.sum()))]
    for polygon, shape in zip(polygons, part_of.tolist(), strict=True):
        grouped[shape].append(polygon)
    out, cut = [], iter(grouped)
    for shape, kind, is_simple in zip(shapes, kinds.tolist(), simple.tolist(), strict=True):
        if not is_simple:
            out.append(shapely.geometry.mapping(shape))
        elif kind == 3:
            out.append({"type": "Polygon", "coordinates": next(cut)[0]})
        else:
            out.append({"type": "MultiPolygon", "coordinates": next(cut)})
    return out


def to_geojson(frame: gpd.GeoDataFrame) -> dict:
    rounded = shapely.transform(np.asarray(frame.geometry.values), lambda xy: np.round(xy, JSON_DECIMALS))
    features = [
        {"type": "Feature", "id": code, "properties": {}, "geometry": geometry}
        for code, geometry in zip(frame["code"], _geometries(rounded), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def geojson_files(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """departement, geojson (the file's text): every département's file, computed from the raw shapes (the
    pipeline's step cache keeps this frame, so the geometry is recomputed only when its raw files change)."""
    folder = raw_dir / etalab_communes.FOLDER.name
    successors = etalab_communes.successors(folder)
    rows = [
        (code, json.dumps(to_geojson(departement_shapes(path, successors)), separators=(",", ":")))
        for code, path in raw_files(raw_dir).items()
    ]
    return pd.DataFrame(rows, columns=["departement", "geojson"])


def write(files: pd.DataFrame, out_dir: Path) -> int:
    """Write ``geojson_files``'s frame into ``out_dir/communes-geo`` (a new folder renamed into place);
    returns the number of files written."""
    tmp = out_dir / f".{FOLDER}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for code, text in zip(files["departement"], files["geojson"], strict=True):
        (tmp / f"{code}.json").write_text(text, encoding="utf-8")
    final, old = out_dir / FOLDER, out_dir / f".{FOLDER}.old-{os.getpid()}"
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    return len(files)


def build(raw_dir: Path, out_dir: Path) -> int:
    """Compute and write every département's file; returns the number of files written."""
    return write(geojson_files(raw_dir), out_dir)
