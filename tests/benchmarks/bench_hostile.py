"""Issue 16: every hostile workbook refused in < 10 s and < 1 GB (peak RSS of the server process and of the worker).

Each file is parsed in a fresh interpreter (``parse_upload`` as the import page calls it) so that the
peak memory of that process and of its children (the bounded XLSX worker) is the file's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests import hostile_workbooks
from tests.benchmarks.run import Measure

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "XFD1048576 declared (4.9 KB-style)": lambda: hostile_workbooks.far_cell(),
    "XFD1048576 cell, no dimension": lambda: hostile_workbooks.far_cell(declare_dimension=False),
    "bomb, 2M rows (~460 KB)": lambda: hostile_workbooks.bomb(2_000_000),
    "bomb, 10M rows (~2.3 MB)": lambda: hostile_workbooks.bomb(10_000_000),
    "400k x 40 cells, no dimension (~850 KB)": lambda: hostile_workbooks.wide_rows(),
}
PROBE = """
import json, resource, sys, time
from indicators.publishing.upload import UploadError, parse_upload
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    parse_upload(data, "hostile.xlsx", indicator="poverty_rate")
    message = "ACCEPTED"
except UploadError as error:
    message = error.problems["message"].iloc[0]
seconds = time.perf_counter() - start
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "message": message}))
"""


def measure(name: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, check=True)
    return {"name": name, "bytes": path.stat().st_size, **json.loads(done.stdout)}


def run() -> list[Measure]:
    out = []
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    # built by another process: Linux's peak RSS (ru_maxrss) is inherited across fork, so the process that
    # starts the probes must never have held the big buffers
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_hostile", "--build", str(folder)], cwd=ROOT, check=True
    )
    paths = {name: folder / f"{i}.xlsx" for i, name in enumerate(FILES)}
    for name, path in paths.items():
        result = measure(name, path)
        assert result["message"] != "ACCEPTED", name
        print(f"  {name}: {result['bytes']:,} bytes, {result['message'][:90]}")
        out.append(Measure(16, f"refuse {name}", result["seconds"], "s", 10.0))
        out.append(Measure(16, f"peak memory, {name}", result["peak_mib"], "MiB", 1024.0))
        path.unlink()
    folder.rmdir()
    return out


if __name__ == "__main__" and sys.argv[1:2] == ["--build"]:
    for i, build in enumerate(FILES.values()):
        (Path(sys.argv[2]) / f"{i}.xlsx").write_bytes(build())
elif __name__ == "__main__":
    for measure_ in run():
        print(measure_)
