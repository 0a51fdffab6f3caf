"""The build's worker process (background.Background): the raw-only steps run in a second process with the same
step cache and log as in the build's own, and a failure there stops the build with its own exception."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest

from indicators.build import background, build_steps
from indicators.core.errors import RawFileError

FIRST = build_steps.Step("first", (), ("indicators.core.paths",))
SECOND = build_steps.Step("second", (), ("indicators.core.paths",))


def _pid_frame(value: int) -> tuple[pd.DataFrame]:
    return (pd.DataFrame({"value": [value, value + 1], "pid": [os.getpid()] * 2}),)


def _jobs(second=lambda: _pid_frame(10)):
    return [(FIRST, lambda: _pid_frame(1)), (SECOND, second)]


def test_the_steps_run_in_another_process_and_are_cached(tmp_path):
    log: list = []
    with background.Background(_jobs(), tmp_path, tmp_path / "store", workers=1) as steps:
        (second,) = steps.result(SECOND, log)
        (first,) = steps.result(FIRST, log)
    assert first["value"].tolist() == [1, 2] and second["value"].tolist() == [10, 11]
    assert first["pid"].iloc[0] != os.getpid()  # computed in the worker
    assert first["pid"].iloc[0] == second["pid"].iloc[0]  # one worker, the steps one after the other
    whats = {name: what for name, what, *_ in log}
    assert whats == {"first": "rebuilt", "second": "rebuilt", "wait:first": "ran", "wait:second": "ran"}
    assert all(wall >= 0 and cpu >= 0 for *_, wall, cpu in log)  # the worker's own seconds, in this log
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "store" / build_steps.CACHE_FOLDER).glob("*.parquet"))
    assert cached == ["first", "second"]

    log = []  # the same steps again: read back from the cache, as without a worker
    with background.Background(_jobs(), tmp_path, tmp_path / "store", workers=1) as steps:
        (again,) = steps.result(FIRST, log)
    pd.testing.assert_frame_equal(again, first)
    assert [what for name, what, *_ in log if name == "first"] == ["reused"]


def test_without_a_worker_a_step_runs_when_asked(tmp_path):
    log: list = []
    steps = background.Background(_jobs(), tmp_path, None, workers=0)
    (first,) = steps.result(FIRST, log)
    assert first["pid"].iloc[0] == os.getpid()
    assert [name for name, *_ in log] == ["first"]  # the second step is never computed


def test_a_failure_in_the_worker_is_raised_here_with_its_message(tmp_path):
    def broken():
        raise RawFileError(tmp_path / "communes.csv", "columns ['insee_com']")

    log: list = []
    jobs = [(FIRST, broken), (SECOND, lambda: _pid_frame(10))]
    with pytest.raises(RawFileError) as caught, background.Background(jobs, tmp_path, tmp_path / "store") as steps:
        steps.result(SECOND, log)
    # the exception itself (RawFileError's __init__ does not take its message back: rebuilt, not re-created)
    assert str(caught.value) == f"communes.csv: columns ['insee_com'] (file: {tmp_path / 'communes.csv'})"
    assert caught.value.path == tmp_path / "communes.csv"
    assert isinstance(caught.value.__cause__, background.WorkerTraceback)
    assert "in broken" in str(caught.value.__cause__)  # the worker's traceback
    assert not list((tmp_path / "store").rglob("second-*"))  # the worker stopped at the failure


def test_a_failure_in_the_caller_stops_the_worker(tmp_path):
    def slow():
        time.sleep(60)
        return _pid_frame(10)

    with pytest.raises(ValueError), background.Background(_jobs(slow), tmp_path, tmp_path / "store") as steps:
        steps.result(FIRST, [])
        worker = steps._process
        raise ValueError("the main process failed")
    assert not worker.is_alive()  # stopped, not left computing for a build that failed
    assert not list((tmp_path / "store").rglob("second-*"))


def test_only_one_worker():
    with pytest.raises(ValueError, match="workers"):
        background.Background([], None, None, workers=2)


@pytest.mark.parametrize("workers", [0, 1])
def test_a_task_runs_its_own_steps_and_hands_back_their_log(tmp_path, workers):
    """A Task (the build's backtests: the track records' and the radar backtest's steps) is not a step of the
    cache: it runs its own steps, in the worker or here, and its log entries come back with its frames."""

    def backtests(log):
        (frame,) = build_steps.run(FIRST, tmp_path, tmp_path / "store", lambda: _pid_frame(5), log)
        return {"paths": frame}, frame["value"].sum()

    task = background.Task("backtests")
    log: list = []
    with background.Background([(task, backtests)], tmp_path, tmp_path / "store", workers=workers) as worker:
        paths, total = worker.result(task, log)
    assert paths["paths"]["value"].tolist() == [5, 6] and total == 11
    assert (paths["paths"]["pid"].iloc[0] != os.getpid()) == bool(workers)
    assert [name for name, *_ in log if not name.startswith("wait:")] == ["first"]
    assert not list((tmp_path / "store" / build_steps.CACHE_FOLDER).glob("backtests*"))  # the Task itself: no entry
