"""Issue 30's fault drill, run once by hand (too long for CI; tests/test_store_scaled.py does a short stop):
PostgreSQL stopped for 30 s under a running replica.

``.venv/bin/python -m tests.pg_outage [seconds]`` starts a server (tests/pg_server.py), a copy of the fixture
store and a "replica" process that reads what a page reads every 0.2 s (the published version, the damage
sentence, Isère's poverty rate 2020); publishes version 1, stops PostgreSQL, tries a publish and a login
during the outage, starts it again, publishes version 2 from this process, and prints what the replica
served, second by second, and the figures (no read failed, time to fail a publish, time to recover).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPLICA = """
import json, sys, time
from indicators.storage import query, versions
end = time.time() + float(sys.argv[1])
while time.time() < end:
    start = time.perf_counter()
    try:
        found = versions.pointer()
        rows = query.rows(indicator_ids=["poverty_rate"], codes=["38"])
        value = float(rows[rows["year"] == 2020]["value"].iloc[0])
        record = {"t": time.time(), "version": found.version, "down": found.damage is not None, "value": value}
    except Exception as exc:
        record = {"t": time.time(), "error": repr(exc)[:200]}
    record["read_s"] = time.perf_counter() - start
    print(json.dumps(record), flush=True)
    time.sleep(0.2)
"""


def main(outage: float = 30.0) -> int:
    from indicators.publishing import auth
    from indicators.storage import database, store, versions
    from tests import fixture_store, pg_server

    server = pg_server.start()
    tmp = Path(tempfile.mkdtemp(prefix="radar-outage-"))
    try:
        copy = fixture_store.write(tmp / "store")
        schema, url = server.new_schema()
        os.environ.update({"RADAR_DATA_DIR": str(copy), "RADAR_DATABASE_URL": url})
        table = store.load_indicators(copy)
        key = (table["indicator_id"] == "poverty_rate") & (table["territory_code"] == "38") & (table["year"] == 2020)
        rows = table[key & (table["territory_level"] == "departement")]
        versions.publish(rows.assign(value=50.0), "alice", "a.csv", "a" * 64)
        duration = outage + 40
        replica = subprocess.Popen(
            [sys.executable, "-c", REPLICA, str(duration)],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
            stdout=subprocess.PIPE,
            text=True,
        )
        first = replica.stdout.readline()  # the replica is up and serving version 1
        time.sleep(3)
        events = {"stop": time.time()}
        server.stop()
        start = time.perf_counter()
        try:
            versions.publish(rows.assign(value=60.0), "bob", "b.csv", "b" * 64)
            events["publish during outage"] = "published (unexpected)"
        except database.DatabaseUnavailable as exc:
            events["publish during outage"] = f"refused in {time.perf_counter() - start:.2f} s: {exc.user_message}"
        login = auth.login("alice", "x", configured={"alice": auth.hash_password("y", iterations=1000)})
        events["login during outage"] = login.message
        time.sleep(max(0.0, outage - (time.time() - events["stop"])))
        server.start()
        events["start"] = time.time()
        while True:
            try:
                record = versions.publish(rows.assign(value=60.0), "bob", "b.csv", "b" * 64)
                break
            except database.DatabaseUnavailable:
                time.sleep(0.2)
        events["published"] = time.time()
        events["publish after restart"] = f"version {record['id']}"
        out, _ = replica.communicate(timeout=duration + 60)
        lines = [json.loads(line) for line in [first, *out.splitlines()] if line.startswith("{")]
        return report(lines, events)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def report(lines: list[dict], events: dict) -> int:
    stop, start, published = events["stop"], events["start"], events["published"]
    errors = [line for line in lines if "error" in line]
    during = [line for line in lines if stop <= line["t"] <= start]
    noticed = next((line["t"] - stop for line in lines if line["t"] >= stop and line.get("down")), None)
    back = next((line["t"] - start for line in lines if line["t"] >= start and not line.get("down", True)), None)
    seen = next((line["t"] - published for line in lines if line["t"] >= published and line.get("version") == 2), None)
    print(f"PostgreSQL stopped {start - stop:.1f} s; replica reads: {len(lines)}, failed: {len(errors)}")
    print(f"- reads during the outage: {len(during)}, all version 1 value 50.0: ", end="")
    print(all(line.get("version") == 1 and line.get("value") == 50.0 for line in during))
    print(f"- slowest read during the outage: {max((line['read_s'] for line in during), default=0):.3f} s")
    print(f"- outage said on the page after: {noticed:.1f} s" if noticed is not None else "- outage never said")
    for name in ("publish during outage", "login during outage", "publish after restart"):
        print(f"- {name}: {events[name]}")
    print(f"- replica back to normal after the restart: {back:.1f} s" if back is not None else "- never back")
    print(f"- version 2 served by the replica after its commit: {seen:.2f} s" if seen is not None else "- v2 unseen")
    for error in errors[:5]:
        print("  error:", error)
    return 0 if not errors and seen is not None else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0))
