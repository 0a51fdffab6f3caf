"""The import preview's map: the uploaded values of one indicator-year on the same classed map as the map page
(the 101 départements with the DROM insets, French hover texts, n.d. in grey).

An indicator declared with the upload is not in the catalogue yet: the preview describes it from the
declared unit (neutral polarity, one decimal) so the map can be drawn before publishing.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.core import catalogue
from indicators.core.formatting import MISSING, format_indicator, format_rank
from indicators.views import maps


def preview_indicator(indicator_id: str, unit: str) -> catalogue.Indicator:
    """The catalogue entry, or a stand-in for an indicator declared with the upload."""
    known = catalogue.load()
    if indicator_id in known:
        return known[indicator_id]
    return catalogue.Indicator(
        id=indicator_id,
        label=indicator_id,
        short_label=indicator_id,
        theme=catalogue.OTHER_THEME,
        unit=unit,
        decimals=1,
        definition="",
        polarity="neutral",
        sources=(),
    )


def preview_frame(rows: pd.DataFrame, indicator: catalogue.Indicator) -> pd.DataFrame | None:
    """One row per département (all 101) for the latest year of the first indicator/variant of ``rows``;
    None when the file holds no département row."""
    deps = rows[rows["territory_level"] == "departement"]
    if deps.empty:
        return None
    first = deps[(deps["indicator_id"] == deps["indicator_id"].iloc[0]) & (deps["variant"] == deps["variant"].iloc[0])]
    year = int(first["year"].max())
    values = first[first["year"] == year][["territory_code", "value"]].rename(columns={"territory_code": "code"})
    frame = maps.the_101().merge(values, on="code", how="left")
    ascending = indicator.polarity == "higher_is_better"
    ranks = frame["value"].rank(method="min", ascending=ascending)
    total = int(frame["value"].notna().sum())
    frame["shown"] = frame["value"]
    frame["value_text"] = [format_indicator(v, indicator) for v in frame["value"]]
    frame["rank_text"] = [MISSING if pd.isna(r) else format_rank(int(r), total) for r in ranks]
    frame["year"] = year
    return frame


def figure(rows: pd.DataFrame, unit: str, geojson: dict | str) -> go.Figure | None:
    """The classed map of the uploaded département values (latest year), or None if there are none."""
    deps = rows[rows["territory_level"] == "departement"]
    if deps.empty:
        return None
    indicator = preview_indicator(str(deps["indicator_id"].iloc[0]), unit)
    frame = preview_frame(rows, indicator)
    return maps.choropleth(frame, geojson, indicator, height=480)


LEVELS = {
    "departement": "Département",
    "region": "Région",
    "france": "France",
    "epci": "Intercommunalité",
    "commune": "Commune",
}
CHANGE_COLUMNS = ["Niveau", "Code", "Indicateur", "Année", "Variante", "Ancienne valeur", "Nouvelle valeur", "Statut"]


def changes_table(changes: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """The preview of changes (versions.compare) as the page shows it: French labels and number formats,
    "—" where there is no old value (an added row). ``units``: indicator id -> unit (declared or catalogue)."""
    indicators = {i: preview_indicator(i, u) for i, u in units.items()}

    def text(value: float, indicator_id: str) -> str:
        if pd.isna(value):
            return "—"
        indicator = indicators.get(indicator_id) or preview_indicator(indicator_id, "")
        return format_indicator(value, indicator)

    out = pd.DataFrame(
        {
            "Niveau": changes["territory_level"].map(LEVELS).fillna(changes["territory_level"]),
            "Code": changes["territory_code"],
            "Indicateur": changes["indicator_id"],
            "Année": changes["year"].astype(str),
            "Variante": changes["variant"].replace({"observed": "observée"}),
            "Ancienne valeur": [text(v, i) for v, i in zip(changes["old_value"], changes["indicator_id"], strict=True)],
            "Nouvelle valeur": [text(v, i) for v, i in zip(changes["new_value"], changes["indicator_id"], strict=True)],
            "Statut": changes["status"],
        }
    )
    return out[CHANGE_COLUMNS]
