"""The step caches of two built stores, frame by frame: ``python -m tests.compare_steps STORE_A STORE_B``.

Used beside ``tests.compare_stores`` (the served tables) to show a change to the build leaves every step's
output identical, including a step newly cached in parts.

Every step entry of the same name is compared exactly (assert_frame_equal, check_exact). A step cached in
parts after (``name.part``) is put together as the pipeline does (table_steps.joined, in the rates' order) and
compared with the whole step before: ``track_rates`` = (rate table = every rate's ALL rows then every
rate's per-territory rows, rate paths); ``projected_needs`` and ``track_needs`` (one part per need, in the
catalogue's order) by projected.joined_needs and track_record.joined_need_paths; ``projected_trends`` is
compared sorted, its order before depended on PYTHONHASHSEED (trends.build iterated a set); ``radar``
(signals, now one part per level and indicator) is compared sorted by territory, indicator and kind
(``_radar``). Run tests.compare_stores for the served tables.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from indicators.build import projected, table_steps
from indicators.core import catalogue
from indicators.models import track_record

KEYS = ["territory_level", "territory_code", "indicator_id", "year", "variant"]


def entries(folder: Path) -> dict[str, dict[int, Path]]:
    """step name (``name.part`` for a part) -> frame index -> file."""
    out: dict[str, dict[int, Path]] = defaultdict(dict)
    for p in sorted(folder.glob("*.parquet")):
        name, _key, index = p.stem.rsplit("-", 2)
        out[name][int(index)] = p
    return out


def compare(before: Path, after: Path) -> list[str]:
    """The steps checked (AssertionError at the first difference)."""
    a, b = entries(before / ".steps"), entries(after / ".steps")
    checked = []
    for name in sorted(a):
        if name in b:
            for i in a[name]:
                assert_frame_equal(pd.read_parquet(a[name][i]), pd.read_parquet(b[name][i]), check_exact=True)
            checked.append(name)
            continue
        parts = {p.split(".", 1)[1]: b[p] for p in b if p.startswith(name + ".")}
        assert parts, f"{name}: not in {after}"
        if name == "radar":
            _radar(a[name], parts)
            checked.append(f"{name} ({len(parts)} parts)")
            continue
        ids = catalogue.need_ids() if name in ("projected_needs", "track_needs") else table_steps.rate_ids()
        order = [i for i in ids if i in parts]
        assert sorted(order) == sorted(parts), (name, sorted(parts))
        frames = {i: [pd.read_parquet(parts[i][k]) for k in sorted(parts[i])] for i in order}
        if name == "projected_trends":
            whole = pd.read_parquet(a[name][0]).sort_values(KEYS, ignore_index=True)
            joined = table_steps.joined(f[0] for f in frames.values()).sort_values(KEYS, ignore_index=True)
            assert_frame_equal(whole, joined, check_exact=True)
        elif name == "track_rates":
            every, per, paths = (table_steps.joined(f[k] for f in frames.values()) for k in range(3))
            assert_frame_equal(pd.read_parquet(a[name][0]), table_steps.joined((every, per)), check_exact=True)
            assert_frame_equal(pd.read_parquet(a[name][1]), paths, check_exact=True)
        elif name == "projected_needs":
            joined = projected.joined_needs([f[0] for f in frames.values()])
            assert_frame_equal(pd.read_parquet(a[name][0]), joined, check_exact=True)
        elif name == "track_needs":
            joined = track_record.joined_need_paths([f[0] for f in frames.values()])
            assert_frame_equal(pd.read_parquet(a[name][0]), joined, check_exact=True)
        else:
            raise AssertionError(f"{name}: no rule to put its parts together")
        checked.append(f"{name} ({len(parts)} parts)")
    return checked


def _radar(whole: dict[int, Path], parts: dict[str, dict[int, Path]]) -> None:
    """The radar's signals (frame 0 of the whole step) against its parts put together (radar.parts.signals_of),
    sorted by territory, indicator and kind: the whole step ordered tied scores as its sort left them (an
    unstable sort), the parts by indicator and kind (engine.ordered). The backtest (frame 1) is no longer a
    step frame: tests.compare_stores compares radar_backtest.parquet."""
    from indicators.radar import parts as radar_parts

    keys = ["territory_level", "territory_code", "indicator_id", "kind"]
    joined = radar_parts.signals_of({name: (pd.read_parquet(files[0]),) for name, files in parts.items()})
    before = pd.read_parquet(whole[0]).sort_values(keys, ignore_index=True)
    assert_frame_equal(before, joined.sort_values(keys, ignore_index=True), check_exact=True, check_dtype=False)


if __name__ == "__main__":
    print(f"identical step frames: {', '.join(compare(Path(sys.argv[1]), Path(sys.argv[2])))}")
