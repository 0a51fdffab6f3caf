"""Rows of a few territories read from the territory-major copy of the published table (layout.copy_path).

DuckDB plans a query per row group of a file: on the 35 M-row copy (4 300 groups) that alone costs more than
the 50 ms a profile may take, whatever the sort. Here the copy's footer is read once (kept while the file's
size and mtime hold) with each row group's min and max territory code; a question about a few territories
reads only the row groups that can hold them (one or two for a commune) with pyarrow, then filters them.
The caller (indicators/storage/query.py) checked that the copy pairs with the main file, and falls back to
DuckDB on the main file if anything here fails.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Footer:
    key: tuple[int, int]
    metadata: pq.FileMetaData
    low: np.ndarray  # per row group: smallest territory_code ("" without statistics)
    high: np.ndarray  # largest territory_code
    unknown: np.ndarray  # True for a row group without statistics (always read)


_FOOTERS: dict[Path, _Footer] = {}


def _footer(path: Path) -> _Footer:
    stat = path.stat()
    key = (stat.st_size, stat.st_mtime_ns)
    found = _FOOTERS.get(path)
    if found is not None and found.key == key:
        return found
    metadata = pq.read_metadata(path)
    column = metadata.schema.to_arrow_schema().get_field_index("territory_code")
    low, high = [], []
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        known = stats is not None and stats.has_min_max
        low.append(stats.min if known else None)
        high.append(stats.max if known else None)
    unknown = np.array([v is None for v in low], dtype=bool)
    low_known = np.array([v or "" for v in low], dtype=object)
    footer = _Footer(key, metadata, low_known, np.array([v or "" for v in high], dtype=object), unknown)
    with _LOCK:
        _FOOTERS[path] = footer
    return footer


def _groups(footer: _Footer, codes: list[str]) -> list[int]:
    """The row groups whose code range can hold one of ``codes`` (a group without statistics always)."""
    chosen = footer.unknown.copy()
    for code in codes:
        chosen |= (footer.low <= code) & (code <= footer.high)
    return [int(g) for g in np.flatnonzero(chosen)]


def _isin(table: pa.Table, column: str, values) -> pa.Array:
    return pc.is_in(table[column], value_set=pa.array(list(values), type=table.schema.field(column).type))


def read(
    path: Path,
    codes: list[str],
    columns: list[str],
    levels=None,
    indicator_ids=None,
    variants=None,
    years=None,
) -> pd.DataFrame:
    """``columns`` of the rows of ``codes`` matching every given filter (None = no filter), in file order."""
    footer = _footer(path)
    wanted = list(dict.fromkeys([*columns, "territory_level", "territory_code", "indicator_id", "variant", "year"]))
    groups = _groups(footer, codes)
    file = pq.ParquetFile(path, metadata=footer.metadata, page_checksum_verification=True)
    table = file.read_row_groups(groups, columns=wanted) if groups else file.schema_arrow.empty_table()
    table = table.select(wanted)
    mask = _isin(table, "territory_code", codes)
    for column, values in (("territory_level", levels), ("indicator_id", indicator_ids), ("variant", variants)):
        if values is not None:
            mask = pc.and_(mask, _isin(table, column, [values] if isinstance(values, str) else values))
    if years is not None:
        mask = pc.and_(mask, _isin(table, "year", [int(y) for y in years]))
    return table.filter(mask).select(columns).to_pandas()
