"""Pure plotly figures for projections: observed solid, projected dashed, bands shaded, projection zone marked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.core.formatting import NBSP

COLOURS = {"tendanciel": "#1f77b4", "gestion_des_risques": "#2ca02c", "ideal": "#9467bd", "catastrophe": "#d62728"}
OBSERVED_COLOUR = "#333333"


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


NOT_IMPORTED_LABEL = "Non importé (sans doute publié)"


def mark_projection_zone(fig: go.Figure, first: int, last: int, not_imported: range = range(0)) -> None:
    """Shade the years after the last observation and label them "Projection". ``not_imported``: the years
    the publisher has most likely published but the store lacks (freshness.Age.not_imported), hatched and
    labelled apart: they are known to someone, not a forecast."""
    if len(not_imported):
        fig.add_vrect(
            x0=first,
            x1=not_imported[-1],
            fillcolor="#fff4e0",
            opacity=0.8,
            line_width=0,
            layer="below",
            annotation_text=NOT_IMPORTED_LABEL,
            annotation_position="bottom left",  # under « Projection »: the zone is often one year wide
        )
        first = not_imported[-1]
    fig.add_vrect(
        x0=first,
        x1=last,
        fillcolor="#f2f2f2",
        opacity=0.6,
        line_width=0,
        layer="below",
        annotation_text="Projection",
        annotation_position="top left",
    )


def add_observed(fig: go.Figure, observed: pd.Series, mode: str = "lines") -> None:
    """The observed series: a solid dark line."""
    fig.add_trace(
        go.Scatter(x=observed.index, y=observed, mode=mode, name="Observé", line={"color": OBSERVED_COLOUR, "width": 3})
    )


def finish_layout(fig: go.Figure, y_title: str) -> go.Figure:
    """French separators, one hover per year, whole years on the x axis, legend below."""
    xs = [float(x) for trace in fig.data if trace.x is not None for x in trace.x]
    span = max(xs) - min(xs) if xs else 0
    fig.update_xaxes(tickformat="d", dtick=1 if span <= 10 else None)
    fig.update_yaxes(tickformat=",.2~f")  # 70 000 and 10,5 (not 70k, 10.5)
    fig.update_layout(
        separators="," + NBSP,
        height=420,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=y_title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


BAND_COLOUR = "#5a6b7b"


def add_band(fig: go.Figure, band: pd.DataFrame, scale: float = 1.0) -> None:
    """The calibrated 80 % and 50 % bands (band: year, p10, p25, p75, p90), grey, behind the scenarios."""
    band = band.sort_values("year")
    for low, high, alpha, name in (("p10", "p90", 0.14, "Bande à 80 %"), ("p25", "p75", 0.28, "Bande à 50 %")):
        fig.add_trace(
            go.Scatter(
                x=list(band["year"]) + list(band["year"])[::-1],
                y=list(band[high] / scale) + list(band[low] / scale)[::-1],
                fill="toself",
                fillcolor=rgba(BAND_COLOUR, alpha),
                line={"width": 0},
                hoverinfo="skip",
                name=name,
            )
        )


def add_range(fig: go.Figure, rows: pd.DataFrame, value: str, colour: str, key: str, scale: float = 1.0) -> None:
    """One scenario's range between the low and high population variants, shaded in its colour."""
    fig.add_trace(
        go.Scatter(
            x=list(rows["year"]) + list(rows["year"])[::-1],
            y=list(rows[f"{value}_high"] / scale) + list(rows[f"{value}_low"] / scale)[::-1],
            fill="toself",
            fillcolor=rgba(colour, 0.12),
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=key,
        )
    )


def trajectories(
    observed: pd.Series,
    projected: pd.DataFrame,
    names: dict[str, str],
    value: str,
    y_title: str,
    scale: float = 1.0,
    band: pd.DataFrame | None = None,
    not_imported: range = range(0),
) -> go.Figure:
    """observed: values by year; projected: scenario, year, value, value_low, value_high. With ``band``
    (year, p10 … p90) the calibrated bands are drawn instead of each scenario's low-high population range.
    ``not_imported``: the years after the last observation most likely published (marked apart)."""
    fig = go.Figure()
    last_observed = int(observed.index.max()) if len(observed) else int(projected["year"].min()) - 1
    end = int(projected["year"].max())
    mark_projection_zone(fig, last_observed, end, not_imported)
    if band is not None and len(band):
        add_band(fig, band, scale)
    for key, rows in projected.groupby("scenario", sort=False):
        colour = COLOURS.get(key, "#777777")
        rows = rows.sort_values("year")
        if band is None:
            add_range(fig, rows, value, colour, key, scale)
        x = [last_observed, *rows["year"]] if len(observed) else list(rows["year"])
        y = [observed.iloc[-1] / scale, *(rows[value] / scale)] if len(observed) else list(rows[value] / scale)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=f"{names[key]} (projection)",
                legendgroup=key,
                line={"color": colour, "dash": "dash", "width": 2},
            )
        )
    if len(observed):
        add_observed(fig, observed / scale)
    return finish_layout(fig, y_title)
