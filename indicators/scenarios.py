"""The four prospective scenarios (tendanciel, gestion des risques, idéal, catastrophe) as explicit,
editable sets of assumptions, and their trajectories of recipients and spending to 2050.

A scenario = a population variant + a yearly change of each rate (% the first year, then damped by
DAMPING a year, as in damped-trend smoothing) + an optional shock (from a year on, every rate × (1 + size)).
The band of a trajectory is the same assumptions applied to the low and high population variants.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from indicators import exports
from indicators.needs import NEED_BY_ID, NEEDS, Baseline, project_need

UNTIL = 2050
DAMPING = 0.9  # a yearly change fades by 10 % a year: a trend is not extrapolated forever
VARIANT_LABELS = {"central": "centrale", "low": "basse", "high": "haute"}


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


def defaults(bases: dict[str, Baseline]) -> list[Scenario]:
    """Pre-filled assumptions; the tendanciel one is the central projection and each rate's recent trend."""
    trend = {k: round(b.trend, 1) for k, b in bases.items()}
    return [
        Scenario(
            "tendanciel",
            "Tendanciel",
            "On ne change rien : population centrale, chaque taux suit sa tendance des 5 dernières années.",
            "central",
            dict(trend),
        ),
        Scenario(
            "gestion_des_risques",
            "Gestion des risques",
            "Les risques sont identifiés et traités : la dérive des taux est divisée par deux, "
            "mais une crise (+10 % des taux) survient en 2030.",
            "central",
            {k: round(v / 2, 1) for k, v in trend.items()},
            2030,
            10.0,
        ),
        Scenario(
            "ideal",
            "Idéal",
            "Le futur souhaité : la prévention fait baisser chaque taux de 1 % par an.",
            "central",
            {k: -1.0 for k in trend},
        ),
        Scenario(
            "catastrophe",
            "Catastrophe",
            "Le pire à anticiper : population haute, taux en hausse d'un point de plus que leur "
            "tendance, choc de +25 % en 2028.",
            "high",
            {k: round(v + 1, 1) for k, v in trend.items()},
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


def assumptions_table(scenarios: list[Scenario]) -> pd.DataFrame:
    """One row per scenario: the assumptions as a user would read them (for display and download)."""
    rows = []
    for s in scenarios:
        row = {
            "scénario": s.name,
            "variante de population": VARIANT_LABELS[s.variant],
            "année du choc": str(s.shock_year) if s.shock_year else "aucun",
            "ampleur du choc (%)": s.shock_size if s.shock_year else 0,
        }
        for need in NEEDS:
            if need.id in s.rate_change:
                row[f"évolution annuelle du taux, {NEED_BY_ID[need.id].label} (%/an)"] = s.rate_change[need.id]
        rows.append(row)
    return pd.DataFrame(rows)


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
        need=results["need"].map(lambda n: NEED_BY_ID[n].label),
    )
    out = out[[c for c in CSV_COLUMNS if c in out]].round(0)
    return exports.to_csv(out.rename(columns=CSV_COLUMNS))  # formula-safe, ';', decimal comma
