"""Issue 30: the app's replicas behind nginx under simulated users (`make bench-cluster`, ~12 min; not in
`make bench`, whose modules take seconds each).

One run, one cluster of 2 replicas (ops/cluster.py) on a copy of the store, both warmed first (each page the
users open once, the profile of each of their départements). A page still cold for another département is
paid by the first run that opens it: the 30-user run comes before the single user's, so that this cost
falls on the loaded run, not on the reference.
Then, with the load generator (ops/load.py, Streamlit's own protocol):
- 30 users with 10 s think time on 2 replicas, then a single user alone (the reference p95), then 30 users
  on 1 (every user given a sticky cookie the proxy hashes to replica 0: the same proxy, the same warm
  replica, the other one idle);
- saturation: users without think time on 1 replica, then on 2: rendered pages per second.
Memory (RSS) of each replica is sampled every 2 s during each run. The figures go to
artifacts/bench-cluster.json; the budgets are the issue's, as ratios taken in this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import threading
import time
from pathlib import Path

from ops.cluster import STICKY_COOKIE, Cluster, stop_on_sigterm
from ops.load import Report, run_load, warm_up
from tests.benchmarks.run import Measure

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artifacts" / "bench-cluster.json"


class MemorySampler:
    """RSS of each replica every ``every`` seconds while the ``with`` block runs."""

    def __init__(self, cluster: Cluster, every: float = 2.0):
        self.cluster, self.every, self.samples = cluster, every, []
        self._stop = threading.Event()

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self.cluster.rss_mb())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.cluster.rss_mb())
            self._stop.wait(self.every)

    def per_replica(self) -> list[dict]:
        out = []
        for index in range(len(self.cluster.members)):
            values = [s[index] for s in self.samples if s[index] is not None]
            out.append(
                {"start_mb": round(values[0]), "end_mb": round(values[-1]), "max_mb": round(max(values))}
                if values
                else {}
            )
        return out


def _load(cluster: Cluster, users: int, think: float, duration: float, replicas: int, cookies=None) -> dict:
    with MemorySampler(cluster) as memory:
        report: Report = asyncio.run(run_load(cluster.url, users, think, duration, replicas, cookies=cookies))
    row = {**report.summary(), "memory": memory.per_replica()}
    print(f"\n{users} user(s), think {think:g} s, {replicas} replica(s), {report.duration:.0f} s")
    print(report.table())
    print(f"memory per replica (MB): {row['memory']}", flush=True)
    return row


def measure(duration: float = 90.0, saturation_users: int = 6, saturation_s: float = 45.0) -> dict:
    from tests.upload_helpers import copy_store

    figures: dict = {"duration_s": duration}
    with tempfile.TemporaryDirectory(prefix="radar-bench-store-") as tmp:
        store = copy_store(Path(tmp))
        started = time.perf_counter()
        with Cluster(2, env={"RADAR_DATA_DIR": str(store)}) as cluster:
            figures["start_s"] = round(time.perf_counter() - started, 1)
            one = {STICKY_COOKIE: cluster.sticky_for(0)}
            two = {STICKY_COOKIE: cluster.sticky_for(1)}
            started = time.perf_counter()

            async def warm() -> list[int]:
                return await asyncio.gather(warm_up(cluster.url, one), warm_up(cluster.url, two))

            runs = asyncio.run(warm())
            figures["warm_up"] = {"seconds": round(time.perf_counter() - started, 1), "pages": runs}
            print(f"cluster up in {figures['start_s']} s; warm-up {figures['warm_up']}", flush=True)
            figures["rss_after_warm_up_mb"] = [round(m or 0) for m in cluster.rss_mb()]
            rows = figures["rows"] = {}
            rows["30x2"] = _load(cluster, 30, 10.0, duration, 2)
            rows["1x2"] = _load(cluster, 1, 1.0, min(duration, 60), 2)  # after: on caches at least as warm
            rows["30x1"] = _load(cluster, 30, 10.0, duration, 1, cookies=one)
            rows["sat1"] = _load(cluster, saturation_users, 0.0, saturation_s, 1, cookies=one)
            rows["sat2"] = _load(cluster, saturation_users, 0.0, saturation_s, 2)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return figures


def run(duration: float = 90.0, saturation_s: float = 45.0) -> list[Measure]:
    figures = measure(duration, saturation_s=saturation_s)
    rows = figures["rows"]
    growth = max(
        (m["end_mb"] - m["start_mb"]) for m in rows["30x2"]["memory"] if m
    )  # MB a replica gained over the 30-user run
    # A page that never rendered counts as infinitely slow: with an error the p95 ratio is not a figure.
    loaded = rows["30x2"]["p95_s"] if not rows["30x2"]["errors"] else math.inf
    return [
        Measure(
            30,
            "cluster: p95 30 users x 2 replicas / p95 1 user",
            loaded / rows["1x2"]["p95_s"],
            "x",
            2.0,
        ),
        Measure(30, "cluster: errors, 30 users x 2 replicas", rows["30x2"]["errors"], "", 0),
        Measure(30, "cluster: RSS growth of a replica, 30-user run", growth, "MB", 50.0),
        Measure(
            30,
            "cluster: pages/s at saturation, 2 replicas / 1",
            rows["sat2"]["pages_per_s"] / rows["sat1"]["pages_per_s"],
            "x",
            math.inf,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of each load run")
    parser.add_argument("--saturation", type=float, default=45.0, help="seconds of each saturation run")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    measures = run(args.duration, args.saturation)
    print(f"\n{'issue':<6}{'measure':<52}{'value':>10}{'budget':>10}")
    for m in measures:
        print(
            f"#{m.issue:<5}{m.name:<52}{m.value:>10.2f}{m.budget:>10.2f} {m.unit:<3}{'ok' if m.ok else 'OVER BUDGET'}"
        )
    print(f"figures: {OUT}")
    return 0 if all(m.ok for m in measures) else 1


if __name__ == "__main__":
    sys.exit(main())
