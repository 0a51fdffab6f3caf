"""The on-disk layout of the published indicator table (chosen by measurement, see tests/benchmarks/bench_scale.py).

One Parquet file per published version, rows sorted by (territory_level, indicator_id, territory_code,
year, variant) in row groups of ROW_GROUP rows, with min/max statistics on every column. A query for
one indicator-year reads the few row groups of that indicator; a territory's profile reads, for each
indicator, the one row group holding that code: both prune on statistics and never read the whole file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SORT = ["territory_level", "indicator_id", "territory_code", "year", "variant"]
ROW_GROUP = 32_768
SCHEMA = pa.schema(
    [
        ("territory_level", pa.large_string()),
        ("territory_code", pa.large_string()),
        ("indicator_id", pa.large_string()),
        ("year", pa.int64()),
        ("variant", pa.large_string()),
        ("value", pa.float64()),
        ("source_id", pa.large_string()),
    ]
)


@contextlib.contextmanager
def writer(path: Path) -> Iterator[Callable[[pa.Table], None]]:
    """Stream already-sorted Arrow blocks to ``path`` (written as a temporary file, renamed when complete)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with pq.ParquetWriter(tmp, SCHEMA, compression="zstd", write_statistics=True) as out:
            yield lambda block: out.write_table(block, row_group_size=ROW_GROUP)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write the tidy table to ``path`` in the store's layout (atomically: temporary file, then rename)."""
    ordered = frame.sort_values(SORT, kind="stable").reset_index(drop=True)
    table = pa.Table.from_pandas(ordered[SCHEMA.names], schema=SCHEMA, preserve_index=False)
    with writer(path) as out:
        out(table)
