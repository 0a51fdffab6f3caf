"""Issue 29: the full build from a fresh clone (empty store, no step cache) and the rebuild after one DREES
file changes, against « reading every raw file » timed in the same run (the floor of any build: every raw
file parsed once by the plain reader of its format, nothing derived).

Two one-file rebuilds, each from a store built by the same code (its step cache seeded):
- one DREES **value** changed (AAH recipients of the Ain, 2019: 7 480 -> 7 490, in the sheet's XML), the
  copy of data/raw switched between the edited and the original file on each run, so every run is a
  one-value change;
- the DREES file **re-saved** with the same values (new bytes: a zip comment), switched the same way.
The radar's steps (radar, radar_origins, radar_backtest: cached in parts, indicators/radar/parts.py) are also
reported on their own for the one-value rebuild, from each build's log (budget 3 s: a few seconds of the 15).
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


def _timed(fn) -> tuple[float, float]:
    cpu, start = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def radar_seconds(message: str) -> tuple[float, float]:
    """(wall, CPU) seconds of the radar's steps (radar, radar_origins, radar_backtest) in a build's log line
    « seconds (wall/CPU): radar [1/32] 1.2/1.1, … » (steps under 0.05 s are not listed: counted as 0)."""
    line = next((t for t in message.splitlines() if t.startswith("seconds (wall/CPU): ")), "")
    wall = cpu = 0.0
    for item in line.removeprefix("seconds (wall/CPU): ").split(", "):
        name, _, figures = item.rpartition(" ")
        if name.startswith("radar") and "/" in figures:
            step_wall, step_cpu = figures.split("/")
            wall, cpu = wall + float(step_wall), cpu + float(step_cpu)
    return wall, cpu


def _rebuilds(original: Path, changed: Path, store: Path, radar: list | None = None) -> tuple[float, float, str]:
    """Median (wall, CPU) of REBUILDS one-file rebuilds, switching between the two copies; the last log
    (``radar``: gets the radar steps' (wall, CPU) of each rebuild)."""
    runs, message = [], ""
    for index in range(REBUILDS):
        raw = changed if index % 2 == 0 else original

        def build(raw=raw):
            nonlocal message
            message = pipeline.run(raw, store)

        runs.append(_timed(build))
        if radar is not None:
            radar.append(radar_seconds(message))
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
        load_full = os.getloadavg()[0]
        full, full_cpu = _timed(lambda: pipeline.run(original, store, force=True))
        reads.append(_timed(lambda: read_every_raw_file(original)))
        load_value = os.getloadavg()[0]
        radar: list[tuple[float, float]] = []
        one_value, one_value_cpu, log = _rebuilds(original, value, store, radar)
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
            f"rebuild after one DREES value changes (median of {REBUILDS})",
            one_value,
            budget=15.0,
            load=load_value,
            cpu=one_value_cpu,
            **common,
        ),
        Measure(
            29,
            f"radar steps in the rebuild after one DREES value changes (median of {REBUILDS})",
            statistics.median(w for w, _ in radar),
            "s",
            budget=3.0,
            load=load_value,
            cpu=statistics.median(c for _, c in radar),
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
