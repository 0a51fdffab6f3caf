"""Issue 30: where the scaled mode keeps the served rows, and what its PostgreSQL side costs.

Served rows, both ways, on the real store (``make data``; ~1 M rows): the version's Parquet snapshot on the
shared folder (what the embedded store serves, read with pyarrow / DuckDB as the pages do) against the same
rows in a PostgreSQL table read into Arrow (ADBC's COPY-binary driver, the fastest path there is; psycopg
rows for comparison). Then the catalogue side on the fixture store: a publish (embedded vs PostgreSQL) and
the delay from a publish's commit to another connection's watcher seeing it (LISTEN/NOTIFY; budget 5 s).

Needs a PostgreSQL server (tests/pg_server.py starts one; RADAR_TEST_DATABASE_URL names one). Run alone:
``.venv/bin/python -m tests.benchmarks.bench_scaled_store``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from indicators.core.paths import INDICATORS_FILE, processed_dir
from indicators.core.schema import COLUMNS
from tests.benchmarks.run import Measure, median_of

ONE = "poverty_rate"  # one indicator's rows: what a page asks


def _load_table(url: str, table: pa.Table) -> None:
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(url) as conn, conn.cursor() as cur:
        cur.adbc_ingest("served_rows", table, mode="replace")
        cur.execute("CREATE INDEX ON served_rows (indicator_id)")
        conn.commit()


def _read_adbc(url: str, sql: str) -> pa.Table:
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetch_arrow_table()


def _read_psycopg(url: str, sql: str) -> pa.Table:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(sql).fetchall()
    return pa.Table.from_pylist([dict(zip(COLUMNS, row, strict=True)) for row in rows])


def served_rows(url: str, base: Path) -> list[Measure]:
    table = pq.read_table(base)
    _load_table(url, table.select(COLUMNS))
    where = f"WHERE indicator_id = '{ONE}'"
    parquet_all = median_of(lambda: pq.read_table(base), repeat=5)
    pg_all = median_of(lambda: _read_adbc(url, f"SELECT {', '.join(COLUMNS)} FROM served_rows"), repeat=3)
    parquet_one = median_of(
        lambda: duckdb.sql(f"SELECT * FROM read_parquet('{base}') {where}").arrow(), repeat=5
    )  # the query layer's way
    pg_one = median_of(lambda: _read_adbc(url, f"SELECT {', '.join(COLUMNS)} FROM served_rows {where}"), repeat=5)
    psycopg_one = median_of(lambda: _read_psycopg(url, f"SELECT {', '.join(COLUMNS)} FROM served_rows {where}"), 5)
    rows = table.num_rows
    return [  # the ratios are the decision: above 1, PostgreSQL tables would serve faster than snapshots
        Measure(30, f"served table ({rows} rows) from the Parquet snapshot (pyarrow)", parquet_all, "s", 3.0),
        Measure(30, "same table from PostgreSQL into Arrow (ADBC, COPY binary)", pg_all, "s", 30.0),
        Measure(30, "ratio Parquet / PostgreSQL, whole table", parquet_all / pg_all, "x", 1.0),
        Measure(30, f"one indicator ({ONE}) from the snapshot (DuckDB, as query.py)", parquet_one, "s", 0.5),
        Measure(30, "one indicator from PostgreSQL (indexed, ADBC)", pg_one, "s", 2.0),
        Measure(30, "one indicator from PostgreSQL (indexed, psycopg rows)", psycopg_one, "s", 2.0),
        Measure(30, "ratio Parquet / best PostgreSQL, one indicator", parquet_one / min(pg_one, psycopg_one), "x", 1.0),
    ]


def catalogue_side(server) -> list[Measure]:
    from indicators.storage import pg_versions, store, versions
    from tests import fixture_store

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        fixture = fixture_store.write(Path(tmp) / "fixture")
        table = store.load_indicators(fixture)
        rows = table[(table["indicator_id"] == ONE) & (table["territory_level"] == "departement")].assign(value=1.0)
        timings = {}
        for name in ("embedded", "postgres"):
            copy = Path(shutil.copytree(fixture, Path(tmp) / name))
            os.environ["RADAR_DATA_DIR"] = str(copy)
            schema, url = server.new_schema()
            if name == "postgres":
                os.environ["RADAR_DATABASE_URL"] = url
            else:
                os.environ.pop("RADAR_DATABASE_URL", None)
            counter = iter(range(1, 100))
            timings[name] = median_of(
                lambda c=counter: versions.publish(rows.assign(value=float(next(c))), "b", "b.csv", "b"),
                repeat=5,
            )
            if name == "postgres":
                out.append(Measure(30, "publish to seen by another connection (NOTIFY)", _notify_delay(url), "s", 5.0))
                pg_versions.forget(url)
            server.drop_schema(schema)
        os.environ.pop("RADAR_DATABASE_URL", None)
    out[:0] = [
        Measure(30, "publish (fixture store, embedded: files, flock)", timings["embedded"], "s", 2.0),
        Measure(30, "publish (fixture store, PostgreSQL catalogue)", timings["postgres"], "s", 2.0),
    ]
    return out


def _notify_delay(url: str) -> float:
    """Worst of 10: a commit that moves radar_current and NOTIFYs, until a Watcher (as in a replica) has it."""
    import psycopg

    from indicators.storage import pg_versions

    watcher = pg_versions.Watcher(url)
    watcher.start()
    watcher.ready.wait(10)
    worst = 0.0
    with psycopg.connect(url, autocommit=True) as conn:
        channel = pg_versions.channel(conn)
        for version in range(1000, 1010):
            start = time.perf_counter()
            with conn.transaction():
                conn.execute("UPDATE radar_current SET version = %s", (version,))
                conn.execute("SELECT pg_notify(%s, %s)", (channel, str(version)))
            while watcher.version != version:
                time.sleep(0.0005)
            worst = max(worst, time.perf_counter() - start)
    watcher.stopping = True
    watcher.join(5)
    return worst


def run() -> list[Measure]:
    from tests import pg_server

    server = pg_server.start()
    try:
        base = processed_dir() / INDICATORS_FILE
        return served_rows(server.url, base) + catalogue_side(server)
    finally:
        server.shutdown()


if __name__ == "__main__":
    for measure in run():
        print(f"{measure.name:70s} {measure.value:10.4f} {measure.unit}  (budget {measure.budget})")
