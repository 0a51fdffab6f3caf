"""Issue 29: validating a 1 M-row upload costs at most 4× reading the same bytes with ``read_csv(dtype=str)``.

Two files: the département long file of bench_upload (101 départements, ';' and decimal comma) and a commune
file (every current commune, 34 875 distinct codes, each checked against the reference lists). The table
cache of the upload module is emptied before each validation: the measure is the first check of a new file.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from tests.benchmarks.run import Entry, report, timed

ROWS = 1_000_000


def commune_csv(rows: int = ROWS) -> bytes:
    """A valid long file of one indicator over every current commune, year after year from 2000."""
    from indicators.storage import reference_codes

    codes = sorted(reference_codes.load().communes)
    years = np.arange(2000, 2000 + rows // len(codes) + 1)
    keys = pd.MultiIndex.from_product(
        [["poverty_rate"], years, codes], names=["indicator_id", "year", "territory_code"]
    )
    frame = keys[:rows].to_frame(index=False)
    frame["value"] = np.round(np.random.default_rng(29).uniform(0, 100, rows), 1)
    return frame.to_csv(sep=";", decimal=",", index=False).encode()


def _validate(data: bytes):
    from indicators.publishing import upload, upload_read

    def run():
        upload_read._tables.clear()  # a new file: read, then checked
        parsed = upload.parse_upload(data, "bench.csv")
        assert len(parsed.rows) == ROWS

    return run


def _read_csv(data: bytes):
    return lambda: pd.read_csv(io.BytesIO(data), sep=";", dtype=str)


def run() -> list[Entry]:
    """Timed by the runner: 5 interleaved pairs, medians, load and CPU time beside each (a loaded machine
    distorts the CPU ratio least)."""
    from tests.benchmarks.bench_upload import long_csv

    files = {"départements": long_csv(), "communes": commune_csv()}
    return [
        Entry(
            29,
            f"validate a 1 M-row {kind} file (parse_upload)",
            _validate(data),
            _read_csv(data),
            None,
            "read_csv(dtype=str)",
            ratio_budget=4.0,
            repeat=5,
        )
        for kind, data in files.items()
    ]


if __name__ == "__main__":
    print(report([timed(entry) for entry in run()]))
