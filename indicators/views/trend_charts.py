"""Plotly figure of a rate's trend: observed solid, central path dashed, 50 % and 80 % bands shaded,
projection zone marked. Pure function of the stored rows (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.views.scenario_charts import add_observed, finish_layout, mark_projection_zone, rgba

TREND_COLOUR = "#1f77b4"


def trend_figure(observed: pd.Series, path: pd.DataFrame, y_title: str, not_imported: range = range(0)) -> go.Figure:
    """observed: values by year; path: year, trend, trend_p10 … trend_p90 (may be empty); not_imported: the
    years after the last observation that the publisher has most likely published (marked apart)."""
    fig = go.Figure()
    if len(path):
        last = int(observed.index.max())
        mark_projection_zone(fig, last, int(path["year"].max()), not_imported)
        _add_projection(
            fig,
            [last, *path["year"]],
            float(observed.iloc[-1]),
            path,
            ("trend", "trend_p10", "trend_p25", "trend_p75", "trend_p90"),
            ("Trajectoire centrale (projection)", "Intervalle à 80 %", "Intervalle à 50 %"),
        )
    add_observed(fig, observed, mode="lines+markers")
    return finish_layout(fig, y_title)


def past_forecast_figure(rows: pd.DataFrame, y_title: str, central: str = "trend") -> go.Figure:
    """rows: one series' track record (track_record.rate_paths or need_paths rows): year, origin, observed,
    ``central``, p10, p25, p75, p90. What the forecast made at the origin said (dashed, its 50 % and 80 %
    bands of the time shaded) beside what was then observed (solid)."""
    rows = rows.sort_values("year")
    origin = int(rows["origin"].iloc[0])
    seen = rows.dropna(subset=["observed"]).set_index("year")["observed"]
    ahead = rows.dropna(subset=[central])
    fig = go.Figure()
    if origin in seen.index and len(ahead):
        _add_projection(
            fig,
            [origin, *ahead["year"]],
            float(seen[origin]),
            ahead,
            (central, "p10", "p25", "p75", "p90"),
            (
                f"Projection faite en {origin}",
                f"Intervalle à 80 % calculé en {origin}",
                f"Intervalle à 50 % calculé en {origin}",
            ),
        )
        fig.add_vline(x=origin, line={"color": "#999999", "dash": "dot", "width": 1})
    add_observed(fig, seen, mode="lines+markers")
    fig = finish_layout(fig, y_title)
    fig.update_layout(height=340)
    return fig


def _add_projection(
    fig: go.Figure, years: list, start: float, rows: pd.DataFrame, columns: tuple, names: tuple
) -> None:
    """The 80 % and 50 % bands (shaded) and the central path (dashed) of ``rows``, each starting from
    ``start`` at ``years[0]``. columns: central, p10, p25, p75, p90; names: central, 80 % band, 50 % band."""
    central, p10, p25, p75, p90 = columns
    for low, high, alpha, name in ((p10, p90, 0.12, names[1]), (p25, p75, 0.25, names[2])):
        fig.add_trace(
            go.Scatter(
                x=years + years[::-1],
                y=[start, *rows[high]] + [start, *rows[low]][::-1],
                fill="toself",
                fillcolor=rgba(TREND_COLOUR, alpha),
                line={"width": 0},
                hoverinfo="skip",
                name=name,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=[start, *rows[central]],
            mode="lines",
            name=names[0],
            line={"color": TREND_COLOUR, "dash": "dash", "width": 2},
        )
    )
