"""Issue 28, the radar: a warm render of one territory's radar, a département's scan of its communes, and
the whole computation the pipeline adds (every territory's signals and the backtest)."""

from __future__ import annotations

import time

from tests.benchmarks.apptest import warm_rerun as _warm_rerun
from tests.benchmarks.run import Measure, median_of


def _scan_nord() -> float:
    """The communes of the Nord that stand out (read from the stored signals), uncached."""
    from indicators.storage import store
    from indicators.views import radar_view

    index = store.load_territories()
    return median_of(lambda: radar_view.communes_standing_out("departement", "59", index), repeat=3)


def _whole_computation() -> tuple[float, float]:
    """(every territory's signals, the backtest) in seconds, on the store's table."""
    from indicators.radar import backtest, stored
    from indicators.storage import store

    table = store.load_indicators()
    index = store.load_territories()
    start = time.perf_counter()
    stored.compute_all(table, index=index)
    signals = time.perf_counter() - start
    start = time.perf_counter()
    backtest.run(table)
    return signals, time.perf_counter() - start


def run() -> list[Measure]:
    signals, measured = _whole_computation()
    return [
        Measure(28, "warm server rerun: radar of 93 (?dep=93)", _warm_rerun("app_pages/radar.py", dep="93"), "s", 0.1),
        Measure(28, "warm server rerun: radar of Dunkerque (?com=59183)",
                _warm_rerun("app_pages/radar.py", com="59183"), "s", 0.1),
        Measure(28, "scan of the Nord's 647 communes (uncached)", _scan_nord(), "s", 1.0),
        Measure(28, "build: signals of every territory + backtest", signals + measured, "s", 60.0),
    ]  # fmt: skip


if __name__ == "__main__":
    for measure in run():
        print(measure)
