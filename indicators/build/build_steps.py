"""The pipeline's steps, each with the raw inputs it reads and the modules it calls: a step whose inputs,
code (those modules and all they import, from indicators/build/import_graph.py) and ``EPOCH`` are unchanged
is not recomputed but read back from the step cache (``<store>/.steps/``).

So a new DREES release rebuilds the DREES step (half a second) and the derivations that follow, not the
commune step (tens of seconds of Etalab JSON). The whole-store stamp (pipeline.fingerprint) still decides
whether anything is rebuilt at all; this decides what.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.build import import_graph
from indicators.core.paths import ROOT

if TYPE_CHECKING:
    import pandas as pd

CACHE_FOLDER = ".steps"
# Bump to rebuild every step and the whole store when neither the data nor our code changed but the output
# would (a library upgrade that changes a parse or a rounding, a cache written by a broken build).
EPOCH = 1
# The step machinery itself: how a step's frames are cached.
MACHINERY = ("indicators.build.build_steps",)


@dataclass(frozen=True)
class Step:
    name: str
    inputs: tuple[str, ...]  # files or folders under data/raw
    modules: tuple[str, ...]  # the modules the step calls (dotted or as paths): what they import is read from the code

    def code(self, root: Path = ROOT) -> list[Path]:
        """The code files the step runs (import_graph: its modules and everything they import)."""
        return import_graph.code_files((*self.modules, *MACHINERY), root)

    def key(self, raw_dir: Path, root: Path = ROOT, reads: tuple[pd.DataFrame, ...] = ()) -> str:
        """sha256 of the step's name, EPOCH, its raw inputs, the frames it reads (``reads``: a step fed by
        another step's output, keyed on the content it reads rather than on raw files) and its code."""
        digest = hashlib.sha256(f"{self.name}\nepoch {EPOCH}".encode())
        for frame in reads:
            digest.update(frame_digest(frame))
        for relative in self.inputs:
            path = raw_dir / relative
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                digest.update(str(file.relative_to(raw_dir)).encode())
                digest.update(file.read_bytes() if file.exists() else b"<missing>")
        for file in self.code(root):
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
        return digest.hexdigest()[:20]


@dataclass(frozen=True)
class _Part(Step):
    """A part of a step (run_parts): keyed on its name, the step's key (computed once for all the parts: the
    code of a step is hashed once, not once per part) and the frames it reads."""

    base: str = ""

    def key(self, raw_dir: Path, root: Path = ROOT, reads: tuple[pd.DataFrame, ...] = ()) -> str:
        digest = hashlib.sha256(f"{self.name}\n{self.base}".encode())
        for frame in reads:
            digest.update(frame_digest(frame))
        return digest.hexdigest()[:20]


def frame_digest(frame: pd.DataFrame) -> bytes:
    """A frame's content: its columns, dtypes and the hash of every row (pandas' vectorised row hash)."""
    import pandas as pd

    head = "\n".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode()
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(head + rows.tobytes()).digest()


def run(
    step: Step,
    raw_dir: Path,
    cache_dir: Path | None,
    compute: Callable[[], tuple[pd.DataFrame, ...]],
    log: list,
    root: Path = ROOT,
    reads: tuple[pd.DataFrame, ...] = (),
) -> tuple[pd.DataFrame, ...]:
    """The step's frames: read back from the cache when its key is there, else computed and cached.
    ``log`` gets (step name, "reused" or "rebuilt", wall seconds, CPU seconds); ``root`` is where the code is
    read (a test's copy); ``reads``: the tables the step reads, when they come from other steps (hashed into its
    key)."""
    import pandas as pd  # not at module level: the pipeline's no-op check must stay light

    started = _clock()
    if cache_dir is None:
        frames = compute()
        log.append((step.name, "rebuilt", *_since(started)))
        return frames
    key = step.key(raw_dir, root, reads)
    folder = cache_dir / CACHE_FOLDER
    paths = sorted(folder.glob(f"{step.name}-{key}-*.parquet"))
    if paths:
        try:
            frames = tuple(pd.read_parquet(p) for p in paths)
            log.append((step.name, "reused", *_since(started)))
            return frames
        except (OSError, ValueError):
            pass  # an unreadable cache entry is recomputed
    frames = compute()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{step.name}-*.parquet"):
        old.unlink()
    written = []
    for index, frame in enumerate(frames):
        final = folder / f"{step.name}-{key}-{index}.parquet"
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, final)
        written.append(final)
    # Hand on the frames as a later build reads them back (Parquet's dtypes, not the computed ones): the steps
    # that read them are keyed on their content (frame_digest), which must not depend on whether this step was
    # computed now or read back, or every step downstream of a reused one would be recomputed for nothing.
    frames = tuple(pd.read_parquet(p) for p in written)
    log.append((step.name, "rebuilt", *_since(started)))
    return frames


def run_parts(
    step: Step,
    parts: dict[str, tuple[Callable[[], tuple[pd.DataFrame, ...]], tuple[pd.DataFrame, ...]]],
    raw_dir: Path,
    cache_dir: Path | None,
    log: list,
    root: Path = ROOT,
) -> dict[str, tuple[pd.DataFrame, ...]]:
    """One step cached in parts (e.g. one per indicator): part name -> (compute, reads), each part keyed on
    the frames it reads, so a change to one indicator's rows recomputes that part only. The log gets one entry
    for the step: « name » when every part was reused, « name [k/n] » when k of its n parts were rebuilt.
    Parts no longer asked for are removed from the cache."""
    started, inner = _clock(), []
    out = {}
    base = step.key(raw_dir, root) if cache_dir is not None else ""
    for part, (compute, reads) in parts.items():
        if "-" in part or "." in part:
            raise ValueError(f"{step.name}: part name {part!r} may not hold '-' or '.' (cache file names)")
        own = _Part(f"{step.name}.{part}", step.inputs, step.modules, base)
        out[part] = run(own, raw_dir, cache_dir, compute, inner, root, reads)
    rebuilt = sum(what == "rebuilt" for _, what, *_ in inner)
    name = f"{step.name} [{rebuilt}/{len(parts)}]" if rebuilt else step.name
    log.append((name, "rebuilt" if rebuilt else "reused", *_since(started)))
    if cache_dir is not None:
        folder = cache_dir / CACHE_FOLDER
        for old in folder.glob(f"{step.name}.*-*.parquet"):
            if old.name[len(step.name) + 1 :].split("-", 1)[0] not in parts:
                old.unlink()
        for old in folder.glob(f"{step.name}-*.parquet"):  # the step's entry from before it was cached in parts
            old.unlink()
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since ``_clock()``: the CPU time says what a step costs on a busy machine."""
    wall, cpu = _clock()
    return wall - started[0], cpu - started[1]


@contextmanager
def timed(name: str, log: list) -> Iterator[None]:
    """Time work outside the step cache (derivations, validation, writing): ``log`` gets (name, "ran", wall,
    CPU)."""
    started = _clock()
    yield
    log.append((name, "ran", *_since(started)))


def describe(log: list) -> str:
    """Two lines: the steps rebuilt and reused; then where the time went, longest first (wall / CPU seconds
    of this process)."""
    rebuilt = [n for n, what, *_ in log if what == "rebuilt"]
    reused = [n for n, what, *_ in log if what == "reused"]
    times = sorted(((wall, cpu, n, what) for n, what, wall, cpu in log), reverse=True)
    spent = ", ".join(
        f"{n}{' (reused)' if what == 'reused' else ''} {wall:.1f}/{cpu:.1f}"
        for wall, cpu, n, what in times
        if wall >= 0.05
    )
    return (
        f"steps rebuilt: {', '.join(rebuilt) or 'none'}; reused: {', '.join(reused) or 'none'}\n"
        f"seconds (wall/CPU): {spent or 'none over 0.05'}"
    )
