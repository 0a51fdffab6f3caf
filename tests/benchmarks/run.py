"""`make bench`: run every tests/benchmarks/bench_*.py and print each figure against its budget and its baseline.

A bench module exposes ``run() -> list[Entry | Measure]``. An ``Entry`` is what is measured and the plain tool
doing the same kind of work (a bare Streamlit page, plain DuckDB, ``read_csv``…): the runner times both,
interleaved, ``repeat`` times in the same run, and reports the **medians**, their ratio and the machine's load,
against an absolute budget and a ratio budget, with the median CPU time of each (what a loaded machine
distorts least). A ``Measure`` is a figure the module computed itself (a payload
size, a browser visit). Each module runs in a process of its own: Linux keeps a process's peak memory
(ru_maxrss) across fork and exec, so a module that builds the store in memory must not raise the peak its
successors' probes report. Exit code 1 when a figure is over budget.

    python -m tests.benchmarks.run                 # every module (the lead's machine, quiet)
    python -m tests.benchmarks.run bench_pages     # some modules by name
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import statistics
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
    value: float  # the median when timed
    unit: str
    budget: float | None  # None: reported, no budget
    baseline: float | None = None  # the baseline's median, same run
    baseline_name: str = ""
    ratio_budget: float | None = None  # value / baseline must stay under it
    load: float | None = None  # 1-minute load average when measured
    cpu: float | None = None  # median CPU seconds of this process per run (robust to the machine's load)
    baseline_cpu: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def ok(self) -> bool:
        within = self.budget is None or self.value <= self.budget
        return within and (self.ratio_budget is None or self.ratio is None or self.ratio <= self.ratio_budget)


@dataclass(frozen=True)
class Entry:
    """One timed figure: ``measure`` and ``baseline`` are called ``repeat`` times each, interleaved."""

    issue: int
    name: str
    measure: Callable[[], object]
    baseline: Callable[[], object] | None
    budget: float | None  # seconds, on the median
    baseline_name: str = ""
    ratio_budget: float | None = None
    repeat: int = 9


def median_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _run_once(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU of this process) seconds of one call."""
    cpu, start = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def timed(entry: Entry) -> Measure:
    """Time an Entry: the measured function and its baseline one after the other, ``repeat`` times. The CPU
    time is this process's: it covers work done in its threads (AppTest's script thread), not in children."""
    load = os.getloadavg()[0]
    values, bases = [], []
    for _ in range(entry.repeat):
        values.append(_run_once(entry.measure))
        if entry.baseline is not None:
            bases.append(_run_once(entry.baseline))
    return Measure(
        entry.issue,
        entry.name,
        statistics.median(v for v, _ in values),
        "s",
        entry.budget,
        statistics.median(b for b, _ in bases) if bases else None,
        entry.baseline_name,
        entry.ratio_budget,
        load,
        statistics.median(c for _, c in values),
        statistics.median(c for _, c in bases) if bases else None,
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def report(measures: list[Measure]) -> str:
    head = (
        f"{'issue':<6}{'measure':<60}{'median':>11}{'baseline, same run':>32}{'ratio':>8}{'budget':>18}  "
        f"{'load':<6}{'CPU (baseline)':<22}"
    )
    lines = [head]
    for m in measures:
        base = f"{m.baseline_name} {_fmt(m.baseline, m.unit)}" if m.baseline is not None else "—"
        ratio = f"{m.ratio:.1f}×" if m.ratio is not None else "—"
        budget = _fmt(m.budget, m.unit) if m.budget is not None else "—"
        budget += f", ≤{m.ratio_budget:g}×" if m.ratio_budget else ""
        flag = "ok" if m.ok else "OVER BUDGET"
        load = f"{m.load:.1f}" if m.load is not None else ""
        cpu = f"{_fmt(m.cpu, m.unit)} ({_fmt(m.baseline_cpu, m.unit)})" if m.cpu is not None else ""
        lines.append(
            f"#{m.issue:<5}{m.name[:59]:<60}{_fmt(m.value, m.unit):>11}{base[-31:]:>32}{ratio:>8}{budget:>18}  "
            f"{load:<6}{cpu:<22}{flag}"
        )
    return "\n".join(lines)


def main(names: list[str]) -> int:
    measures: list[Measure] = []
    paths = sorted(Path(__file__).parent.glob("bench_*.py"))
    start_load = os.getloadavg()
    for path in [p for p in paths if not names or p.stem in names]:
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
    end_load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average (1, 5, 15 min) at start "
        f"{', '.join(f'{x:.1f}' for x in start_load)}, at end {', '.join(f'{x:.1f}' for x in end_load)} "
        "(figures are comparable only on a quiet machine: load below the core count)"
    )
    print(report(measures))
    over = [m for m in measures if not m.ok]
    print(f"{len(measures) - len(over)} within budget, {len(over)} over budget")
    return 1 if over else 0


def run_module(name: str) -> None:
    """One bench module, its measures printed as the last line (JSON)."""
    from tests.benchmarks import run as runner  # the modules' Entry, not this __main__'s copy of the class

    results = importlib.import_module(f"tests.benchmarks.{name}").run()
    measures = [runner.timed(r) if isinstance(r, runner.Entry) else r for r in results]
    sys.stdout.flush()
    print(json.dumps([dataclasses.asdict(m) for m in measures]))


if __name__ == "__main__" and sys.argv[1:2] == ["--module"]:
    run_module(sys.argv[2])
elif __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
