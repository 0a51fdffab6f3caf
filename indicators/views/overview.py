"""What the store holds, for the home page and the README: one row per indicator."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.core import catalogue
from indicators.models import freshness
from indicators.storage import territories


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Indicator, label, unit, first/last year and number of départements covered (observed rows)."""
    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    stats = observed.groupby("indicator_id").agg(
        first_year=("year", "min"), last_year=("year", "max"), departements=("territory_code", "nunique")
    )
    return _described(stats)


def coverage_of(summary: pd.DataFrame) -> pd.DataFrame:
    """The same table from query.coverage("departement") (no full table needed)."""
    stats = summary.set_index("indicator_id")[["first_year", "last_year", "territories"]]
    return _described(stats.rename(columns={"territories": "departements"}))


def _described(stats: pd.DataFrame) -> pd.DataFrame:
    entries = catalogue.load()
    stats["label"] = [entries[i].label for i in stats.index]
    stats["unit"] = [entries[i].unit for i in stats.index]
    stats["source"] = [entries[i].citation for i in stats.index]
    stats["theme"] = [entries[i].theme for i in stats.index]
    return stats.reset_index()


def by_theme(stats: pd.DataFrame, today: dt.date | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The coverage table (``coverage`` or ``coverage_of``) cut into the catalogue's themes, in catalogue
    order, with its age (``freshness``: « très ancien : l'édition 2024 est sans doute parue (DREES) »).

    Within a theme the indicators keep the catalogue's order; supporting series (kept only to measure
    a series break) come last. Themes the catalogue does not name (analysts' imports) come under
    "Autres indicateurs"."""
    today = today or freshness.clock()
    entries = catalogue.load()
    order = {indicator_id: rank for rank, indicator_id in enumerate(entries)}
    stats = stats.copy()
    stats["supporting"] = [bool(entries[i].extra.get("supporting")) for i in stats["indicator_id"]]
    stats["order"] = stats["indicator_id"].map(order)
    stats["age"] = [
        freshness.of(i, year, today).cell for i, year in zip(stats["indicator_id"], stats["last_year"], strict=True)
    ]
    stats = stats.sort_values(["supporting", "order"])
    labels = catalogue.themes()
    stats["theme_label"] = stats["theme"].map(labels).fillna(catalogue.OTHER_THEME)
    groups = []
    for label in [*labels.values(), catalogue.OTHER_THEME]:
        rows = stats[stats["theme_label"] == label].drop(columns=["supporting", "order", "theme_label"])
        if len(rows):
            groups.append((label, rows.reset_index(drop=True)))
    return groups


def display_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One theme's rows as the home page prints them: French headers, years as a period, coverage of the 101."""
    total = len(territories.departement_codes())
    return pd.DataFrame(
        {
            "Indicateur": rows["label"],
            "Unité": rows["unit"],
            "Années": [
                str(first) if first == last else f"{first}\u2060–\u2060{last}"  # word joiners: never broken
                for first, last in zip(rows["first_year"], rows["last_year"], strict=True)
            ],
            "Fraîcheur": rows["age"],
            "Départements": [f"{n} sur {total}" for n in rows["departements"]],
            "Source": rows["source"],
        }
    )
