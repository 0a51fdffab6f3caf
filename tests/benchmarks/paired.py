"""A measure beside its baseline (issue 29): both timed in the same run, interleaved, reported as medians.

Each entry names what is measured, the baseline it is compared with and its budgets: at most ``ratio`` times
the baseline's median and at most ``seconds`` (either may be None). ``measure`` runs the pairs; ``as_measures``
turns the result into the bench runner's Measure lines (the median, then the ratio), for tests/benchmarks/run.py.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.benchmarks.run import Measure


@dataclass(frozen=True)
class Paired:
    issue: int
    name: str
    measured: Callable[[], object]
    baseline_name: str
    baseline: Callable[[], object]
    ratio: float | None = None  # budget: median(measured) / median(baseline)
    seconds: float | None = None  # budget: median(measured)
    repeat: int = 5


@dataclass(frozen=True)
class Result:
    entry: Paired
    measured: list[float]
    baseline: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.measured)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def ratio(self) -> float:
        return self.median / self.baseline_median


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(entry: Paired, warmup: bool = True) -> Result:
    """``entry.repeat`` interleaved pairs (baseline, measured), after one untimed call of each."""
    if warmup:
        entry.baseline()
        entry.measured()
    measured, baseline = [], []
    for _ in range(entry.repeat):
        baseline.append(_timed(entry.baseline))
        measured.append(_timed(entry.measured))
    return Result(entry, measured, baseline)


def as_measures(result: Result) -> list[Measure]:
    entry = result.entry
    out = [Measure(entry.issue, f"{entry.name} (median)", result.median, "s", entry.seconds or float("inf"))]
    out.append(
        Measure(entry.issue, f"  baseline: {entry.baseline_name} (median)", result.baseline_median, "s", float("inf"))
    )
    if entry.ratio is not None:
        out.append(Measure(entry.issue, f"  {entry.name} / baseline", result.ratio, "x", entry.ratio))
    return out
