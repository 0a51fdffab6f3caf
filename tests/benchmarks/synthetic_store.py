"""A synthetic store of the commune shape, for the scale bench (never committed, built in a temp folder).

35 000 communes x 50 indicators x 20 years (35 M rows) in the store's own columns and dtypes
(schema.COLUMNS, Arrow large strings, int64 years, float64 values), written with the store's layout
(indicators.core.layout: the indicator-major file and, the table being big, its territory-major copy with the
same pair id) by streaming blocks, so building it needs a few hundred MB, not the whole table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from indicators.core import layout

COMMUNES = 35_000
INDICATORS = 50
YEARS = tuple(range(2004, 2024))


def commune_codes(n: int = COMMUNES) -> list[str]:
    """n valid 5-character INSEE commune codes, in sorted order (Corsica 2A/2B and DROM 97x included)."""
    deps = sorted([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"])
    drom = [f"974{i:02d}" for i in range(1, 25)]
    per = -(-(n - len(drom)) // len(deps))
    codes = [f"{d}{i:03d}" for d in deps for i in range(1, per + 1)][: n - len(drom)]
    return sorted(codes + drom)


def indicator_ids(n: int = INDICATORS) -> list[str]:
    return [f"synthetic_{i:02d}" for i in range(n)]


def _constant(value: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype="int32")), pa.array([value])).cast(
        pa.large_string()
    )


def _value(code: np.ndarray, ind: np.ndarray, year: np.ndarray) -> np.ndarray:
    """A value fixed by (code index, indicator index, year), whatever the order the rows are written in (so the
    two layouts hold the same rows); spread like a rate, incompressible like real doubles."""
    key = (code.astype("uint64") * 1_000_003 + ind.astype("uint64")) * 4_099 + year.astype("uint64")
    key = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)
    return key.astype("float64") / float(1 << 53) * 40.0


def _block(codes: list[str], indicators: list[str], order: list[str], first: int = 0) -> pa.Table:
    """Rows of ``codes`` x ``indicators`` x YEARS in ``order`` (indicator-major or territory-major); ``first``:
    the index of codes[0] among all codes (the values depend on it)."""
    n_years, n_codes, n_ind = len(YEARS), len(codes), len(indicators)
    code_dict, ind_dict = pa.array(codes, pa.large_string()), pa.array(indicators, pa.large_string())
    code_idx, ind_idx = np.arange(n_codes, dtype="int32"), np.arange(n_ind, dtype="int32")
    years = np.asarray(YEARS, dtype="int64")
    if order[1:3] == ["indicator_id", "year"]:  # indicator, year, code
        ind = np.repeat(ind_idx, n_years * n_codes)
        year = np.tile(np.repeat(years, n_codes), n_ind)
        code = np.tile(code_idx, n_ind * n_years)
    elif order[1] == "indicator_id":  # indicator, code, year
        ind = np.repeat(ind_idx, n_codes * n_years)
        code = np.tile(np.repeat(code_idx, n_years), n_ind)
        year = np.tile(years, n_codes * n_ind)
    else:  # code, indicator, year
        code = np.repeat(code_idx, n_ind * n_years)
        ind = np.tile(np.repeat(ind_idx, n_years), n_codes)
        year = np.tile(years, n_codes * n_ind)
    n = len(code)
    ind_global = np.asarray([int(i.rsplit("_", 1)[1]) for i in indicators])[ind]
    columns = {
        "territory_level": _constant("commune", n),
        "territory_code": pa.DictionaryArray.from_arrays(pa.array(code), code_dict).cast(pa.large_string()),
        "indicator_id": pa.DictionaryArray.from_arrays(pa.array(ind), ind_dict).cast(pa.large_string()),
        "year": pa.array(year),
        "variant": _constant("observed", n),
        "value": pa.array(_value(code + first, ind_global, year)),
        "source_id": _constant("synthetic", n),
    }
    return pa.table(columns, schema=layout.SCHEMA)


def build(path: Path, communes: int = COMMUNES, indicators: int = INDICATORS) -> Path:
    """Write the synthetic store to ``path`` (one Parquet file in the store's layout, and its territory copy
    when the table reaches layout.COPY_MIN_ROWS); returns it."""
    codes, ids = commune_codes(communes), indicator_ids(indicators)
    path.parent.mkdir(parents=True, exist_ok=True)
    pair, rows = layout.new_pair(), len(codes) * len(ids) * len(YEARS)
    if layout.wants_copy(rows):
        with layout.writer(layout.copy_path(path), pair, layout.TERRITORY_ROW_GROUP) as write:
            for s in range(0, len(codes), 1000):
                write(_block(codes[s : s + 1000], ids, layout.TERRITORY_SORT, s))
    else:
        layout.copy_path(path).unlink(missing_ok=True)
    with layout.writer(path, pair) as write:
        for i in ids:
            write(_block(codes, [i], layout.main_sort(rows)))
    return path
