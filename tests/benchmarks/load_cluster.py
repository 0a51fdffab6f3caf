"""Issue 30: the app's replicas behind nginx under simulated users (`make bench-cluster`, ~9 min on a quiet
2-core machine; not in `make bench`, whose modules take seconds each).

One run, one cluster of 2 replicas (ops/cluster.py) on a copy of the store, both warmed first (every page the
users open, for each of their départements). A page still cold for another choice (a pair of
départements to compare) is paid by the first run that opens it: the 30-user run comes before the single
user's, so that this cost falls on the loaded run, not on the reference.
Then, with the load generator (ops/load.py, Streamlit's own protocol), the replicas idle between runs:
- 30 users with 10 s think time on 2 replicas, then a single user alone (the reference p95), then 30 users
  on 1 (every user given a sticky cookie the proxy hashes to replica 0: the same proxy, the same warm
  replica, the other one idle);
- saturation: users without think time on 1 replica, then as many spread evenly on 2: pages per second;
- CPU per action: one session on replica 0, each action in turn, the replica's CPU time per action;
- propagation: a publish committed on the shared store (the code a replica's import page runs), then a
  visitor of each replica opens the compare table of 38 and 93 until it shows the published value.
Memory (RSS) of each replica is sampled every 2 s, CPU time (utime + stime) at the start and end of each run.
The figures go to artifacts/bench-cluster.json and the table to artifacts/bench-cluster.md; the budgets are
the issue's, as ratios taken in this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetState

from ops.cluster import STICKY_COOKIE, Cluster, cpu_seconds, stop_on_sigterm
from ops.load import Report, run_load, warm_up
from ops.streamlit_client import Session
from tests.benchmarks.run import Measure

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artifacts" / "bench-cluster.json"
TABLE = OUT.with_suffix(".md")
POVERTY_ROW = "Taux de pauvreté (%) |"
PUBLISHED = {"38": 12.4, "93": 27.9}  # poverty rate 2021 (the store has 2020: 11,3 and 27,6)


def wait_idle(cluster: Cluster, timeout: float = 90.0) -> float:
    """Wait until no replica uses more than 10 % of a core over a second (a given-up page finishing, a
    background refresh): each run starts on idle replicas. Returns the seconds waited."""
    started = time.perf_counter()
    last = cluster.cpu_seconds()
    while time.perf_counter() - started < timeout:
        time.sleep(1.0)
        now = cluster.cpu_seconds()
        if all(a is None or b is None or b - a < 0.1 for a, b in zip(last, now, strict=True)):
            break
        last = now
    return round(time.perf_counter() - started, 1)


class MemorySampler:
    """RSS of each replica every ``every`` seconds while the ``with`` block runs, and its CPU time used."""

    def __init__(self, cluster: Cluster, every: float = 2.0):
        self.cluster, self.every, self.samples = cluster, every, []
        self._stop = threading.Event()

    def __enter__(self) -> MemorySampler:
        self.cpu_start = self.cluster.cpu_seconds()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self.cluster.rss_mb())
        self.cpu_end = self.cluster.cpu_seconds()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.cluster.rss_mb())
            self._stop.wait(self.every)

    def per_replica(self) -> list[dict]:
        out = []
        for index in range(len(self.cluster.members)):
            values = [s[index] for s in self.samples if s[index] is not None]
            start, end = self.cpu_start[index], self.cpu_end[index]
            out.append(
                {
                    "start_mb": round(values[0]),
                    "end_mb": round(values[-1]),
                    "max_mb": round(max(values)),
                    "cpu_s": round(end - start, 1) if start is not None and end is not None else None,
                }
                if values
                else {}
            )
        return out


def _load(cluster: Cluster, name: str, users: int, think: float, duration: float, replicas: int, cookies=None):
    waited = wait_idle(cluster)
    client = time.process_time()  # the load generator's own CPU: on 2 cores it competes with the replicas
    with MemorySampler(cluster) as memory:
        report: Report = asyncio.run(run_load(cluster.url, users, think, duration, replicas, cookies=cookies))
    client = time.process_time() - client
    replicas_used = memory.per_replica()
    cpu = sum(m.get("cpu_s") or 0 for m in replicas_used)
    pages = len(report.times)
    row = {
        **report.summary(),
        "seconds": round(report.duration, 1),
        "idle_wait_s": waited,
        "memory": replicas_used,
        "cpu_s_per_page": round(cpu / pages, 3) if pages else None,
        "client_cpu_s_per_page": round(client / pages, 3) if pages else None,
        "replicas_busy": [round((m.get("cpu_s") or 0) / report.duration, 2) for m in replicas_used],
        "load_average": round(os.getloadavg()[0], 1),
        "per_action": {a: [round(report.percentile(q, a), 3) for q in (0.5, 0.95)] for a in _actions(report)},
        "error_texts": [f"{e.action}: {e.error[:200]}" for e in report.errors[:10]],
    }
    print(f"\n{name}: {users} user(s), think {think:g} s, {replicas} replica(s), {report.duration:.0f} s")
    print(report.table())
    print(f"replicas (RSS MB, CPU s): {replicas_used}; CPU per page {row['cpu_s_per_page']} s", flush=True)
    return row


def _actions(report: Report) -> list[str]:
    return sorted({s.action for s in report.samples})


PAGES = [("comparer", "deps=38,44"), ("carte", ""), ("scenarios", "dep=44"), ("tendances", "dep=44"), ("radar", "")]


async def _cpu_per_action(cluster: Cluster, sticky: str, rounds: int = 2) -> dict[str, float]:
    """Replica CPU seconds per action, one session alone on the replica (warm caches), mean of ``rounds``."""
    pid = cluster.members[cluster.replica_for(sticky)].process.pid
    spent: dict[str, list[float]] = {}

    async def measure(action: str, call):
        before = cpu_seconds(pid)
        result = await call()
        await asyncio.sleep(0.3)  # the replica sends the last messages after script_finished
        spent.setdefault(action, []).append(cpu_seconds(pid) - before)
        return result

    for _ in range(rounds):
        tab = Session(cluster.url, cookies={STICKY_COOKIE: sticky}, timeout=120)
        await measure("connect", tab.connect)
        await measure("home (new session)", lambda tab=tab: tab.open(""))
        profile = await measure("profile", lambda tab=tab: tab.open("profil", "dep=38"))
        search = profile.widget("profile_search")
        found = await measure("search (type)", lambda tab=tab, s=search: tab.type_text(s, "44"))
        states = (WidgetState(id=search.id, string_value="44"), WidgetState(id=found.widget("profile_search-0").id))
        states[1].trigger_value = True
        await measure("change territory", lambda tab=tab, st=states: tab.set_widgets(*st))
        for page, query in [
            ("comparer", "deps=38,44"),
            ("carte", ""),
            ("scenarios", "dep=44"),
            ("tendances", "dep=44"),
        ]:
            await measure(page, lambda tab=tab, p=page, q=query: tab.open(p, q))
        await measure("radar", lambda tab=tab: tab.open("radar", ""))
        await tab.close()
    return {action: round(sum(values) / len(values), 3) for action, values in spent.items()}


def _propagation(cluster: Cluster, store: Path) -> dict:
    """Publish the 2021 poverty rates of 38 and 93 on the shared store; per replica, seconds from the commit
    (the published version moving, polled every 20 ms) to the compare table showing them (one visitor per
    replica, at once)."""
    from indicators.storage import store as stored
    from indicators.storage import versions

    table = stored.load_indicators(store)
    key = (
        (table["indicator_id"] == "poverty_rate")
        & table["territory_code"].isin(list(PUBLISHED))
        & (table["year"] == 2020)
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    )
    rows = table[key].copy()
    rows["year"] = 2021
    rows["value"] = rows["territory_code"].map(PUBLISHED)
    del table
    sticky = [cluster.sticky_for(i) for i in range(len(cluster.members))]

    async def shown(cookie: str) -> bool:
        async with Session(cluster.url, cookies={STICKY_COOKIE: cookie}, timeout=120) as tab:
            run = await tab.open("comparer", "deps=38,93")
        row = next(t for t in run.texts if t.startswith(POVERTY_ROW))
        return "| 12,4 ·" in row and "| 27,9 ·" in row

    async def served_after(cookie: str, committed: float) -> float:
        """A visitor opens the page again and again until it shows the publish: seconds since the commit."""
        while not await shown(cookie) and time.perf_counter() - committed < 120:
            pass
        return round(time.perf_counter() - committed, 2)

    async def every_replica(committed: float) -> list[float]:
        return await asyncio.gather(*(served_after(cookie, committed) for cookie in sticky))

    async def before_publish() -> list[bool]:  # the page warm on every replica before the publish
        return await asyncio.gather(*(shown(cookie) for cookie in sticky))

    assert not any(asyncio.run(before_publish()))
    before = versions.current(store)
    publisher = threading.Thread(target=versions.publish, args=(rows, "bench", "bench.csv", "b" * 64, store))
    publisher.start()
    while versions.current(store) == before:
        time.sleep(0.02)
    cpu = cluster.cpu_seconds()
    served = {f"replica {i}": s for i, s in enumerate(asyncio.run(every_replica(time.perf_counter())))}
    spent = [round(b - a, 2) for a, b in zip(cpu, cluster.cpu_seconds(), strict=True)]
    publisher.join()
    return served | {f"replica {i} CPU s": s for i, s in enumerate(spent)}


def measure(duration: float = 90.0, saturation_users: int = 16, saturation_s: float = 40.0) -> dict:
    from tests.upload_helpers import copy_store

    figures: dict = {"duration_s": duration, "load_average_start": round(os.getloadavg()[0], 1)}
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="radar-bench-store-") as tmp:
        store = copy_store(Path(tmp))
        started = time.perf_counter()
        with Cluster(2, env={"RADAR_DATA_DIR": str(store)}) as cluster:
            figures["start_s"] = round(time.perf_counter() - started, 1)
            one = {STICKY_COOKIE: cluster.sticky_for(0)}
            two = {STICKY_COOKIE: cluster.sticky_for(1)}
            started = time.perf_counter()

            async def warm() -> list[int]:
                return await asyncio.gather(warm_up(cluster.url, one, full=True), warm_up(cluster.url, two, full=True))

            runs = asyncio.run(warm())
            figures["warm_up"] = {"seconds": round(time.perf_counter() - started, 1), "pages": runs}
            print(f"cluster up in {figures['start_s']} s; warm-up {figures['warm_up']}", flush=True)
            figures["rss_after_warm_up_mb"] = [round(m or 0) for m in cluster.rss_mb()]
            rows = figures["rows"] = {}
            rows["30x2"] = _load(cluster, "30x2", 30, 10.0, duration, 2)
            # The reference, after: on caches at least as warm. One user's page does not depend on the think time: 2 s
            # gives it more pages (a steadier p95) in the same duration.
            rows["1x2"] = _load(cluster, "1x2", 1, 2.0, duration, 2)
            rows["30x1"] = _load(cluster, "30x1", 30, 10.0, duration, 1, cookies=one)
            rows["sat1"] = _load(cluster, "sat1", saturation_users, 0.0, saturation_s, 1, cookies=one)
            rows["sat2"] = _load(cluster, "sat2", saturation_users, 0.0, saturation_s, 2, cookies=[one, two])
            wait_idle(cluster)
            figures["cpu_per_action_s"] = asyncio.run(_cpu_per_action(cluster, one[STICKY_COOKIE]))
            print(f"CPU per action (replica 0, s): {figures['cpu_per_action_s']}", flush=True)
            wait_idle(cluster)
            figures["propagation_s"] = _propagation(cluster, store)
            print(f"publish committed -> compare table served: {figures['propagation_s']}", flush=True)
    figures["total_s"] = round(time.perf_counter() - begun, 1)
    figures["load_average_end"] = round(os.getloadavg()[0], 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    TABLE.write_text(markdown(figures), encoding="utf-8")
    return figures


def _ratio(row: dict, alone: dict) -> float:
    """p95 of a run over the single user's p95; a page that never rendered counts as infinitely slow."""
    if row["errors"] or not alone["p95_s"] or math.isnan(row["p95_s"]):
        return math.inf
    return row["p95_s"] / alone["p95_s"]


def _number(value: float, digits: int = 2) -> str:
    return "∞" if value is None or math.isinf(value) else f"{value:.{digits}f}"


def markdown(figures: dict) -> str:
    """The issue's table: users × replicas, p50 / p95, errors, memory per replica, ratio to one user alone,
    throughput 1 vs 2 replicas; then CPU per action and propagation."""
    rows, alone = figures["rows"], figures["rows"]["1x2"]
    lines = [
        "| run | users × replicas | think | pages | errors | p50 s | p95 s | p95 / 1 user | pages/s "
        "| CPU s/page | RSS MB per replica (start → end, max) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        memory = "; ".join(f"{m['start_mb']} → {m['end_mb']} ({m['max_mb']})" for m in row["memory"] if m)
        lines.append(
            f"| {name} | {row['users']} × {row['replicas']} | {row['think_s']:g} s | {row['pages']} | {row['errors']} "
            f"| {_number(row['p50_s'])} | {_number(row['p95_s'])} | {_number(_ratio(row, alone))} "
            f"| {row['pages_per_s']:.3f} | {_number(row['cpu_s_per_page'] or math.inf, 3)} | {memory} |"
        )
    sat1, sat2 = rows["sat1"]["pages_per_s"], rows["sat2"]["pages_per_s"]
    busy = "; ".join(
        f"{name}: replicas {', '.join(f'{b:.2f}' for b in rows[name].get('replicas_busy', []))} of a core, "
        f"load generator {rows[name].get('client_cpu_s_per_page') or 0:.3f} s of CPU per page"
        for name in ("sat1", "sat2")
    )
    lines += [
        "",
        f"Throughput at saturation ({rows['sat1']['users']} users, no think time): 1 replica {sat1:.3f} pages/s, "
        f"2 replicas {sat2:.3f} pages/s, ratio {_number(sat2 / sat1 if sat1 else math.inf)} ({busy}).",
        "",
        "| action (one session alone on replica 0, warm) | replica CPU s |",
        "|---|---|",
        *(f"| {action} | {seconds:.3f} |" for action, seconds in figures["cpu_per_action_s"].items()),
        "",
        "Publish committed on the shared store → compare table of 38 and 93 showing it: "
        + ", ".join(f"{k} {v:.2f}" + ("" if "CPU" in k else " s") for k, v in figures["propagation_s"].items())
        + ".",
        "",
        f"Load average {figures['load_average_start']} at the start, {figures['load_average_end']} at the end; "
        f"cluster start {figures['start_s']} s, warm-up {figures['warm_up']['seconds']} s, "
        f"whole bench {figures['total_s']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def run(duration: float = 90.0, saturation_s: float = 40.0) -> list[Measure]:
    figures = measure(duration, saturation_s=saturation_s)
    rows = figures["rows"]
    growth = max((m["end_mb"] - m["start_mb"]) for m in rows["30x2"]["memory"] if m)  # MB over the 30-user run
    load = figures["load_average_end"]
    return [
        Measure(30, "cluster: p95 30 users x 2 replicas / p95 1 user", _ratio(rows["30x2"], rows["1x2"]), "x", 2.0),
        Measure(30, "cluster: errors, 30 users x 2 replicas", rows["30x2"]["errors"], "", 0, load=load),
        Measure(30, "cluster: RSS growth of a replica, 30-user run", growth, "MB", 50.0, load=load),
        Measure(
            30,
            "cluster: pages/s at saturation, 2 replicas / 1",
            rows["sat2"]["pages_per_s"] / rows["sat1"]["pages_per_s"] if rows["sat1"]["pages_per_s"] else math.inf,
            "x",
            None,
            load=load,
        ),
        Measure(
            30,
            "cluster: publish committed -> served by every replica",
            max(v for k, v in figures["propagation_s"].items() if "CPU" not in k),
            "s",
            5.0,
            load=load,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of each load run")
    parser.add_argument("--saturation", type=float, default=40.0, help="seconds of each saturation run")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    measures = run(args.duration, args.saturation)
    print("\n" + TABLE.read_text(encoding="utf-8"))
    print(f"{'issue':<6}{'measure':<56}{'value':>10}{'budget':>10}")
    for m in measures:
        budget = "-" if m.budget is None else f"{m.budget:.2f}"
        verdict = "" if m.budget is None else ("ok" if m.ok else "OVER BUDGET")
        print(f"#{m.issue:<5}{m.name:<56}{_number(m.value):>10}{budget:>10} {m.unit:<3}{verdict}")
    print(f"figures: {OUT}, table: {TABLE}")
    return 0 if all(m.ok for m in measures) else 1


if __name__ == "__main__":
    sys.exit(main())
