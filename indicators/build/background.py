"""The build's second process: the steps that read only raw files (pipeline.raw_steps: communes, territories,
commune geometry, admin units, staff) run one after the other in ONE forked worker while the build's own process
reads the sources, derives, projects, backtests and runs the radar; the build joins each where it needs it.

Each step goes through build_steps.run in the worker: same keys, same step cache, same log entries (the
worker's own wall/CPU seconds). Not part of any step's key: where a step runs does not change what it makes.
"""

from __future__ import annotations

import pickle
import queue
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.build.build_steps import Step, _clock, _since, run
from indicators.core.paths import ROOT

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Task:
    """A job that is not one step of the cache: ``compute(log)`` runs its own steps (build_steps.run /
    run_parts, e.g. the track records' three) and logs them; its frames are handed back like a step's."""

    name: str


# The jobs of the Background being started: set before its worker is forked, so the worker inherits the
# callables (closures, lambdas) instead of receiving them pickled.
_JOBS: list = []


class Background:
    """Steps that read only raw files, run one after the other in ONE worker process (forked) while the caller
    goes on; ``result(step, log)`` joins one: its frames, its log entries (the worker's wall/CPU seconds) and,
    if it failed, its exception raised here with the worker's traceback as cause. Each step goes through
    ``run`` in the worker: same cache, same keys. After a failure the worker stops. ``workers=0``: nothing is
    started, ``result`` runs the step then, in this process. Use as a context manager: leaving it (an
    exception in the caller included) stops a worker still running."""

    def __init__(
        self,
        jobs: list[tuple[Step | Task, Callable[..., tuple]]],
        raw_dir: Path,
        cache_dir: Path | None,
        workers: int = 1,
        root: Path = ROOT,
    ) -> None:
        if workers not in (0, 1):
            raise ValueError(f"workers: 0 or 1, not {workers}")
        self._jobs = {step.name: (step, compute) for step, compute in jobs}
        self._args = (raw_dir, cache_dir)
        self._root = root
        self._done: dict[str, tuple] = {}
        self._left = set(self._jobs) if workers else set()
        self._process = None
        if workers:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            _JOBS[:] = [(step, compute, raw_dir, cache_dir, root) for step, compute in jobs]
            self._queue = context.Queue()
            self._process = context.Process(target=_work, args=(self._queue,), name="build-steps", daemon=True)
            self._process.start()
            _JOBS.clear()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def result(self, step: Step | Task, log: list) -> tuple[pd.DataFrame, ...]:
        """The step's frames (computed in the worker, or now when there is none); the wait is logged as
        « wait:<step> » (this process idle)."""
        if self._process is None:
            known, compute = self._jobs[step.name]
            return _run(known, compute, *self._args, log, self._root)
        started = _clock()
        while step.name not in self._done:
            name, payload = self._next(step.name)
            self._done[name] = pickle.loads(payload)
            self._left.discard(name)
            if self._done[name][2] is not None:  # the worker failed there and stopped: the build stops
                break
        name = step.name if step.name in self._done else name
        frames, entries, error = self._done.pop(name)
        log.append((f"wait:{step.name}", "ran", *_since(started)))
        log.extend(entries)
        if error is not None:
            _raise(*error)
        return frames

    def _next(self, wanted: str) -> tuple[str, bytes]:
        while True:
            try:
                return self._queue.get(timeout=0.5)
            except queue.Empty:
                if not self._process.is_alive():
                    try:
                        return self._queue.get(timeout=0.5)
                    except queue.Empty:
                        code = self._process.exitcode
                        raise RuntimeError(
                            f"the build's worker process stopped (exit code {code}) before « {wanted} »"
                        ) from None

    def close(self) -> None:
        """Stop the worker if it still has steps nobody joined (the caller failed), else wait for its end."""
        if self._process is None:
            return
        if self._left and self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()
        self._process = None


def _work(results) -> None:
    """The worker: each job's step run in turn, (name, pickled (frames, log entries, error)) put on ``results``;
    stops after the first failure."""
    for step, compute, raw_dir, cache_dir, root in _JOBS:
        log: list = []
        try:
            frames = _run(step, compute, raw_dir, cache_dir, log, root)
        except BaseException as exc:  # noqa: BLE001 (handed to the caller, which raises it)
            results.put((step.name, pickle.dumps((None, log, _portable(exc)))))
            return
        results.put((step.name, pickle.dumps((frames, log, None))))


def _run(step: Step | Task, compute: Callable, raw_dir: Path, cache_dir: Path | None, log: list, root: Path):
    return compute(log) if isinstance(step, Task) else run(step, raw_dir, cache_dir, compute, log, root)


def _portable(exc: BaseException) -> tuple:
    """(exception or its class, args and attributes; the worker's traceback text): exceptions whose __init__
    does not take their args back (RawFileError) are rebuilt without calling it."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
        return exc, text
    except Exception:  # noqa: BLE001
        pass
    try:
        state = (type(exc), exc.args, dict(vars(exc)))
        pickle.loads(pickle.dumps(state))
        return state, text
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}"), text


class WorkerTraceback(Exception):
    """The traceback of an exception raised in the build's worker process (the cause of the one raised here)."""


def _raise(exc, text: str):
    if not isinstance(exc, BaseException):
        cls, args, state = exc
        exc = cls.__new__(cls)
        exc.args = args
        exc.__dict__.update(state)
    raise exc from WorkerTraceback(f"in the build's worker process:\n{text}")
