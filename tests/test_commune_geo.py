"""Commune boundaries: current geography (merged communes dissolved), no gaps between neighbours, small
enough for the browser (Nord), and drawn by plotly (clockwise exteriors)."""

import geopandas as gpd
import pytest
import shapely

from indicators.build import commune_geo
from indicators.core.paths import RAW_DIR
from indicators.storage import store


@pytest.fixture(scope="module")
def nord() -> dict:
    return store.load_commune_geometry("59")


def _shapes(collection: dict) -> dict[str, shapely.Geometry]:
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in collection["features"]}


def test_nord_has_every_current_commune_once(nord):
    codes = [f["id"] for f in nord["features"]]
    index = store.load_territories()
    current = set(index[(index["level"] == "commune") & (index["departement"] == "59")]["code"])
    assert len(codes) == len(set(codes)) == 647
    assert set(codes) == current
    assert store.commune_geometry_path("59").stat().st_size < 400_000


def test_neighbours_share_their_edges(nord):
    shapes = list(_shapes(nord).values())
    assert shapely.coverage_is_valid(shapes)  # no overlap, every shared edge identical: no gaps
    assert not any(bool(shapely.is_ccw(ring)) for s in shapes for ring in _exteriors(s))  # clockwise


def _exteriors(geometry):
    parts = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    return [p.exterior for p in parts]


def test_a_merged_commune_is_one_shape_of_its_former_communes():
    """Saint-Denis (93066) absorbed Pierrefitte-sur-Seine (93059) in 2025: one shape, the area of both."""
    seine_saint_denis = _shapes(store.load_commune_geometry("93"))
    assert "93059" not in seine_saint_denis
    raw = gpd.read_file(commune_geo.raw_files(RAW_DIR)["93"]).set_index("code")
    both = raw.loc["93066", "geometry"].area + raw.loc["93059", "geometry"].area
    assert seine_saint_denis["93066"].area == pytest.approx(both, rel=0.02)


def test_overseas_and_corsica_files_are_named_by_their_code():
    files = commune_geo.raw_files(RAW_DIR)
    assert len(files) == 101 and {"2A", "2B", "971", "976"} <= set(files)
    assert len(store.load_commune_geometry("2A")["features"]) == 124


def test_the_vectorised_dissolve_and_json_are_geopandas_and_shapely_own():
    """commune_geo's dissolve (one union over a padded grid) and its GeoJSON (rings cut from one array) give
    the same shapes and the same JSON text as GeoDataFrame.dissolve and shapely's mapping (93: the merger)."""
    import json

    import numpy as np

    from indicators.sources import etalab_communes

    successors = etalab_communes.successors(RAW_DIR / etalab_communes.FOLDER.name)
    raw = gpd.read_file(commune_geo.raw_files(RAW_DIR)["93"])
    raw["code"] = raw["code"].astype(str).map(successors)
    expected = raw.dissolve("code", as_index=False)[["code", "geometry"]]
    got = commune_geo.dissolve(raw["code"].to_numpy(object), np.asarray(raw.geometry.values), raw.crs)
    assert got["code"].tolist() == expected["code"].tolist()
    assert "93059" not in got["code"].tolist() and len(got) == len(raw) - 1
    assert bool(shapely.equals_exact(got.geometry.values, expected.geometry.values, tolerance=0).all())
    shapes = np.asarray(expected.geometry.values)
    assert json.dumps(commune_geo._geometries(shapes)) == json.dumps([shapely.geometry.mapping(s) for s in shapes])
