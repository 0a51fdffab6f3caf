"""Issue 29: the synthetic 35 M-row store's queries beside plain DuckDB running the same SQL with a fresh
connection and no metadata cache (the issue's baseline), on the file laid out for that question: the territory
copy for a profile or a series (layout.copy_path), the main file (year-major) for an indicator-year. (On the
main file a profile's plain SQL takes seconds: that file is no longer sorted for it.) bench_scale's child process
times them (``run.timed``) once the store is built. Budgets: a profile under 50 ms, an indicator-year under
200 ms."""

from __future__ import annotations

from pathlib import Path

from tests.benchmarks.run import Entry

CODE = "38185"
INDICATOR = "synthetic_17"
PROFILE_SQL = (
    "SELECT indicator_id, year, value, source_id FROM read_parquet(?) WHERE territory_level = 'commune'"
    " AND territory_code = ? AND variant = 'observed' ORDER BY indicator_id, year"
)
SERIES_SQL = (
    "SELECT year, value FROM read_parquet(?) WHERE territory_level = 'commune' AND indicator_id = 'synthetic_17'"
    " AND territory_code = ? AND variant = 'observed' ORDER BY year"
)
YEAR_SQL = (
    "SELECT territory_code, value, source_id FROM read_parquet(?) WHERE territory_level = 'commune'"
    " AND indicator_id = ? AND year = 2015 AND variant = 'observed' ORDER BY territory_code"
)


def _plain(sql: str, path: Path, key: str):
    import duckdb

    return lambda: duckdb.connect().execute(sql, [str(path), key]).df()


def entries(path: Path, repeat: int = 9) -> list[Entry]:
    from indicators.core import layout
    from indicators.storage import query

    baseline = "plain DuckDB, same SQL"
    copy = layout.copy_path(path)
    return [
        Entry(
            29,
            "scale: one commune's profile (query.profile_rows)",
            lambda: query.profile_rows(CODE, "commune", path=path),
            _plain(PROFILE_SQL, copy, CODE),
            0.05,
            baseline,
            repeat=repeat,
        ),
        Entry(
            29,
            "scale: one commune's series (query.series)",
            lambda: query.series(INDICATOR, CODE, "commune", path=path),
            _plain(SERIES_SQL, copy, CODE),
            0.05,
            baseline,
            repeat=repeat,
        ),
        Entry(
            29,
            "scale: one indicator-year (query.indicator_year)",
            lambda: query.indicator_year(INDICATOR, 2015, "commune", path=path),
            _plain(YEAR_SQL, path, INDICATOR),
            0.2,
            baseline,
            repeat=repeat,
        ),
    ]
