"""The four prospective scenarios (tendanciel, gestion des risques, idéal, catastrophe) as explicit,
editable sets of assumptions, and their trajectories of recipients and spending to 2050.

A scenario = a population variant + a yearly gap of each rate to its central path (the store's central
projection, ``inputs``; % the first year, then damped by DAMPING a year, as in damped-trend smoothing) + an
optional shock (from a year on, every rate × (1 + size)). With no gap, no shock and the central population
(the tendanciel), a scenario is the store's central projection: one number on every page and file.
The band of a trajectory is the same assumptions applied to the low and high population variants.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from indicators.core import exports
from indicators.models import needs
from indicators.models.needs import Baseline, project_need

UNTIL = 2050
DAMPING = 0.9  # a yearly change fades by 10 % a year: a trend is not extrapolated forever
VARIANT_LABELS = {"central": "centrale", "low": "basse", "high": "haute"}
KEYS = ("tendanciel", "gestion_des_risques", "ideal", "catastrophe")  # of defaults(), in order
KEY_PREFIXES = tuple(f"{key}_" for key in KEYS)  # the scenarios page's widget keys start so


@dataclass(frozen=True)
class Scenario:
    key: str
    name: str
    description: str
    variant: str
    rate_change: dict[str, float] = field(default_factory=dict)  # need id -> % a year
    shock_year: int | None = None
    shock_size: float = 0.0  # %

    def with_changes(self, **changes) -> Scenario:
        return replace(self, **changes)


def inputs(
    own: pd.DataFrame, central: pd.DataFrame, population: pd.DataFrame, projected: pd.DataFrame, code: str
) -> tuple[dict[str, Baseline], dict[str, dict[str, pd.Series]]]:
    """(baselines, groups[variant][need id]) of one département. own: its observed rows; central: its central
    projected recipients in the store (``needs.project_all``, the projection the profile and its PDF show);
    population: the estimates by age (every territory); projected: its projected population by age, three
    variants. Each baseline starts from the store's central rate path, so that the tendanciel (no change) is
    that projection, to the unit."""
    observed = population[population["territory_code"] == code]
    bases = needs.baselines(own, population, code)
    groups = {
        v: {n.id: needs.group_projection(projected[projected["variant"] == v], observed, n.ages) for n in needs.NEEDS}
        for v in ("central", "low", "high")
    }
    for need_id, base in bases.items():
        mine = central[(central["indicator_id"] == need_id) & (central["variant"] == "central")]
        if len(mine):
            recipients = mine.set_index("year")["value"].sort_index()
            bases[need_id] = replace(base, central_rate=needs.rates(recipients, groups["central"][need_id]))
    return bases, groups


def defaults(bases: dict[str, Baseline]) -> list[Scenario]:
    """Pre-filled assumptions, each a yearly gap to the rate's central path (the projection of the profile and
    the Tendances page, which carries the territory's own trend): the tendanciel is that path itself."""
    return [
        Scenario(
            "tendanciel",
            "Tendanciel",
            "On ne change rien : population centrale, chaque taux suit sa trajectoire centrale (celle de la "
            "fiche du territoire et de la page Tendances).",
            "central",
            {k: 0.0 for k in bases},
        ),
        Scenario(
            "gestion_des_risques",
            "Gestion des risques",
            "Les risques sont identifiés et traités : chaque taux évolue de 0,5 % par an de moins que sa "
            "trajectoire centrale, mais une crise (+10 % des taux) survient en 2030.",
            "central",
            {k: -0.5 for k in bases},
            2030,
            10.0,
        ),
        Scenario(
            "ideal",
            "Idéal",
            "Le futur souhaité : la prévention fait évoluer chaque taux de 1 % par an de moins que sa trajectoire "
            "centrale.",
            "central",
            {k: -1.0 for k in bases},
        ),
        Scenario(
            "catastrophe",
            "Catastrophe",
            "Le pire à anticiper : population haute, chaque taux 1 % par an au-dessus de sa trajectoire "
            "centrale, choc de +25 % en 2028.",
            "high",
            {k: 1.0 for k in bases},
            2028,
            25.0,
        ),
    ]


def run(
    scenario: Scenario, bases: dict[str, Baseline], groups: dict[str, dict[str, pd.Series]], until: int = UNTIL
) -> pd.DataFrame:
    """groups[variant][need id] = population of the need's age group at 1/1 by year (up to until+1).
    Returns scenario, need, year, recipients, spending (€) with _low/_high bands."""
    out = []
    for need_id, base in bases.items():
        change = scenario.rate_change.get(need_id, 0.0)
        runs = {
            v: project_need(base, groups[v][need_id], until, change, scenario.shock_year, scenario.shock_size, DAMPING)
            for v in ("low", scenario.variant, "high")
        }
        frame = runs[scenario.variant][["year", "recipients", "spending"]].copy()
        for col in ("recipients", "spending"):
            stacked = np.vstack([r[col].to_numpy() for r in runs.values()])
            frame[f"{col}_low"], frame[f"{col}_high"] = stacked.min(axis=0), stacked.max(axis=0)
        out.append(frame.assign(scenario=scenario.key, need=need_id))
    return pd.concat(out, ignore_index=True)


def total_spending(results: pd.DataFrame) -> pd.DataFrame:
    """scenario, year -> spending and its band, summed over the needs paid by the département,
    from the first year where every such need is projected."""
    paid = results.dropna(subset=["spending"])
    start = paid.groupby("need")["year"].min().max()
    paid = paid[paid["year"] >= start]
    cols = ["spending", "spending_low", "spending_high"]
    return paid.groupby(["scenario", "year"], as_index=False)[cols].sum()


def observed_spending(bases: dict[str, Baseline]) -> pd.Series:
    """Observed net spending (€) by year, summed over the needs paid by the département, in the years where
    every one of them is observed (DREES, enquête Aide sociale)."""
    paid = [b.spending for b in bases.values() if b.cost_per_recipient is not None and len(b.spending)]
    if not paid:
        return pd.Series(dtype=float)
    return pd.concat(paid, axis=1).dropna().sum(axis=1).sort_index()


BAND_COLUMNS = ("p10", "p25", "p75", "p90")


def need_bands(rows: pd.DataFrame) -> pd.DataFrame:
    """rows: the store's projected recipients of one département (variants central, p10 … p90). Returns
    need, year, central, p10, p25, p75, p90: the calibrated bands (population and rate uncertainty, see
    needs.project_all) around the rates on their central path (needs.central_rates)."""
    rows = rows[rows["indicator_id"].isin(needs.NEED_BY_ID) & rows["variant"].isin(["central", *BAND_COLUMNS])]
    wide = rows.pivot_table(index=["indicator_id", "year"], columns="variant", values="value")
    wide = wide.reindex(columns=["central", *BAND_COLUMNS]).dropna().reset_index()
    return wide.rename(columns={"indicator_id": "need"}).rename_axis(None, axis=1)


def spending_band(bands: pd.DataFrame, bases: dict[str, Baseline]) -> pd.DataFrame:
    """bands: need, year, central, p10 … p90 (recipients, see cache.need_bands). Total spending band (€):
    each need's band × its cost per recipient, summed over the needs paid by the département from the first
    year all are projected. Summing quantiles assumes the needs err in the same direction (their common
    population error does): a prudent, slightly wide band."""
    parts = []
    for need_id, rows in bands.groupby("need"):
        cost = bases[need_id].cost_per_recipient if need_id in bases else None
        if cost is not None:
            parts.append(rows.set_index("year")[["central", *BAND_COLUMNS]] * cost)
    if not parts:
        return pd.DataFrame(columns=["year", "central", *BAND_COLUMNS])
    start = max(p.index.min() for p in parts)
    total = sum(p[p.index >= start] for p in parts)
    return total.dropna().rename_axis("year").reset_index()


def band_position(value: float, band: pd.Series) -> str:
    """Where a value sits relative to the calibrated bands, in plain French."""
    if value > band["p90"]:
        return "au-dessus de la bande à 80 % (au-delà du 90ᵉ centile)"
    if value > band["p75"]:
        return "dans la bande à 80 %, au-dessus de la bande à 50 %"
    if value >= band["p25"]:
        return "dans la bande à 50 %"
    if value >= band["p10"]:
        return "dans la bande à 80 %, sous la bande à 50 %"
    return "sous la bande à 80 % (en deçà du 10ᵉ centile)"


def positions(
    results: pd.DataFrame, band: pd.DataFrame, names: dict[str, str], value: str, years=(2030, 2040, 2050)
) -> pd.DataFrame:
    """Rows: scenarios (names); columns: years; cells: band_position of the scenario's ``value`` that year.
    results: scenario, year, value; band: year, p10 … p90."""
    at = band.set_index("year")
    table = {}
    for key in names:
        rows = results[results["scenario"] == key]
        if rows.empty:
            continue
        mine = rows.set_index("year")[value]
        table[names[key]] = {
            str(y): band_position(mine[y], at.loc[y]) for y in years if y in mine.index and y in at.index
        }
    return pd.DataFrame.from_dict(table, orient="index").rename_axis("scénario")


def positions_sentence(results: pd.DataFrame, band: pd.DataFrame, names: dict[str, str], value: str, year: int) -> str:
    """'En 2040, par rapport aux bandes : le scénario Tendanciel est dans la bande à 50 % ; …' (Markdown)."""
    table = positions(results, band, names, value, (year,))
    if table.empty:
        return ""
    parts = [f"le scénario **{name}** est {cells[str(year)]}" for name, cells in table.iterrows()]
    return f"**En {year}, par rapport aux bandes :** " + " ; ".join(parts) + "."


SHOCK_YEAR = "année du choc"


def assumptions_table(scenarios: list[Scenario]) -> pd.DataFrame:
    """One row per scenario: the assumptions, numbers as numbers (the download; the page formats them in
    French): the shock year is a whole number, empty without a shock; gaps and shock size in %."""
    rows = []
    for s in scenarios:
        row = {
            "scénario": s.name,
            "variante de population": VARIANT_LABELS[s.variant],
            SHOCK_YEAR: s.shock_year or None,
            "ampleur du choc (%)": float(s.shock_size) if s.shock_year else 0.0,
        }
        for need in needs.NEEDS:
            if need.id in s.rate_change:
                row[f"écart à la trajectoire centrale, {needs.NEED_BY_ID[need.id].label} (%/an)"] = float(
                    s.rate_change[need.id]
                )
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.astype({SHOCK_YEAR: "Int64"}) if len(table) else table


def milestones(results: pd.DataFrame, years: tuple[int, ...] = (2030, 2040, 2050)) -> pd.DataFrame:
    """scenario, need, year -> recipients (+ band) at the milestone years."""
    return results[results["year"].isin(years)].reset_index(drop=True)


CSV_COLUMNS = {
    "territory_code": "département",
    "scenario": "scénario",
    "need": "besoin",
    "year": "année (31/12)",
    "recipients": "bénéficiaires",
    "recipients_low": "bénéficiaires, bas",
    "recipients_high": "bénéficiaires, haut",
    "spending": "dépense nette (€)",
    "spending_low": "dépense nette, bas (€)",
    "spending_high": "dépense nette, haut (€)",
}


def results_csv(results: pd.DataFrame, names: dict[str, str]) -> bytes:
    """The trajectories as a French spreadsheet reads them: French column names and labels, `;` between
    fields, decimal comma, whole recipients and euros."""
    out = results.assign(
        scenario=results["scenario"].map(names).fillna(results["scenario"]),
        need=results["need"].map(lambda n: needs.NEED_BY_ID[n].label),
    )
    out = out[[c for c in CSV_COLUMNS if c in out]].round(0)
    return exports.to_csv(out.rename(columns=CSV_COLUMNS))  # formula-safe, ';', decimal comma
