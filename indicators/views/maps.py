"""Pure map building: tidy table + geometry -> plotly Figure (no Streamlit here).

One choropleth trace for the 101 départements (a single geojson in the payload), coloured by class
through a stepped colour scale. The legend is a horizontal, wrapping list of class swatches under the map
(a vertical colour bar took a third of a phone's width). Missing values form their own grey "n.d." class;
they are never put in the lowest class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.core import catalogue
from indicators.core.exports import rounded
from indicators.core.formatting import MISSING, format_indicator, format_points, format_rank, format_value
from indicators.models import ranking
from indicators.models.classify import NO_CLASS, Classes, class_labels, classify, classify_around_zero
from indicators.storage import geo, territories
from indicators.views import zoom

MISSING_COLOUR = "#d0d0d0"
SEQUENTIAL = "YlGnBu"  # ColorBrewer, colour-blind safe
DIVERGING = "RdBu"  # ColorBrewer, colour-blind safe; red = the difficult side
PETITE_COURONNE = ("75", "92", "93", "94")
MAP_LON_RANGE = (-12.6, 9.8)  # room on the left for the inset codes, even at 390 px
MAP_LAT_RANGE = (41.2, 51.2)
PLOT_CONFIG = {  # st.plotly_chart(config=...) of every map
    "topojsonURL": "/app/static/",  # offline: an empty base map served from static/
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "radar-social-carte", "scale": 2},
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def france_value(table: pd.DataFrame, indicator_id: str, year: int) -> float | None:
    rows = table[
        (table["territory_level"] == "france")
        & (table["indicator_id"] == indicator_id)
        & (table["year"] == year)
        & (table["variant"] == "observed")
    ]
    return float(rows["value"].iloc[0]) if len(rows) else None


def the_101() -> pd.DataFrame:
    """code, name of the 101 départements."""
    return territories.departements()[["code", "name"]]


def map_frame(table: pd.DataFrame, indicator_id: str, year: int, gap: bool = False) -> pd.DataFrame:
    """One row per département (all 101): code, name, value, shown (value or gap to France), rank, total,
    and the French texts for the hover. Missing values stay NaN."""
    indicator = catalogue.get(indicator_id)
    deps = the_101()
    ranked = ranking.rank_departements(table, indicator_id, year).rename(columns={"territory_code": "code"})
    frame = deps.merge(ranked, on="code", how="left")
    reference = france_value(table, indicator_id, year)
    if gap:
        frame["shown"] = frame["value"] - reference if reference is not None else np.nan
    else:
        frame["shown"] = frame["value"]
    frame["value_text"] = [format_indicator(v, indicator) for v in frame["value"]]
    frame["rank_text"] = [
        MISSING if pd.isna(r) else format_rank(int(r), int(t))
        for r, t in zip(frame["rank"], frame["total"], strict=True)
    ]
    if gap:
        frame["gap_text"] = [_gap_text(v, indicator) for v in frame["shown"]]
    frame["year"] = year
    return frame


def _gap_text(delta: float, indicator: catalogue.Indicator) -> str:
    if pd.isna(delta):
        return MISSING
    if indicator.unit == "%":
        return format_points(delta, indicator.decimals)
    sign = "+" if delta > 0 else ""
    return sign + format_value(delta, indicator.unit, indicator.decimals)


def class_colours(classes: Classes, gap: bool, polarity: str) -> list[str]:
    """One colour per class: sequential light -> dark; diverging around 0 (red on the difficult side)."""
    if not classes.k:
        return []
    if not gap:
        return sample_colorscale(SEQUENTIAL, list(np.linspace(0.15, 1.0, classes.k)))
    # Colour by the order of the class on its side of zero (an outlier must not wash out the others);
    # a class that straddles zero is neutral. RdBu goes red (0) -> blue (1): red is the difficult side.
    bounds = classes.bounds()
    above = [i for i, (lo, _) in enumerate(bounds) if lo >= 0]
    below = [i for i, (_, hi) in enumerate(bounds) if hi <= 0][::-1]  # closest to zero first
    sign = -1.0 if polarity != "higher_is_better" else 1.0
    positions = [0.5] * classes.k
    for side, members in ((1.0, above), (-1.0, below)):
        for order, i in enumerate(members, start=1):
            positions[i] = 0.5 + side * sign * (0.12 + 0.38 * order / len(members))
    scale = DIVERGING if polarity != "neutral" else "PuOr"
    return sample_colorscale(scale, positions)


def _stepped_scale(colours: list[str]) -> list[list]:
    """A colour scale of len(colours) flat steps over z = 0 .. len(colours) - 1."""
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def classed(
    frame: pd.DataFrame, indicator: catalogue.Indicator, method: str, k: int, gap: bool
) -> tuple[pd.Series, list[str], list[str]]:
    """The classes of ``frame``'s shown values: z (0 = n.d., 1..k), and the colours and legend labels of the
    classes, n.d. first (so ``colours[z]`` is a row's fill)."""
    classes = (classify_around_zero if gap else classify)(frame["shown"], method, k)
    colours = [MISSING_COLOUR, *class_colours(classes, gap, indicator.polarity)]
    labels = [
        MISSING,
        *(
            class_labels(classes, "pt" if gap and indicator.unit == "%" else indicator.unit, indicator.decimals)
            if classes.k
            else []
        ),
    ]
    z = classes.bins.where(classes.bins != NO_CLASS, -1) + 1
    return z, colours, labels


def choropleth(
    frame: pd.DataFrame,
    geojson: dict | str,
    indicator_id: str | catalogue.Indicator,
    method: str = "quantiles",
    k: int = 5,
    gap: bool = False,
    height: int = 540,
    classes: tuple[pd.Series, list[str], list[str]] | None = None,
) -> go.Figure:
    """The classed map of ``frame`` (from map_frame), the DROM in their insets; ``geojson`` is the
    FeatureCollection or its URL (plotly.js fetches it once); ``classes``: classed's result, when the caller
    has it already."""
    indicator = indicator_id if isinstance(indicator_id, catalogue.Indicator) else catalogue.get(indicator_id)
    z, colours, labels = classes or classed(frame, indicator, method, k, gap)
    extra = "<br>Écart à la France : %{customdata[4]}" if gap else ""
    custom = frame[["name", "value_text", "year", "rank_text"] + (["gap_text"] if gap else [])]
    fig = go.Figure(classed_trace(frame["code"], z, geojson, colours, custom, extra))
    add_class_legend(fig, colours, labels, _legend_title(indicator, gap))
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)")
    _add_inset_frames(fig)
    # Fixed extent (not fitbounds): leaves room for the inset names on the left.
    fig.update_geos(lonaxis_range=list(MAP_LON_RANGE), lataxis_range=list(MAP_LAT_RANGE))
    return static_layout(fig, height)


def classed_trace(
    locations: pd.Series,
    z: pd.Series,
    geojson: dict | str,
    colours: list[str],
    custom: pd.DataFrame,
    extra_hover: str = "",
    line_width: float = 0.5,
) -> go.Choropleth:
    """The choropleth trace of classed values: z = 0 for n.d., 1..k for the classes, one flat colour step
    each (no colour bar: see add_class_legend); ``custom`` = name, value text, year, rank text (+ what
    ``extra_hover`` shows)."""
    return go.Choropleth(
        geojson=geojson,
        featureidkey="id",
        locations=locations,
        z=z,
        zmin=-0.5,
        zmax=len(colours) - 0.5,
        colorscale=_stepped_scale(colours),
        marker_line_color="white",
        marker_line_width=line_width,
        customdata=custom.to_numpy(),
        hovertemplate="<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>Année %{customdata[2]}"
        "<br>Rang : %{customdata[3]}" + extra_hover + "<extra></extra>",
        showscale=False,
    )


def add_class_legend(fig: go.Figure, colours: list[str], labels: list[str], title: str) -> None:
    """One square swatch per class (n.d. first) in a horizontal legend under the map, which plotly wraps
    onto as many rows as the width needs: nothing is cut on a phone and the map keeps the full width.
    The swatches are empty geo traces (no point drawn, no choropleth path added); clicking them does nothing."""
    for colour, label in zip(colours, labels, strict=True):
        fig.add_trace(
            go.Scattergeo(
                lon=[None],
                lat=[None],
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": colour},
                name=label,
                meta="class-legend",
                hoverinfo="skip",
                showlegend=True,
            )
        )
    fig.update_layout(
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "top",
            "title": {"text": title.replace("<br>", " "), "side": "top"},
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 12},
        },
    )


def static_layout(fig: go.Figure, height: int) -> go.Figure:
    """A map that does not pan or zoom, no margins, French number separators, transparent background."""
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        dragmode=False,
        separators=", ",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def _legend_title(indicator: catalogue.Indicator, gap: bool) -> str:
    unit = "points" if gap and indicator.unit == "%" else indicator.unit
    return f"{'Écart à la France' if gap else indicator.short_label}<br>({unit})"


def _add_inset_frames(fig: go.Figure) -> None:
    """Thin frames around the DROM insets, each labelled with its code (a full name, e.g. "Guadeloupe", was cut
    on a phone) and named in full on hover (no choropleth paths: the count stays 101)."""
    lons, lats, text_lon, text_lat, codes, names = [], [], [], [], [], []
    dep_names = territories.departement_names()
    for code, (x0, y0, x1, y1) in geo.inset_boxes().items():
        lons += [x0, x1, x1, x0, x0, None]
        lats += [y0, y0, y1, y1, y0, None]
        text_lon.append(x0 - 0.15)
        text_lat.append((y0 + y1) / 2)
        codes.append(code)
        names.append(dep_names.get(code, code))  # a small store (the demo) may not name every DROM
    fig.add_trace(
        go.Scattergeo(
            lon=lons,
            lat=lats,
            mode="lines",
            line={"color": "#9a9a9a", "width": 0.8},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lon=text_lon,
            lat=text_lat,
            mode="text",
            text=codes,
            hovertext=names,
            textposition="middle left",
            textfont={"size": 11, "color": "#444"},
            hoverinfo="text",
            showlegend=False,
        )
    )


def ranked_table(frame: pd.DataFrame, gap: bool = False) -> pd.DataFrame:
    """The ranked list beside the map: rank 1 = the most difficult situation; n.d. at the end."""
    columns = {"rank": "Rang", "name": "Département", "code": "Code", "value_text": "Valeur"}
    if gap:
        columns["gap_text"] = "Écart à la France"
    ordered = frame.sort_values(["rank", "code"], na_position="last")
    out = ordered[list(columns)].rename(columns=columns)
    out["Rang"] = [MISSING if pd.isna(r) else str(int(r)) for r in out["Rang"]]
    return out.reset_index(drop=True)


def ranking_file(
    frame: pd.DataFrame, indicator: catalogue.Indicator, year: int | None, name_column: str, gap: bool = False
) -> pd.DataFrame:
    """The ranked rows of ``frame`` (a map_frame) as a downloaded file holds them, in ranked_table's order: Rang
    (empty when n.d.), Code, the name, Valeur rounded as displayed (empty when missing), the value as displayed
    (« n.d. », « secret statistique »), Unité, Année; with ``gap``, the gap to France in the indicator's unit
    (points for a percentage)."""
    ordered = frame.sort_values(["rank", "code"], na_position="last")
    out = pd.DataFrame(
        {
            "Rang": ordered["rank"].astype("Int64"),
            "Code": ordered["code"],
            name_column: ordered["name"],
            "Valeur": [rounded(v, indicator.decimals) for v in ordered["value"]],
            "Valeur affichée": ordered["value_text"],
            "Unité": indicator.unit,
            "Année": year,
        }
    )
    if gap:
        out["Écart à la France"] = [rounded(v, indicator.decimals) for v in ordered["shown"]]
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class MapView:
    """What the map page draws for one choice of indicator, year, classes and palette."""

    figure: go.Figure  # France with the DROM insets and the class legend
    zoom: str | None  # Paris and the petite couronne as SVG (views.zoom), same classes, labelled; None: no shapes
    ranked: pd.DataFrame  # ranked_table
    file: pd.DataFrame  # ranking_file: the ranked rows as a CSV holds them
    no_france_value: bool  # the gap to France was asked for and France has no value that year


def map_view(
    table: pd.DataFrame,
    indicator_id: str,
    year: int,
    method: str,
    k: int,
    gap: bool,
    geojson: dict | str,
    zoom_shapes: zoom.ZoomShapes | None,
) -> MapView:
    """The map page's figures and table from ``table`` (the indicator's rows, every level); ``zoom_shapes``: the
    petite couronne's shapes (zoom.shapes of PETITE_COURONNE)."""
    frame = map_frame(table, indicator_id, year, gap)
    indicator = catalogue.get(indicator_id)
    classes = classed(frame, indicator, method, k, gap)  # one classification for the map and its zoom
    zoom_svg = None
    if zoom_shapes is not None:
        z, colours, _ = classes
        fills = dict(zip(frame["code"], [colours[int(v)] for v in z], strict=True))
        zoom_svg = zoom.svg(zoom_shapes, frame, fills, MISSING_COLOUR)
    return MapView(
        figure=choropleth(frame, geojson, indicator, method, k, gap, height=620, classes=classes),
        zoom=zoom_svg,
        ranked=ranked_table(frame, gap),
        file=ranking_file(frame, indicator, year, "Département", gap),
        no_france_value=bool(gap and frame["shown"].isna().all()),
    )


def years_with_data(table: pd.DataFrame, indicator_id: str) -> list[int]:
    rows = table[
        (table["territory_level"] == "departement")
        & (table["indicator_id"] == indicator_id)
        & (table["variant"] == "observed")
    ]
    return sorted(int(y) for y in rows["year"].unique())


def mappable_indicators(table: pd.DataFrame, min_departements: int = 50) -> list[str]:
    """Catalogue indicators with at least ``min_departements`` départements in some year (catalogue order)."""
    rows = table[(table["territory_level"] == "departement") & (table["variant"] == "observed")]
    counts = rows.groupby(["indicator_id", "year"])["territory_code"].nunique().groupby("indicator_id").max()
    return [i for i in catalogue.load() if counts.get(i, 0) >= min_departements]
