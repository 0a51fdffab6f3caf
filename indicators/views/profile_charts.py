"""Plotly figures of the territory profile (pure: profile data in, Figure out, no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.core import formatting
from indicators.core.schema import AGE_BANDS
from indicators.views.profile import Figure

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
        height=460,
        margin=dict(l=10, r=10, t=80, b=84),
        font=FONT,
        title=dict(text=f"Pyramide des âges au 1er janvier {year}", font=dict(size=15), y=0.98, yanchor="top"),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", font=dict(size=11)),
        xaxis=dict(
            tickvals=values,
            ticktext=[_tick(v) for v in values],
            range=[-top * 1.1, top * 1.1],
            title=dict(text="part de la population totale", font=dict(size=11), standoff=4),
        ),
        yaxis=dict(title=None, categoryorder="array", categoryarray=AGE_BANDS),
        plot_bgcolor="white",
    )
    fig.add_annotation(
        text=f"Source : {formatting.plain_plotly(source)}",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-58,
        yanchor="top",
        showarrow=False,
        font=dict(size=10, color="#555"),
        xanchor="left",
    )
    return fig


def _tick(value: float) -> str:
    """'0', '0,5 %', '2 %' (never '0,0 %')."""
    if value == 0:
        return "0"
    return formatting.format_value(abs(value), "%", 1 if abs(value) < 1 else 0)


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
    unit = formatting.SUFFIX_UNITS.get(figure.unit, "")  # %, ‰, €/hab. … (a count's unit word is the card's)
    fig.update_layout(
        height=160,
        separators=", ",
        margin=dict(l=0, r=0, t=5, b=0),
        showlegend=False,
        font=dict(size=11),
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, tickformat="d", nticks=5),
        yaxis=dict(
            showgrid=True,
            gridcolor="#eee",
            nticks=5,
            tickformat=",~r",
            ticksuffix=f"{formatting.NBSP}{unit}" if unit else "",
            automargin=True,
        ),
    )
    return fig


# --- Spine chart ------------------------------------------------------------------------------------
# Status colours and marker shapes: the shape alone tells the status (readable in black and white).
STATUS_STYLE = {
    "worse": ("#b2182b", "square", "plus difficile que les 3/4 des départements"),
    "similar": ("#f4f4f4", "circle", "dans la moitié centrale"),
    "better": ("#2166ac", "circle", "plus favorable que les 3/4 des départements"),
    "neutral": ("#555555", "diamond", "indicateur descriptif (sans sens favorable)"),
}
RANGE_FILL, IQR_FILL, SIMILAR_COLOR = "#e8e8e8", "#bdbdbd", "#e08214"


def spine_label(row) -> str:
    return f"{row.short_label} ({row.year})" if row.year else row.short_label


def spine_value_text(row) -> str:
    if row.missing:
        return "n.d."
    return f"{row.text} · {row.rank}ᵉ/{row.n}" if row.polarity != "neutral" else row.text


def spine(rows, name: str) -> go.Figure:
    """One row per indicator, each on its own scale from the lowest to the highest département:
    light bar = all départements, dark band = the middle half (quartiles), black line = France (dotted
    when it is the median of départements), orange triangle = median of the similar départements,
    marker = the département (shape and colour = its status)."""
    fig = go.Figure()
    n = len(rows)
    ys = list(range(n))[::-1]  # first row at the top
    shapes = []  # one layout update at the end: add_shape one by one costs ~25 ms each
    for y, row in zip(ys, rows, strict=True):
        if row.minimum is None:
            continue
        band = dict(type="rect", y0=y - 0.18, y1=y + 0.18, line_width=0, layer="below")
        shapes.append(dict(band, x0=0, x1=1, fillcolor=RANGE_FILL))
        shapes.append(dict(band, x0=row.position(row.q1), x1=row.position(row.q3), fillcolor=IQR_FILL))
        fx = row.position(row.france)
        shapes.append(
            dict(
                type="line",
                x0=fx,
                x1=fx,
                y0=y - 0.26,
                y1=y + 0.26,
                line=dict(color="#000", width=2, dash="dot" if row.france_is_median else "solid"),
            )
        )
    hover = []
    for row in rows:
        if row.minimum is None:
            hover.append(f"{row.label} : n.d.")
            continue
        hover.append(
            f"<b>{row.label}</b> ({row.year})<br>{name} : {row.text}<br>{row.france_label} : {row.france_text}"
            f"<br>départements similaires (médiane) : {row.fmt(row.similar_median)}"
            f"<br>min {row.fmt(row.minimum)} · 1er quartile {row.fmt(row.q1)} · médiane {row.fmt(row.median)}"
            f" · 3e quartile {row.fmt(row.q3)} · max {row.fmt(row.maximum)} ({row.n} départements)"
        )
    similar = [(y, row.position(row.similar_median), h) for y, row, h in zip(ys, rows, hover, strict=True)]
    similar = [s for s in similar if s[1] is not None]
    if similar:
        fig.add_scatter(
            x=[s[1] for s in similar],
            y=[s[0] + 0.2 for s in similar],
            mode="markers",
            marker=dict(symbol="triangle-down", size=10, color=SIMILAR_COLOR, line=dict(color="#000", width=0.5)),
            name="Médiane des 5 départements similaires",
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=dict(color="#000", width=2),
        name="France (pointillé : médiane des départements)",
    )
    for status, (color, symbol, label) in STATUS_STYLE.items():
        picked = [(y, row, h) for y, row, h in zip(ys, rows, hover, strict=True) if row.status == status]
        if not picked:
            continue
        fig.add_scatter(
            x=[row.position(row.value) for _, row, _ in picked],
            y=[y for y, _, _ in picked],
            mode="markers",
            marker=dict(symbol=symbol, size=13, color=color, line=dict(color="#000", width=1.2)),
            name=f"{name} : {label}",
            customdata=[h for _, _, h in picked],
            hovertemplate="%{customdata}<extra></extra>",
        )
    # Label (left) and value (right) above each bar: the bar keeps the full width, even on a phone.
    annotations = []
    for y, row in zip(ys, rows, strict=True):
        above = dict(y=y + 0.3, xref="x", yref="y", showarrow=False, yanchor="bottom", font=dict(size=12))
        annotations.append(dict(above, x=0, xanchor="left", text=spine_label(row)))
        annotations.append(
            dict(above, x=1, xanchor="right", text=f"<b>{spine_value_text(row)}</b>" if not row.missing else "n.d.")
        )
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        height=46 * n + 170,
        margin=dict(l=8, r=8, t=24, b=10),
        font=FONT,
        separators=", ",
        plot_bgcolor="white",
        showlegend=True,
        legend=dict(orientation="h", y=-0.01, yanchor="top", x=0, font=dict(size=11)),
        xaxis=dict(
            range=[-0.015, 1.015],
            tickvals=[0, 1],
            ticktext=["le plus bas des départements", "le plus haut"],
            showgrid=False,
            zeroline=False,
            fixedrange=True,
            side="top",
        ),
        yaxis=dict(
            showticklabels=False,
            range=[-0.5, n - 0.1],
            showgrid=False,
            zeroline=False,
            fixedrange=True,
        ),
    )
    return fig
