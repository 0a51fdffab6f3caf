"""The radar in the store: every territory's signals and the backtest, computed by the pipeline.

``signals.parquet``: the signals of every département, EPCI and commune of the base table (version 0);
``radar_backtest.parquet``: the backtest table (kind, period early / later, signals, per territory,
evaluated, persisted, share, threshold). A published version's signals are recomputed by the radar view
for the territory shown (indicators.views.radar_view), keyed by the version's token.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from indicators.core.paths import RADAR_FILES, processed_dir
from indicators.radar import backtest, engine, rules

SIGNALS_FILE, BACKTEST_FILE = RADAR_FILES


def compute_all(
    table: pd.DataFrame, levels=rules.LEVELS, log: list | None = None, index: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every territory's signals at every level (seconds per level, see the bench)."""
    parts = []
    for level in levels:
        started = time.perf_counter()
        parts.append(engine.level_signals(table, level, index=index))
        if log is not None:
            log.append((level, len(parts[-1]), time.perf_counter() - started))
    return pd.concat(parts, ignore_index=True)


def build(table: pd.DataFrame, index: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The pipeline's files: file name -> frame (``index``: the territory index being built)."""
    _, measured = backtest.run(table)
    signals = compute_all(table, index=index)
    return {SIGNALS_FILE: _typed(signals), BACKTEST_FILE: measured}


def _typed(signals: pd.DataFrame) -> pd.DataFrame:
    out = signals.copy()
    for column in ("year", "since"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    for column in ("score", "value", "previous", "reference", "reference_2", "low", "high", "expected_2"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def load_signals(store_dir: Path | None = None) -> pd.DataFrame:
    path = (store_dir or processed_dir()) / SIGNALS_FILE
    return pd.read_parquet(path) if path.exists() else engine.frame([])


def load_backtest(store_dir: Path | None = None) -> pd.DataFrame:
    path = (store_dir or processed_dir()) / BACKTEST_FILE
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()
