"""The publish protocol under crashes and races: a kill at each step, two sessions rolling back, a stopped holder.

On both backends (conftest's ``backend``): with PostgreSQL the commit is the step that publishes
(``current_swapped`` comes after it), and the lock is a row lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from indicators.publishing.upload import parse_upload
from indicators.storage import store, versions
from tests.conftest import ROOT, value
from tests.upload_helpers import copy_store

PUBLISH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from indicators.storage import versions
    from indicators.publishing.upload import parse_upload
    parsed = parse_upload(b"CODGEO;TP6020\\n38;77,5\\n", "k.csv", indicator="poverty_rate")
    declare = None
    if len(sys.argv) > 2:
        declare = {"id": "taux_crash", "label": "T", "short_label": "T", "theme": "import", "unit": "%",
                   "decimals": 1, "definition": "d", "polarity": "neutral",
                   "source": {"id": "import_taux_crash", "producer": "p", "title": "p", "url": "u",
                              "licence": "l", "citation": "c"}}
    versions.publish(parsed.rows, "killed", "k.csv", parsed.sha256, Path(sys.argv[1]), declare=declare)
    """
)


@pytest.fixture
def store_dir(tmp_path, monkeypatch, backend):
    path = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(path))
    return path


def _leftovers(store_dir) -> list[str]:
    folder = versions._dir(store_dir)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".tmp-" in p.name)


# with PostgreSQL: a temporary folder left, everything done but the commit, and after the commit
PG_STEPS = ("folder_written", "current_written", "current_swapped")


@pytest.mark.parametrize("step", versions.STEPS)
def test_a_publish_killed_at_each_step_leaves_the_old_or_the_new_version(step, store_dir, table, backend):
    if backend and step not in PG_STEPS:  # CI time: on PostgreSQL every step before the commit is alike
        pytest.skip("PostgreSQL: a step before the commit, like current_written (nothing is seen before the commit)")
    old = value(table, "poverty_rate", "38", 2020)
    env = {**os.environ, versions.CRASH_ENV: step, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PUBLISH, str(store_dir), "declare"], env=env, cwd=ROOT)
    assert done.returncode == -signal.SIGKILL
    published = value(store.load_indicators(), "poverty_rate", "38", 2020)
    expected_new = step == "current_swapped"
    assert published == (77.5 if expected_new else old)
    assert versions.current() == (1 if expected_new else 0)
    assert versions.history()["id"].tolist() == ([1, 0] if expected_new else [0])  # never a phantom entry
    # the next publish cleans what the killed one left and numbers its version after the last good one
    record = versions.publish(_rows("CODGEO;TP6020\n38;12\n"), "next", "n.csv", "x")
    # a folder renamed into place (even a phantom CURRENT never named) keeps its id for ever (issue 23)
    # PostgreSQL: nothing before the commit was ever seen, the id is given again
    spent = ("locked", "folder_written") if not backend else versions.STEPS[:-1]
    assert record["id"] == (1 if step in spent else 2)
    assert record["previous"] == (1 if expected_new else 0)
    assert _leftovers(store_dir) == []
    assert not (versions._dir(store_dir) / versions._name(record["id"] + 1)).exists()
    assert value(store.load_indicators(), "poverty_rate", "38", 2020) == 12.0


def _rows(text: str):
    return parse_upload(text.encode(), "t.csv", indicator="poverty_rate").rows


def test_two_sessions_a_stale_rollback_is_refused_and_removes_nothing(store_dir, table):
    versions.publish(_rows("CODGEO;TP6020\n38;20\n"), "alice", "a.csv", "a")
    # both sessions show version 1; the default "undo" target of each is version 0
    seen_by_alice = seen_by_bob = versions.current()
    assert versions.default_rollback_target() == 0
    versions.publish(_rows("CODGEO;TP6020\n44;30\n"), "bob", "b.csv", "b", based_on=seen_by_bob)
    assert versions.default_rollback_target() == 1  # the default moved forward with the current version
    with pytest.raises(versions.StaleVersion, match=r"maintenant la 2 \(publish par bob"):
        versions.rollback(0, "alice", based_on=seen_by_alice)
    with pytest.raises(versions.StaleVersion):
        versions.publish(_rows("CODGEO;TP6020\n38;21\n"), "alice", "a2.csv", "a2", based_on=seen_by_alice)
    now = store.load_indicators()
    assert (value(now, "poverty_rate", "38", 2020), value(now, "poverty_rate", "44", 2020)) == (20.0, 30.0)
    assert versions.history()["who"].tolist() == ["bob", "alice", "pipeline"]
    back = versions.rollback(versions.default_rollback_target(), "alice", based_on=2)  # after a fresh look
    assert (back["target"], back["removed"], back["changed"]) == (1, 0, 1)
    assert value(store.load_indicators(), "poverty_rate", "38", 2020) == 20.0


@pytest.mark.parametrize("backend", ["local"], indirect=True)  # the file lock (PostgreSQL: test_store_scaled)
def test_a_stopped_lock_holder_is_recovered_and_cannot_publish_after(store_dir, monkeypatch):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from indicators.storage import versions\n"
            "with versions.lock(Path(sys.argv[1])) as held:\n"
            "    print('held', flush=True); time.sleep(3)\n"
            "    try:\n        held.check()\n"
            "    except versions.VersionError as e:\n        print('lost', flush=True)\n",
            str(store_dir),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        os.kill(holder.pid, signal.SIGSTOP)
        busy = pytest.raises(versions.VersionError, match=r"une autre publication est en cours \(processus")
        with busy, versions.lock(timeout=0.3, stale_after=60):
            pass
        start = time.monotonic()
        with versions.lock(timeout=10, stale_after=0.5):  # stopped past the limit: broken
            recovered = time.monotonic() - start
        assert recovered < 5
        record = versions.publish(_rows("CODGEO;TP6020\n38;5\n"), "carol", "c.csv", "c")
        assert record["id"] == 1
    finally:
        os.kill(holder.pid, signal.SIGCONT)
        out, _ = holder.communicate(timeout=20)
    assert out.strip() == "lost"  # the resumed holder sees its lock is gone and gives up
    lock_owner = json.loads((store_dir / versions.VERSIONS_DIR / ".lock").read_text() or "{}")
    assert lock_owner == {}
    pd.testing.assert_series_equal(versions.history()["id"], pd.Series([1, 0], name="id"), check_dtype=False)
