"""Issue 15: the store with the real commune and EPCI data (34 875 communes, 1 255 EPCI).

Full build from raw including the communes, the no-op, and the two queries the commune pages make on
that store: one indicator-year for every commune, one commune's full profile rows (and its notes).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indicators import commune_indicators, pipeline, query
from tests.benchmarks.run import Measure, best_of


def run() -> list[Measure]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        pipeline.run(out_dir=out, force=True)
        full = time.perf_counter() - start
        noop = best_of(lambda: pipeline.run(out_dir=out), repeat=3)
        cli = [sys.executable, "-m", "indicators.pipeline", "--out", str(out)]
        noop_cli = best_of(lambda: subprocess.run(cli, check=True, capture_output=True), repeat=3)
        start = time.perf_counter()
        commune_indicators.build()
        communes_part = time.perf_counter() - start
        year = lambda: query.indicator_year("legal_population", 2023, level="commune", store_dir=out)  # noqa: E731
        assert len(year()) == 34_858
        one_year = best_of(year, repeat=5)
        profile = lambda: query.profile_rows("95585", level="commune", store_dir=out)  # noqa: E731
        assert len(profile()) == 10
        one_profile = best_of(profile, repeat=5)
        notes = best_of(lambda: query.notes("93066", store_dir=out), repeat=5)
    return [
        Measure(15, "full build from raw, communes and EPCI included", full, "s", 120.0),
        Measure(
            15,
            "  commune indicators alone, tarballs already parsed (commune_indicators.build)",
            communes_part,
            "s",
            120.0,
        ),
        Measure(15, "no-op rebuild, in process", noop, "s", 0.5),
        Measure(15, "no-op rebuild, whole command (python -m indicators.pipeline)", noop_cli, "s", 0.5),
        Measure(15, "one indicator-year, all 34 858 communes (query.indicator_year)", one_year * 1000, "ms", 200.0),
        Measure(15, "one commune's full profile rows (query.profile_rows 95585)", one_profile * 1000, "ms", 50.0),
        Measure(15, "one commune's series notes (query.notes 93066)", notes * 1000, "ms", 50.0),
    ]
