"""Map geometry (pipeline product) and the map figure."""

import re

import shapely
from shapely.geometry import Point, Polygon, box

from indicators.build import geo_build
from indicators.core import catalogue
from indicators.core.exports import to_csv
from indicators.storage import geo, store
from indicators.storage.territories import DROM_CODES
from indicators.views import maps, zoom


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


def test_ranking_file_holds_numbers_rounded_as_shown_and_missing_as_empty(table):
    """The map's CSV (issue 29: the download that the ranked st.dataframe's toolbar gave): La Réunion first at
    35,6 %, Seine-Saint-Denis second at 27,6 %, the three départements Filosofi does not cover last with empty
    cells; the gap to France is n.d. in 2020 (no France value in these files)."""
    frame = maps.map_frame(table, "poverty_rate", 2020, gap=True)
    file = maps.ranking_file(frame, catalogue.get("poverty_rate"), 2020, "Département", gap=True)
    assert len(file) == 101 and list(file["Code"].head(2)) == ["974", "93"]
    second = file.iloc[1]
    assert (second["Rang"], second["Département"], second["Valeur"], second["Valeur affichée"]) == (
        2,
        "Seine-Saint-Denis",
        27.6,
        "27,6\u00a0%",
    )
    assert list(file["Code"].tail(3)) == ["971", "973", "976"] and file["Rang"].tail(3).isna().all()
    assert file["Écart à la France"].isna().all()
    lines = to_csv(file).decode("utf-8-sig").splitlines()
    assert lines[0] == "Rang;Code;Département;Valeur;Valeur affichée;Unité;Année;Écart à la France"
    assert lines[2] == "2;93;Seine-Saint-Denis;27,6;27,6\u00a0%;%;2020;"
    assert lines[-1] == ";976;Mayotte;;n.d.;%;2020;"


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


def test_paris_zoom_is_an_svg_of_the_four_finer_shapes_in_the_maps_colours(table):
    """Issue 29: the zoom beside the map is SVG drawn by the server (views.zoom), not a second plotly chart: the
    four départements' finer shapes in Lambert-93, each in its class's colour on the map, labelled with its code
    and value inside its shape, its name and rank on hover, a link to its profile."""
    shapes = zoom.shapes(store.load_geometry(), maps.PETITE_COURONNE)
    assert list(shapes.paths) == ["75", "92", "93", "94"] and shapes.width == 360
    assert 300 < shapes.height < 420  # the petite couronne is about as tall as wide
    frame = maps.map_frame(table, "poverty_rate", 2020)
    z, colours, _ = maps.classed(frame, catalogue.get("poverty_rate"), "quantiles", 5, False)
    fills = dict(zip(frame["code"], [colours[int(v)] for v in z], strict=True))
    figure = maps.choropleth(frame, "/shapes.json", "poverty_rate", "quantiles", 5)
    drawn = figure.data[0]
    for code in maps.PETITE_COURONNE:  # same colour as the map's own fill of the département
        step = drawn.colorscale[2 * int(drawn.z[list(drawn.locations).index(code)])][1]
        assert fills[code] == step, code
    svg = zoom.svg(shapes, frame, fills, maps.MISSING_COLOUR)
    assert svg.count("<path ") == 4 and svg.count("<a href='/profil?dep=") == 4
    assert "<title>Seine-Saint-Denis (93)\n27,6\u00a0%\nRang : 2ᵉ sur 98</title>" in svg
    assert "<tspan font-weight='700'>93</tspan><tspan x=" in svg and ">27,6\u00a0%</tspan>" in svg
    for code, (x, y) in shapes.labels.items():  # each label inside its own shape, read back from the path
        rings = [re.findall(r"([\d.]+),([\d.]+)", ring) for ring in shapes.paths[code].split("Z") if ring]
        largest = max((Polygon([(float(a), float(b)) for a, b in ring]) for ring in rings), key=lambda p: p.area)
        assert largest.contains(Point(x, y)), code
    ile = zoom.svg(shapes, frame[frame["code"] != "92"], fills, maps.MISSING_COLOUR)
    assert "<title>92 (92)\nn.d.\nRang : n.d.</title>" in ile  # a store without the 92: n.d., never a blank
