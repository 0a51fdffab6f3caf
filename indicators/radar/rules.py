"""What the radar looks at, and the thresholds its backtest chose.

Everything is read from the catalogue: an indicator raises an écart or a rupture when it is *oriented*
(``polarity`` higher_is_worse / higher_is_better), is a rate or an amount per head (not a count: a count
compares sizes, not situations) and is *shown* somewhere (profile, spine, commune profile, trend, need or
similarity), so that duplicates kept for checks (``rsa_coverage_rate_published``) raise nothing. The levels
come from the rows of the table, so a commune indicator declared with ``levels: [commune, …]`` is picked up
as soon as its rows are in the store. Needs (``need:``) raise horizon signals for départements.

Thresholds: chosen by ``python -m indicators.radar --backtest`` on the early origins (2012-2014), the
smallest whose signals persisted at T + 2 in at least ``TARGET`` of cases there; reported on 2015-2017.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.core import catalogue

KINDS = ("ecart", "rupture", "horizon")
KIND_LABELS = {"ecart": "Écart", "rupture": "Rupture", "horizon": "Horizon"}
KIND_PLURALS = {"ecart": "écarts", "rupture": "ruptures", "horizon": "horizons"}
DIRECTIONS = ("worse", "better")
LEVELS = ("departement", "epci", "commune")
COLUMNS = [
    "territory_level",
    "territory_code",
    "indicator_id",
    "kind",
    "method",
    "direction",
    "year",
    "since",
    "score",
    "value",
    "previous",
    "reference",
    "reference_of",
    "reference_2",
    "low",
    "high",
    "expected_2",
    "theme",
    "sentence",
    "source",
]

# Radar themes (the page's groups) and where each catalogue theme goes.
THEMES = {
    "pauvrete": "Pauvreté",
    "vieillissement": "Vieillissement",
    "handicap": "Handicap",
    "enfance": "Enfance",
    "emploi": "Emploi",
    "jeunesse": "Jeunesse",
    "territoire": "Population et territoire",
}
BY_CATALOGUE_THEME = {
    "minima_sociaux": "pauvrete",
    "personnes_agees": "vieillissement",
    "handicap": "handicap",
    "enfance": "enfance",
    "demographie": "territoire",
    "depenses": "territoire",
    "collectivite": "territoire",
}
EMPLOYMENT_WORDS = ("unemploy", "chomage", "employment", "emploi", "activity")
YOUTH_WORDS = ("neet", "young", "youth", "jeune", "18_24", "15_24", "16_25")
AGEING_WORDS = ("75_plus", "80_plus", "elderly", "older", "alone")

SHOWN_PLACES = ("profile", "spine", "local", "trend", "need", "similarity", "outlook")


@dataclass(frozen=True)
class Thresholds:
    ecart: float  # robust z (gap / MAD) to BOTH references
    band: float  # 1.28 × (distance from the central forecast) / (half-width of the 80 % band): 1.28 = its edge
    gap: float  # widening of the gap to France over 2 years / robust spread of its own past 2-year changes
    census: float  # change vs its département's and its similar communes' change, robust z
    horizon: float  # growth to 2030 minus France's, / MAD of that among départements


# Chosen on 2012-2014 by the backtest (see the module docstring and docs in the note of issue 28).
THRESHOLDS = Thresholds(ecart=1.0, band=1.28, gap=2.0, census=1.5, horizon=1.0)
TARGET = 2 / 3
HORIZON_YEAR = 2030
MIN_SIMILAR = 3  # a similar-territory median needs at least this many values


def signal_row(
    level: str,
    code: str,
    indicator_id: str,
    kind: str,
    method: str,
    direction: str,
    year: int,
    score: float,
    value: float,
    source_id: str,
    **figures,
) -> dict:
    """One raised signal, as every kind builds it: the territory, what and when, its score and the figures
    it rests on (``since``, ``previous``, ``reference``, ``reference_2``, ``low``, ``high``, ``expected_2``)."""
    unknown = set(figures) - set(COLUMNS)
    if unknown:
        raise TypeError(f"not a signal column: {sorted(unknown)}")
    return dict(
        territory_level=level,
        territory_code=code,
        indicator_id=indicator_id,
        kind=kind,
        method=method,
        direction=direction,
        year=int(year),
        score=float(score),
        value=float(value),
        source_id=source_id,
        **figures,
    )


def radar_theme(indicator: catalogue.Indicator) -> str:
    """The page's group of an indicator: ``radar_theme:`` when the catalogue says, else from its theme and id."""
    declared = indicator.extra.get("radar_theme")
    if declared in THEMES:
        return declared
    key = indicator.id.lower()
    if any(w in key for w in YOUTH_WORDS):
        return "jeunesse"
    if any(w in key for w in AGEING_WORDS):
        return "vieillissement"
    if indicator.theme == "emploi_revenus":
        return "emploi" if any(w in key for w in EMPLOYMENT_WORDS) else "pauvrete"
    return BY_CATALOGUE_THEME.get(indicator.theme, "territoire")


def is_rate(indicator: catalogue.Indicator) -> bool:
    """A share, a rate or an amount per head (compares situations), not a count (compares sizes)."""
    return indicator.unit in ("%", "‰") or "/" in indicator.unit


def is_shown(indicator: catalogue.Indicator) -> bool:
    return any(getattr(indicator, place, None) for place in SHOWN_PLACES)


def oriented(entries: dict | None = None) -> dict[str, catalogue.Indicator]:
    """The indicators that can raise an écart or a rupture."""
    entries = catalogue.load() if entries is None else entries
    return {i.id: i for i in entries.values() if i.polarity != "neutral" and is_rate(i) and is_shown(i)}


def raising(only=None) -> dict[str, catalogue.Indicator]:
    """The oriented indicators that may raise écarts and ruptures here: all, or those of ``only`` (a refresh
    after a publish computes the touched ones; the others are still read, as similarity indicators)."""
    entries = oriented()
    return entries if only is None else {i: e for i, e in entries.items() if i in only}


def worse_sign(indicator: catalogue.Indicator) -> int:
    """+1 when a higher value is worse, -1 when it is better."""
    return 1 if indicator.polarity == "higher_is_worse" else -1
