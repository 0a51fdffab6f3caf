"""Load and check the indicator catalogue (indicators/core/catalogue.yml) into typed objects."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml

from indicators.core.paths import CATALOGUE_PATH, ROOT, processed_dir

POPULATION = "population"  # the total population: the base of every derivation, shown first in the profile
IMPORTED_MARK = "fichier importé par"  # in the citation of every published file (versions.imported_source)
LOCAL_CATALOGUE = "catalogue.local.yml"  # indicators declared by analysts, kept in the store folder
_DEFAULT_STORE = str(ROOT / "data" / "processed")  # paths.processed_dir without RADAR_DATA_DIR

POLARITIES = ("higher_is_worse", "higher_is_better", "neutral")
# The one authority on valid values: the unit decides the range (an entry may narrow or widen it with
# ``range: [low, high]``, null = unbounded, e.g. a rate of change in %). Every value must be finite.
SHARE_UNITS = {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}
COUNT_UNITS = (
    "habitants",
    "personnes",
    "allocataires",
    "bénéficiaires",
    "enfants",
    "foyers",
    "ménages",
    "agents",
    "ETP",
    "nombre",
)
MONEY_UNITS = ("€", "k€", "M€", "€/hab.", "€/an")
UNITS = (*SHARE_UNITS, *COUNT_UNITS, *MONEY_UNITS)  # what an analyst may declare
T = TypeVar("T")
REQUIRED = ("id", "label", "short_label", "unit", "decimals", "definition", "polarity", "sources", "theme")


@dataclass(frozen=True)
class Gap:
    """A known hole in a source or an indicator: the territories (None = any) and years (None = any) it has
    no value for, and why, in plain French (shown where the value would be)."""

    reason: str
    territories: tuple[str, ...] | None = None
    years: tuple[int, int] | None = None

    def covers(self, code: str, year: int | None = None) -> bool:
        if self.territories is not None and code not in self.territories:
            return False
        return self.years is None or year is None or self.years[0] <= year <= self.years[1]


@dataclass(frozen=True)
class Publication:
    """A source's rhythm: the edition of reference year N is usually out by the end of ``month`` of year
    N + ``lag`` (``lag`` None: a one-off publication, never renewed); ``publisher`` the short name said in
    « l'édition 2024 est sans doute parue (DREES) », ``rhythm`` its frequency in French."""

    publisher: str
    rhythm: str
    lag: int | None = None
    month: int = 12
    series: str | None = None  # sources of one series (successive editions) make one row of « État des données »


@dataclass(frozen=True)
class Source:
    id: str
    producer: str
    title: str
    url: str
    licence: str
    citation: str
    gaps: tuple[Gap, ...] = ()
    publication: Publication | None = None


@dataclass(frozen=True)
class Break:
    """A series break: the year the method changed and the label drawn on charts. ``splice`` names the
    new-method and old-method count indicators whose ratio in ``year`` puts the older years on the new
    method (used by the trends)."""

    year: int
    label: str
    splice: tuple[str, str] | None = None


TIMINGS = ("stock", "flow", "same")  # population 1/1/N+1; mean of 1/1/N and 1/1/N+1; 1/1/N


@dataclass(frozen=True)
class Recipe:
    """How the pipeline derives an indicator from the population table (and a count), by ``kind``:

    - ``ratio``: ``numerator`` (a count indicator) per ``scale`` inhabitants aged ``ages`` (inclusive, None =
      open), the population taken at the ``timing`` of the count (see TIMINGS);
    - ``share``: the population aged ``ages`` in % of the whole population, on 1 January;
    - ``change``: the mean annual change of the population over ``years`` years, in % a year.
    """

    numerator: str | None
    ages: tuple[int, int | None] | None
    scale: float
    timing: str
    kind: str = "ratio"
    years: int | None = None


@dataclass(frozen=True)
class Placement:
    """Where an indicator appears in the département profile: its ``section`` (an id of the catalogue's
    ``profile_sections``) and ``order`` there; ``rank`` among départements, ``history`` (its series beside
    the figure), ``france`` (compared with France), ``share_of`` (shown as a % of that indicator's value,
    the same year) and ``label`` (the profile's own wording)."""

    section: str
    order: int
    rank: bool = False
    history: bool = False
    france: bool = True
    share_of: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class TrendRule:
    """The central path of a rate's trend (``trends.Setting``): weight 0 = its last value."""

    weight: float = 0.0
    years: int = 1
    damping: float = 0.0
    band: tuple[float, float] | None = None  # (inner, outer): symmetric bands of the absolute errors


@dataclass(frozen=True)
class NeedRule:
    """A count projected as a social need: rate × projected population ``ages``; ``spending`` the net
    spending indicator of the same field (None when the State pays); ``label`` the scenarios' wording;
    ``rate`` the trend rate whose central path and band setting the need's rate follows (None: the last
    value, nominal bands)."""

    label: str
    ages: tuple[int, int | None]
    spending: str | None = None
    order: int = 0
    rate: str | None = None


@dataclass(frozen=True)
class CommentaryRule:
    """How the generated commentary names an indicator: ``subject`` ('le taux de pauvreté'), ``feminine``
    (agreement of « élevé(e) »), ``gap`` (a sentence on its gap to France or the median)."""

    subject: str
    feminine: bool = False
    gap: bool = False


@dataclass(frozen=True)
class SimilarityRule:
    """An indicator used to find similar territories: ``sets`` (``profile`` = the profile's similar
    départements, ``compare`` = the compare page's default), its wording in the profile's explanation
    and ``log`` (compared on a log10 scale)."""

    sets: tuple[str, ...]
    label: str
    log: bool = False


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
    breaks: tuple[Break, ...] = ()
    gaps: tuple[Gap, ...] = ()
    recipe: Recipe | None = None
    profile: tuple[Placement, ...] = ()
    trend: TrendRule | None = None
    need: NeedRule | None = None
    similarity: SimilarityRule | None = None
    spine: tuple[str, int] | None = None  # (group id of ``spine_groups``, order): a row of the spine chart
    outlook: str | None = None  # the label of the profile's 2030 / 2050 outlook row
    commentary: CommentaryRule | None = None
    local: int | None = None  # order in the commune / EPCI profile
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def citation(self) -> str:
        return " ; ".join(s.citation for s in self.sources)


class CatalogueError(ValueError):
    pass


PLACES = (
    "profile",
    "trend",
    "need",
    "similarity",
    "spine",
    "outlook",
    "commentary",
    "local",
)  # where an indicator appears


def parse(document: dict) -> dict[str, Indicator]:
    sections = document.get("profile_sections") or {}
    spine_groups = document.get("spine_groups") or {}
    sources = {}
    for sid, s in (document.get("sources") or {}).items():
        missing = [k for k in ("producer", "title", "url", "licence", "citation") if not s.get(k)]
        if missing:
            raise CatalogueError(f"source {sid}: missing {missing}")
        sources[sid] = Source(
            id=sid,
            **{k: str(s[k]) for k in ("producer", "title", "url", "licence", "citation")},
            gaps=_gaps(s, f"source {sid}"),
            publication=_publication(s, f"source {sid}"),
        )
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
        _check_range(entry)
        known = {*REQUIRED, "numerator", "denominator", "notes", "method", "breaks", "gaps", "recipe", *PLACES}
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
            breaks=_breaks(entry),
            gaps=_gaps(entry, f"indicator {entry['id']}"),
            recipe=_recipe(entry),
            profile=_placements(entry, sections),
            trend=_trend(entry),
            need=_need(entry),
            similarity=_similarity(entry),
            spine=_spine(entry, spine_groups),
            outlook=_text(entry, "outlook"),
            commentary=_commentary(entry),
            local=_order(entry, "local"),
            extra={k: v for k, v in entry.items() if k not in known},
        )
    chosen = (document.get("defaults") or {}).values()
    unknown = [i for v in chosen for i in (v if isinstance(v, list) else [v]) if i not in indicators]
    if unknown:
        raise CatalogueError(f"defaults name unknown indicators {unknown}")
    for indicator in indicators.values():
        if indicator.recipe and indicator.recipe.numerator and indicator.recipe.numerator not in indicators:
            raise CatalogueError(f"indicator {indicator.id}: recipe numerator {indicator.recipe.numerator} is unknown")
        named = [p.share_of for p in indicator.profile if p.share_of]
        named += [indicator.need.spending] if indicator.need and indicator.need.spending else []
        unknown = [i for i in named if i not in indicators]
        if unknown:
            raise CatalogueError(f"indicator {indicator.id}: names unknown indicators {unknown}")
        rate = indicator.need.rate if indicator.need else None
        if rate and (rate not in indicators or not indicators[rate].trend):
            raise CatalogueError(f"indicator {indicator.id}: need rate {rate} is not a trend rate")
        for b in indicator.breaks:
            unknown = [i for i in b.splice or () if i not in indicators]
            if unknown:
                raise CatalogueError(f"indicator {indicator.id}: break {b.year} splices unknown indicators {unknown}")
    return indicators


def _ages(value) -> tuple[int, int | None] | None:
    """[low, high or null] -> (low, high), None when malformed."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not (value[1] is None or isinstance(value[1], int))
    ):
        return None
    return value[0], value[1]


def _recipe(entry: dict) -> Recipe | None:
    item = entry.get("recipe")
    if item is None:
        return None
    kind = item.get("kind", "ratio") if isinstance(item, dict) else None
    ages = _ages(item.get("ages")) if isinstance(item, dict) else None
    if kind == "share" and ages is not None:
        return Recipe(None, ages, 100.0, "same", kind)
    if kind == "change" and isinstance(item.get("years"), int) and item["years"] > 0:
        return Recipe(None, None, 100.0, "same", kind, item["years"])
    if (
        kind != "ratio"
        or not item.get("numerator")
        or ages is None
        or not isinstance(item.get("scale"), int | float)
        or item.get("timing") not in TIMINGS
    ):
        raise CatalogueError(
            f"indicator {entry['id']}: a recipe is {{numerator: ID, ages: [low, high or null], scale, "
            f"timing: one of {TIMINGS}}}, {{kind: share, ages: [low, high or null]}} or {{kind: change, years: N}}"
        )
    return Recipe(str(item["numerator"]), ages, float(item["scale"]), item["timing"])


def _placements(entry: dict, sections: dict) -> tuple[Placement, ...]:
    item = entry.get("profile")
    if item is None:
        return ()
    items = item if isinstance(item, list) else [item]
    out = []
    fields = {"section", "order", "rank", "history", "france", "share_of", "label"}
    for place in items:
        if (
            not isinstance(place, dict)
            or place.get("section") not in sections
            or not isinstance(place.get("order"), int)
            or not set(place) <= fields
        ):
            raise CatalogueError(
                f"indicator {entry['id']}: a profile place is {{section: one of {list(sections)}, order: N, "
                "rank, history, france, share_of, label}"
            )
        out.append(Placement(**place))
    return tuple(out)


def _trend(entry: dict) -> TrendRule | None:
    item = entry.get("trend")
    if item in (None, False):
        return None
    if item is True:
        return TrendRule()
    if not isinstance(item, dict) or not set(item) <= {"weight", "years", "damping", "band"}:
        raise CatalogueError(f"indicator {entry['id']}: trend is true or {{weight, years, damping, band}}")
    band = item.get("band")
    if band is not None and (not isinstance(band, dict) or set(band) != {"inner", "outer"}):
        raise CatalogueError(f"indicator {entry['id']}: trend band is {{inner, outer}}")
    return TrendRule(
        float(item.get("weight", 0.0)),
        int(item.get("years", 1)),
        float(item.get("damping", 0.0)),
        None if band is None else (float(band["inner"]), float(band["outer"])),
    )


def _need(entry: dict) -> NeedRule | None:
    item = entry.get("need")
    if item is None:
        return None
    ages = _ages(item.get("ages")) if isinstance(item, dict) else None
    if ages is None or not item.get("label"):
        raise CatalogueError(
            f"indicator {entry['id']}: a need is {{label, ages: [low, high or null], spending: ID, rate: ID}}"
        )
    return NeedRule(str(item["label"]), ages, item.get("spending"), int(item.get("order", 0)), item.get("rate"))


SIMILARITY_SETS = ("profile", "compare", "local")


def _similarity(entry: dict) -> SimilarityRule | None:
    item = entry.get("similarity")
    if item is None:
        return None
    sets = item.get("sets") if isinstance(item, dict) else None
    if not isinstance(sets, list) or not sets or not set(sets) <= set(SIMILARITY_SETS):
        raise CatalogueError(f"indicator {entry['id']}: similarity is {{sets: {list(SIMILARITY_SETS)}, label, log}}")
    label = item.get("label") or entry["label"][:1].lower() + entry["label"][1:]
    return SimilarityRule(tuple(sets), str(label), bool(item.get("log", False)))


def _spine(entry: dict, groups: dict) -> tuple[str, int] | None:
    item = entry.get("spine")
    if item is None:
        return None
    if not isinstance(item, dict) or item.get("group") not in groups or not isinstance(item.get("order"), int):
        raise CatalogueError(f"indicator {entry['id']}: spine is {{group: one of {list(groups)}, order: N}}")
    return item["group"], item["order"]


def _commentary(entry: dict) -> CommentaryRule | None:
    item = entry.get("commentary")
    if item is None:
        return None
    if not isinstance(item, dict) or not item.get("subject") or not set(item) <= {"subject", "feminine", "gap"}:
        raise CatalogueError(f"indicator {entry['id']}: commentary is {{subject, feminine, gap}}")
    return CommentaryRule(str(item["subject"]), bool(item.get("feminine", False)), bool(item.get("gap", False)))


def _order(entry: dict, key: str) -> int | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise CatalogueError(f"indicator {entry['id']}: {key} is an order (an integer)")
    return value


def _text(entry: dict, key: str) -> str | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise CatalogueError(f"indicator {entry['id']}: {key} is a label")
    return value


def _publication(entry: dict, what: str) -> Publication | None:
    item = entry.get("publication")
    if item is None:
        return None
    lag, month = item.get("lag"), item.get("month", 12)
    if not item.get("publisher") or not item.get("rhythm"):
        raise CatalogueError(f"{what}: publication needs a publisher and a rhythm")
    if (lag is not None and (not isinstance(lag, int) or not 0 <= lag <= 10)) or month not in range(1, 13):
        raise CatalogueError(f"{what}: publication lag must be 0-10 years and month 1-12")
    series = str(item["series"]) if item.get("series") else None
    return Publication(str(item["publisher"]), str(item["rhythm"]), lag=lag, month=month, series=series)


def _gaps(entry: dict, what: str) -> tuple[Gap, ...]:
    out = []
    for item in entry.get("gaps") or []:
        if not isinstance(item, dict):
            raise CatalogueError(f"{what}: a gap is {{reason, territories: [codes], years: [first, last]}}")
        territories, years = item.get("territories"), item.get("years")
        if (
            not item.get("reason")
            or (territories is not None and not isinstance(territories, list))
            or (years is not None and (not isinstance(years, list) or len(years) != 2))
        ):
            raise CatalogueError(f"{what}: a gap is {{reason, territories: [codes], years: [first, last]}}")
        out.append(
            Gap(
                str(item["reason"]),
                tuple(str(t) for t in territories) if territories is not None else None,
                (int(years[0]), int(years[1])) if years is not None else None,
            )
        )
    return tuple(out)


def gap_reason(indicator: Indicator, code: str, year: int | None = None) -> str | None:
    """Why ``indicator`` has no value for ``code`` (and ``year``): its own declared gaps first, then those of
    its sources; None when the catalogue knows no reason."""
    for gap in (*indicator.gaps, *(g for s in indicator.sources for g in s.gaps)):
        if gap.covers(code, year):
            return gap.reason
    return None


def _breaks(entry: dict) -> tuple[Break, ...]:
    out = []
    for item in entry.get("breaks") or []:
        if not isinstance(item, dict) or not isinstance(item.get("year"), int) or not item.get("label"):
            raise CatalogueError(f"indicator {entry['id']}: a break needs a year (integer) and a label")
        splice = item.get("splice")
        if splice is not None and (not isinstance(splice, dict) or set(splice) != {"new", "old"}):
            raise CatalogueError(f"indicator {entry['id']}: a break's splice is {{new: ID, old: ID}}")
        out.append(Break(item["year"], str(item["label"]), (splice["new"], splice["old"]) if splice else None))
    return tuple(out)


def _check_range(entry: dict) -> None:
    bounds = entry.get("range")
    if bounds is None:
        return
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(b is None or isinstance(b, int | float) for b in bounds)
    ):
        raise CatalogueError(f"indicator {entry['id']}: range must be [low, high] (numbers or null)")


def unit_range(unit: str) -> tuple[float, float]:
    """(low, high) of a unit: shares 0–100, per mille 0–1000, counts >= 0, anything else any finite number."""
    if unit in SHARE_UNITS:
        return SHARE_UNITS[unit]
    if unit in COUNT_UNITS:
        return 0.0, math.inf
    return -math.inf, math.inf


def value_range(indicator: Indicator | None, unit: str | None = None) -> tuple[float, float]:
    """(low, high) of an indicator (its ``range`` if the catalogue gives one, else its unit's)."""
    if indicator is not None and indicator.extra.get("range") is not None:
        low, high = indicator.extra["range"]
        return (-math.inf if low is None else float(low)), (math.inf if high is None else float(high))
    return unit_range(indicator.unit if indicator is not None else (unit or ""))


def range_text(low: float, high: float, unit: str) -> str:
    """The refusal message of a value outside (low, high)."""
    if (low, high) == SHARE_UNITS["%"] and unit == "%":
        return "taux hors de 0–100"
    if (low, high) == SHARE_UNITS["‰"] and unit == "‰":
        return "taux pour mille hors de 0–1000"
    if low == 0 and math.isinf(high):
        return f"effectif négatif ({unit})"
    if math.isinf(low) and math.isinf(high):
        return "valeur non finie"
    if math.isinf(high):
        return f"valeur inférieure à {low:g} ({unit})"
    return f"valeur hors de {low:g}–{high:g} ({unit})"


def local_path(store_dir: Path | None = None) -> Path:
    return (store_dir or processed_dir()) / LOCAL_CATALOGUE


def load(path: Path = CATALOGUE_PATH, store_dir: Path | None = None) -> dict[str, Indicator]:
    """The catalogue of the repository, plus the indicators analysts declared in the store folder.

    The extension (``catalogue.local.yml`` beside the store) never overrides an entry of the repository.
    Cached per file modification time, so a newly declared indicator is seen at once.
    """
    if path is not CATALOGUE_PATH and path != CATALOGUE_PATH:
        return _load(path, None, None)
    # called for every label on screen (hundreds of times a rerun): one os.stat, no pathlib
    local = os.path.join(store_dir or os.environ.get("RADAR_DATA_DIR", _DEFAULT_STORE), LOCAL_CATALOGUE)
    try:
        stamp = os.stat(local).st_mtime_ns
    except OSError:
        return _load(path, None, None)
    return _load(path, local, stamp)


def merge(document: dict, extension: dict) -> dict:
    """``document`` with the sources and indicators of ``extension`` it does not already have."""
    sources = {**(extension.get("sources") or {}), **(document.get("sources") or {})}
    ids = {e["id"] for e in document.get("indicators") or []}
    extra = [e for e in extension.get("indicators") or [] if e.get("id") not in ids]
    return {**document, "sources": sources, "indicators": [*(document.get("indicators") or []), *extra]}


def _document(path: Path, local: Path | str | None) -> dict:
    """The repository's catalogue document, merged with the store's extension when there is one."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if local is not None:
        with open(local, encoding="utf-8") as handle:
            document = merge(document, yaml.safe_load(handle) or {})
    return document


@lru_cache(maxsize=8)
def _load(path: Path, local: str | None, stamp: int | None) -> dict[str, Indicator]:
    return parse(_document(path, local))


load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def sources(store_dir: Path | None = None) -> dict[str, Source]:
    """Every source of the catalogue and of its store extension, including the sources of published
    files (``upload_*``: an analyst's file is its own source, never credited to another publisher)."""
    local = local_path(store_dir)
    stamp = local.stat().st_mtime_ns if local.exists() else None
    return _sources(CATALOGUE_PATH, local if stamp else None, stamp)


@lru_cache(maxsize=8)
def _sources(path: Path, local: Path | None, stamp: int | None) -> dict[str, Source]:
    document = _document(path, local)
    keys = ("producer", "title", "url", "licence", "citation")
    return {sid: Source(id=sid, **{k: str(s.get(k, "")) for k in keys}) for sid, s in document["sources"].items()}


def sources_with_rhythm() -> dict[str, Source]:
    """Every source of the repository's catalogue, with its ``publication`` (``sources`` leaves it out)."""
    return {s.id: s for entry in load().values() for s in entry.sources}


def get(indicator_id: str) -> Indicator:
    return load()[indicator_id]


OTHER_THEME = "Autres indicateurs"


@lru_cache(maxsize=16)
def _titles(key: str, path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return {str(k): str(v) for k, v in (document.get(key) or {}).items()}


def themes(path: Path = CATALOGUE_PATH) -> dict[str, str]:
    """Theme id -> French label, in the order the catalogue lists them."""
    return _titles("themes", path)


def profile_sections(path: Path = CATALOGUE_PATH) -> dict[str, str]:
    """Profile section id -> French title, in the order the profile shows them."""
    return _titles("profile_sections", path)


def spine_groups(path: Path = CATALOGUE_PATH) -> dict[str, str]:
    """Spine group id -> French title, in the order the spine chart shows them."""
    return _titles("spine_groups", path)


@lru_cache(maxsize=4)
def defaults(path: Path = CATALOGUE_PATH) -> dict:
    """What pages show before anyone chooses (``defaults:``): ``map`` (an id), ``compare`` (ids)."""
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle).get("defaults") or {})


UNDER_5 = "population_0_4"  # a workforce need that is no indicator: children aged 0-4 (population table)


@lru_cache(maxsize=4)
def workforce(path: Path = CATALOGUE_PATH) -> dict[str, dict]:
    """The staff categories of « Métiers du social » (``workforce:``): id -> {label, unit, served,
    served_label, carrier, limits}, in order. ``served`` names indicators (or ``population_0_4``), ``carrier``
    needs (``need:``); anything else is a CatalogueError."""
    with open(path, encoding="utf-8") as handle:
        declared = yaml.safe_load(handle).get("workforce") or {}
    entries = repository() if path == CATALOGUE_PATH else _load(path, None, None)
    needs = set(need_ids(entries))
    keys = {"label", "unit", "served", "served_label", "carrier", "limits"}
    for category, item in declared.items():
        if not isinstance(item, dict) or set(item) != keys:
            raise CatalogueError(f"workforce {category}: expected the keys {sorted(keys)}")
        unknown = [i for i in item["served"] if i not in entries and i != UNDER_5]
        unknown += [i for i in item["carrier"] if i not in needs]
        if unknown:
            raise CatalogueError(f"workforce {category}: unknown indicator or need {unknown}")
    return dict(declared)


def repository() -> dict[str, Indicator]:
    """The repository's catalogue alone (what the pipeline builds), without the analysts' extension."""
    return _load(CATALOGUE_PATH, None, None)


def lazy(
    compute: Callable[[dict[str, Indicator]], T], entries: Callable[[], dict[str, Indicator]] = repository
) -> Callable[[], T]:
    """``compute(entries())`` read on first call, not at import (issue 25), and read again only when the
    catalogue is a new one: ``entries`` (``repository``, or ``load`` with the analysts' extension) is cached
    on the files' modification time and cleared by ``load.cache_clear``, so its identity says when."""
    cached: tuple[dict[str, Indicator], T] | None = None  # (the catalogue, its value), replaced whole

    def read() -> T:
        nonlocal cached
        current, pair = entries(), cached
        if pair is None or pair[0] is not current:
            pair = cached = (current, compute(current))
        return pair[1]

    read.__doc__ = compute.__doc__
    return read


def lazy_constants(module: str, **readers: Callable[[], object]) -> Callable[[str], object]:
    """A module's ``__getattr__`` (PEP 562) answering each of ``readers`` by calling it, so that
    ``module.NAME`` elsewhere reads the catalogue on first use and never at import."""

    def __getattr__(name: str) -> object:
        if name in readers:
            return readers[name]()
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__


def placed(section: str, entries: dict[str, Indicator] | None = None) -> list[tuple[Indicator, Placement]]:
    """The indicators of one profile section with their place, in order (ties: catalogue order)."""
    entries = load() if entries is None else entries
    found = [(i, p) for i in entries.values() for p in i.profile if p.section == section]
    return sorted(found, key=lambda pair: pair[1].order)


def trend_ids(entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The rates projected by a trend (``trend:``), in catalogue order."""
    entries = load() if entries is None else entries
    return tuple(i.id for i in entries.values() if i.trend is not None)


def need_ids(entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The counts projected as social needs (``need:``), in catalogue order."""
    entries = repository() if entries is None else entries
    return tuple(i.id for i in sorted((i for i in entries.values() if i.need), key=lambda i: i.need.order))


def similarity_ids(which: str, entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The indicators of one similarity set (``profile`` or ``compare``), in catalogue order."""
    entries = repository() if entries is None else entries
    return tuple(i.id for i in entries.values() if i.similarity and which in i.similarity.sets)


def spine_ids(entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The rows of the spine chart, grouped in the order of ``spine_groups``, catalogue order within."""
    entries = repository() if entries is None else entries
    rank = {g: n for n, g in enumerate(spine_groups())}
    rows = sorted((i for i in entries.values() if i.spine), key=lambda i: (rank[i.spine[0]], i.spine[1]))
    return tuple(i.id for i in rows)


@lru_cache(maxsize=1)
def _local_sections() -> tuple[tuple[str, str], ...]:
    with open(CATALOGUE_PATH, encoding="utf-8") as handle:
        return tuple((yaml.safe_load(handle).get("local_sections") or {}).items())


def local_sections() -> dict[str, str]:
    """Sections of the commune / EPCI profile: key -> French title, in order (catalogue ``local_sections``)."""
    return dict(_local_sections())


def local_ids(entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The indicators of the commune / EPCI profile (``local: N``), in that order."""
    entries = repository() if entries is None else entries
    return tuple(i.id for i in sorted((i for i in entries.values() if i.local is not None), key=lambda i: i.local))


def outlook_ids(entries: dict[str, Indicator] | None = None) -> tuple[str, ...]:
    """The rows of the profile's 2030 / 2050 outlook, in catalogue order."""
    entries = repository() if entries is None else entries
    return tuple(i.id for i in entries.values() if i.outlook)


def row_citation(indicator: Indicator, source_id: str | None) -> str:
    """The citation of a stored row (its ``source_id``), plus the population source of a ratio's denominator.
    An analyst's published file (``upload_…``) is cited as itself, never as another publisher."""
    if source_id and source_id.startswith("upload_"):
        imported = sources().get(source_id)
        return imported.citation if imported else f"fichier importé (source {source_id} introuvable au catalogue)"
    used = [s for s in indicator.sources if s.id == source_id] or list(indicator.sources)
    if indicator.denominator:
        used += [s for s in indicator.sources if s.id == "insee_estimations_population" and s not in used]
    return " ; ".join(s.citation for s in used)
