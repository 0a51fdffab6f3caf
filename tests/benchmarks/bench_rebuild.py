"""Issue 29: the full build from a fresh clone (empty store, no step cache) and the rebuild after one DREES
file changes, against « reading every raw file » timed in the same run (the floor of any build: every raw
file parsed once by the plain reader of its format, nothing derived).

The full build twice: as `make data` runs it (the raw-only steps in a worker process beside the rest:
indicators/build/background.py) and in one process (``workers=0``): their ratio is the overlap's gain. CPU
figures include the worker's seconds.

Two one-file rebuilds, each from a store built by the same code (its step cache seeded):
- one DREES **value** changed (AAH recipients of the Ain, 2019: 7 480 -> 7 490, in the sheet's XML), the
  copy of data/raw switched between the edited and the original file on each run, so every run is a
  one-value change;
- the DREES file **re-saved** with the same values (new bytes: a zip comment), switched the same way.
The radar's steps (radar, radar_origins, radar_backtest: cached in parts, indicators/radar/parts.py) are reported
on their own for the one-value rebuild, and the rest of it without them.
Everything happens in a temporary folder; data/raw and data/processed are not touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from indicators.build import pipeline
from indicators.core.paths import RAW_DIR
from tests.benchmarks.run import Measure

DREES_FILE = Path("drees-minima-sociaux") / "Minima sociaux - donnees departementales par dispositif.xlsx"
REBUILDS = 3


def read_every_raw_file(raw: Path = RAW_DIR) -> int:
    """Parse every raw file once with the plain reader of its format (spreadsheets every sheet, CSV as text,
    JSON / GeoJSON, the JSON inside the Etalab archives, R data frames, YAML): the baseline. Returns the
    number of files read."""
    import pandas as pd
    import pyreadr
    import yaml

    count = 0
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix in (".xls", ".xlsx"):
            pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
        elif suffix == ".csv":
            head = path.read_bytes()[:65536].decode("latin-1")
            separator = max(";,\t|", key=head.count)
            pd.read_csv(path, dtype=str, sep=separator, encoding="latin-1", on_bad_lines="skip")
        elif suffix in (".json", ".geojson"):
            json.loads(path.read_bytes())
        elif suffix == ".tgz":
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile() and member.name.endswith(".json"):
                        json.loads(archive.extractfile(member).read())
        elif suffix == ".rdata":
            pyreadr.read_r(str(path))
        elif suffix in (".yml", ".yaml"):
            yaml.safe_load(path.read_text(encoding="utf-8"))
        else:
            path.read_bytes()
        count += 1
    return count


def change_drees(raw: Path, mode: str) -> None:
    """In a copy of data/raw: ``resave`` (new bytes, same values) or ``value`` (one AAH count changed)."""
    path = raw / DREES_FILE
    if mode == "resave":
        with zipfile.ZipFile(path, "a") as book:
            book.comment = b"re-saved"
        return
    source = path.with_suffix(".orig")
    shutil.move(path, source)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        workbook = zin.read("xl/workbook.xml").decode()
        rid = re.search(r'<sheet [^>]*name="Tableau 1"[^>]*r:id="(rId\d+)"', workbook).group(1)
        rels = zin.read("xl/_rels/workbook.xml.rels").decode()
        target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid}"', rels
        )
        sheet = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == sheet:
                text, n = re.subn(r'(<c r="[A-Z]+4"[^>]*><v>)7480(</v>)', r"\g<1>7490\g<2>", data.decode())
                if n != 1:
                    raise ValueError(f"{path}: the AAH count of the Ain, 2019, is not where it was ({n} matches)")
                data = text.encode()
            zout.writestr(item, data)
    source.unlink()


def _cpu() -> float:
    """CPU seconds of this process and of its ended children: the build's worker process (indicators/build/
    background.py) is joined before pipeline.run returns, so its seconds count."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(fn) -> tuple[float, float]:
    cpu, start = _cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu() - cpu


RADAR = re.compile(r"(?:: |, )radar(?:_origins|_backtest)?(?: \[\d+/\d+\])?(?: \(reused\))? ([\d.]+)/([\d.]+)")


def radar_seconds(message: str) -> tuple[float, float]:
    """(wall, CPU) seconds of the radar's steps (radar, radar_origins, radar_backtest: indicators/radar/parts.py)
    in a build's message (its log line; a step under 0.05 s is not listed: 0)."""
    found = RADAR.findall(message)
    return sum(float(w) for w, _ in found), sum(float(c) for _, c in found)


def _rebuilds(original: Path, changed: Path, store: Path, but_radar: list | None = None) -> tuple[float, float, str]:
    """Median (wall, CPU) of REBUILDS one-file rebuilds, switching between the two copies; the last log.
    ``but_radar`` gets each run's (wall, CPU) without the radar step's (issue 29: the rest of the build)."""
    runs, message = [], ""
    for index in range(REBUILDS):
        raw = changed if index % 2 == 0 else original

        def build(raw=raw):
            nonlocal message
            message = pipeline.run(raw, store)

        runs.append(_timed(build))
        if but_radar is not None:
            radar = radar_seconds(message)
            but_radar.append((runs[-1][0] - radar[0], runs[-1][1] - radar[1], *radar))
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs), message


def run() -> list[Measure]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        original, value, resave, store = tmp / "raw", tmp / "raw-value", tmp / "raw-resave", tmp / "store"
        shutil.copytree(RAW_DIR, original)
        for copy, mode in ((value, "value"), (resave, "resave")):
            shutil.copytree(RAW_DIR, copy)
            change_drees(copy, mode)
        reads = [_timed(lambda: read_every_raw_file(original))]
        load_one = os.getloadavg()[0]  # the same build in one process: what the worker's overlap saves
        one, one_cpu = _timed(lambda: pipeline.run(original, tmp / "store-one-process", force=True, workers=0))
        shutil.rmtree(tmp / "store-one-process")
        load_full = os.getloadavg()[0]
        logs = []
        full, full_cpu = _timed(lambda: logs.append(pipeline.run(original, store, force=True)))
        print("full build:", logs[0].split("\n")[2])  # its seconds per step (wall/CPU), the worker's included
        reads.append(_timed(lambda: read_every_raw_file(original)))
        load_value = os.getloadavg()[0]
        rest: list[tuple[float, float]] = []
        one_value, one_value_cpu, log = _rebuilds(original, value, store, rest)
        print("one DREES value:", log.replace("\n", " | "))
        reads.append(_timed(lambda: read_every_raw_file(original)))
        load_resave = os.getloadavg()[0]
        pipeline.run(original, store)  # back to the original file (the last value run left the edited one)
        resaved, resaved_cpu, log = _rebuilds(original, resave, store)
        print("DREES file re-saved:", log.replace("\n", " | "))
        reads.append(_timed(lambda: read_every_raw_file(original)))
    base, base_cpu = statistics.median(w for w, _ in reads), statistics.median(c for _, c in reads)
    common = {"unit": "s", "baseline": base, "baseline_name": "reading every raw file", "baseline_cpu": base_cpu}
    return [
        Measure(
            29,
            "full build from a fresh clone (empty store and step cache)",
            full,
            budget=60.0,
            load=load_full,
            cpu=full_cpu,
            **common,
        ),
        Measure(
            29,
            "full build from a fresh clone, in one process (--workers 0: no overlap)",
            one,
            budget=None,
            load=load_one,
            cpu=one_cpu,
            **common,
        ),
        Measure(
            29,
            f"rebuild after one DREES value changes (median of {REBUILDS})",
            one_value,
            budget=15.0,
            load=load_value,
            cpu=one_value_cpu,
            **common,
        ),
        Measure(
            29,
            f"rebuild after one DREES value changes, all but the radar step (median of {REBUILDS})",
            statistics.median(w for w, *_ in rest),
            budget=10.0,  # the rest of the 15 s budget's share once the radar is incremental (issue 29)
            load=load_value,
            cpu=statistics.median(c for _, c, *_ in rest),
            **common,
        ),
        Measure(
            29,
            f"radar steps in the rebuild after one DREES value changes (median of {REBUILDS})",
            statistics.median(w for *_, w, _ in rest),
            "s",
            budget=3.0,  # a few seconds of the 15 (the radar in parts: indicators/radar/parts.py)
            load=load_value,
            cpu=statistics.median(c for *_, c in rest),
        ),
        Measure(
            29,
            f"rebuild after the DREES file is re-saved, same values (median of {REBUILDS})",
            resaved,
            budget=15.0,
            load=load_resave,
            cpu=resaved_cpu,
            **common,
        ),
    ]
