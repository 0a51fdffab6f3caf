"""Two built stores, table by table and row for row: ``python -m tests.compare_stores STORE_A STORE_B``.

Used to show a change to the build (a step split, a speed-up) leaves its output identical: every Parquet
table of the store (indicators.parquet, population, geometry, track records, radar files...) is compared
with ``pandas.testing.assert_frame_equal`` (same rows in the same order, same dtypes, same values; floats
exactly), and every commune GeoJSON byte for byte. Exit status 1 and the first difference of each table
when they differ. The step cache (``.steps/``), the stamp and the base's manifest (times, hashes of the
code) are not compared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from indicators.core.paths import COMMUNE_GEO_FOLDER


def differences(a: Path, b: Path) -> list[str]:
    out = []
    tables = sorted({p.name for p in a.glob("*.parquet")} | {p.name for p in b.glob("*.parquet")})
    tables += sorted({p.name for p in a.glob("*.geoparquet")} | {p.name for p in b.glob("*.geoparquet")})
    for name in tables:
        if not (a / name).exists() or not (b / name).exists():
            out.append(f"{name}: only in {'b' if (b / name).exists() else 'a'}")
            continue
        left, right = pd.read_parquet(a / name), pd.read_parquet(b / name)
        try:
            pd.testing.assert_frame_equal(left, right, check_exact=True)
        except AssertionError as exc:
            out.append(f"{name}: {len(left)} vs {len(right)} rows: {str(exc).splitlines()[0:6]}")
    geo_a, geo_b = a / COMMUNE_GEO_FOLDER, b / COMMUNE_GEO_FOLDER
    names = sorted({p.name for p in geo_a.glob("*")} | {p.name for p in geo_b.glob("*")})
    for name in names:
        if (
            not (geo_a / name).exists()
            or not (geo_b / name).exists()
            or ((geo_a / name).read_bytes() != (geo_b / name).read_bytes())
        ):
            out.append(f"{COMMUNE_GEO_FOLDER}/{name}: differs")
    return out


def main(argv: list[str] | None = None) -> int:
    a, b = (Path(p) for p in (argv or sys.argv[1:]))
    found = differences(a, b)
    tables = len(list(a.glob("*.parquet"))) + len(list(a.glob("*.geoparquet")))
    geo = len(list((a / COMMUNE_GEO_FOLDER).glob("*")))
    print("\n".join(found) or f"identical: {tables} tables and {geo} commune GeoJSON files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
