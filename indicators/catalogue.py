"""Load and check the indicator catalogue (indicators/catalogue.yml) into typed objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from indicators.paths import CATALOGUE_PATH, processed_dir

LOCAL_CATALOGUE = "catalogue.local.yml"  # indicators declared by analysts, kept in the store folder

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
            id=entry["id"],
            label=entry["label"],
            short_label=entry["short_label"],
            theme=entry["theme"],
            unit=str(entry["unit"]),
            decimals=int(entry["decimals"]),
            definition=entry["definition"],
            polarity=entry["polarity"],
            sources=tuple(sources[s] for s in entry["sources"]),
            numerator=entry.get("numerator"),
            denominator=entry.get("denominator"),
            notes=entry.get("notes"),
            method=entry.get("method"),
            extra={k: v for k, v in entry.items() if k not in known},
        )
    return indicators


def local_path(store_dir: Path | None = None) -> Path:
    return (store_dir or processed_dir()) / LOCAL_CATALOGUE


def load(path: Path = CATALOGUE_PATH, store_dir: Path | None = None) -> dict[str, Indicator]:
    """The catalogue of the repository, plus the indicators analysts declared in the store folder.

    The extension (``catalogue.local.yml`` beside the store) never overrides an entry of the repository.
    Cached per file modification time, so a newly declared indicator is seen at once.
    """
    local = local_path(store_dir) if path == CATALOGUE_PATH else None
    stamp = local.stat().st_mtime_ns if local is not None and local.exists() else None
    return _load(path, local if stamp else None, stamp)


def merge(document: dict, extension: dict) -> dict:
    """``document`` with the sources and indicators of ``extension`` it does not already have."""
    sources = {**(extension.get("sources") or {}), **(document.get("sources") or {})}
    ids = {e["id"] for e in document.get("indicators") or []}
    extra = [e for e in extension.get("indicators") or [] if e.get("id") not in ids]
    return {**document, "sources": sources, "indicators": [*(document.get("indicators") or []), *extra]}


@lru_cache(maxsize=8)
def _load(path: Path, local: Path | None, stamp: int | None) -> dict[str, Indicator]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if local is not None:
        with open(local, encoding="utf-8") as handle:
            document = merge(document, yaml.safe_load(handle) or {})
    return parse(document)


load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def get(indicator_id: str) -> Indicator:
    return load()[indicator_id]


OTHER_THEME = "Autres indicateurs"


@lru_cache(maxsize=4)
def themes(path: Path = CATALOGUE_PATH) -> dict[str, str]:
    """Theme id -> French label, in the order the catalogue lists them."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return {str(k): str(v) for k, v in (document.get("themes") or {}).items()}
