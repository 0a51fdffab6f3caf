"""`make bench`: run every tests/benchmarks/bench_*.py and print each figure against its budget.

Each bench module exposes ``run() -> list[Measure]``. Exit code 1 when a figure is over budget.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measure:
    issue: int
    name: str
    value: float
    unit: str
    budget: float

    @property
    def ok(self) -> bool:
        return self.value <= self.budget


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    measures: list[Measure] = []
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        module = importlib.import_module(f"tests.benchmarks.{path.stem}")
        measures.extend(module.run())
    print(f"{'issue':<6}{'measure':<58}{'value':>12}{'budget':>12}  ")
    for m in measures:
        flag = "ok" if m.ok else "OVER BUDGET"
        print(f"#{m.issue:<5}{m.name:<58}{m.value:>10.3f} {m.unit:<2}{m.budget:>9.3f} {m.unit:<3}{flag}")
    over = [m for m in measures if not m.ok]
    print(f"{len(measures) - len(over)} within budget, {len(over)} over budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
