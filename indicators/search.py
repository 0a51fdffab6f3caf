"""Find a territory by name or code, forgiving accents, case, hyphens, apostrophes and "St"/"Ste".

``find("seine st denis")`` -> Seine-Saint-Denis (93); ``find("st denis")`` -> the communes
Saint-Denis (974) and Saint-Denis (93), told apart by their département, largest first;
``find("ca du pays basque")`` -> the EPCI; ``find("95585")`` -> Sarcelles. The index is the store's
territories table (départements, EPCI, communes), see territory_index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import territories
from indicators.formatting import format_number

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}
SOURCE = "Insee, populations légales (communes : 2023 ; intercommunalités : 2022), via Etalab, découpage administratif"
LEVEL_LABELS = {"departement": "Département", "epci": "Intercommunalité", "commune": "Commune"}


@dataclass(frozen=True)
class Match:
    level: str
    code: str
    name: str
    departement: str = ""
    population: float | None = None
    population_year: int | None = None
    epci_name: str = ""

    @property
    def label(self) -> str:
        """'Seine-Saint-Denis (93)', 'Saint-Denis (974)', 'CA du Pays Basque (64)'."""
        return f"{self.name} ({self.code if self.level == 'departement' else self.departement})"

    @property
    def facts(self) -> str:
        """'149 077 habitants (population légale 2023) · Métropole du Grand Paris' (communes and EPCI)."""
        parts = [f"{format_number(self.population)} habitants (population légale {self.population_year})"]
        if self.level == "commune" and self.epci_name:
            parts.append(self.epci_name)
        return " · ".join(parts)


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space, abbreviations spelt out."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = re.split(r"[^0-9a-z]+", plain)
    return " ".join(ABBREVIATIONS.get(w, w) for w in words if w)


def departement_index() -> pd.DataFrame:
    """The 101 départements alone, for a store built without the territories table."""
    deps = territories.departements()
    return pd.DataFrame(
        {"level": "departement", "code": deps["code"], "name": deps["name"], "departement": deps["code"]}
    )


_PREPARED: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}


def _indexed(index: pd.DataFrame) -> pd.DataFrame:
    """The index with its normalised names, computed once per index object (the cache holds a few)."""
    cached = _PREPARED.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    prepared = index.copy()
    prepared["key"] = [normalise(n) for n in prepared["name"]]
    prepared["padded"] = " " + prepared["key"] + " "
    prepared["level_order"] = prepared["level"].map(LEVEL_ORDER)
    population = prepared["population"] if "population" in prepared else pd.Series(np.nan, index=prepared.index)
    prepared["size"] = -population.fillna(0)
    if len(_PREPARED) >= 4:
        _PREPARED.clear()
    _PREPARED[id(index)] = (index, prepared)
    return prepared


def find(
    query: str, index: pd.DataFrame | None = None, limit: int = 10, levels: tuple[str, ...] | None = None
) -> list[Match]:
    """Territories whose code is the query, then whose name is it, starts with it, holds its words, or
    holds words starting like them ("sarc" finds Sarcelles).

    Within a tier: départements, then EPCI, then communes, the most populated first."""
    wanted = normalise(query or "")
    if not wanted:
        return []
    table = _indexed(index if index is not None else departement_index())
    if levels:
        table = table[table["level"].isin(levels)]
    compact = wanted.replace(" ", "").upper()
    code = territories.normalise_departement_code(compact) or compact
    padded = table["padded"]
    whole_words = np.ones(len(table), dtype=bool)
    word_starts = np.ones(len(table), dtype=bool)
    for word in wanted.split():
        whole_words &= padded.str.contains(f" {word} ", regex=False).to_numpy()
        word_starts &= padded.str.contains(f" {word}", regex=False).to_numpy()
    # tiers: 0 the code, 1 the exact name, 2 the name starts with the words, 3 holds them, 4 holds their starts
    tier = pd.Series(np.nan, index=table.index)
    tier[word_starts] = 4
    tier[whole_words] = 3
    tier[padded.str.startswith(f" {wanted} ").to_numpy()] = 2
    tier[(table["key"] == wanted).to_numpy()] = 1
    tier[(table["code"] == code).to_numpy()] = 0
    hits = table.assign(tier=tier).dropna(subset=["tier"])
    hits = hits.sort_values(["tier", "level_order", "size", "key"]).head(limit)
    return [
        Match(
            level=row.level,
            code=row.code,
            name=row.name,
            departement=getattr(row, "departement", "") or "",
            population=None if pd.isna(getattr(row, "population", np.nan)) else float(row.population),
            population_year=None if pd.isna(getattr(row, "population_year", np.nan)) else int(row.population_year),
            epci_name=getattr(row, "epci_name", "") or "",
        )
        for row in hits.itertuples(index=False)
    ]
