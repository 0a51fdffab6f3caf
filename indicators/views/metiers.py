"""What the « Métiers du social » page shows for one département: today's staff per 1 000 of the need each
category serves (history, rank), the staff each would need in 2030, 2040 and 2050 if that ratio held (the
needs' calibrated bands, and each scenario), a plain-French summary and a CSV. Pure: no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from indicators.core import exports
from indicators.core.formatting import format_number
from indicators.models import workforce
from indicators.models.workforce import MILESTONES

SOURCE = (
    "DREES, enquête Aide sociale : personnel départemental de l'action sociale et médico-sociale "
    "(2014-2020, au 31 décembre)"
)


@dataclass(frozen=True)
class MetiersView:
    summary: list[str]  # plain-French sentences (Markdown)
    today: pd.DataFrame  # one row per mapped category, French texts
    counts: pd.DataFrame  # every DREES category in the last year, French texts (missing shown as missing)
    history_chart: go.Figure | None  # ratio by year, one line per mapped category
    bands: pd.DataFrame  # category, year, central, p10 … p90, change (staff), demography, rates
    bands_table: pd.DataFrame  # French texts
    scenarios_table: pd.DataFrame  # French texts
    csv: bytes
    base_years: dict[str, int]  # category -> base year of its ratio


def _n(value: float | None, decimals: int = 0) -> str:
    return format_number(value, decimals) if value is not None and pd.notna(value) else "non publié"


def _range(low: float, high: float) -> str:
    return f"{format_number(low, 0)} à {format_number(high, 0)}"


def build(
    code: str,
    name: str,
    staff: pd.DataFrame,
    needs: pd.DataFrame,
    bands: pd.DataFrame,
    results: pd.DataFrame,
    labels: dict[str, str],
) -> MetiersView:
    """staff: drees staff of every département; needs: workforce.need_table of every département; bands:
    scenarios.need_bands of this one; results: scenarios.run of each scenario plus a ``demography`` run (rates
    held at their last value, central population); labels: scenario key -> name."""
    table = workforce.ratios(staff, needs)
    ranks = workforce.ranks(table).set_index(["territory_code", "category"])
    own = table[table["territory_code"] == code]
    rows, band_parts, scenario_parts, summary, base_years = [], [], [], [], {}
    for category in workforce.CATEGORIES:
        series = own[own["category"] == category.id].sort_values("year")
        if series.empty:
            continue
        last = series.iloc[-1]
        year = int(last["year"])
        base_years[category.id] = year
        rank = ranks.loc[(code, category.id)] if (code, category.id) in ranks.index else None
        rank_text = (
            f"{int(rank['rank'])}ᵉ sur {int(rank['out_of'])} ({int(rank['year'])})"
            if rank is not None and int(rank["year"]) == year
            else "—"
        )
        rows.append(
            {
                "catégorie": category.label,
                "année": str(year),
                "effectif": f"{_n(last['staff'], 1)} {category.unit}",
                "besoin servi": f"{_n(last['need'])} {category.served_label}",
                "pour 1 000": _n(last["ratio"], 1),
                "rang (1 = le plus élevé)": rank_text,
            }
        )
        carrier = workforce.carrier_today(needs, code, category, year)
        if carrier is None:
            continue
        band = workforce.projection(float(last["staff"]), carrier, bands, category)
        scen = workforce.scenario_projection(float(last["staff"]), carrier, results, category)
        if band.empty:
            continue
        tendanciel = _carrier_path(results, "tendanciel", category)
        demography = _carrier_path(results, "demography", category)
        split = workforce.decomposition(float(last["staff"]), carrier, tendanciel, demography)
        band_parts.append(
            band.assign(category=category.id, today=float(last["staff"]), base_year=year).merge(
                split, on="year", how="left"
            )
        )
        scenario_parts.append(scen[scen["scenario"] != "demography"].assign(category=category.id))
        summary.append(_sentence(name, category, float(last["staff"]), year, band, split))
    bands_frame = pd.concat(band_parts, ignore_index=True) if band_parts else pd.DataFrame()
    scen_frame = pd.concat(scenario_parts, ignore_index=True) if scenario_parts else pd.DataFrame()
    return MetiersView(
        summary=summary,
        today=pd.DataFrame(rows),
        counts=_counts(staff[staff["territory_code"] == code]),
        history_chart=_history_chart(own) if not own.empty else None,
        bands=bands_frame,
        bands_table=_bands_table(bands_frame),
        scenarios_table=_scenarios_table(scen_frame, labels),
        csv=_csv(code, bands_frame, scen_frame, labels),
        base_years=base_years,
    )


def _carrier_path(results: pd.DataFrame, scenario: str, category: workforce.Category) -> pd.Series:
    own = results[(results["scenario"] == scenario) & results["need"].isin(category.carrier)]
    complete = own.groupby("year")["need"].nunique() == len(category.carrier)
    return own.groupby("year")["recipients"].sum()[complete]


def _sentence(name, category, today, year, band, split) -> str:
    at = band.set_index("year")
    unit = category.unit
    parts = [
        f"de **{_range(at.loc[m, 'p10'], at.loc[m, 'p90'])} {unit}** en {m} "
        f"(soit de {_signed(at.loc[m, 'p10'] - today)} à {_signed(at.loc[m, 'p90'] - today)})"
        for m in (2030, 2050)
        if m in at.index
    ]
    text = (
        f"Pour maintenir le taux d'encadrement de {year}, {name} aurait besoin, en {category.label.lower()} "
        f"({format_number(today, 0)} {unit} en {year}), " + " et ".join(parts) + " : bande à 80 % des besoins projetés."
    )
    row = split.set_index("year").loc[2050] if 2050 in set(split["year"]) else None
    if row is not None and abs(row["change"]) >= 0.5:
        text += (
            f" Dans le scénario tendanciel, sur une évolution de {_signed(row['change'])} d'ici 2050, "
            f"{_signed(row['demography'])} tiennent à la seule démographie et {_signed(row['rates'])} "
            "à l'évolution des taux de recours."
        )
    return text


def _signed(value: float) -> str:
    rounded = round(value)
    return ("+" if rounded > 0 else "") + format_number(rounded, 0)


def _counts(own: pd.DataFrame) -> pd.DataFrame:
    labels = {c.id: (c.label, c.unit) for c in workforce.CATEGORIES}
    labels |= {k: (v, "ETP") for k, v in workforce.UNMAPPED.items()}
    years = list(range(2014, workforce.LAST_STAFF_YEAR + 1))
    wide = own.pivot_table(index="category", columns="year", values="value").reindex(index=list(labels), columns=years)
    out = wide.map(lambda v: _n(v, 1) if pd.notna(v) else "non publié")
    out.index = [f"{labels[i][0]} ({labels[i][1]})" for i in out.index]
    out.columns = [str(y) for y in out.columns]
    return out.rename_axis("catégorie")


def _history_chart(own: pd.DataFrame) -> go.Figure:
    """One panel per category (their ratios differ by two orders of magnitude), years on a shared axis."""
    shown = [c for c in workforce.CATEGORIES if (own["category"] == c.id).any()]
    figure = make_subplots(
        rows=len(shown),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"{c.label}, pour 1 000" for c in shown],  # the need served: in the table above
    )
    for row, category in enumerate(shown, start=1):
        rows = own[own["category"] == category.id].sort_values("year")
        figure.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows["ratio"],
                mode="lines+markers",
                name=category.label,
                showlegend=False,
                hovertemplate="%{x} : %{y:.1f} pour 1 000<extra>" + category.label + "</extra>",
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(rangemode="tozero", row=row, col=1)
    figure.update_annotations(font_size=12, x=0, xanchor="left")
    figure.update_xaxes(dtick=1)
    figure.update_layout(separators=", ", height=170 * len(shown) + 60, margin=dict(l=10, r=10, t=40, b=10))
    return figure


def _label(category_id: str) -> str:
    category = workforce.CATEGORY_BY_ID[category_id]
    return f"{category.label} ({category.unit})"


def _bands_table(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    rows = []
    for _, r in frame[frame["year"].isin(MILESTONES)].iterrows():
        rows.append(
            {
                "catégorie": _label(r["category"]),
                "année": str(int(r["year"])),
                "aujourd'hui": f"{format_number(r['today'], 0)} ({int(r['base_year'])})",
                "bande à 80 %": _range(r["p10"], r["p90"]),
                "bande à 50 %": _range(r["p25"], r["p75"]),
                "trajectoire centrale": format_number(r["central"], 0),
            }
        )
    return pd.DataFrame(rows)


def _scenarios_table(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    order = {key: i for i, key in enumerate(labels)}  # the scenarios in the page's order
    frame = frame[frame["year"].isin(MILESTONES)]
    frame = frame.assign(order=frame["scenario"].map(order)).sort_values(["order", "year"], kind="stable")
    frame = frame.sort_values(
        "category", key=lambda c: c.map(lambda i: list(workforce.CATEGORY_BY_ID).index(i)), kind="stable"
    )
    rows = {}
    for (category, scenario), group in frame.groupby(["category", "scenario"], sort=False):
        cells = {str(int(r["year"])): _range(r["staff_low"], r["staff_high"]) for _, r in group.iterrows()}
        rows[(_label(category), labels.get(scenario, scenario))] = cells
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.MultiIndex.from_tuples(table.index, names=["catégorie", "scénario"])
    return table.reset_index()


CSV_COLUMNS = {
    "category": "catégorie",
    "scenario": "scénario ou bande",
    "year": "année (31/12)",
    "low": "bas",
    "central": "central",
    "high": "haut",
}


def _csv(code: str, bands: pd.DataFrame, scen: pd.DataFrame, labels: dict[str, str]) -> bytes:
    parts = []
    if not bands.empty:
        parts.append(
            bands.assign(scenario="bande à 80 % des besoins (p10-p90)").rename(columns={"p10": "low", "p90": "high"})
        )
    if not scen.empty:
        parts.append(
            scen.assign(scenario=scen["scenario"].map(labels).fillna(scen["scenario"])).rename(
                columns={"staff": "central", "staff_low": "low", "staff_high": "high"}
            )
        )
    if not parts:
        return exports.to_csv(pd.DataFrame(columns=["département", *CSV_COLUMNS.values()]))
    out = pd.concat(parts, ignore_index=True)[list(CSV_COLUMNS)]
    out = out.assign(category=out["category"].map(_label)).round(1)
    return exports.to_csv(out.rename(columns=CSV_COLUMNS).assign(département=code))
