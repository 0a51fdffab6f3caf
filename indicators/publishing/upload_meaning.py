"""Meaning checks of an upload: which indicator a column is, and whether the values look like its history.

- ``propose_indicator(column)``: the catalogue entry whose ``column_patterns`` (regular expressions,
  declared per indicator in catalogue.yml) match the column name; None when none or several match
  (the page then asks).
- ``check(rows, published)``: each indicator of the file against its own last published values for the
  same territories. Suspicious when, among the territories both have, most (more than ``MOST``) are
  more than ``RATIO``x or below 1/``RATIO`` of their last value, or when the file's median moved by
  more than ``SIGMAS`` standard deviations of the last values across territories, or when any one
  territory is ``FACTOR_1000`` times above or below its last value (« 76,954 » for 76 954). A suspicious file is
  refused by the CLI without ``--force`` and needs an explicit confirmation on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from indicators.core import catalogue
from indicators.core.formatting import format_number, format_value

RATIO = 3.0
MOST = 0.5
SIGMAS = 3.0
FACTOR_1000 = 300  # one territory this many times above or below its last value: a factor 1 000 slip
MIN_FOR_SPREAD = 3  # territories needed before the median-shift rule applies
SHOWN = 5  # territories listed in the comparison (then the median)


def propose_indicator(column: str | None, entries: dict | None = None) -> str | None:
    """The one indicator whose ``column_patterns`` match ``column`` (case-insensitive), else None."""
    if not column:
        return None
    entries = entries if entries is not None else catalogue.load()
    found = [
        i
        for i, entry in entries.items()
        if any(re.match(p, column.strip(), re.IGNORECASE) for p in entry.extra.get("column_patterns") or [])
    ]
    return found[0] if len(found) == 1 else None


@dataclass
class Meaning:
    indicator_id: str
    compared: int  # territories with a last published value
    outliers: int  # of which more than RATIO x or below 1/RATIO of it
    median_file: float | None
    median_last: float | None
    spread: float | None  # standard deviation of the last values across territories
    comparison: pd.DataFrame  # territory_code, file_value, last_value, last_year, ratio (+ a median row)
    reasons: list[str] = field(default_factory=list)

    @property
    def suspicious(self) -> bool:
        return bool(self.reasons)

    def summary(self) -> dict:
        """What the version's history records when the analyst overrides the check."""
        return {
            "indicator_id": self.indicator_id,
            "compared": self.compared,
            "outliers": self.outliers,
            "median_file": self.median_file,
            "median_last": self.median_last,
            "reasons": self.reasons,
        }


def _last_values(published: pd.DataFrame, indicator_id: str, level: str, year: int) -> pd.DataFrame:
    """Per territory, the latest observed value published for a year up to ``year`` (else any year)."""
    past = published[
        (published["indicator_id"] == indicator_id)
        & (published["territory_level"] == level)
        & (published["variant"] == "observed")
        & published["value"].notna()
    ]
    if (past["year"] <= year).any():
        past = past[past["year"] <= year]
    latest = past.sort_values("year").drop_duplicates("territory_code", keep="last")
    return latest[["territory_code", "year", "value"]].rename(columns={"year": "last_year", "value": "last_value"})


def _one(rows: pd.DataFrame, published: pd.DataFrame, indicator_id: str) -> Meaning:
    level = rows["territory_level"].mode().iloc[0]
    mine = rows[(rows["territory_level"] == level) & (rows["variant"] == "observed")]
    year = int(mine["year"].max()) if len(mine) else int(rows["year"].max())
    mine = mine[mine["year"] == year]
    joined = (
        mine[["territory_code", "value"]]
        .rename(columns={"value": "file_value"})
        .merge(_last_values(published, indicator_id, level, year), on="territory_code")
    )
    comparable = joined[joined["last_value"].abs() > 0].copy()
    comparable["ratio"] = comparable["file_value"] / comparable["last_value"]
    far = (comparable["ratio"] > RATIO) | (comparable["ratio"] < 1 / RATIO)
    reasons = []
    if len(comparable) and far.sum() > MOST * len(comparable):
        reasons.append(
            f"{int(far.sum())} territoire(s) sur {len(comparable)} ont une valeur plus de {RATIO:g} fois "
            f"supérieure ou inférieure à leur dernière valeur publiée"
        )
    thousandfold = (comparable["ratio"] >= FACTOR_1000) | (comparable["ratio"] <= 1 / FACTOR_1000)
    if thousandfold.any():  # one territory is enough: a thousands separator read as a decimal mark, or the reverse
        codes = ", ".join(comparable.loc[thousandfold, "territory_code"].astype(str).head(SHOWN))
        reasons.append(
            f"{int(thousandfold.sum())} territoire(s) ({codes}) ont une valeur au moins {format_number(FACTOR_1000)} "
            "fois plus grande ou plus petite que leur dernière valeur publiée : un séparateur de milliers lu comme "
            "une virgule (ou l'inverse) ?"
        )
    median_file = float(joined["file_value"].median()) if len(joined) else None
    median_last = float(joined["last_value"].median()) if len(joined) else None
    spread = float(joined["last_value"].std()) if len(joined) >= MIN_FOR_SPREAD else None
    if spread and abs(median_file - median_last) > SIGMAS * spread:
        reasons.append(
            f"la médiane du fichier s'écarte de {format_number(abs(median_file - median_last) / spread, 1)} "
            f"écarts-types de la médiane des dernières valeurs publiées (seuil {format_number(SIGMAS)})"
        )
    order = [comparable[thousandfold], comparable[far & ~thousandfold], comparable[~far]]
    shown = pd.concat(order).head(SHOWN) if len(comparable) else comparable
    comparison = shown[["territory_code", "file_value", "last_value", "last_year", "ratio"]].reset_index(drop=True)
    if median_file is not None:
        comparison.loc[len(comparison)] = [
            "médiane",
            median_file,
            median_last,
            joined["last_year"].max(),
            median_file / median_last if median_last else None,
        ]
    return Meaning(indicator_id, len(comparable), int(far.sum()), median_file, median_last, spread, comparison, reasons)


def check(rows: pd.DataFrame, published: pd.DataFrame) -> list[Meaning]:
    """One Meaning per indicator of ``rows`` that has a published history (new indicators have none)."""
    out = []
    for indicator_id in sorted(rows["indicator_id"].unique()):
        meaning = _one(rows[rows["indicator_id"] == indicator_id], published, indicator_id)
        if meaning.compared or meaning.median_last is not None:
            out.append(meaning)
    return out


def suspicious(meanings: list[Meaning]) -> list[Meaning]:
    return [m for m in meanings if m.suspicious]


def overrides(doubtful: list[Meaning], risks: list[str]) -> list[dict] | None:
    """What the version records when the analyst publishes despite the alerts (None: no alert)."""
    return [m.summary() for m in doubtful] + ([{"workbook": risks}] if risks else []) or None


def comparison_text(meaning: Meaning) -> pd.DataFrame:
    """The comparison as French text (for the page and the CLI): territory, file, last published, ratio."""
    unit, decimals = _unit(meaning.indicator_id)
    table = meaning.comparison
    return pd.DataFrame(
        {
            "Territoire": table["territory_code"].astype(str),
            "Valeur du fichier": [format_value(v, unit, decimals) for v in table["file_value"]],
            "Dernière valeur publiée": [
                f"{format_value(v, unit, decimals)} ({int(y)})" if pd.notna(y) else format_value(v, unit, decimals)
                for v, y in zip(table["last_value"], table["last_year"], strict=True)
            ],
            "Rapport": [format_number(r, 1) if pd.notna(r) else "n.d." for r in table["ratio"]],
        }
    )


def _unit(indicator_id: str) -> tuple[str, int]:
    entry = catalogue.load().get(indicator_id)
    return (entry.unit, entry.decimals) if entry else ("", 1)
