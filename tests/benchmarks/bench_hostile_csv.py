"""Issue 23: small hostile CSV files (duplicate quoted headers, leading blank lines, a 10⁶-column header) and
files at and far above the size limit, each answered within 10 s and 1 GB (peak RSS of a fresh interpreter).

``python -m tests.benchmarks.bench_hostile_csv [--timeout S] [CASE ...]`` prints one line per case (the
before/after measures of the note); ``make bench`` runs every case with the default timeout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from indicators.publishing import upload
from tests.benchmarks.run import Measure

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def _dup_quoted(size: int) -> bytes:
    """A quoted header of one name repeated (``"c";"c";…``) and one data line."""
    columns = size // 4
    return (";".join(['"c"'] * columns) + "\n" + ";".join(["1"] * columns) + "\n").encode()


def _blank_lines(size: int) -> bytes:
    return b"\n" * size + b"CODGEO;TP6020\n38;12,5\n"


def _wide_header(columns: int) -> bytes:
    return ("CODGEO;" + ";".join(f"C{i}" for i in range(columns)) + "\n").encode() + b"38" + b";1" * columns + b"\n"


def _repeated(line: bytes, size: int) -> bytes:
    """Long rows up to ``size`` bytes, every one ``line``."""
    return b"territory_code;indicator_id;year;value\n" + line * ((size - 64) // len(line))


def _valid_long(size: int) -> bytes:
    """A valid long file of about ``size`` bytes (the benchmark of issue 6, cut to size)."""
    from tests.benchmarks.bench_upload import long_csv

    return long_csv(size // 48)  # about 46 bytes a row


CASES = {
    "duplicate quoted header, 16 KB": lambda: _dup_quoted(16 * 1024),
    "duplicate quoted header, 240 KB": lambda: _dup_quoted(240 * 1024),
    "leading blank lines, 200 KB": lambda: _blank_lines(200 * 1024),
    "leading blank lines, 2 MB": lambda: _blank_lines(2 * MIB),
    "header of 10^6 columns (~9.9 MB)": lambda: _wide_header(1_000_000),
    "1 800 duplicate quoted names (7 KB)": lambda: _dup_quoted(7 * 1024),
    "valid long file at the size limit": lambda: _valid_long(upload.MAX_BYTES),
    "one key repeated, at the size limit": lambda: _repeated(b"38;poverty_rate;2021;12,5\n", upload.MAX_BYTES),
    "malformed lines, at the size limit": lambda: _repeated(b"38;poverty_rate;2021;12,5;1;2\n", upload.MAX_BYTES),
    "text values, at the size limit": lambda: _repeated(b"38;poverty_rate;2021;douze\n", upload.MAX_BYTES),
}
BIG = "1 GB file (command line)"

PROBE = """
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "cli":
    import contextlib, io
    from indicators.publishing import upload_cli
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = upload_cli.main([path, "--indicator", "poverty_rate", "--dry-run", "--store", sys.argv[3]])
    message = "ACCEPTED" if code == 0 else (err.getvalue().splitlines() or [""])[-1]
else:
    from indicators.publishing.upload import UploadError, parse_upload
    data = open(path, "rb").read()
    start = time.perf_counter()
    try:
        parse_upload(data, "hostile.csv", indicator="poverty_rate")
        message = "ACCEPTED"
    except UploadError as error:
        message = error.problems["message"].iloc[0]
seconds = time.perf_counter() - start
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "message": message}))
"""


def measure(kind: str, path: Path, timeout: float, store: str = "") -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, kind, str(path), store],
            cwd=ROOT,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "peak_mib": float("nan"), "message": f"TIMEOUT after {timeout:.0f} s"}
    if done.returncode:
        crash = (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        return {"seconds": float("inf"), "peak_mib": float("nan"), "message": f"CRASH: {crash}"}
    return json.loads(done.stdout)


def run(timeout: float = 120.0, only: list[str] | None = None) -> list[Measure]:
    out = []
    with tempfile.TemporaryDirectory(prefix="hostile-csv-") as tmp:
        folder = Path(tmp)
        names = [n for n in [*CASES, BIG] if not only or any(o in n for o in only)]
        for name in names:
            path = folder / "f.csv"
            if name == BIG:  # written in 64 MB steps: this process never holds it
                with path.open("wb") as handle:
                    for _ in range(16):
                        handle.write(b"38;12,5\n" * (8 * MIB))
                from tests.upload_helpers import copy_store

                result = measure("cli", path, timeout, str(copy_store(folder / "store")))
            else:
                # built in a child: Linux's peak RSS is inherited across fork
                subprocess.run(
                    [sys.executable, "-m", "tests.benchmarks.bench_hostile_csv", "--build", name, str(path)],
                    cwd=ROOT,
                    check=True,
                )
                result = measure("parse", path, timeout)
            size = path.stat().st_size
            print(
                f"  {name}: {size:,} bytes, {result['seconds']:.2f} s, {result['peak_mib']:.0f} MiB peak, "
                f"{result['message'][:90]}",
                flush=True,
            )
            out.append(Measure(23, f"answer {name}", result["seconds"], "s", 10.0))
            out.append(Measure(23, f"peak memory, {name}", result["peak_mib"], "MiB", 1024.0))
            path.unlink()
    return out


if __name__ == "__main__" and sys.argv[1:2] == ["--build"]:
    Path(sys.argv[3]).write_bytes(CASES[sys.argv[2]]())
elif __name__ == "__main__":
    args = sys.argv[1:]
    timeout = 120.0
    if args[:1] == ["--timeout"]:
        timeout, args = float(args[1]), args[2:]
    for measure_ in run(timeout, args or None):
        print(measure_)
