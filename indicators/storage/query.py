"""Typed queries on the published indicator table: read only what is asked, never load the whole table.

Backed by DuckDB reading the published Parquet file (see indicators/core/layout.py for its layout and
versions.published_path for which file is published). Parquet footers are cached by DuckDB, so a
query prunes row groups on their statistics and reads a few of them: one indicator-year or one
territory's profile stay in milliseconds at commune scale (35 M rows, tests/benchmarks/bench_scale.py).

Every function takes ``store_dir`` (default: data/processed) or ``path`` (a Parquet file in the
store's layout, for the scale bench) and returns plain pandas objects.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from indicators.core.errors import StoreDamaged
from indicators.core.schema import COLUMNS

log = logging.getLogger(__name__)
_DATABASE = None
_LOCK = threading.Lock()
_LOCAL = threading.local()


@dataclass(frozen=True)
class Range:
    """Observed extent of one indicator at one level: years and values (None when it has no rows)."""

    first_year: int | None
    last_year: int | None
    low: float | None
    high: float | None
    territories: int


def _cursor() -> duckdb.DuckDBPyConnection:
    """One cursor per thread (Streamlit sessions run in threads) on one shared in-memory database."""
    global _DATABASE
    cursor = getattr(_LOCAL, "cursor", None)
    if cursor is None:
        with _LOCK:
            if _DATABASE is None:
                _DATABASE = duckdb.connect(config={"threads": 2})
                _DATABASE.execute("SET parquet_metadata_cache = true")
        cursor = _LOCAL.cursor = _DATABASE.cursor()
    return cursor


def _source(store_dir: Path | None, path: Path | None) -> str:
    if path is None:
        from indicators.storage import versions

        path = versions.published_path(store_dir)
    return "read_parquet(" + _quote(str(path)) + ")"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _frame(sql: str, params: list, store_dir: Path | None, path: Path | None) -> pd.DataFrame:
    return _run(sql.format(src=_source(store_dir, path)), params)


def _run(sql: str, params: list) -> pd.DataFrame:
    """Execute; a damaged file gives StoreDamaged (French for the page, DuckDB's words and the path for the log)."""
    try:
        return _cursor().execute(sql, params).df()
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        log.error("store query failed: %s (%s)", exc, sql)
        raise StoreDamaged(
            f"store query failed: {exc}",
            "Les données publiées sont illisibles : un administrateur doit vérifier le store (docs/store-faults.md).",
        ) from exc


def _in(column: str, values, params: list) -> str:
    """``column IN (?, ?, ...)`` for a list of values (``TRUE`` when values is None)."""
    if values is None:
        return "TRUE"
    values = [values] if isinstance(values, str) else list(values)
    if not values:
        return "FALSE"
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def rows(
    indicator_ids=None,
    levels=None,
    codes=None,
    variants=("observed",),
    years=None,
    store_dir: Path | None = None,
    path: Path | None = None,
) -> pd.DataFrame:
    """The tidy rows (schema.COLUMNS) matching every given filter (None = no filter on that column)."""
    params: list = []
    where = " AND ".join(
        [
            _in("territory_level", levels, params),
            _in("indicator_id", indicator_ids, params),
            _in("territory_code", codes, params),
            _in("variant", variants, params),
            _in("year", None if years is None else [int(y) for y in years], params),
        ]
    )
    frame = _frame(f"SELECT {', '.join(COLUMNS)} FROM {{src}} WHERE {where}", params, store_dir, path)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The store's pandas dtypes (str, int64, float64), whatever DuckDB returned."""
    types = {"year": "int64", "value": "float64"}
    for column in frame.columns:
        frame[column] = frame[column].astype(types.get(column, "str"))
    return frame


def series(
    indicator_id: str,
    code: str,
    level: str = "departement",
    variant: str = "observed",
    store_dir: Path | None = None,
    path: Path | None = None,
) -> pd.Series:
    """Values by year of one territory (empty when the store has none)."""
    frame = _frame(
        "SELECT year, value FROM {src} WHERE territory_level = ? AND indicator_id = ? AND territory_code = ?"
        " AND variant = ? ORDER BY year",
        [level, indicator_id, code, variant],
        store_dir,
        path,
    )
    out = pd.Series(frame["value"].to_numpy(dtype="float64"), index=frame["year"].astype("int64"), name="value")
    return out


def indicator_year(
    indicator_id: str,
    year: int,
    level: str = "departement",
    variant: str = "observed",
    store_dir: Path | None = None,
    path: Path | None = None,
) -> pd.DataFrame:
    """territory_code, value, source_id of every territory of ``level`` for one indicator and year."""
    frame = _frame(
        "SELECT territory_code, value, source_id FROM {src} WHERE territory_level = ? AND indicator_id = ?"
        " AND year = ? AND variant = ? ORDER BY territory_code",
        [level, indicator_id, int(year), variant],
        store_dir,
        path,
    )
    return _typed(frame)


def profile_rows(
    code: str,
    level: str = "departement",
    indicator_ids=None,
    variant: str = "observed",
    store_dir: Path | None = None,
    path: Path | None = None,
) -> pd.DataFrame:
    """indicator_id, year, value, source_id: every row of one territory (optionally a few indicators)."""
    params: list = [level, code, variant]
    chosen = _in("indicator_id", indicator_ids, params)
    frame = _frame(
        "SELECT indicator_id, year, value, source_id FROM {src} WHERE territory_level = ? AND territory_code = ?"
        f" AND variant = ? AND {chosen} ORDER BY indicator_id, year",
        params,
        store_dir,
        path,
    )
    return _typed(frame)


def observed_range(
    indicator_id: str, level: str = "departement", store_dir: Path | None = None, path: Path | None = None
) -> Range:
    """First and last year, lowest and highest value, number of territories of one indicator (observed)."""
    frame = _frame(
        "SELECT min(year) AS first_year, max(year) AS last_year, min(value) AS low, max(value) AS high,"
        " count(DISTINCT territory_code) AS n FROM {src}"
        " WHERE territory_level = ? AND indicator_id = ? AND variant = 'observed'",
        [level, indicator_id],
        store_dir,
        path,
    )
    row = frame.iloc[0]
    if not row["n"]:
        return Range(None, None, None, None, 0)
    return Range(int(row["first_year"]), int(row["last_year"]), float(row["low"]), float(row["high"]), int(row["n"]))


def years(
    indicator_id: str, level: str = "departement", store_dir: Path | None = None, path: Path | None = None
) -> list[int]:
    """The years with observed rows of one indicator at one level, ascending."""
    frame = _frame(
        "SELECT DISTINCT year FROM {src} WHERE territory_level = ? AND indicator_id = ? AND variant = 'observed'"
        " ORDER BY year",
        [level, indicator_id],
        store_dir,
        path,
    )
    return [int(y) for y in frame["year"]]


def coverage(level: str = "departement", store_dir: Path | None = None, path: Path | None = None) -> pd.DataFrame:
    """indicator_id, first_year, last_year, territories (distinct codes), best_year_count (most territories
    in one year) of every indicator observed at ``level``."""
    frame = _frame(
        "WITH per_year AS (SELECT indicator_id, year, count(DISTINCT territory_code) AS n FROM {src}"
        " WHERE territory_level = ? AND variant = 'observed' GROUP BY indicator_id, year),"
        " codes AS (SELECT indicator_id, count(DISTINCT territory_code) AS territories FROM {src}"
        " WHERE territory_level = ? AND variant = 'observed' GROUP BY indicator_id)"
        " SELECT p.indicator_id, min(p.year) AS first_year, max(p.year) AS last_year,"
        " any_value(c.territories) AS territories, max(p.n) AS best_year_count"
        " FROM per_year p JOIN codes c USING (indicator_id) GROUP BY p.indicator_id ORDER BY p.indicator_id",
        [level, level],
        store_dir,
        path,
    )
    for column in ("first_year", "last_year", "territories", "best_year_count"):
        frame[column] = frame[column].astype("int64")
    frame["indicator_id"] = frame["indicator_id"].astype("str")
    return frame


def source_years(store_dir: Path | None = None, path: Path | None = None) -> pd.DataFrame:
    """source_id, last_year: the latest observed year credited to each source, any level (freshness)."""
    frame = _frame(
        "SELECT source_id, max(year) AS last_year FROM {src} WHERE variant = 'observed' GROUP BY source_id"
        " ORDER BY source_id",
        [],
        store_dir,
        path,
    )
    frame["last_year"] = frame["last_year"].astype("int64")
    frame["source_id"] = frame["source_id"].astype("str")
    return frame


def versions(store_dir: Path | None = None) -> pd.DataFrame:
    """Every published version, newest first (see versions.history)."""
    from indicators.storage import versions as store_versions

    return store_versions.history(store_dir)


def notes(
    code: str | None = None,
    level: str = "commune",
    indicator_ids=None,
    store_dir: Path | None = None,
) -> pd.DataFrame:
    """The per-value notes of the commune indicators (territory_level, territory_code, indicator_id, year,
    kind, note): ``merged``, ``split`` (a series break), ``frozen`` (Mayotte), ``partial`` (a total
    without some members). See indicators/build/commune_indicators.py. Empty when the store has none."""
    from indicators.core.paths import NOTES_FILE
    from indicators.storage import versions as store_versions

    path = store_versions.table_path(NOTES_FILE, store_dir)  # the published version's (an edition carries its own)
    columns = ["territory_level", "territory_code", "indicator_id", "year", "kind", "note"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    params: list = [level]
    where = " AND ".join(
        ["territory_level = ?", _in("territory_code", code, params), _in("indicator_id", indicator_ids, params)]
    )
    sql = f"SELECT {', '.join(columns)} FROM read_parquet({_quote(str(path))}) WHERE {where}"
    sql += " ORDER BY indicator_id, year, kind"
    return _typed(_run(sql, params))


def staff(codes=None, store_dir: Path | None = None) -> pd.DataFrame:
    """The DREES staff of the départements (territory_code, year, category, value: FTE at 31/12, or headcount
    for assistants familiaux; see indicators/sources/drees_staff.py). Empty when the store has none."""
    from indicators.core.paths import STAFF_FILE, processed_dir

    path = (store_dir or processed_dir()) / STAFF_FILE
    columns = ["territory_code", "year", "category", "value"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    params: list = []
    where = _in("territory_code", codes, params)
    sql = f"SELECT {', '.join(columns)} FROM read_parquet({_quote(str(path))}) WHERE {where} ORDER BY 1, 2, 3"
    frame = _run(sql, params)
    return frame.astype({"territory_code": str, "year": int, "category": str, "value": float})
