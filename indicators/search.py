"""Find a territory by name or code, forgiving accents, case, hyphens and "St"/"Ste".

``find("seine st denis")`` -> Seine-Saint-Denis (93); ``find("2a")`` -> Corse-du-Sud.
Today the territories are the 101 départements; communes and EPCI join the same index later.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indicators import territories

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@dataclass(frozen=True)
class Match:
    level: str
    code: str
    name: str

    @property
    def label(self) -> str:
        """'Seine-Saint-Denis (93)'."""
        return f"{self.name} ({self.code})"

    @property
    def query_string(self) -> str:
        """The deep-link parameters of the profile page."""
        return f"dep={self.code}"


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space, abbreviations spelt out."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = re.split(r"[^0-9a-z]+", plain)
    return " ".join(ABBREVIATIONS.get(w, w) for w in words if w)


def _index() -> list[tuple[Match, str]]:
    return [
        (Match("departement", code, name), normalise(name)) for code, name in territories.departement_names().items()
    ]


def find(query: str, limit: int = 10) -> list[Match]:
    """Territories whose code is the query, then names starting with it, then names containing every word."""
    wanted = normalise(query or "")
    if not wanted:
        return []
    code = territories.normalise_departement_code(wanted.replace(" ", ""))
    scored: list[tuple[int, str, Match]] = []
    words = wanted.split()
    for match, name in _index():
        if code is not None and match.code == code:
            score = 0
        elif name == wanted:
            score = 1
        elif name.startswith(wanted):
            score = 2
        elif all(re.search(rf"\b{re.escape(w)}", name) for w in words):
            score = 3
        else:
            continue
        scored.append((score, name, match))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [m for _, _, m in scored[:limit]]
