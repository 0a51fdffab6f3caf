"""Issue 29: the synthetic 35 M-row store's queries beside plain DuckDB running the same SQL on the same file
(a fresh connection, no metadata cache), for bench_scale's child process to run once the store is built:
``[as_measures(measure(e)) for e in entries(path)]``. Budgets: a profile under 50 ms, an indicator-year under
200 ms."""

from __future__ import annotations

from pathlib import Path

from tests.benchmarks.paired import Paired

CODE = "38185"
INDICATOR = "synthetic_17"
PROFILE_SQL = (
    "SELECT indicator_id, year, value, source_id FROM read_parquet(?) WHERE territory_level = 'commune'"
    " AND territory_code = ? AND variant = 'observed' ORDER BY indicator_id, year"
)
YEAR_SQL = (
    "SELECT territory_code, value, source_id FROM read_parquet(?) WHERE territory_level = 'commune'"
    " AND indicator_id = ? AND year = 2015 AND variant = 'observed' ORDER BY territory_code"
)


def _plain(sql: str, path: Path, key: str):
    import duckdb

    return lambda: duckdb.connect().execute(sql, [str(path), key]).df()


def entries(path: Path, repeat: int = 9) -> list[Paired]:
    from indicators.storage import query

    return [
        Paired(
            29,
            "scale: one commune's profile (query.profile_rows)",
            lambda: query.profile_rows(CODE, "commune", path=path),
            "plain DuckDB, same SQL",
            _plain(PROFILE_SQL, path, CODE),
            seconds=0.05,
            repeat=repeat,
        ),
        Paired(
            29,
            "scale: one indicator-year (query.indicator_year)",
            lambda: query.indicator_year(INDICATOR, 2015, "commune", path=path),
            "plain DuckDB, same SQL",
            _plain(YEAR_SQL, path, INDICATOR),
            seconds=0.2,
            repeat=repeat,
        ),
    ]
