"""The département map's zoom on Paris and the petite couronne, as an SVG drawn by the server (pure, no Streamlit).

Issue 29: as a second plotly figure beside the map the zoom cost about a fifth of the map page's first visit in the
browser (its own geo subplot, GeoJSON fetch and drawing); as a few SVG paths it costs next to nothing. The shapes
are the pipeline's finer ``detail`` geometry (indicators/build/geo_build.py), projected by geopandas to Lambert-93
(EPSG:2154, the official projection of metropolitan France) and scaled once per store version (``shapes``); each
choice of indicator only colours them (``svg``). As in the plotly zoom, each département carries its code and value;
its name, value and rank show on hover (an SVG ``<title>``, also read by screen readers); a click opens its
profile, as a click on the map does.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from indicators.core.formatting import MISSING

LAMBERT_93 = "EPSG:2154"
PAD = 6  # px around the shapes
HALO = "paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round"


@dataclass(frozen=True)
class ZoomShapes:
    """The zoom's départements in the SVG's pixels (y downwards), in the geometry's code order."""

    paths: dict[str, str]  # code -> SVG path data
    labels: dict[str, tuple[float, float]]  # code -> where its code and value are written
    width: int
    height: int


def shapes(geometry: gpd.GeoDataFrame, codes: tuple[str, ...], width: int = 360) -> ZoomShapes | None:
    """``codes``' shapes from ``geometry`` (store.load_geometry: ``detail`` where held, else the map's own shapes),
    ``width`` px wide; None when none of them is in the geometry."""
    chosen = geometry[geometry["code"].isin(codes)]
    if chosen.empty:
        return None
    fine = chosen.get("detail", chosen.geometry)
    held = [g if f is None or shapely.is_empty(f) else f for f, g in zip(fine, chosen.geometry, strict=True)]
    projected = gpd.GeoSeries(held, index=chosen["code"].to_numpy(), crs=geometry.crs).to_crs(LAMBERT_93)
    minx, miny, maxx, maxy = projected.total_bounds
    scale = (width - 2 * PAD) / (maxx - minx)
    height = round((maxy - miny) * scale) + 2 * PAD

    def to_pixels(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([(xy[:, 0] - minx) * scale + PAD, (maxy - xy[:, 1]) * scale + PAD])

    paths, labels = {}, {}
    for code, shape in projected.items():
        drawn = shapely.transform(shape, to_pixels)
        paths[code] = path_data(drawn)
        largest = max(shapely.get_parts(drawn), key=lambda part: part.area)
        point = polylabel(largest, tolerance=1.0)  # inside the shape, far from its edges (92 is a crescent)
        labels[code] = (round(point.x, 1), round(point.y, 1))
    return ZoomShapes(paths, labels, width, height)


def path_data(shape: shapely.Geometry) -> str:
    """SVG path data of a (multi)polygon: one closed subpath per ring (holes drawn by the even-odd rule)."""
    rings = []
    for polygon in shapely.get_parts(shape):
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)[:-1]
            rings.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(rings)


def svg(zoom: ZoomShapes, frame, colours: dict[str, str], missing: str, profile_link: str = "/profil?dep=") -> str:
    """The zoom coloured for one choice: ``frame`` is the map's (maps.map_frame: code, name, value_text,
    rank_text), ``colours`` each code's fill; a shape that ``frame`` lacks (a small store) is n.d., filled with
    ``missing``."""
    rows = frame.set_index("code")
    shapes_, texts = [], []
    for code, path in zoom.paths.items():
        row = rows.loc[code] if code in rows.index else {"name": code, "value_text": MISSING, "rank_text": MISSING}
        title = f"{row['name']} ({code})\n{row['value_text']}\nRang : {row['rank_text']}"
        shapes_.append(
            f"<a href='{escape(profile_link + code, quote=True)}' target='_self'>"
            f"<path d='{path}' fill='{colours.get(code, missing)}' fill-rule='evenodd' stroke='#fff' "
            "stroke-width='1'>"
            f"<title>{escape(title)}</title></path></a>"
        )
        x, y = zoom.labels[code]
        texts.append(
            f"<text x='{x}' y='{y - 2}'><tspan font-weight='700'>{escape(code)}</tspan>"
            f"<tspan x='{x}' dy='13'>{escape(str(row['value_text']))}</tspan></text>"
        )
    return (
        f"<svg class='rs-zoom' viewBox='0 0 {zoom.width} {zoom.height}' width='100%' "
        f"style='max-width:{zoom.width}px;display:block' role='group' aria-label='Paris et petite couronne'>"
        + "".join(shapes_)
        + f"<g text-anchor='middle' font-size='11' fill='#111' pointer-events='none' style='{HALO}'>"
        + "".join(texts)
        + "</g></svg>"
    )
