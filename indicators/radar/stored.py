"""The radar in the store: every territory's signals and the backtest, computed by the pipeline and at
each publish.

``signals.parquet``: the signals of every département, EPCI and commune of the base table (version 0);
``radar_backtest.parquet``: the backtest table (kind, period early / later, signals, per territory,
evaluated, persisted, share, threshold). A published version N gets its own file,
``versions/000N/signals-<base hash>.parquet`` (beside its snapshot, named like it so that a rebuilt base
never serves stale signals): ``refresh`` computes it; ``refresh_in_background`` is the one call the
publishing code makes after a publish or a rollback (a detached, niced ``python -m indicators.radar
--refresh``, so that the analyst's request and the other users are not slowed). Until it is written, the
radar serves the signals of the nearest version it was published over whose file is written
(``serving_version``), said as such on the page (« recalcul en cours »): no replica ever recomputes a
territory on demand, so the first view after a publish reads one file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from indicators.core.paths import RADAR_FILES, ROOT, processed_dir
from indicators.radar import backtest, engine, rules

log = logging.getLogger(__name__)

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
    """The pipeline's files: file name -> frame (``index``: the territory index being built), computed whole;
    the pipeline computes the same in parts, cached (indicators.radar.parts, tests/test_radar_parts.py)."""
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


def signals_path(version: int | None = None, store_dir: Path | None = None) -> Path:
    """Where the signals of a version live (the published one by default; 0 = the pipeline's base)."""
    from indicators.storage import versions

    version = versions.current(store_dir) if version is None else version
    if version == 0:
        return (store_dir or processed_dir()) / SIGNALS_FILE
    folder = (store_dir or processed_dir()) / versions.VERSIONS_DIR / f"{version:04d}"
    return folder / f"signals-{versions.base_hash(store_dir)}.parquet"


def has_signals(version: int | None = None, store_dir: Path | None = None) -> bool:
    return signals_path(version, store_dir).exists()


def serving_version(version: int | None = None, store_dir: Path | None = None) -> int:
    """The version whose signals file stands for ``version`` (the published one by default): itself when
    written; for a rollback, the version it restored (the same table, so the same signals); otherwise the
    nearest version it was published over whose file is written, down to 0 (the pipeline's)."""
    from indicators.storage import versions

    version = versions.current(store_dir) if version is None else version
    seen: set[int] = set()
    while version and version not in seen and not has_signals(version, store_dir):
        seen.add(version)
        try:
            record = versions.meta(version, store_dir)
        except (versions.VersionError, OSError, ValueError):  # a version's record gone or unreadable: the base's
            return 0
        target = record.get("target")
        if record.get("kind") == "rollback" and isinstance(target, int) and has_signals(target, store_dir):
            return target
        version = int(record.get("previous") or 0)
    return version if version not in seen else 0


def exact_for(version: int, served: int, store_dir: Path | None = None) -> bool:
    """Whether the signals of ``served`` are those of ``version`` (itself, or the version a rollback restored)."""
    from indicators.storage import versions

    if served == version:
        return True
    record = versions.meta(version, store_dir) if version else {}
    return record.get("kind") == "rollback" and record.get("target") == served


def load_signals(store_dir: Path | None = None, version: int | None = None, filters=None) -> pd.DataFrame:
    """Every territory's signals of a version (the published one by default; ``filters``: pyarrow's, e.g. one
    territory's rows, read without converting the others); empty when not computed."""
    path = signals_path(version, store_dir)
    return pd.read_parquet(path, filters=filters) if path.exists() else engine.frame([])


def refresh(store_dir: Path | None = None, version: int | None = None) -> Path:
    """Compute every territory's signals of the published version (or ``version``) and write them, atomically:
    only the indicators its publish touched when the rest can be carried over (``carried_over``), else all."""
    from indicators.storage import store, versions

    version = versions.current(store_dir) if version is None else version
    table = versions.table(version, store_dir) if version else store.load_indicators(store_dir)
    path = signals_path(version, store_dir)
    index = store.load_territories(store_dir)
    carried = carried_over(version, store_dir)
    found = compute_all(table, index=index) if carried is None else compute_changed(table, *carried, index=index)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    _typed(found).to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return path


def peer_inputs(level: str) -> set[str]:
    """What every signal of a level reads whatever its indicator: the similarity set (the similar territories)
    and, for communes and EPCI, the size (the size bands of the robust spread, the comparable territories)."""
    from indicators.core import catalogue
    from indicators.radar import peers

    ids = set(catalogue.similarity_ids(peers.similarity_set(level), catalogue.load()))
    return ids if level == "departement" else ids | {peers.SIZE_INDICATOR}


def affected_by(touched: set[str]) -> set[str]:
    """The indicators whose signals read the touched ones: themselves and the rates whose series breaks are
    spliced with a touched count."""
    from indicators.models import trends

    spliced = {rate for rate, (_, *counts) in trends.breaks().items() if touched & set(counts)}
    return set(touched) | spliced


def carried_over(version: int, store_dir: Path | None = None) -> tuple[pd.DataFrame, set[str]] | None:
    """(the signals of the version it was published over, the indicators its publish touched) when signals
    can be carried over: a publish (not a rollback, not an edition, which recomputes derived indicators) over
    a version whose file is written. None: recompute everything."""
    from indicators.storage import versions

    if not version:
        return None
    record = versions.meta(version, store_dir)
    touched = set(record.get("indicators") or ())
    previous = record.get("previous")
    if record.get("kind") != "publish" or record.get("edition") or not touched or not isinstance(previous, int):
        return None
    if not has_signals(previous, store_dir):
        return None
    return load_signals(store_dir, previous), touched


def compute_changed(
    table: pd.DataFrame, previous: pd.DataFrame, touched: set[str], index: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every territory's signals after a publish that touched ``touched``, level by level. A signal reads its
    own indicator's rows (the level's, France's, the départements'), the spliced counts of its series break,
    the level's similarity set and the size: when the publish touched none of the level's similarity set and
    size, only the signals of the touched indicators (``affected_by``) are computed and the others carried over
    from ``previous``; otherwise the whole level is computed. Each level's territories are those of a full
    computation (the blocks of the similar-territory search depend on them): the same rows as ``compute_all``."""
    from indicators.models import trends

    parts = []
    observed = engine.observed_rows(table)
    for level in rules.LEVELS:
        if touched & peer_inputs(level):
            parts.append(engine.level_signals(table, level, index=index))
            continue
        affected = affected_by(touched)
        own = engine.relevant(observed, level)
        codes = own.loc[own["territory_level"] == level, "territory_code"].unique().tolist()
        reads = affected | peer_inputs(level) | {c for b in trends.breaks().values() for c in b[1:]}
        fresh = engine.level_signals(table[table["indicator_id"].isin(reads)], level, codes, index=index, only=affected)
        kept = previous[(previous["territory_level"] == level) & ~previous["indicator_id"].isin(affected)]
        both = pd.concat([kept, fresh[fresh["indicator_id"].isin(affected)]], ignore_index=True)
        both = both.sort_values(["territory_code", "score"], ascending=[True, False], kind="stable")
        parts.append(both.reset_index(drop=True))
    return pd.concat(parts, ignore_index=True)


def refresh_in_background(store_dir: Path | None = None) -> subprocess.Popen | None:
    """Start ``python -m indicators.radar --refresh`` for the published version, detached and niced; returns
    at once (None when it could not start, or RADAR_SIGNALS_REFRESH=off: the radar view then recomputes the
    territory it shows on demand, nothing is lost)."""
    if os.environ.get("RADAR_SIGNALS_REFRESH") == "off":  # the tests' throwaway stores
        return None
    command = [sys.executable, "-m", "indicators.radar", "--refresh"]
    if store_dir is not None:
        command += ["--store", str(store_dir)]
    try:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: os.nice(10),  # noqa: PLW1509 (no threads are started between fork and exec)
        )
    except OSError as exc:
        log.warning("radar refresh not started: %s", exc)
        return None


def load_backtest(store_dir: Path | None = None) -> pd.DataFrame:
    path = (store_dir or processed_dir()) / BACKTEST_FILE
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def backtest_table(store_dir: Path | None = None) -> pd.DataFrame:
    """What the page says of each kind: the stored backtest (écarts, ruptures) and the horizons replayed on
    the track record's need projections (backtest.horizon_summary; none when the store has no track record)."""
    from indicators.core.paths import TRACK_RECORD_FILES

    need_paths = (store_dir or processed_dir()) / TRACK_RECORD_FILES[-1]
    horizons = backtest.horizon_summary(pd.read_parquet(need_paths)) if need_paths.exists() else pd.DataFrame()
    return pd.concat([load_backtest(store_dir), horizons], ignore_index=True)
