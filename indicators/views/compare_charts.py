"""Pure charts for the compare page: tidy table -> plotly Figure (French formats, catalogue units)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.core import catalogue
from indicators.core.formatting import format_indicator, plain_plotly
from indicators.storage import territories

FRANCE_COLOUR = "#555555"
# Okabe & Ito's colour-blind-safe palette: 8 territories, each its own colour (France stays grey, dotted).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#B8A000")


def bar_chart(wide_row: pd.Series, codes: list[str], names: dict[str, str] | None = None) -> go.Figure:
    """One indicator: a bar per territory and France (a missing value is not drawn as 0: labelled n.d., or
    why a commune has none).
    ``names``: the label of each key (compare.labels); départements by default."""
    indicator = catalogue.get(wide_row["indicator_id"])
    names = names or territories.departement_names()
    labels = [names[c] for c in codes] + ["France"]
    values = [wide_row[f"{c}_value"] for c in codes] + [wide_row["france_value"]]
    texts = [format_indicator(v, indicator) for v in values]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(codes))] + [FRANCE_COLOUR]
    # Horizontal bars: one territory per row, its whole name on the left (upright names under vertical bars
    # overlapped each other at 390 px, « Dunkerque (59) / CU de Dunkerque », and at 1366 px beside the series).
    shown = [None if pd.isna(v) else v for v in values]
    drawn = [v for v in shown if v is not None] or [0.0]
    low, high = min(0.0, min(drawn)), max(0.0, max(drawn))
    pad = (high - low) * 0.3 or 1.0  # room for the value written after the bar
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=shown,
            orientation="h",
            text=texts,
            textposition="outside",
            marker_color=colours,
            hovertemplate="%{y} : %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    reasons = [wide_row.get(f"{c}_status") or "n.d." for c in codes] + ["n.d."]
    for label, value, reason in zip(labels, values, reasons, strict=True):
        if pd.isna(value):  # no bar: say why where it would stand, never leave a silent gap
            fig.add_annotation(
                y=label, x=0, xref="x", text=reason, showarrow=False, xanchor="left", xshift=4, font={"color": "#555"}
            )
    fig.update_layout(
        title=plain_plotly(indicator.short_label),
        height=90 + 34 * len(labels),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": plain_plotly(indicator.unit), "range": [low - (pad if low < 0 else 0), high + pad]},
        yaxis={"autorange": "reversed", "automargin": True},
        separators=", ",
        showlegend=False,
    )
    return fig


def time_series(table: pd.DataFrame, indicator_id: str, codes: list[str], chosen: list | None = None) -> go.Figure:
    """All available years for the chosen territories (and France when published), 2016 RSA break marked.
    ``chosen``: the compare.Territory of each key (départements by default); a territory is drawn at its
    own level only."""
    indicator = catalogue.get(indicator_id)
    names = territories.departement_names()
    rows = table[(table["indicator_id"] == indicator_id) & (table["variant"] == "observed")]
    fig = go.Figure()
    own = [(t.level, t.code, t.label) for t in chosen] if chosen else [("departement", c, names[c]) for c in codes]
    series = [*own, ("france", "FR", "France")]
    for index, (level, code, name) in enumerate(series):
        own = rows[(rows["territory_level"] == level) & (rows["territory_code"] == code)].sort_values("year")
        if own.empty:
            continue
        texts = [format_indicator(v, indicator) for v in own["value"]]
        fig.add_trace(
            go.Scatter(
                x=own["year"],
                y=own["value"],
                name=name,
                mode="lines+markers",
                text=texts,
                hovertemplate=f"{name} %{{x}} : %{{text}}<extra></extra>",
                line={"dash": "dot", "color": FRANCE_COLOUR}
                if level == "france"
                else {"color": PALETTE[index % len(PALETTE)]},
            )
        )
    for series_break in indicator.breaks:
        fig.add_vline(
            x=series_break.year,
            line_dash="dash",
            line_color="#b00",
            annotation_text=series_break.label,
            annotation_position="top left",
        )
    fig.update_layout(
        title=plain_plotly(indicator.short_label),
        height=340,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title=plain_plotly(indicator.unit),
        separators=", ",
        legend={"orientation": "h"},
    )
    return fig
