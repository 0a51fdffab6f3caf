"""A load generator that speaks Streamlit's protocol (ops/streamlit_client.py): simulated users, each its own
websocket session, open pages, change territory through the search box, think between actions.

    python -m ops.load --url http://127.0.0.1:8600 --users 30 --think 10 --duration 120

Bounded: ``--users`` sessions at most (200), ``--duration`` seconds at most (1 800), loopback URLs only.
The report gives, per action, the time to a rendered page (the request sent until the server says the
script finished, the whole page received), p50 / p95 / max, and the errors: a page that did not render
in time, a closed connection, an exception on the page, or an error box (``st.error``) on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

from streamlit.proto.WidgetStates_pb2 import WidgetState

from ops.streamlit_client import RunFailed, Session, check_loopback

MAX_USERS = 200
MAX_DURATION = 1800.0
# Départements a user looks at (the three, Nord, Corsica, an overseas one); few, so that a warm-up
# (warm_up) can visit each page of each once per replica and the load measures warm servers.
DEPARTEMENTS = ["38", "44", "93", "59", "2A", "974"]


@dataclass
class Sample:
    user: int
    action: str
    start: float  # seconds since the load started
    seconds: float | None  # None: an error
    error: str = ""
    replica: str = ""


@dataclass
class Report:
    users: int
    replicas: int
    think: float
    duration: float
    samples: list[Sample] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.samples if s.seconds is not None]

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.seconds is None]

    def percentile(self, q: float, action: str | None = None) -> float:
        times = sorted(s.seconds for s in self.samples if s.seconds is not None and action in (None, s.action))
        if not times:
            return float("nan")
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[round(q * 100) - 1]

    def throughput(self) -> float:
        """Rendered pages per second over the run."""
        return len(self.times) / self.duration if self.duration else 0.0

    def summary(self) -> dict:
        return {
            "users": self.users,
            "replicas": self.replicas,
            "think_s": self.think,
            "pages": len(self.times),
            "errors": len(self.errors),
            "p50_s": round(self.percentile(0.50), 3),
            "p95_s": round(self.percentile(0.95), 3),
            "max_s": round(max(self.times), 3) if self.times else None,
            "pages_per_s": round(self.throughput(), 3),
            "per_replica": _count_by(s.replica for s in self.samples if s.seconds is not None),
        }

    def table(self) -> str:
        lines = [f"{'action':<22}{'pages':>7}{'errors':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}"]
        for action in sorted({s.action for s in self.samples}):
            ok = [s.seconds for s in self.samples if s.action == action and s.seconds is not None]
            bad = sum(1 for s in self.samples if s.action == action and s.seconds is None)
            p50, p95 = self.percentile(0.5, action), self.percentile(0.95, action)
            top = max(ok) if ok else float("nan")
            lines.append(f"{action:<22}{len(ok):>7}{bad:>8}{p50:>9.2f}{p95:>9.2f}{top:>9.2f}")
        s = self.summary()
        lines.append(
            f"{'all':<22}{s['pages']:>7}{s['errors']:>8}{s['p50_s']:>9.2f}{s['p95_s']:>9.2f}{s['max_s'] or 0:>9.2f}"
        )
        for error in self.errors[:5]:
            lines.append(f"  error: user {error.user} {error.action}: {error.error[:150]}")
        return "\n".join(lines)


def _count_by(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


def pages_of(dep: str, other: str) -> list[tuple[str, str]]:
    """The pages a user opens after changing territory (one at random each round)."""
    return [
        ("comparer", f"deps={','.join(sorted((dep, other)))}"),  # a pair in one order: 15 pairs, all warmed
        ("carte", ""),
        ("scenarios", f"dep={other}"),
        ("tendances", f"dep={other}"),
        ("radar", ""),
    ]


async def warm_up(url: str, cookies: dict[str, str] | None = None, full: bool = False) -> int:
    """Visit the pages the users open once (fills one replica's caches): the profile of every département and
    each other page once (``full``: each page for every département, the compare page of every pair and a
    search for each); returns the pages run."""
    async with Session(url, cookies=cookies, timeout=600) as tab:
        await tab.open("")
        visited = {("", "")}
        for position, dep in enumerate(DEPARTEMENTS):
            other = DEPARTEMENTS[(position + 1) % len(DEPARTEMENTS)]
            pages = [("profil", f"dep={dep}")]
            pages += pages_of(dep, other) if full or position == 0 else []
            pages += [pages_of(dep, o)[0] for o in DEPARTEMENTS if o != dep] if full else []
            for page, query in pages:
                if (page, query) not in visited:
                    await tab.open(page, query)
                    visited.add((page, query))
        if full:  # what users type in the profile's search box (its index is built on the first search)
            search = (await tab.open("profil", f"dep={DEPARTEMENTS[0]}")).widget("profile_search")
            for dep in DEPARTEMENTS:
                await tab.type_text(search, dep)
                visited.add(("search", dep))
    return len(visited)


async def _user(
    number: int,
    url: str,
    think: float,
    stop_at: float,
    origin: float,
    report: Report,
    seed: int,
    actions: int,
    cookies: dict[str, str] | None,
) -> None:
    """One simulated user: a session that browses until ``stop_at`` (or ``actions`` pages), thinking between
    actions (exponential think time of mean ``think``: some read for long, some click on at once)."""
    rng = random.Random(seed * 1000 + number)
    done = 0

    async def act(action: str, call) -> object | None:  # call: the coroutine of one page
        nonlocal done
        start = time.perf_counter()
        try:
            run = await call
        except (RunFailed, OSError) as exc:
            report.samples.append(Sample(number, action, start - origin, None, str(exc), session.replica))
            return None
        done += 1
        if run.error_alerts:
            report.samples.append(
                Sample(number, action, start - origin, None, f"error box: {run.error_alerts[0]}", session.replica)
            )
            return None
        report.samples.append(Sample(number, action, start - origin, run.seconds, "", session.replica))
        return run

    async def pause() -> bool:
        wait = rng.expovariate(1 / think) if think > 0 else 0.0
        remaining = stop_at - time.perf_counter()
        if remaining <= 0 or done >= actions:
            return False
        await asyncio.sleep(min(wait, remaining))
        return time.perf_counter() < stop_at

    await asyncio.sleep(rng.uniform(0, min(think, 5.0)))  # users do not all arrive in the same millisecond
    session = Session(url, cookies=cookies)
    try:
        await session.connect()
    except (OSError, RunFailed, TimeoutError) as exc:
        report.samples.append(Sample(number, "connect", time.perf_counter() - origin, None, str(exc)))
        return
    try:
        if not await act("home", session.open("")):
            return
        while await pause():
            dep = rng.choice(DEPARTEMENTS)
            profile = await act("profile", session.open("profil", f"dep={dep}"))
            if profile is None or not await pause():
                continue
            other = rng.choice([d for d in DEPARTEMENTS if d != dep])
            search = profile.widget("profile_search")
            found = await act("search (type)", session.type_text(search, other))
            if found is None or not await pause():
                continue
            button = found.widget("profile_search-0")
            states = (WidgetState(id=search.id, string_value=other), WidgetState(id=button.id, trigger_value=True))
            await act("change territory", session.set_widgets(*states))
            if not await pause():
                break
            page, query = rng.choice(pages_of(dep, other))
            await act(page, session.open(page, query))
    finally:
        await session.close()


async def run_load(
    url: str,
    users: int,
    think: float,
    duration: float,
    replicas: int = 1,
    seed: int = 1,
    actions: int = 10_000,
    timeout: float = 60.0,
    cookies: dict[str, str] | list[dict[str, str]] | None = None,
) -> Report:
    """``users`` simulated users on ``url`` for ``duration`` seconds (each stops at its next pause after that);
    ``cookies`` given to every user (a sticky key: all users on one replica), or a list: user n gets
    ``cookies[n % len(cookies)]`` (users spread evenly over chosen replicas)."""
    check_loopback(url)
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"between 1 and {MAX_USERS} users")
    if not 0 < duration <= MAX_DURATION:
        raise ValueError(f"a duration of at most {MAX_DURATION:.0f} s")
    report = Report(users, replicas, think, duration)
    origin = time.perf_counter()
    stop_at = origin + duration
    each = cookies if isinstance(cookies, list) else [cookies]
    tasks = [_user(n, url, think, stop_at, origin, report, seed, actions, each[n % len(each)]) for n in range(users)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + 2 * timeout + 30)
    report.duration = time.perf_counter() - origin
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the app or the proxy, on 127.0.0.1 or localhost")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--think", type=float, default=10.0, help="mean think time between actions, seconds")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--replicas", type=int, default=1, help="for the report only")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    args = parser.parse_args(argv)
    report = asyncio.run(run_load(args.url, args.users, args.think, args.duration, args.replicas))
    print(report.table())
    if args.json:
        print(json.dumps(report.summary()))
        print(json.dumps([asdict(s) for s in report.errors]))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
