"""Issue 27: publishing a refreshed source, derivations included, under 60 s.

A copy of the built store (its tables and its step cache, hard-linked) is given the real Filosofi poverty file
of data/raw with 93's poverty rate revised (27,6 -> 27,9: a revised edition, as Insee publishes them): the
import page's path, ``publishing.editions.prepare`` (the worker process: recognised, read by the source's parser,
every derived table rebuilt from the step cache, diffed, staged) then ``edition_files.publish`` (a new version
with its rows, removed keys and derived tables). The figure is the wall time of both; the CPU time is the
worker's and this process's.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from indicators.core import paths
from indicators.storage import edition_files
from tests.benchmarks.run import Measure
from tests.upload_helpers import copy_store

FILE = paths.RAW_DIR / "insee-filosofi" / "FILO2020_DISP_PAUVRES_DEP.csv"


def revised_filosofi() -> bytes:
    """The real file with one figure revised (93's poverty rate 27,6 -> 27,9)."""
    lines = FILE.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"93;"))
    fields = lines[at].split(b";")
    header = lines[0].split(b";")
    column = header.index(b"TP6020")
    assert fields[column] == b"27,6", fields[column]
    fields[column] = b"27,9"
    lines[at] = b";".join(fields)
    return b"\n".join(lines)


def store_copy(target: Path) -> Path:
    """The built store's tables and its step cache (hard links: the build's cached steps, as on the server)."""
    store = copy_store(target)
    (store / ".steps").mkdir()
    for path in (paths.processed_dir() / ".steps").glob("*.parquet"):
        (store / ".steps" / path.name).hardlink_to(path.resolve())
    return store


def publish_refreshed(store: Path) -> tuple[float, float, dict]:
    """(wall s, CPU s of this process and the worker, the worker's answer) of prepare + publish."""
    from indicators.publishing import editions

    data = revised_filosofi()
    started, cpu = time.perf_counter(), _cpu()
    result = editions.prepare(data, "FILO2020_DISP_PAUVRES_DEP.csv", store)
    assert result["status"] == "recognised", result
    assert result["changed"] > 0, result
    edition_files.publish(result["key"], "bench", store, based_on=0)
    return time.perf_counter() - started, _cpu() - cpu, result


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run() -> list[Measure]:
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        store = store_copy(Path(tmp) / "store")
        load = os.getloadavg()[0]
        wall, cpu, result = publish_refreshed(store)
        print(f"  {result['steps']}")
        shutil.rmtree(store, ignore_errors=True)
    return [
        Measure(
            27,
            "publish a refreshed source (Filosofi poverty file revised: prepare + publish, derivations included)",
            wall,
            "s",
            60.0,
            load=load,
            cpu=cpu,
        )
    ]


if __name__ == "__main__":
    for measure in run():
        print(measure)
