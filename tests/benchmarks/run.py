"""`make bench`: run every tests/benchmarks/bench_*.py and print each figure against its budget.

Each bench module exposes ``run() -> list[Measure]`` and runs in a process of its own: Linux keeps a
process's peak memory (ru_maxrss) across fork and exec, so a module that builds the store in memory must
not raise the peak its successors' probes report. Exit code 1 when a figure is over budget.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
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
        done = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.run", "--module", path.stem],
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            check=True,
            text=True,
        )
        lines = done.stdout.splitlines()
        print("\n".join(lines[:-1]))  # what the module printed on its way
        measures.extend(Measure(**m) for m in json.loads(lines[-1]))
    print(f"{'issue':<6}{'measure':<58}{'value':>12}{'budget':>12}  ")
    for m in measures:
        flag = "ok" if m.ok else "OVER BUDGET"
        print(f"#{m.issue:<5}{m.name:<58}{m.value:>10.3f} {m.unit:<2}{m.budget:>9.3f} {m.unit:<3}{flag}")
    over = [m for m in measures if not m.ok]
    print(f"{len(measures) - len(over)} within budget, {len(over)} over budget")
    return 1 if over else 0


def run_module(name: str) -> None:
    """One bench module, its measures printed as the last line (JSON)."""
    measures = importlib.import_module(f"tests.benchmarks.{name}").run()
    sys.stdout.flush()
    print(json.dumps([dataclasses.asdict(m) for m in measures]))


if __name__ == "__main__" and sys.argv[1:2] == ["--module"]:
    run_module(sys.argv[2])
elif __name__ == "__main__":
    sys.exit(main())
