"""Issue 6: validate a 1 000 000-row long CSV (< 5 s) and publish it as a new version (< 10 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.publishing import upload_read
from indicators.publishing.upload import parse_upload
from indicators.storage import territories, versions
from tests.benchmarks.run import Measure, median_of
from tests.upload_helpers import copy_store

ROWS = 1_000_000


def long_csv(rows: int = ROWS) -> bytes:
    """A valid tidy file: every (indicator, département, year, variant) key once, ';' and decimal comma."""
    deps = territories.departements()
    codes = deps.loc[deps["zone"].isin(["metro", "drom"]), "code"].tolist()
    indicators = sorted(catalogue.load())
    years = np.arange(1900, 2101)
    per_variant = len(codes) * len(indicators) * len(years)
    keys = pd.MultiIndex.from_product(
        [["observed", "central"], indicators, years, codes],
        names=["variant", "indicator_id", "year", "territory_code"],
    )
    frame = keys[:rows].to_frame(index=False)
    assert len(frame) == rows <= 2 * per_variant
    frame["value"] = np.round(np.random.default_rng(6).uniform(0, 100, rows), 1)
    return frame.to_csv(sep=";", decimal=",", index=False).encode()


def run() -> list[Measure]:
    data = long_csv()
    parsed = parse_upload(data, "bench.csv")

    def validate_new_file():
        upload_read._tables.clear()  # the read is kept per content: a new file is read, then checked
        parse_upload(data, "bench.csv")

    validate = median_of(validate_new_file, repeat=3)
    assert len(parsed.rows) == ROWS
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = copy_store(Path(tmp))
        start = time.perf_counter()
        versions.publish(parsed.rows, "bench", "bench.csv", parsed.sha256, store_dir)
        publish = time.perf_counter() - start
    return [
        Measure(6, f"validate a {ROWS:,}-row long CSV (parse_upload)".replace(",", " "), validate, "s", 5.0),
        Measure(6, f"publish {ROWS:,} rows as a new version".replace(",", " "), publish, "s", 10.0),
    ]


if __name__ == "__main__":
    for measure in run():
        print(measure)
