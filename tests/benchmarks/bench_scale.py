"""Issue 14: the store at commune scale (35 M rows, synthetic, built in a temporary folder).

The queries run in a fresh process (``python -m tests.benchmarks.bench_scale --child DIR``) so that its
peak memory (ru_maxrss) is the app's, not the builder's. Not part of the test run nor of CI.
"""

from __future__ import annotations

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


def _measure(store_dir: Path) -> dict[str, float]:
    from indicators.storage import query, versions

    path = store_dir / "indicators.parquet"
    one_year = median_of(lambda: query.indicator_year(INDICATOR, 2015, "commune", path=path), repeat=5)
    profile = median_of(lambda: query.profile_rows(CODE, "commune", path=path), repeat=5)
    series = median_of(lambda: query.series(INDICATOR, CODE, "commune", path=path), repeat=5)
    extent = median_of(lambda: query.observed_range(INDICATOR, "commune", path=path), repeat=3)
    versions.token(store_dir)  # the first call may hash once if the manifest is missing
    token = median_of(lambda: versions.token(store_dir), repeat=20)
    assert len(query.indicator_year(INDICATOR, 2015, "commune", path=path)) == 35_000
    assert len(query.profile_rows(CODE, "commune", path=path)) == 50 * 20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return {"one_year": one_year, "profile": profile, "series": series, "range": extent, "token": token, "peak": peak}


def run() -> list[Measure]:
    from indicators.storage import versions
    from tests.benchmarks import synthetic_store

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp)
        start = time.perf_counter()
        synthetic_store.build(store_dir / "indicators.parquet")
        built = time.perf_counter() - start
        versions.record_base(store_dir)
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_scale", "--child", str(store_dir)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    return [
        Measure(14, "scale: build the synthetic 35 M-row commune store", built, "s", 300.0),
        Measure(14, "scale: one indicator-year, all 35 000 communes", figures["one_year"], "s", 0.2),
        Measure(14, "scale: one commune's profile (50 indicators x 20 y)", figures["profile"], "s", 0.05),
        Measure(14, "scale: one series (one commune, one indicator)", figures["series"], "s", 0.05),
        Measure(14, "scale: observed range of one indicator", figures["range"], "s", 0.2),
        Measure(14, "scale: version token", figures["token"], "s", 0.005),
        Measure(14, "scale: app-process peak memory (queries above)", figures["peak"], "GB", 1.0),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_measure(Path(sys.argv[2]))))
    else:
        for measure in run():
            print(measure)
