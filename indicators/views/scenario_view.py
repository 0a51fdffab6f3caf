"""What the scenarios page shows for one département and one set of assumptions: trajectories, charts,
tables and downloads, computed once (indicators.ui.cache keeps them per published version), so that a rerun
that changes nothing only lays them out again.

``build`` covers every need at once (results, spending, assumptions, CSVs); ``need`` adds the chart and the
milestone table of the need on screen, on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.core import exports
from indicators.core.formatting import format_number
from indicators.models import freshness, needs, scenarios, track_record
from indicators.models.needs import Baseline
from indicators.views import scenario_charts

MILESTONES = (2030, 2040, 2050)


def method_errors(record: pd.DataFrame) -> pd.DataFrame:
    """The back-projection's mean absolute error of each method (rows) and age group (columns), in French."""
    return (
        track_record.method_mape(record)
        .rename(
            index={
                "hamilton_perry": "Radar social (Hamilton-Perry, centrale)",
                "constant": f"Population constante {track_record.ORIGIN}",
                "linear_trend": f"Tendance linéaire {track_record.ORIGIN - 10}-{track_record.ORIGIN}",
            },
            columns={"total": "Population totale", "65+": "65 ans et plus", "75+": "75 ans et plus"},
        )
        .map(lambda v: format_number(v, 1) + "\u00a0%")
    )


@dataclass(frozen=True)
class Trajectories:
    results: pd.DataFrame  # scenarios.run of every chosen scenario, concatenated
    labels: dict[str, str]  # scenario key -> name
    spending: pd.DataFrame  # scenarios.total_spending
    spending_chart: go.Figure | None  # observed DREES spending, the scenarios and the band (None: no spending)
    spending_position: str  # where each scenario's 2040 spending stands against the band ("" without band)
    spending_table: pd.DataFrame  # scenario × milestone year, French texts ("1 234 M€")
    assumptions: pd.DataFrame  # scenarios.assumptions_table, French numbers
    assumptions_csv: bytes
    results_csv: bytes


@dataclass(frozen=True)
class NeedView:
    chart: go.Figure  # observed recipients, the scenarios and the calibrated 50 % / 80 % bands
    table: pd.DataFrame  # recipients and spending at the milestone years, one row per scenario
    position: str  # where each scenario stands in 2040 against the bands ("" without band)
    positions: pd.DataFrame | None  # the same at 2030, 2040, 2050


def build(
    code: str,
    chosen: list[scenarios.Scenario],
    bases: dict[str, Baseline],
    groups: dict[str, dict[str, pd.Series]],
    spending_band: pd.DataFrame,
    spending_observed: pd.Series,
) -> Trajectories:
    results = pd.concat([scenarios.run(s, bases, groups) for s in chosen], ignore_index=True)
    labels = {s.key: s.name for s in chosen}
    spending = scenarios.total_spending(results)
    chart, position = None, ""
    if len(spending):  # none where no need has a net spending per recipient (Mayotte: AAH and RSA only)
        chart = scenario_charts.trajectories(
            spending_observed, spending, labels, "spending", "M€", 1e6, band=spending_band
        )
        if len(spending_band):
            position = scenarios.positions_sentence(spending, spending_band, labels, "spending", 2040)
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
        spending_position=position,
        spending_table=spend_table,
        assumptions=assumptions_shown(assumptions),
        assumptions_csv=exports.to_csv(assumptions),  # numbers: ';' and decimal comma, as a French spreadsheet reads
        results_csv=scenarios.results_csv(results.assign(territory_code=code), labels),
    )


def need_caption(source: str, need_id: str, base: Baseline) -> str:
    """What the need's chart shows: sources, method of the projections and of the grey bands."""
    return (
        f"Source : {source} (observé, trait plein) ; projections Radar social (tirets) : taux rapporté aux "
        f"{needs.AGE_LABELS[need_id]} × population projetée. Bandes grises à 50 % et 80 % : où se situeraient les "
        "bénéficiaires si le taux suivait la trajectoire centrale de la page Tendances (dernière valeur, plus "
        "une part amortie de sa pente pour l'AAH, l'ASE et la PCH), avec l'incertitude de la population projetée "
        "et celle du taux (mesurée sur les écarts passés entre cette trajectoire et ce qui s'est produit, tous "
        f"départements). Dernière observation : {base.last_year} ; tendance récente du taux : "
        f"{format_number(base.trend, 1)} %/an."
    )


def assumptions_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The assumptions as the page shows them: French numbers (« -0,5 »), « aucun » for no shock."""
    shown = table.astype(object).map(lambda v: format_number(v, 1) if isinstance(v, int | float) else v)
    shown[scenarios.SHOCK_YEAR] = [str(int(y)) if pd.notna(y) else "aucun" for y in table[scenarios.SHOCK_YEAR]]
    return shown


def need(trajectories: Trajectories, base: Baseline, need_id: str, band: pd.DataFrame) -> NeedView:
    """The need on screen; ``band``: its rows of scenarios.need_bands (empty when the store has none)."""
    results = trajectories.results[trajectories.results["need"] == need_id]
    labels = trajectories.labels
    held = int(base.observed.index.max()) if len(base.observed) else None
    late = freshness.of(need_id, held).not_imported  # published years the store lacks: not a projection
    chart = scenario_charts.trajectories(
        base.observed, results, labels, "recipients", "bénéficiaires", band=band, not_imported=late
    )
    mile = scenarios.milestones(results, MILESTONES).assign(scenario=lambda d: d["scenario"].map(labels))
    table = mile.pivot(index="scenario", columns="year", values="recipients").map(format_number)
    label = needs.NEED_BY_ID[need_id].label
    shown = (
        table.add_prefix(f"{label} ")
        .join(trajectories.spending_table.add_prefix("Dépense "))
        .rename_axis("scénario")
        .rename_axis(None, axis=1)
    )
    if len(band):
        position = scenarios.positions_sentence(results, band, labels, "recipients", 2040)
        positions = scenarios.positions(results, band, labels, "recipients")
    else:
        position, positions = "", None
    return NeedView(chart, shown, position, positions)
