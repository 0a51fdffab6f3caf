"""``python -m indicators.radar --backtest`` (the backtest table, thresholds chosen on 2012-2014),
``python -m indicators.radar --dep 93`` / ``--com 59183`` / ``--epci …`` (one territory's signals) or
``python -m indicators.radar --refresh [--store DIR]`` (every territory's signals of the published version,
written beside it: what a publish starts in the background)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from indicators.radar import backtest, engine, rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Le radar : signaux d'un territoire, et leur backtest.")
    parser.add_argument("--backtest", action="store_true", help="measure the persistence of past signals")
    parser.add_argument("--dep")
    parser.add_argument("--com")
    parser.add_argument("--epci")
    parser.add_argument("--refresh", action="store_true", help="recompute the published version's signals")
    parser.add_argument("--store", type=Path, help="store folder (default: data/processed)")
    args = parser.parse_args(argv)
    from indicators.radar import stored
    from indicators.storage import store

    if args.refresh:
        started = time.perf_counter()
        path = stored.refresh(args.store)
        print(f"{path} écrit en {time.perf_counter() - started:.1f} s")
        return 0

    table = store.load_indicators()
    if args.backtest:
        chosen, measured = backtest.run(table)
        print(f"thresholds chosen on {backtest.EARLY}: {chosen}")
        print(f"thresholds in rules.THRESHOLDS: {backtest.stored_thresholds()}")
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(measured.to_string(index=False))
        return 0 if chosen == backtest.stored_thresholds() else 2
    level, code = next(
        ((lv, c) for lv, c in (("departement", args.dep), ("commune", args.com), ("epci", args.epci)) if c),
        (None, None),
    )
    if code is None:
        parser.error("give --backtest, --dep, --com or --epci")
    found = engine.signals(table, level, code)
    for row in found.itertuples():
        print(f"[{rules.KIND_LABELS[row.kind]} {row.direction} {row.score:.2f}] {row.sentence}")
    if found.empty:
        print("Aucun signal net.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
