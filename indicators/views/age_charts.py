"""Pure plotly figures of the population by age: the pyramid (observed year vs projected year) and the
age groups over time (observed solid, projection dashed with its 50 % / 80 % bands)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from indicators.core.formatting import NBSP, format_number
from indicators.models.age_outlook import GROUP_LABELS, SEX_LABELS
from indicators.views.scenario_charts import OBSERVED_COLOUR, rgba

PROJECTED_COLOUR = "#1f77b4"
SEX_COLOURS = {"F": "#c45a8a", "M": "#3b7dd8"}


def pyramid_figure(frame: pd.DataFrame, observed_year: int, projected_year: int) -> go.Figure:
    """frame: sex, age_band, observed, projected (see age_outlook.pyramid). Men on the left (negative x),
    projected year as bars, the last observed year as a dark outline."""
    fig = go.Figure()
    for sex, label in SEX_LABELS.items():
        rows = frame[frame["sex"] == sex]
        sign = -1 if sex == "M" else 1
        fig.add_trace(
            go.Bar(
                y=rows["age_band"],
                x=sign * rows["projected"],
                orientation="h",
                name=f"{label}, {projected_year} (projection)",
                marker={"color": rgba(SEX_COLOURS[sex], 0.55)},
                customdata=rows["projected"],
                hovertemplate="%{y} : %{customdata:,.0f}<extra>" + f"{label} {projected_year}</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                y=rows["age_band"],
                x=sign * rows["observed"],
                mode="lines",
                line={"color": OBSERVED_COLOUR, "width": 2, "shape": "hvh"},
                name=f"{observed_year} (observé)",
                legendgroup="observed",
                showlegend=sex == "F",
                customdata=rows["observed"],
                hovertemplate="%{y} : %{customdata:,.0f}<extra>" + f"{label} {observed_year}</extra>",
            )
        )
    top = float(frame[["observed", "projected"]].max().max())
    ticks = _nice_ticks(top)
    fig.update_xaxes(
        tickvals=[-t for t in ticks[::-1]] + ticks[1:],
        ticktext=[format_number(t) for t in ticks[::-1]] + [format_number(t) for t in ticks[1:]],
        title="Hommes ← habitants → Femmes",
    )
    fig.update_yaxes(title="Âge (ans)")
    fig.update_layout(
        separators="," + NBSP,
        barmode="overlay",
        bargap=0.05,
        height=500,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"},
    )
    return fig


def _nice_ticks(top: float) -> list[float]:
    step = 10 ** max(len(str(int(top))) - 1, 0)
    if top / step < 3:
        step /= 2
    return [i * step for i in range(int(top // step) + 1)]


def groups_figure(paths: pd.DataFrame, history: int = 20) -> list[go.Figure]:
    """paths: group, year, observed, central, p10 … p90 (see age_outlook.group_paths). One figure per age
    group, each with its own scale (the page sets them side by side on a wide screen, one per row on a phone:
    four panels of one figure overlapped their titles and ticks at 390 px); the last ``history`` observed
    years are drawn. The legend is the first figure's; the others share its colours."""
    last = int(paths.dropna(subset=["observed"])["year"].max())
    paths = paths[paths["year"] >= last - history]
    figures = []
    for group in dict.fromkeys(paths["group"]):
        rows = paths[paths["group"] == group].sort_values("year")
        seen = rows.dropna(subset=["observed"])
        ahead = rows.dropna(subset=["central"])
        fig = go.Figure()
        for low, high, alpha, name in (("p10", "p90", 0.15, "intervalle à 80 %"), ("p25", "p75", 0.3, "à 50 %")):
            fig.add_trace(
                go.Scatter(
                    x=list(ahead["year"]) + list(ahead["year"])[::-1],
                    y=list(ahead[high]) + list(ahead[low])[::-1],
                    fill="toself",
                    fillcolor=rgba(PROJECTED_COLOUR, alpha),
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"Projection, {name}",
                )
            )
        link_year, link_value = int(seen["year"].iloc[-1]), float(seen["observed"].iloc[-1])
        fig.add_trace(
            go.Scatter(
                x=[link_year, *ahead["year"]],
                y=[link_value, *ahead["central"]],
                mode="lines",
                line={"color": PROJECTED_COLOUR, "dash": "dash", "width": 2},
                name="Projection centrale",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=seen["year"],
                y=seen["observed"],
                mode="lines",
                line={"color": OBSERVED_COLOUR, "width": 3},
                name="Observé",
            )
        )
        fig.update_xaxes(tickformat="d", nticks=5)
        fig.update_yaxes(tickformat=",.0f", rangemode="tozero", nticks=5)
        fig.update_layout(
            title={"text": GROUP_LABELS[group], "font": {"size": 14}},
            separators="," + NBSP,
            height=300,
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
            hovermode="x unified",
            showlegend=False,
        )
        figures.append(fig)
    return figures


GROUPS_LEGEND = (
    "Trait plein : observé ; tirets : projection centrale ; bandes bleues : intervalles à 50 % (foncé) et 80 % "
    "(clair). Chaque tranche d'âge a sa propre échelle."
)


def past_projection_figure(paths: pd.DataFrame, origin: int, groups=("total", "65+")) -> go.Figure:
    """paths: track_record.population_paths rows of one département. One panel per group: the estimates
    (solid), the projection made at ``origin`` (dashed) and its 80 % interval of the time."""
    from indicators.models.age_outlook import GROUP_LABELS as LABELS

    titles = ["Population totale" if g == "total" else LABELS[g] for g in groups]
    # one panel under the other: side by side, the right panel's ticks ran into the left one's title at 390 px
    fig = make_subplots(rows=len(groups), cols=1, subplot_titles=titles, vertical_spacing=0.14)
    for col, group in enumerate(groups, start=1):
        rows = paths[paths["group"] == group].sort_values("year")
        seen = rows.dropna(subset=["observed"])
        ahead = rows.dropna(subset=["central"])
        start = seen[seen["year"] == origin]["observed"]
        x = [origin, *ahead["year"]]
        first = col == 1
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[*start, *ahead["p90"]] + [*start, *ahead["p10"]][::-1],
                fill="toself",
                fillcolor=rgba(PROJECTED_COLOUR, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                name=f"Intervalle à 80 % calculé en {origin}",
                showlegend=first,
            ),
            row=col,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[*start, *ahead["central"]],
                mode="lines",
                line={"color": PROJECTED_COLOUR, "dash": "dash", "width": 2},
                name=f"Projection faite en {origin}",
                showlegend=first,
            ),
            row=col,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=seen["year"],
                y=seen["observed"],
                mode="lines+markers",
                line={"color": OBSERVED_COLOUR, "width": 3},
                name="Observé (estimations Insee)",
                showlegend=first,
            ),
            row=col,
            col=1,
        )
    fig.add_vline(x=origin, line={"color": "#999999", "dash": "dot", "width": 1})
    fig.update_xaxes(tickformat="d")
    fig.update_yaxes(tickformat=",.0f")
    fig.update_layout(
        separators="," + NBSP,
        height=560,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
