"""Find a territory by name or code, forgiving accents, case, hyphens, apostrophes and "St"/"Ste".

``find("seine st denis")`` -> Seine-Saint-Denis (93); ``find("st denis")`` -> the communes
Saint-Denis (974) and Saint-Denis (93), told apart by their département, largest first;
``find("ca du pays basque")`` -> the EPCI; ``find("95585")`` -> Sarcelles. The index is the store's
territories table (départements, EPCI, communes), see territory_index.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.core.formatting import format_number
from indicators.storage import territories

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}
SOURCE = "Insee, populations légales (dernière année publiée, indiquée), via Etalab, découpage administratif"
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


@dataclass(frozen=True)
class _Prepared:
    """The index as arrays, with its words: ``postings[i]`` holds the rows whose name has the word
    ``vocabulary[i]`` (sorted, so that the words starting like a query word are one bisect range)."""

    table: pd.DataFrame
    keys: np.ndarray  # normalised names
    codes: np.ndarray
    levels: np.ndarray
    order: np.ndarray  # LEVEL_ORDER of each row
    size: np.ndarray  # minus the population (largest first)
    vocabulary: list[str]
    postings: list[np.ndarray]


_PREPARED: dict[int, tuple[pd.DataFrame, _Prepared]] = {}


def _indexed(index: pd.DataFrame) -> _Prepared:
    """The index prepared for search, computed once per index object (the cache holds a few)."""
    cached = _PREPARED.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    keys = np.array([normalise(n) for n in index["name"]], dtype=object)
    words: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        for word in set(key.split()):
            words.setdefault(word, []).append(row)
    vocabulary = sorted(words)
    population = index["population"] if "population" in index else pd.Series(np.nan, index=index.index)
    prepared = _Prepared(
        table=index.reset_index(drop=True),
        keys=keys,
        codes=index["code"].to_numpy(dtype=object),
        levels=index["level"].to_numpy(dtype=object),
        order=index["level"].map(LEVEL_ORDER).to_numpy(dtype=float),
        size=-population.fillna(0).to_numpy(dtype=float),
        vocabulary=vocabulary,
        postings=[np.array(words[w], dtype=np.int64) for w in vocabulary],
    )
    if len(_PREPARED) >= 4:
        _PREPARED.clear()
    _PREPARED[id(index)] = (index, prepared)
    return prepared


def _rows_with(prepared: _Prepared, word: str, prefix: bool) -> np.ndarray:
    """Rows whose name has ``word`` (or, with ``prefix``, a word starting with it)."""
    start = bisect.bisect_left(prepared.vocabulary, word)
    if not prefix:
        hit = start < len(prepared.vocabulary) and prepared.vocabulary[start] == word
        return prepared.postings[start] if hit else np.empty(0, dtype=np.int64)
    end = bisect.bisect_left(prepared.vocabulary, word + "\uffff", lo=start)
    if end == start:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(prepared.postings[start:end]))


def find(
    query: str, index: pd.DataFrame | None = None, limit: int = 10, levels: tuple[str, ...] | None = None
) -> list[Match]:
    """Territories whose code is the query, then whose name is it, starts with it, holds its words, or
    holds words starting like them ("sarc" finds Sarcelles).

    Within a tier: départements, then EPCI, then communes, the most populated first."""
    wanted = normalise(query or "")
    if not wanted:
        return []
    prepared = _indexed(index if index is not None else departement_index())
    compact = wanted.replace(" ", "").upper()
    code = territories.normalise_departement_code(compact) or compact
    words = wanted.split()
    starts = [_rows_with(prepared, w, prefix=True) for w in words]
    candidates = functools.reduce(np.intersect1d, starts)
    by_code = np.flatnonzero(prepared.codes == code)
    candidates = np.union1d(candidates, by_code)
    if levels:
        candidates = candidates[np.isin(prepared.levels[candidates], list(levels))]
    if not len(candidates):
        return []
    # tiers: 0 the code, 1 the exact name, 2 the name starts with the words, 3 holds them, 4 holds their starts
    whole = functools.reduce(np.intersect1d, [_rows_with(prepared, w, prefix=False) for w in words])
    keys = prepared.keys[candidates]
    tier = np.full(len(candidates), 4.0)
    tier[np.isin(candidates, whole)] = 3
    tier[[k.startswith(wanted + " ") or k == wanted for k in keys]] = 2
    tier[keys == wanted] = 1
    tier[prepared.codes[candidates] == code] = 0
    ranked = candidates[np.lexsort((keys, prepared.size[candidates], prepared.order[candidates], tier))][:limit]
    hits = prepared.table.iloc[ranked]
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
