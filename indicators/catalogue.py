"""Load and check the indicator catalogue (indicators/catalogue.yml) into typed objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from indicators.paths import CATALOGUE_PATH

POLARITIES = ("higher_is_worse", "higher_is_better", "neutral")
REQUIRED = ("id", "label", "short_label", "unit", "decimals", "definition", "polarity", "sources", "theme")


@dataclass(frozen=True)
class Source:
    id: str
    producer: str
    title: str
    url: str
    licence: str
    citation: str


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    short_label: str
    theme: str
    unit: str
    decimals: int
    definition: str
    polarity: str
    sources: tuple[Source, ...]
    numerator: str | None = None
    denominator: str | None = None
    notes: str | None = None
    method: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def citation(self) -> str:
        return " ; ".join(s.citation for s in self.sources)


class CatalogueError(ValueError):
    pass


def parse(document: dict) -> dict[str, Indicator]:
    sources = {}
    for sid, s in (document.get("sources") or {}).items():
        missing = [k for k in ("producer", "title", "url", "licence", "citation") if not s.get(k)]
        if missing:
            raise CatalogueError(f"source {sid}: missing {missing}")
        sources[sid] = Source(id=sid, **{k: str(s[k]) for k in ("producer", "title", "url", "licence", "citation")})
    indicators: dict[str, Indicator] = {}
    for entry in document.get("indicators") or []:
        missing = [k for k in REQUIRED if entry.get(k) in (None, "", [])]
        if missing:
            raise CatalogueError(f"indicator {entry.get('id')}: missing {missing}")
        if entry["polarity"] not in POLARITIES:
            raise CatalogueError(f"indicator {entry['id']}: polarity must be one of {POLARITIES}")
        unknown = [s for s in entry["sources"] if s not in sources]
        if unknown:
            raise CatalogueError(f"indicator {entry['id']}: unknown sources {unknown}")
        if entry["id"] in indicators:
            raise CatalogueError(f"indicator {entry['id']} is listed twice")
        known = {*REQUIRED, "numerator", "denominator", "notes", "method"}
        indicators[entry["id"]] = Indicator(
            id=entry["id"], label=entry["label"], short_label=entry["short_label"], theme=entry["theme"],
            unit=str(entry["unit"]), decimals=int(entry["decimals"]), definition=entry["definition"],
            polarity=entry["polarity"], sources=tuple(sources[s] for s in entry["sources"]),
            numerator=entry.get("numerator"), denominator=entry.get("denominator"),
            notes=entry.get("notes"), method=entry.get("method"),
            extra={k: v for k, v in entry.items() if k not in known},
        )
    return indicators


@lru_cache(maxsize=4)
def load(path: Path = CATALOGUE_PATH) -> dict[str, Indicator]:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


def get(indicator_id: str) -> Indicator:
    return load()[indicator_id]
