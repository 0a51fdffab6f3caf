"""Maps of communes: the communes of one département or one EPCI as a choropleth (pure, no Streamlit).

Same classes, colours and n.d. class as the département map (indicators.views.maps); the selected commune is
outlined by a second, transparent trace. The geometry is the pipeline's (indicators.build.commune_geo), sent
by URL: the figure carries only locations and values.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.core import catalogue
from indicators.core.formatting import MISSING, format_indicator, format_rank
from indicators.models.classify import NO_CLASS, class_labels, classify
from indicators.storage import store
from indicators.views import maps
from indicators.views.maps import MISSING_COLOUR, class_colours

OUTLINE_COLOUR = "#d62728"


def communes_of(index: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    """code, name, departement of the communes of a département (level "departement") or an EPCI."""
    communes = index[index["level"] == "commune"]
    column = "departement" if level == "departement" else "epci"
    return communes[communes[column] == code][["code", "name", "departement"]].reset_index(drop=True)


def geojson(communes: pd.DataFrame) -> dict:
    """The shapes of these communes (an EPCI may span several départements' files)."""
    wanted = set(communes["code"])
    features = [
        f
        for dep in sorted(set(communes["departement"]))
        for f in store.load_commune_geometry(dep)["features"]
        if f["id"] in wanted
    ]
    return {"type": "FeatureCollection", "features": features}


SECRET_TEXT = "secret statistique"


def map_frame(
    communes: pd.DataFrame,
    values: pd.DataFrame,
    indicator_id: str | None,
    year: int | None,
    secret: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """One row per commune shown: code, name, value (NaN when missing), shown, rank among these communes
    (1 = the most difficult, or the highest for a neutral indicator), value_text (« secret statistique »
    for a commune in ``secret``, else n.d. when missing), rank_text, year."""
    frame = communes.merge(values[["territory_code", "value"]].rename(columns={"territory_code": "code"}),
                           on="code", how="left") if len(values) else communes.assign(value=float("nan"))  # fmt: skip
    indicator = catalogue.get(indicator_id) if indicator_id else None
    ascending = indicator is not None and indicator.polarity == "higher_is_better"
    frame["shown"] = frame["value"]
    frame["rank"] = frame["value"].rank(method="min", ascending=ascending)
    total = int(frame["value"].notna().sum())
    frame["value_text"] = [format_indicator(v, indicator) if indicator else MISSING for v in frame["value"]]
    hidden = frame["value"].isna() & frame["code"].isin(secret)
    frame.loc[hidden, "value_text"] = SECRET_TEXT
    frame["rank_text"] = [MISSING if pd.isna(r) else format_rank(int(r), total) for r in frame["rank"]]
    frame["year"] = year if year is not None else MISSING
    return frame


def figure(
    frame: pd.DataFrame,
    shapes: dict | str,
    indicator_id: str | None,
    method: str = "quantiles",
    k: int = 5,
    selected: str | None = None,
    height: int = 600,
) -> go.Figure:
    """The classed map of ``frame`` (from map_frame), ``selected`` commune outlined."""
    indicator = catalogue.get(indicator_id) if indicator_id else None
    classes = classify(frame["shown"], method, k)
    polarity = indicator.polarity if indicator else "neutral"
    colours = [MISSING_COLOUR, *class_colours(classes, False, polarity)]
    labels = [MISSING, *(class_labels(classes, indicator.unit, indicator.decimals) if classes.k else [])]
    z = classes.bins.where(classes.bins != NO_CLASS, -1) + 1  # 0 = n.d., 1..k = classes
    title = f"{indicator.short_label}<br>({indicator.unit})" if indicator else "Pas de données"
    custom = frame[["name", "value_text", "year", "rank_text"]]
    fig = go.Figure(maps.classed_trace(frame["code"], z, shapes, colours, custom, line_width=0.4))
    if selected is not None and selected in set(frame["code"]):
        fig.add_trace(
            go.Choropleth(
                geojson=shapes,
                featureidkey="id",
                locations=[selected],
                z=[0],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker_line_color=OUTLINE_COLOUR,
                marker_line_width=3,
                hoverinfo="skip",
                name="selected",
            )
        )
    maps.add_class_legend(fig, colours, labels, title)
    fig.update_geos(visible=False, projection_type="mercator", fitbounds="locations", bgcolor="rgba(0,0,0,0)")
    return maps.static_layout(fig, height)


SELECTED_MARK = "▶ "


def ranked_table(frame: pd.DataFrame, selected: str | None = None) -> pd.DataFrame:
    """Rang, Commune, Code, Valeur: rank 1 first, n.d. at the end; the ``selected`` commune marked « ▶ »."""
    ordered = frame.sort_values(["rank", "code"], na_position="last")
    out = ordered[["rank", "name", "code", "value_text"]].rename(
        columns={"rank": "Rang", "name": "Commune", "code": "Code", "value_text": "Valeur"}
    )
    if selected is not None:
        out.loc[out["Code"] == selected, "Commune"] = SELECTED_MARK + out.loc[out["Code"] == selected, "Commune"]
    out["Rang"] = [MISSING if pd.isna(r) else str(int(r)) for r in out["Rang"]]
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class CommuneMapView:
    """What the commune map draws for one territory, indicator, year, classes and selected commune."""

    figure: go.Figure
    ranked: pd.DataFrame  # ranked_table
    file: pd.DataFrame | None  # maps.ranking_file (None without an indicator)


def view(
    communes: pd.DataFrame,
    values: pd.DataFrame,
    indicator_id: str | None,
    year: int | None,
    secret: frozenset[str],
    shapes: dict | str,
    method: str,
    k: int,
    selected: str | None,
) -> CommuneMapView:
    """The figure and the ranked table of these communes (see map_frame, figure, ranked_table)."""
    frame = map_frame(communes, values, indicator_id, year, secret)
    file = maps.ranking_file(frame, catalogue.get(indicator_id), year, "Commune") if indicator_id else None
    return CommuneMapView(figure(frame, shapes, indicator_id, method, k, selected), ranked_table(frame, selected), file)
