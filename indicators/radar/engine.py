"""The radar's entry point: ``signals(table, level, code)`` and ``level_signals`` for many territories.

``table`` is a store table (``indicators.store.load_indicators()``), possibly cut at a past year: only its
observed rows are read for écarts and ruptures (the trend bands are refitted on the rows before the last
year), its projected rows for horizons. A missing or secret value is simply absent or NaN: it raises nothing.
"""

from __future__ import annotations

import pandas as pd

from indicators.core import catalogue
from indicators.models import trends
from indicators.radar import ecart, horizon, peers, rules, rupture, sentences


def observed_rows(table: pd.DataFrame) -> pd.DataFrame:
    rows = table[table["variant"] == "observed"].dropna(subset=["value"])
    return rows.assign(year=rows["year"].astype(int))


def read_by_radar(level: str) -> tuple[set[str], set[str]]:
    """(indicators, levels) a level's signals read: the oriented ones, the similarity set, the size, the
    counts that splice a series break; the level itself, France and (for census changes) départements."""
    ids = set(rules.oriented()) | set(catalogue.similarity_ids(peers.similarity_set(level), catalogue.load()))
    ids |= {peers.SIZE_INDICATOR, *(c for b in trends.BREAKS.values() for c in b[1:])}
    return ids, {level, "france", "departement"}


def relevant(observed: pd.DataFrame, level: str) -> pd.DataFrame:
    ids, levels = read_by_radar(level)
    return observed[observed["territory_level"].isin(levels) & observed["indicator_id"].isin(ids)]


def departements_of(level: str, codes, index: pd.DataFrame | None = None) -> dict[str, str]:
    """The département of each commune / EPCI (from the territory index, the store's by default)."""
    if level == "departement":
        return {}
    if index is None:
        from indicators.storage import store

        index = store.load_territories()
    own = index[index["level"] == level].set_index("code")["departement"]
    return own[~own.index.duplicated()].reindex(list(codes)).dropna().to_dict()


def level_codes(observed: pd.DataFrame, level: str) -> list[str]:
    """The territories of a level a full computation covers (``observed``: ``relevant`` rows)."""
    return [str(c) for c in observed.loc[observed["territory_level"] == level, "territory_code"].unique()]


def peer_rows(observed: pd.DataFrame, level: str) -> pd.DataFrame:
    """What the similar-territory search and the size bands read (``observed``: ``relevant`` rows): the level's
    similarity set and, for communes and EPCI, its size."""
    ids = set(catalogue.similarity_ids(peers.similarity_set(level), catalogue.load()))
    ids |= set() if level == "departement" else {peers.SIZE_INDICATOR}
    return observed[(observed["territory_level"] == level) & observed["indicator_id"].isin(ids)]


class Context:
    """What every indicator's signals of a level share, computed on first use and once: the similar territories
    (``peers.Similar``, which keeps each left-out set's search), the sizes and the communes' départements.
    ``peer``: ``peer_rows``; ``codes``: ``level_codes`` (the whole level's, whatever the indicators computed)."""

    def __init__(self, peer: pd.DataFrame, level: str, codes, index: pd.DataFrame | None = None) -> None:
        self.peer, self.level, self.codes, self.index = peer, level, [str(c) for c in codes], index
        self._similar: peers.Similar | None = None
        self._size: pd.Series | None = None
        self._dep_of: dict[str, str] | None = None

    @property
    def similar(self) -> peers.Similar:
        if self._similar is None:
            self._similar = peers.Similar(self.peer, self.level, self.codes)
        return self._similar

    @property
    def size(self) -> pd.Series | None:
        if self.level == "departement":
            return None
        if self._size is None:
            self._size = peers.sizes(self.peer, self.level)
        return self._size

    @property
    def dep_of(self) -> dict[str, str]:
        if self._dep_of is None:
            self._dep_of = departements_of(self.level, self.codes, self.index)
        return self._dep_of


def level_signals(
    table: pd.DataFrame,
    level: str,
    codes=None,
    thresholds: rules.Thresholds = rules.THRESHOLDS,
    kinds=rules.KINDS,
    index: pd.DataFrame | None = None,
    only=None,
) -> pd.DataFrame:
    """Every signal of the territories ``codes`` of ``level`` (all of the level when None), ranked by score
    within each territory; at most one signal per (indicator, kind): the strongest. ``index``: the territory
    index (communes' départements), the store's by default; ``only``: the indicators that may raise signals
    (all by default; the others are still read as similarity indicators)."""
    observed = relevant(observed_rows(table), level)
    codes = level_codes(observed, level) if codes is None else codes
    context = Context(peer_rows(observed, level), level, codes, index)
    return frame(raise_signals(table, observed, context, thresholds, kinds, only))


def raise_signals(
    table: pd.DataFrame,
    observed: pd.DataFrame,
    context: Context,
    thresholds: rules.Thresholds = rules.THRESHOLDS,
    kinds=rules.KINDS,
    only=None,
) -> list[dict]:
    """The signals (rows before ``frame``) of ``context``'s territories; ``observed``: ``relevant`` rows of
    ``table``, which need hold only the indicators of ``only`` (and the counts splicing their breaks) when the
    similarity set and size come from ``context``."""
    level, codes = context.level, context.codes
    found: list[dict] = []
    if "ecart" in kinds:
        found += ecart.raise_ecarts(observed, level, codes, context.similar, context.size, thresholds.ecart, only)
    if "rupture" in kinds:
        found += rupture.raise_bands(observed, level, codes, thresholds.band, only)
        found += rupture.raise_gaps(observed, level, codes, thresholds.gap, only)
        if level != "departement":
            found += ecart.raise_census_changes(
                observed, level, codes, context.similar, context.size, context.dep_of, thresholds.census, only
            )
    if "horizon" in kinds:
        found += horizon.raise_horizons(table, level, codes, thresholds.horizon, only)
    return found


ORDER = (["territory_code", "score", "indicator_id", "kind"], [True, False, True, True])


def ordered(signals: pd.DataFrame) -> pd.DataFrame:
    """Signals in the stored order: by territory, strongest first, ties by indicator and kind (a total order
    within a level: so the signals computed indicator by indicator and put together are in the same order)."""
    return signals.sort_values(ORDER[0], ascending=ORDER[1], kind="stable").reset_index(drop=True)


def frame(found: list[dict]) -> pd.DataFrame:
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else "object") for c in rules.COLUMNS})
    out = pd.DataFrame(found)
    out = out.sort_values(["score", "method"], ascending=[False, True], kind="stable").drop_duplicates(
        ["territory_level", "territory_code", "indicator_id", "kind"]
    )
    entries = catalogue.load()
    out["theme"] = out["indicator_id"].map({i: rules.radar_theme(entries[i]) for i in out["indicator_id"].unique()})
    out["sentence"] = [sentences.sentence(r) for r in out.to_dict("records")]
    citations: dict[tuple, str] = {}

    def cite(pair: tuple) -> str:  # once per (indicator, source): thousands of commune signals share a few
        if pair not in citations:
            citations[pair] = catalogue.row_citation(entries[pair[0]], pair[1])
        return citations[pair]

    out["source"] = [cite(pair) for pair in zip(out["indicator_id"], out["source_id"], strict=True)]
    for column in rules.COLUMNS:
        if column not in out:
            out[column] = None
    return ordered(out[rules.COLUMNS])


def signals(
    table: pd.DataFrame, level: str, code: str, thresholds: rules.Thresholds = rules.THRESHOLDS
) -> pd.DataFrame:
    """The signals of one territory, strongest first: indicator_id, kind (ecart / rupture / horizon),
    direction (worse / better), year, score, sentence, the figures they rest on and their source."""
    return level_signals(table, level, [code], thresholds)
