"""Plotly figures of the territory profile (pure: profile data in, Figure out, no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators import formatting
from indicators.profile import Figure
from indicators.schema import AGE_BANDS

MEN = "#1f4e79"
WOMEN = "#c0504d"
FRANCE_LINE = "#222222"
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=12)


def pyramid(data: pd.DataFrame, name: str, year: int | None, source: str) -> go.Figure:
    """Men left, women right (share of the total population, %), France's shape as a black outline."""
    fig = go.Figure()
    for sex, label, color, sign in (("M", "Hommes", MEN, -1), ("F", "Femmes", WOMEN, 1)):
        rows = data[data["sex"] == sex].set_index("age_band").reindex(AGE_BANDS)
        text = [formatting.format_value(v, "%", 1) for v in rows["departement"]]
        fig.add_bar(
            y=AGE_BANDS,
            x=sign * rows["departement"],
            orientation="h",
            name=f"{label} ({name})",
            marker_color=color,
            customdata=text,
            hovertemplate="%{y} ans : %{customdata}<extra></extra>",
        )
        fig.add_scatter(
            y=AGE_BANDS,
            x=sign * rows["france"],
            mode="lines",
            line_shape="hvh",
            line=dict(color=FRANCE_LINE, width=1.5, dash="dot"),
            name="France" if sex == "M" else None,
            showlegend=sex == "M",
            legendgroup="france",
            hoverinfo="skip",
        )
    top = float(data[["departement", "france"]].max().max()) if len(data) else 1.0
    ticks = [t for t in (0.5, 1, 2, 3, 4, 5, 6, 8, 10) if t <= top * 1.05][-3:]
    values = [-t for t in reversed(ticks)] + [0] + ticks
    fig.update_layout(
        barmode="overlay",
        bargap=0.05,
        separators=", ",
        height=420,
        margin=dict(l=10, r=10, t=40, b=60),
        font=FONT,
        title=dict(text=f"Pyramide des âges au 1er janvier {year}", font=dict(size=15)),
        legend=dict(orientation="h", y=-0.12, x=0.5, xanchor="center"),
        xaxis=dict(
            tickvals=values,
            ticktext=[formatting.format_value(abs(v), "%", 1 if abs(v) < 1 else 0) for v in values],
            range=[-top * 1.1, top * 1.1],
            title=dict(text="part de la population totale", font=dict(size=11)),
        ),
        yaxis=dict(title=None, categoryorder="array", categoryarray=AGE_BANDS),
        plot_bgcolor="white",
    )
    fig.add_annotation(
        text=f"Source : {formatting.plain_plotly(source)}",
        xref="paper",
        yref="paper",
        x=0,
        y=-0.26,
        showarrow=False,
        font=dict(size=10, color="#555"),
        xanchor="left",
    )
    return fig


def trend(figure: Figure, name: str) -> go.Figure:
    """A small line of every available year, with France dotted when the store has it."""
    fig = go.Figure()
    if figure.trend:
        years, values = zip(*figure.trend, strict=True)
        fig.add_scatter(
            x=list(years),
            y=list(values),
            mode="lines+markers",
            name=name,
            line=dict(color=MEN, width=2),
            marker=dict(size=4),
            customdata=[formatting.format_value(v, figure.unit, 2) for v in values],
            hovertemplate="%{x} : %{customdata}<extra></extra>",
        )
    if figure.france_trend:
        years, values = zip(*figure.france_trend, strict=True)
        fig.add_scatter(
            x=list(years),
            y=list(values),
            mode="lines",
            name="France",
            line=dict(color=FRANCE_LINE, width=1, dash="dot"),
            hoverinfo="skip",
        )
    fig.update_layout(
        height=130,
        separators=", ",
        margin=dict(l=0, r=0, t=5, b=0),
        showlegend=False,
        font=dict(size=10),
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, tickformat="d", nticks=5),
        yaxis=dict(showgrid=True, gridcolor="#eee", nticks=3, separatethousands=True),
    )
    return fig
