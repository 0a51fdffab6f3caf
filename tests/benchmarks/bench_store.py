"""Issues 2 and 15: full build from raw (communes and EPCI included), no-op rebuild, loading the store.

One build, reported against both issues' budgets."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from indicators.build import pipeline
from indicators.storage import store
from tests.benchmarks.run import Measure, median_of


def run() -> list[Measure]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        pipeline.run(out_dir=out, force=True)
        full = time.perf_counter() - start
        noop = median_of(lambda: pipeline.run(out_dir=out), repeat=3)
        load = median_of(lambda: store.load_indicators(out), repeat=5)
    noop_cli = run_cli_noop()
    return [
        Measure(2, "full build from raw (python -m indicators.pipeline --force)", full, "s", 60.0),
        Measure(2, "no-op rebuild, in process (inputs unchanged)", noop, "s", 1.0),
        Measure(2, "no-op rebuild, whole command (python -m indicators.pipeline)", noop_cli, "s", 1.0),
        Measure(2, "load the store for the app (indicators.parquet)", load, "s", 0.3),
        Measure(15, "full build from raw, communes and EPCI included (same build)", full, "s", 120.0),
        Measure(15, "no-op rebuild, whole command (same)", noop_cli, "s", 0.5),
    ]


def run_cli_noop() -> float:
    """The no-op as a user runs it: a whole `python -m indicators.pipeline` process."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "indicators.pipeline"], check=True, capture_output=True)
    return median_of(
        lambda: subprocess.run([sys.executable, "-m", "indicators.pipeline"], check=True, capture_output=True), repeat=3
    )
