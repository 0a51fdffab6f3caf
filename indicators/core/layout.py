"""The on-disk layout of the published indicator table (chosen by measurement, see tests/benchmarks/bench_scale.py).

One Parquet file per published version, rows sorted by (territory_level, indicator_id, territory_code,
year, variant) in row groups of ROW_GROUP rows, with min/max statistics on every column. A query for
one indicator-year reads the few row groups of that indicator.

A big table (at least COPY_MIN_ROWS rows: the commune scale, issue 29) gets a second copy of the same rows
beside it, ``by-territory.<name>``, sorted territory-major (TERRITORY_SORT) in row groups of
TERRITORY_ROW_GROUP rows: one territory's profile reads the one row group holding it instead of one
group per indicator (0.9 s -> 50 ms on 35 M rows at load 12). Its main file, relieved of the profiles, is
sorted year before territory (YEAR_SORT): one indicator-year is one or two row groups, not every group of the
indicator. Both files carry the same ``radar.pair`` id in their
Parquet footer; the query layer (indicators/storage/query.py) uses the copy only when its id is the main
file's, so a stale, missing or damaged copy costs speed (the main file answers), never a wrong row.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SORT = ["territory_level", "indicator_id", "territory_code", "year", "variant"]
YEAR_SORT = ["territory_level", "indicator_id", "year", "territory_code", "variant"]  # a big table's main file
TERRITORY_SORT = ["territory_level", "territory_code", "indicator_id", "year", "variant"]
ROW_GROUP = 32_768
TERRITORY_ROW_GROUP = 8_192
COPY_MIN_ROWS = 2_000_000  # below it one profile already reads few groups: no second copy (see bench_scale)
COPY_PREFIX = "by-territory."
PAIR_KEY = b"radar.pair"
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


def copy_path(path: Path) -> Path:
    """Where the territory-major copy of the table at ``path`` lives (``by-territory.indicators.parquet``)."""
    path = Path(path)
    return path.with_name(COPY_PREFIX + path.name)


def new_pair() -> str:
    return uuid.uuid4().hex


def pair_of(path: Path) -> str | None:
    """The pair id written in a file's footer (None: none, or unreadable)."""
    try:
        metadata = pq.read_metadata(path).metadata or {}
    except Exception:  # noqa: BLE001 (pyarrow raises ArrowInvalid, OSError...)
        return None
    value = metadata.get(PAIR_KEY)
    return value.decode("ascii", "replace") if value else None


@contextlib.contextmanager
def writer(path: Path, pair: str | None = None, row_group: int = ROW_GROUP) -> Iterator[Callable[[pa.Table], None]]:
    """Stream already-sorted Arrow blocks to ``path`` (written as a temporary file, renamed when complete);
    ``pair``: the id tying a main file and its territory copy. Every page carries a CRC (a reader that checks
    them, like indicators/storage/footer_index.py, refuses a damaged page instead of returning its bytes)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    schema = SCHEMA.with_metadata({PAIR_KEY: pair.encode("ascii")}) if pair else SCHEMA
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd", write_statistics=True, write_page_checksum=True) as out:
            yield lambda block: out.write_table(block, row_group_size=row_group)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def wants_copy(rows: int) -> bool:
    return rows >= COPY_MIN_ROWS


def main_sort(rows: int) -> list[str]:
    """The main file's order: YEAR_SORT when a territory copy serves the profiles, else SORT."""
    return YEAR_SORT if wants_copy(rows) else SORT


def write(frame: pd.DataFrame, path: Path, final: Path | None = None) -> None:
    """Write the tidy table to ``path`` in the store's layout (atomically: temporary file, then rename), and
    its territory copy when the table is big enough (beside ``final``, where ``path`` will be renamed to, when
    the caller writes a temporary file first). The copy is written first: a process killed between the two
    leaves a copy whose pair id the main file does not carry (ignored by the queries)."""
    pair = new_pair()
    target = copy_path(final or path)
    big = wants_copy(len(frame))
    if big:
        write_copy(frame, target, pair)
    else:
        target.unlink(missing_ok=True)  # a copy left by a bigger table of the same name
    ordered = frame.sort_values(main_sort(len(frame)), kind="stable").reset_index(drop=True)
    table = pa.Table.from_pandas(ordered[SCHEMA.names], schema=SCHEMA, preserve_index=False)
    with writer(path, pair) as out:
        out(table)


def write_copy(frame: pd.DataFrame, target: Path, pair: str) -> None:
    """Write the territory-major copy of ``frame`` to ``target`` with the main file's ``pair`` id."""
    by_territory = frame.sort_values(TERRITORY_SORT, kind="stable").reset_index(drop=True)
    with writer(target, pair, TERRITORY_ROW_GROUP) as out:
        out(pa.Table.from_pandas(by_territory[SCHEMA.names], schema=SCHEMA, preserve_index=False))
