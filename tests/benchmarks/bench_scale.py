"""Issues 14 and 29: the store at commune scale (35 M rows, synthetic, built in a temporary folder).

The store is written in the store's layout: the indicator-major file and its territory-major copy
(indicators/core/layout.py). The queries run in a fresh process (``python -m tests.benchmarks.bench_scale
--child DIR``) so that its peak memory (ru_maxrss) is the app's, not the builder's; the profile, series and
indicator-year are timed beside plain DuckDB running the same SQL on the file laid out for them (store_pairs.py).
Not part of the test run nor of CI.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.run import Measure, median_of

CODE = "38185"
INDICATOR = "synthetic_17"


def _measure(store_dir: Path) -> list[dict]:
    from indicators.storage import query, versions
    from tests.benchmarks import run, store_pairs

    path = store_dir / "indicators.parquet"
    assert query.territory_copy(path) is not None, "the synthetic store has no sound territory copy"
    paired = [run.timed(entry) for entry in store_pairs.entries(path)]
    extent = median_of(lambda: query.observed_range(INDICATOR, "commune", path=path), repeat=3)
    versions.token(store_dir)  # the first call may hash once if the manifest is missing
    token = median_of(lambda: versions.token(store_dir), repeat=20)
    assert len(query.indicator_year(INDICATOR, 2015, "commune", path=path)) == 35_000
    assert len(query.profile_rows(CODE, "commune", path=path)) == 50 * 20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return [dataclasses.asdict(m) for m in paired] + [
        dataclasses.asdict(m)
        for m in (
            Measure(14, "scale: observed range of one indicator", extent, "s", 0.2),
            Measure(14, "scale: version token", token, "s", 0.005),
            Measure(14, "scale: app-process peak memory (queries above)", peak, "GB", 1.0),
        )
    ]


def run() -> list[Measure]:
    from indicators.core import layout
    from indicators.storage import versions
    from tests.benchmarks import synthetic_store

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp)
        start = time.perf_counter()
        synthetic_store.build(store_dir / "indicators.parquet")
        built = time.perf_counter() - start
        versions.record_base(store_dir)
        sizes = [(store_dir / name).stat().st_size / 1e6 for name in ("indicators.parquet",)]
        sizes.append(layout.copy_path(store_dir / "indicators.parquet").stat().st_size / 1e6)
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_scale", "--child", str(store_dir)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = [Measure(**m) for m in json.loads(out.stdout.strip().splitlines()[-1])]
    return [
        Measure(14, "scale: build the synthetic 35 M-row commune store (both layouts)", built, "s", 300.0),
        Measure(29, "scale: main file (year-major) on disk", sizes[0], "MB", None),
        Measure(29, "scale: territory-major copy on disk", sizes[1], "MB", None),
        *figures,
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_measure(Path(sys.argv[2]))))
    else:
        from tests.benchmarks.run import report

        print(report(run()))
