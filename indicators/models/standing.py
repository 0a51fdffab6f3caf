"""Where a département stands: its place among all départements, France and its similar départements.

:func:`national` reads the table once (every département's value of each spine indicator, the
structural matrix of the similarity); :func:`spine` and :func:`similar` then answer for one
département. No Streamlit, no plotting here.

Spine row (one indicator, at the département's latest year): the range of all départements that
year (min, quartiles, median, max), France the same year — or, when no file of ours publishes a
national value, the median of départements, labelled as such — the median of the 5 similar
départements and the département itself. Its status comes from the catalogue polarity and the
quartiles: "worse" beyond the quartile on the difficult side (in the quarter of départements in the
most difficult situation), "better" beyond the other quartile, "similar" in between; indicators
without polarity (ages, spending) are "neutral".

Similar départements: Euclidean distance on z-scores (indicators.models.similarity) over a fixed set of
structural indicators: share of under-20s, share of 75+, density (log10), median living standard,
unemployment rate. When the département has no value for one of them (Mayotte, Guadeloupe,
Guyane), the distance uses the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.core import catalogue, formatting
from indicators.models import density, similarity
from indicators.storage import territories

FRANCE = territories.FRANCE_CODE
DENSITY = "density"  # computed here from the population and the IGN area (density.table), not read from the store
COMPUTED = (DENSITY,)
# What the catalogue declares, read on first use; ``standing.SPINE`` etc. still work (__getattr__).
spine_keys = catalogue.lazy(catalogue.spine_ids)  # SPINE: the catalogue's ``spine: {group, order}``
spine_groups = catalogue.lazy(  # SPINE_GROUPS: (title, keys) of each group, in order
    lambda entries: tuple(
        (title, tuple(i for i in spine_keys() if entries[i].spine[0] == group))
        for group, title in catalogue.spine_groups().items()
    )
)
structural_keys = catalogue.lazy(  # STRUCTURAL: ``similarity: {sets: [profile]}``
    lambda entries: catalogue.similarity_ids("profile", entries)
)
structural_labels = catalogue.lazy(lambda entries: {i: entries[i].similarity.label for i in structural_keys()})
log_scale = catalogue.lazy(lambda entries: {i for i in structural_keys() if entries[i].similarity.log})
__getattr__ = catalogue.lazy_constants(
    __name__,
    SPINE=spine_keys,
    SPINE_GROUPS=spine_groups,
    STRUCTURAL=structural_keys,
    STRUCTURAL_LABELS=structural_labels,
    LOG_SCALE=log_scale,
)
N_SIMILAR = 5
MIN_SIMILAR_VALUES = 3
MEDIAN_LABEL = "médiane des départements"


@dataclass(frozen=True)
class SpineRow:
    key: str
    group: str
    label: str
    short_label: str
    unit: str
    decimals: int
    polarity: str
    year: int | None
    value: float | None
    n: int = 0
    minimum: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    maximum: float | None = None
    france: float | None = None
    france_is_median: bool = False
    similar_median: float | None = None
    rank: int | None = None
    status: str = "missing"
    note: str = ""
    source: str = ""

    @property
    def missing(self) -> bool:
        return self.value is None

    def fmt(self, value: float | None) -> str:
        return formatting.format_value(value, self.unit, self.decimals)

    @property
    def text(self) -> str:
        return self.fmt(self.value)

    @property
    def france_text(self) -> str:
        return self.fmt(self.france)

    @property
    def france_label(self) -> str:
        return MEDIAN_LABEL if self.france_is_median else "France"

    def position(self, value: float | None) -> float | None:
        """0 at the lowest département, 1 at the highest (the scale of each spine row)."""
        if value is None or self.minimum is None or self.maximum is None:
            return None
        if self.maximum == self.minimum:
            return 0.5
        return (value - self.minimum) / (self.maximum - self.minimum)


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    distance: float


@dataclass(frozen=True)
class National:
    """Every département's values by (indicator, year), France's, and the structural matrix."""

    values: dict[str, dict[int, pd.Series]]
    france: dict[str, dict[int, float]]
    structural: pd.DataFrame
    structural_years: dict[str, int]


def national(table: pd.DataFrame, population: pd.DataFrame) -> National:
    """Read once what every profile compares against (about 20 ms; the --all command reuses it)."""
    rows = table[table["indicator_id"].isin(spine_keys() + structural_keys()) & (table["variant"] == "observed")]
    values: dict[str, dict[int, pd.Series]] = {}
    france: dict[str, dict[int, float]] = {}
    for (indicator_id, level), part in rows.groupby(["indicator_id", "territory_level"], sort=False):
        if level == "departement":
            values[indicator_id] = {
                int(year): by_year.set_index("territory_code")["value"].astype(float)
                for year, by_year in part.groupby("year")
            }
        elif level == "france":
            france[indicator_id] = dict(zip(part["year"].astype(int), part["value"].astype(float), strict=True))
    dens = density.table(population)
    if len(dens):
        year = int(dens["year"].max())
        latest = dens[dens["year"] == year]
        values[DENSITY] = {year: latest[latest["territory_code"] != FRANCE].set_index("territory_code")["value"]}
        national_row = latest[latest["territory_code"] == FRANCE]
        if len(national_row):
            france[DENSITY] = {year: float(national_row["value"].iloc[0])}
    columns, years = {}, {}
    for key in structural_keys():
        by_year = {y: s for y, s in values.get(key, {}).items() if len(s) >= similarity.MIN_COVERAGE}
        if not by_year:
            continue
        years[key] = max(by_year)
        column = by_year[years[key]]
        columns[key] = np.log10(column) if key in log_scale() else column
    return National(values, france, pd.DataFrame(columns).sort_index(), years)


def similar(nat: National, code: str, k: int = N_SIMILAR) -> tuple[Neighbour, ...]:
    """The k départements nearest to ``code`` on the structural indicators it has a value for."""
    if code not in nat.structural.index:
        return ()
    own = nat.structural.loc[code].dropna().index.tolist()
    if len(own) < 2:
        return ()
    matrix = nat.structural[own].dropna()
    z = similarity.standardise(matrix)
    near = similarity.nearest(z, code, k)
    return tuple(Neighbour(r.code, r.name, float(r.distance)) for r in near.itertuples())


def _rank(values: pd.Series, code: str, polarity: str) -> int:
    ascending = polarity == "higher_is_better"
    return int(values.rank(method="min", ascending=ascending)[code])


def _status(value: float, q1: float, q3: float, polarity: str) -> str:
    if polarity == "neutral":
        return "neutral"
    high, low = value > q3, value < q1
    if polarity == "higher_is_worse":
        return "worse" if high else ("better" if low else "similar")
    return "better" if high else ("worse" if low else "similar")


def spine_row(nat: National, key: str, code: str, neighbours: tuple[Neighbour, ...], reason) -> SpineRow:
    """One row of the spine chart. ``reason(key, code)`` says why a value is missing."""
    indicator = catalogue.get(key)
    group = next(name for name, keys in spine_groups() if key in keys)
    base = dict(
        key=key,
        group=group,
        label=indicator.label,
        short_label=indicator.short_label,
        unit=indicator.unit,
        decimals=indicator.decimals,
        polarity=indicator.polarity,
        source=indicator.citation,
    )
    by_year = nat.values.get(key, {})
    own_years = [y for y, s in by_year.items() if code in s.index and not math.isnan(s[code])]
    # without a value of its own, the range is still shown, on the latest year
    year = max(own_years) if own_years else (max(by_year) if by_year else None)
    values = by_year.get(year, pd.Series(dtype=float)).dropna() if year is not None else pd.Series(dtype=float)
    if values.empty:
        return SpineRow(**base, year=None, value=None, note=reason(key, code))
    q1, median, q3 = (float(v) for v in values.quantile([0.25, 0.5, 0.75]))
    france = nat.france.get(key, {}).get(year)
    france_is_median = france is None
    if france is None:
        france = median
    near = values.reindex([n.code for n in neighbours]).dropna()
    similar_median = float(near.median()) if len(near) >= MIN_SIMILAR_VALUES else None
    common = dict(
        n=len(values),
        minimum=float(values.min()),
        q1=q1,
        median=median,
        q3=q3,
        maximum=float(values.max()),
        france=france,
        france_is_median=france_is_median,
        similar_median=similar_median,
    )
    if code not in values.index:
        return SpineRow(**base, **common, year=year, value=None, note=reason(key, code))
    value = float(values[code])
    return SpineRow(
        **base,
        **common,
        year=year,
        value=value,
        rank=_rank(values, code, indicator.polarity),
        status=_status(value, q1, q3, indicator.polarity),
    )


def spine(nat: National, code: str, neighbours: tuple[Neighbour, ...], reason) -> tuple[SpineRow, ...]:
    return tuple(spine_row(nat, key, code, neighbours, reason) for key in spine_keys())
