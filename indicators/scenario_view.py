"""What the scenarios page shows for one département and one set of assumptions: trajectories, charts,
tables and downloads, computed once (indicators.cache keeps them per published version), so that a rerun
that changes nothing only lays them out again.

``build`` covers every need at once (results, spending, assumptions, CSVs); ``need`` adds the chart and the
milestone table of the need on screen, on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators import exports, scenario_charts, scenarios
from indicators.formatting import format_number
from indicators.needs import NEED_BY_ID, Baseline

MILESTONES = (2030, 2040, 2050)


@dataclass(frozen=True)
class Trajectories:
    results: pd.DataFrame  # scenarios.run of every chosen scenario, concatenated
    labels: dict[str, str]  # scenario key -> name
    spending: pd.DataFrame  # scenarios.total_spending
    spending_chart: go.Figure
    spending_table: pd.DataFrame  # scenario × milestone year, French texts ("1 234 M€")
    assumptions: pd.DataFrame  # scenarios.assumptions_table, French numbers
    assumptions_csv: bytes
    results_csv: bytes


@dataclass(frozen=True)
class NeedView:
    chart: go.Figure
    table: pd.DataFrame  # recipients and spending at the milestone years, one row per scenario


def build(
    code: str,
    chosen: list[scenarios.Scenario],
    bases: dict[str, Baseline],
    groups: dict[str, dict[str, pd.Series]],
) -> Trajectories:
    results = pd.concat([scenarios.run(s, bases, groups) for s in chosen], ignore_index=True)
    labels = {s.key: s.name for s in chosen}
    spending = scenarios.total_spending(results)
    chart = scenario_charts.trajectories(pd.Series(dtype=float), spending, labels, "spending", "M€", 1e6)
    spend = spending[spending["year"].isin(MILESTONES)].assign(scenario=lambda d: d["scenario"].map(labels))
    spend_table = spend.pivot(index="scenario", columns="year", values="spending").map(
        lambda v: format_number(v / 1e6, 0) + "\u00a0M€"
    )
    assumptions = scenarios.assumptions_table(chosen)
    return Trajectories(
        results=results,
        labels=labels,
        spending=spending,
        spending_chart=chart,
        spending_table=spend_table,
        assumptions=assumptions.map(lambda v: format_number(v, 1) if isinstance(v, int | float) else v),
        assumptions_csv=exports.to_csv(assumptions),  # ';' and decimal comma, as a French spreadsheet reads it
        results_csv=scenarios.results_csv(results.assign(territory_code=code), labels),
    )


def need(trajectories: Trajectories, base: Baseline, need_id: str) -> NeedView:
    results = trajectories.results[trajectories.results["need"] == need_id]
    labels = trajectories.labels
    chart = scenario_charts.trajectories(base.observed, results, labels, "recipients", "bénéficiaires")
    mile = scenarios.milestones(results, MILESTONES).assign(scenario=lambda d: d["scenario"].map(labels))
    table = mile.pivot(index="scenario", columns="year", values="recipients").map(format_number)
    label = NEED_BY_ID[need_id].label
    shown = (
        table.add_prefix(f"{label} ")
        .join(trajectories.spending_table.add_prefix("Dépense "))
        .rename_axis("scénario")
        .rename_axis(None, axis=1)
    )
    return NeedView(chart, shown)
