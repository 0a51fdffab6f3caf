"""The radar in parts, for the pipeline's step cache (indicators.build.table_steps.radar_signals and
radar_backtest): part name -> (compute, the frames it reads), so that a changed value reruns only the parts
that read it.

- ``signal_parts``: one part per (level, indicator): the signals of that indicator at that level. A signal
  reads its own indicator's rows (the level's, France's, the départements'), the counts splicing its series
  break, the level's similarity set and size (the similar territories, the size bands) and the level's
  territories (``stored.compute_changed`` rests on the same reading). The similarity set, size, territories
  and communes' départements are the same for every indicator of a level: they are read once into one
  ``engine.Context`` shared by the level's parts (so the similar-territory search of a left-out set is made
  once per level, as in ``engine.level_signals``) and enter each part's key as one digest (``shared``).
- ``origin_parts``: one part per origin of the backtest: the départements' signals raised on the rows up to
  that origin (``backtest.origin_rows``), so a value of a later year reruns none of them.

``signals_of`` and ``backtest_of`` put the parts together: the same frames as ``stored.build``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.models import trends
from indicators.radar import backtest, engine, rules

Parts = dict[str, tuple[Callable[[], tuple[pd.DataFrame, ...]], tuple[pd.DataFrame, ...]]]


def shared(context: engine.Context) -> pd.DataFrame:
    """One row: the digest of what a level's parts all read (the similarity set and size rows, the level's
    territories and, for communes and EPCI, their départements)."""
    digest = hashlib.sha256(context.level.encode())
    digest.update(pd.util.hash_pandas_object(context.peer, index=False).to_numpy().tobytes())
    digest.update("\n".join(context.codes).encode())
    if context.level != "departement":
        digest.update(repr(sorted(context.dep_of.items())).encode())
    return pd.DataFrame({"level": [context.level], "digest": [digest.hexdigest()]})


def signal_parts(rows: pd.DataFrame, index: pd.DataFrame | None = None) -> Parts:
    """Part ``<level>_<indicator>`` -> (its signals, as ``engine.frame``; its reads), for every indicator that
    can raise a signal (the oriented ones, the needs' horizons) and has rows at the level. ``rows``: the rows
    the radar reads (table_steps.radar_ids); ``index``: the territory index."""
    raising = set(rules.oriented()) | set(catalogue.need_ids())
    spliced = trends.breaks()
    observed = engine.observed_rows(rows)
    parts: Parts = {}
    for level in rules.LEVELS:
        own = engine.relevant(observed, level)
        context = engine.Context(engine.peer_rows(own, level), level, engine.level_codes(own, level), index)
        key = shared(context)
        at_levels = rows[rows["territory_level"].isin(engine.read_by_radar(level)[1])].reset_index(drop=True)
        present = set(rows.loc[rows["territory_level"] == level, "indicator_id"].unique())
        where = at_levels.groupby("indicator_id", sort=False, observed=True).indices  # id -> row positions
        for indicator_id in sorted(raising & present):
            reads = [indicator_id, *spliced.get(indicator_id, (None,))[1:]]
            mine = at_levels.take(np.sort(np.concatenate([where[i] for i in reads if i in where]))).reset_index(
                drop=True
            )
            parts[f"{level}_{indicator_id}"] = (_signals(mine, context, indicator_id), (mine, key))
    return parts


def _signals(rows: pd.DataFrame, context: engine.Context, indicator_id: str):
    def compute() -> tuple[pd.DataFrame]:
        observed = engine.relevant(engine.observed_rows(rows), context.level)
        return (engine.frame(engine.raise_signals(rows, observed, context, only={indicator_id})),)

    return compute


def signals_of(done: dict[str, tuple[pd.DataFrame, ...]]) -> pd.DataFrame:
    """The signals of every level put together from ``signal_parts``' frames: level by level (rules.LEVELS),
    each in the stored order (engine.ordered), typed as stored."""
    from indicators.radar import stored

    levels = []
    for level in rules.LEVELS:  # as stored.compute_all: a level without signals is an empty frame
        frames = [f for name, (f,) in done.items() if name.split("_", 1)[0] == level and len(f)]
        levels.append(engine.ordered(pd.concat(frames, ignore_index=True)) if frames else engine.frame([]))
    return stored._typed(pd.concat(levels, ignore_index=True))


def origin_parts(rows: pd.DataFrame) -> Parts:
    """Part ``origin<T>`` -> (the départements' signals raised at T (backtest.raised); the rows up to T)."""
    parts: Parts = {}
    observed = engine.relevant(engine.observed_rows(rows), backtest.LEVEL)  # backtest.origin_rows, cut once
    for origin in backtest.EARLY + backtest.LATER:
        cut = observed[observed["year"] <= origin].reset_index(drop=True)
        parts[f"origin{origin}"] = ((lambda cut=cut, origin=origin: (backtest.raised(cut, origin),)), (cut,))
    return parts


def backtest_of(rows: pd.DataFrame, done: dict[str, tuple[pd.DataFrame, ...]]) -> pd.DataFrame:
    """The backtest table (backtest.run) from ``origin_parts``' frames."""
    raised = {int(name.removeprefix("origin")): frame for name, (frame,) in done.items()}
    return backtest.run(rows, raised_at=raised)[1]
