"""A quick map of uploaded values (metropolitan départements; DROM values stay in the preview table).

MapLibre with ``map_style="white-bg"``: the only style that renders offline (no tiles fetched).
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from indicators.paths import RAW_DIR

GEOJSON = RAW_DIR / "france-geojson" / "departements-version-simplifiee.geojson"


@lru_cache(maxsize=1)
def departements_geojson() -> dict:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def figure(rows: pd.DataFrame, unit: str = "") -> go.Figure | None:
    """Choropleth of the département rows of one indicator/year (the latest year if several); None if none."""
    deps = rows[rows["territory_level"] == "departement"]
    if deps.empty:
        return None
    first = deps[(deps["indicator_id"] == deps["indicator_id"].iloc[0]) & (deps["variant"] == deps["variant"].iloc[0])]
    first = first[first["year"] == first["year"].max()]
    fig = px.choropleth_map(
        first,
        geojson=departements_geojson(),
        locations="territory_code",
        featureidkey="properties.code",
        color="value",
        color_continuous_scale="Blues",
        map_style="white-bg",
        center={"lat": 46.6, "lon": 2.4},
        zoom=4.2,
        opacity=0.9,
        labels={"value": unit or "valeur", "territory_code": "département"},
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        height=480,
        title=f"{first['indicator_id'].iloc[0]} {int(first['year'].iloc[0])}",
    )
    return fig
