"""Map geometry (pipeline product) and the map figure."""

import shapely
from shapely.geometry import box

from indicators.build import geo_build
from indicators.storage import geo, store
from indicators.storage.territories import DROM_CODES
from indicators.views import maps


def test_geometry_has_the_101_departements_oriented_for_plotly():
    frame = store.load_geometry()
    assert len(frame) == 101 and frame["code"].is_unique
    assert {"2A", "2B", *DROM_CODES} <= set(frame["code"])
    rings = shapely.get_exterior_ring(shapely.get_parts(frame.geometry.values))
    assert not shapely.is_ccw(rings).any()  # clockwise exteriors: d3-geo fills the inside
    assert frame.geometry.is_valid.all()


def test_simplification_keeps_a_valid_coverage_without_gaps():
    metro = store.load_geometry().query("zone == 'metro'").geometry.values
    assert shapely.coverage_is_valid(metro)
    assert shapely.get_num_coordinates(metro).sum() < 20_000


def test_insets_do_not_overlap_metropolitan_france_nor_each_other():
    frame = store.load_geometry()
    metro = frame[frame["zone"] == "metro"].union_all()
    boxes = [box(*bounds) for bounds in geo.inset_boxes().values()]
    for frame_box in boxes:
        assert not frame_box.intersects(metro)
    for i, a in enumerate(boxes):
        assert not any(a.intersects(b) for b in boxes[i + 1 :])
    for code, bounds in geo.inset_boxes().items():
        shape = frame.loc[frame["code"] == code].geometry.iloc[0]
        assert box(*bounds).buffer(1e-6).contains(shape), code


def test_fit_into_box_fills_the_box():
    square = box(0, 0, 1, 1)
    fitted = geo_build.fit_into_box(square, (10, 40, 12, 41))
    minx, miny, maxx, maxy = fitted.bounds
    assert (miny, maxy) == (40.0, 41.0)
    assert 10 <= minx < maxx <= 12


def test_map_frame_ranks_and_missing(table):
    frame = maps.map_frame(table, "poverty_rate", 2020)
    assert len(frame) == 101
    reunion = frame.set_index("code").loc["974"]
    assert reunion["value"] == 35.6 and reunion["rank"] == 1 and reunion["rank_text"] == "1ᵉʳ sur 98"
    guadeloupe = frame.set_index("code").loc["971"]
    assert guadeloupe["value_text"] == "n.d." and guadeloupe["rank_text"] == "n.d."


def test_choropleth_puts_missing_in_the_grey_class(table):
    frame = maps.map_frame(table, "poverty_rate", 2020)
    fig = maps.choropleth(frame, geo.to_geojson(store.load_geometry()), "poverty_rate", "jenks", 5)
    trace = fig.data[0]
    z = dict(zip(trace.locations, trace.z, strict=True))
    assert z["971"] == 0 and z["974"] == 5 and min(z[c] for c in z if c not in ("971", "973", "976")) == 1
    legend = [t.name for t in fig.data if t.meta == "class-legend"]  # the class swatches, n.d. first
    assert legend[0] == "n.d." and trace.colorscale[0][1] == maps.MISSING_COLOUR
    assert not trace.showscale  # the legend is the swatch list under the map, not a colour bar
    assert len(fig.to_json()) < 400_000


def test_diverging_colours_put_red_on_the_difficult_side():
    import pandas as pd

    from indicators.models.classify import classify

    classes = classify(pd.Series([-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 9.0]), "quantiles", 4)
    # bounds: [-3, -1.25], [-1.25, 0], [0, 1.25], [1.25, 9]
    worse = maps.class_colours(classes, True, "higher_is_worse")
    assert worse[-1] == "rgb(103, 0, 31)" and worse[0] == "rgb(5, 48, 97)"  # RdBu ends
    better = maps.class_colours(classes, True, "higher_is_better")
    assert better[-1] == "rgb(5, 48, 97)" and better[0] == "rgb(103, 0, 31)"
    assert len(set(maps.class_colours(classes, False, "neutral"))) == 4


def test_petite_couronne_has_finer_shapes_for_the_zoom():
    frame = store.load_geometry()
    detail = frame[frame["detail"].notna()]
    assert detail["code"].tolist() == ["75", "92", "93", "94"]
    fine = shapely.get_num_coordinates(detail["detail"].values)
    coarse = shapely.get_num_coordinates(detail.geometry.values)
    assert (fine > 2 * coarse).all() and shapely.coverage_is_valid(detail["detail"].values)
    rings = shapely.get_exterior_ring(shapely.get_parts(detail["detail"].values))
    assert not shapely.is_ccw(rings).any()
    assert len(geo.to_geojson(frame, "detail")["features"]) == 4
