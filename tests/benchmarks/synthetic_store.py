"""A synthetic store of the commune shape, for the scale bench (never committed, built in a temp folder).

35 000 communes x 50 indicators x 20 years (35 M rows) in the store's own columns and dtypes
(schema.COLUMNS, Arrow large strings, int64 years, float64 values), written with the store's layout
(indicators.core.layout) by streaming blocks, so building it needs a few hundred MB, not the whole table.
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


def _block(codes: list[str], indicators: list[str], rng: np.random.Generator) -> pa.Table:
    """Rows of ``codes`` x ``indicators`` x YEARS, in the layout's order (indicator-major or territory-major)."""
    n_years, n_codes, n_ind = len(YEARS), len(codes), len(indicators)
    code_dict, ind_dict = pa.array(codes, pa.large_string()), pa.array(indicators, pa.large_string())
    code_idx, ind_idx = np.arange(n_codes, dtype="int32"), np.arange(n_ind, dtype="int32")
    if layout.SORT[1] == "indicator_id":  # indicator, code, year
        ind = np.repeat(ind_idx, n_codes * n_years)
        code = np.tile(np.repeat(code_idx, n_years), n_ind)
    else:  # code, indicator, year
        code = np.repeat(code_idx, n_ind * n_years)
        ind = np.tile(np.repeat(ind_idx, n_years), n_codes)
    n = len(code)
    columns = {
        "territory_level": _constant("commune", n),
        "territory_code": pa.DictionaryArray.from_arrays(pa.array(code), code_dict).cast(pa.large_string()),
        "indicator_id": pa.DictionaryArray.from_arrays(pa.array(ind), ind_dict).cast(pa.large_string()),
        "year": pa.array(np.tile(np.asarray(YEARS, dtype="int64"), n_codes * n_ind)),
        "variant": _constant("observed", n),
        "value": pa.array(rng.gamma(2.0, 5.0, n)),
        "source_id": _constant("synthetic", n),
    }
    return pa.table(columns, schema=layout.SCHEMA)


def build(path: Path, communes: int = COMMUNES, indicators: int = INDICATORS) -> Path:
    """Write the synthetic store to ``path`` (one Parquet file in the store's layout); returns it."""
    rng = np.random.default_rng(14)
    codes, ids = commune_codes(communes), indicator_ids(indicators)
    if layout.SORT[1] == "indicator_id":
        blocks = ((codes, [i]) for i in ids)
    else:
        blocks = ((codes[s : s + 1000], ids) for s in range(0, len(codes), 1000))
    with layout.writer(path) as write:
        for block_codes, block_ids in blocks:
            write(_block(block_codes, block_ids, rng))
    return path
