"""Rows of a big table read through a cached index of its Parquet footer (issue 29).

DuckDB plans and scans a file row group by row group: on the 35 M-row store (1 100 groups in the main file,
4 300 in its territory copy) that overhead alone is ~0.1 s of CPU per query even when the statistics leave one or
two groups to read, more than a profile's 50 ms. Here a file's footer is read once (kept while its size and
mtime hold) with each row group's min and max of the key columns; a question reads only the row groups whose
ranges can hold what it asks (pyarrow, page checksums verified), then filters them exactly.

Used by indicators/storage/query.py for a territory's rows (the territory copy, layout.copy_path, after
``paired_copy`` checked it pairs with the main file: same pair id, same row count) and for one indicator-year
of a big table (its main file, year-major: layout.YEAR_SORT); the query layer falls back to DuckDB on the main
file if anything here fails.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indicators.core import layout

log = logging.getLogger(__name__)
INDEXED = ("territory_level", "territory_code", "indicator_id", "year")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Range:
    low: np.ndarray  # per row group: the column's min (object array)
    high: np.ndarray  # its max
    unknown: np.ndarray  # True where the group has no statistics (always read)


@dataclass(frozen=True)
class Footer:
    key: tuple[int, int]
    metadata: pq.FileMetaData
    ranges: dict[str, _Range]

    @property
    def rows(self) -> int:
        return self.metadata.num_rows


_FOOTERS: dict[Path, Footer] = {}


def footer(path: Path) -> Footer:
    """The footer of ``path`` and its index (read once while the file's size and mtime hold)."""
    path = Path(path)
    stat = path.stat()
    key = (stat.st_size, stat.st_mtime_ns)
    found = _FOOTERS.get(path)
    if found is not None and found.key == key:
        return found
    metadata = pq.read_metadata(path)
    names = metadata.schema.to_arrow_schema().names
    ranges = {}
    for column in INDEXED:
        index = names.index(column)
        low, high, unknown = [], [], []
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(index).statistics
            known = stats is not None and stats.has_min_max
            unknown.append(not known)
            low.append(stats.min if known else None)
            high.append(stats.max if known else None)
        ranges[column] = _Range(np.array(low, dtype=object), np.array(high, dtype=object), np.array(unknown))
    result = Footer(key, metadata, ranges)
    with _LOCK:
        _FOOTERS[path] = result
    return result


def _groups(index: Footer, where: dict[str, list]) -> list[int]:
    """The row groups whose ranges can hold, for every indexed column of ``where``, one of its values."""
    chosen = np.ones(index.metadata.num_row_groups, dtype=bool)
    for column, values in where.items():
        if column not in index.ranges:
            continue
        found = index.ranges[column]
        hit, known = found.unknown.copy(), ~found.unknown
        low, high = found.low[known], found.high[known]
        for value in values:
            hit[known] |= (low <= value) & (value <= high)
        chosen &= hit
    return [int(g) for g in np.flatnonzero(chosen)]


def select(path: Path, where: dict[str, list | None], columns: list[str]) -> pd.DataFrame:
    """``columns`` of the rows of ``path`` whose value is in ``where[column]`` for every column given (None: no
    filter on it), in file order."""
    path = Path(path)
    where = {c: ([v] if isinstance(v, str) else list(v)) for c, v in where.items() if v is not None}
    index = footer(path)
    wanted = list(dict.fromkeys([*columns, *where]))
    groups = _groups(index, where)
    file = pq.ParquetFile(path, metadata=index.metadata, page_checksum_verification=True)
    table = file.read_row_groups(groups, columns=wanted) if groups else file.schema_arrow.empty_table()
    mask = pa.array(np.ones(table.num_rows, dtype=bool))
    for column, values in where.items():
        value_set = pa.array(values, type=table.schema.field(column).type)
        mask = pc.and_(mask, pc.is_in(table[column], value_set=value_set))
    return table.filter(mask).select(columns).to_pandas()


_COPIES: dict[Path, tuple[tuple, bool]] = {}


def _stat_key(*paths: Path) -> tuple | None:
    try:
        return tuple((p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    except FileNotFoundError:
        return None


def paired_copy(path: Path) -> Path | None:
    """The territory-major copy of the table at ``path`` when it holds the same rows: present, its footer
    readable, its pair id and row count the main file's (remembered while both files' size and mtime hold).
    None otherwise: the main file answers (a stale or damaged copy is logged once)."""
    copy = layout.copy_path(path)
    key = _stat_key(path, copy)
    if key is None:
        return None
    known = _COPIES.get(copy)
    if known is not None and known[0] == key:
        return copy if known[1] else None
    good = _pairs_with(path, copy)
    _COPIES[copy] = (key, good)
    return copy if good else None


def _pairs_with(path: Path, copy: Path) -> bool:
    try:
        main_meta, copy_meta = pq.read_metadata(path), pq.read_metadata(copy)
    except Exception as exc:  # noqa: BLE001 (pyarrow raises ArrowInvalid, OSError...)
        log.error("%s: unreadable territory copy, the main file answers (%s)", copy, exc)
        return False
    pair = (main_meta.metadata or {}).get(layout.PAIR_KEY)
    if not pair or pair != (copy_meta.metadata or {}).get(layout.PAIR_KEY) or main_meta.num_rows != copy_meta.num_rows:
        log.warning("%s: not the copy of %s (stale), the main file answers", copy, path)
        return False
    return True


def set_aside(path: Path, copy: Path) -> None:
    """Stop using ``copy`` (a read of it failed) until it or ``path`` is rewritten."""
    _COPIES[copy] = (_stat_key(path, copy), False)
