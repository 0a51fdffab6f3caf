"""Issue 28, the radar: a warm render of one territory's radar against a bare page, its first (uncached) view
just after a publish (the previous version's signals, « recalcul en cours »: no computation) against the same
view before any publish, a département's scan of its communes, and the whole computation the pipeline adds
(every territory's signals and the backtest; budget 60 s, CPU seconds reported beside)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.benchmarks import apptest
from tests.benchmarks.run import Entry, Measure, median_of


def _scan_nord() -> float:
    """The communes of the Nord that stand out (read from the stored signals), uncached."""
    from indicators.storage import store
    from indicators.views import radar_view

    index = store.load_territories()
    return median_of(lambda: radar_view.communes_standing_out("departement", "59", index), repeat=3)


def _published_copy() -> Path:
    """A copy of the store with one value published (RSA coverage of 38 in 2019: 3,9 % for 3,7 %) and its
    radar refresh not run: what every replica sees during the seconds the background refresh takes."""
    import pandas as pd

    from indicators.core.paths import processed_dir
    from indicators.storage import versions

    folder = Path(tempfile.mkdtemp(prefix="radar-bench-")) / "store"
    shutil.copytree(processed_dir(), folder, ignore=shutil.ignore_patterns("versions", "*.lock", "CURRENT*"))
    row = dict(territory_level="departement", territory_code="38", indicator_id="rsa_coverage_rate", year=2019,
               value=3.9, variant="observed", source_id="drees_minima_sociaux")  # fmt: skip
    os.environ["RADAR_SIGNALS_REFRESH"] = "off"
    versions.publish(pd.DataFrame([row]), "bench", "bench.csv", "bench", folder)
    return folder


def _first_view_entries() -> list[Entry]:
    from indicators.core.paths import processed_dir
    from indicators.storage import store
    from indicators.views import radar_view

    folder = _published_copy()
    index = store.load_territories()
    after = radar_view.build("departement", "38", index, folder)
    assert after is not None and after.pending_from == 0, "the copy's radar should wait for its refresh"
    return [
        Entry(28, "radar of 38 just after a publish (uncached, refresh not done)",
              lambda: radar_view.build("departement", "38", index, folder),
              lambda: radar_view.build("departement", "38", index, processed_dir()), 0.5,
              "same, no publish", repeat=5),
    ]  # fmt: skip


def _refresh_after_publish() -> tuple[float, float]:
    """(wall, CPU) seconds of the refresh a publish starts (stored.refresh: the touched indicator only, the
    other signals carried over from the previous version's file), on its own copy of the store."""
    from indicators.radar import stored

    folder = _published_copy()
    try:
        cpu, start = time.process_time(), time.perf_counter()
        stored.refresh(folder)
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def _whole_computation() -> tuple[float, float]:
    """(wall, CPU) seconds of every territory's signals and the backtest (stored.build), on the rows the
    pipeline's radar step gives it."""
    from indicators.build import table_steps
    from indicators.radar import stored
    from indicators.storage import store

    rows = table_steps.rows_of(store.load_indicators(), table_steps.radar_ids())
    index = store.load_territories()
    cpu, start = time.process_time(), time.perf_counter()
    stored.build(rows, index)
    return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[Entry | Measure]:
    bare = apptest.bare()
    entries: list[Entry | Measure] = [
        Entry(28, "warm server rerun: radar of 93 (?dep=93)", apptest.page("app_pages/radar.py", dep="93").run,
              bare.run, 0.1, "bare page"),
        Entry(28, "warm server rerun: radar of Dunkerque (?com=59183)",
              apptest.page("app_pages/radar.py", com="59183").run, bare.run, 0.1, "bare page"),
        *_first_view_entries(),
        Measure(28, "scan of the Nord's 647 communes (uncached)", _scan_nord(), "s", 1.0),
    ]  # fmt: skip
    wall, cpu = _refresh_after_publish()
    entries.append(Measure(28, "refresh after a one-value publish (RSA of 38)", wall, "s", None,
                           load=os.getloadavg()[0], cpu=cpu))  # fmt: skip
    wall, cpu = _whole_computation()
    entries.append(Measure(28, "build: signals of every territory + backtest", wall, "s", 60.0, load=os.getloadavg()[0],
                           cpu=cpu))  # fmt: skip
    return entries


if __name__ == "__main__":
    from tests.benchmarks.run import timed

    for item in run():
        print(timed(item) if isinstance(item, Entry) else item)
