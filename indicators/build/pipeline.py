"""Build the store: ``python -m indicators.pipeline`` (or ``make data``).

raw publications (data/raw) -> data/processed/indicators.parquet + population.parquet.
Rebuilds only when a raw file, the code the build reaches (its import graph) or build_steps.EPOCH changed
(a stamp of sha256 sums), writes to
temporary files, validates them, then renames: a failed build never replaces a good store.

The file written here is the *base* of the store. Analysts' published uploads live beside it in
``versions/`` (see indicators/storage/versions.py) as rows re-applied on top of whatever base is current, so a
rebuild never discards them (``make clean`` does: it deletes the whole folder).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from indicators.build import background, build_steps
from indicators.core.paths import (  # noqa: F401 (the store's file names, re-exported for older callers)
    ADMIN_UNITS_FILE,
    COMMUNE_GEO_FOLDER,
    GEO_FILE,
    INDICATORS_FILE,
    NOTES_FILE,
    POPULATION_FILE,
    RADAR_FILES,
    RAW_DIR,
    ROOT,
    STAFF_FILE,
    STAMP_FILE,
    SUCCESSORS_FILE,
    TERRITORIES_FILE,
    TRACK_RECORD_FILES,
    processed_dir,
)

SOURCE_MODULES = [
    "indicators.sources.insee_population",
    "indicators.sources.insee_chomage",
    "indicators.sources.insee_filosofi",
    "indicators.sources.cdc_departements",
    "indicators.sources.drees_minima_sociaux",
    "indicators.sources.drees_aide_sociale",
    "indicators.sources.drees_aide_sociale_2022",  # 2021-2022, the years the 2020 workbook lacks
    "indicators.sources.seed_profils_2018",
]
# What the build runs: the pipeline and the source modules it imports by name. The fingerprint covers every
# module these import, transitively (import_graph), so no list of code files is kept by hand.
BUILD_MODULES = ("indicators.build.pipeline", *SOURCE_MODULES, "indicators.sources.drees_staff")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(raw_dir: Path = RAW_DIR, root: Path = ROOT) -> dict[str, str]:
    """sha256 of every raw file under raw_dir and of every code file the build reaches (read under ``root``),
    and the epoch (build_steps.EPOCH)."""
    from indicators.build import import_graph

    files = {f"raw/{p.relative_to(raw_dir)}": p for p in sorted(raw_dir.rglob("*")) if p.is_file()}
    files.update({str(p.relative_to(root)): p for p in import_graph.code_files(BUILD_MODULES, root)})
    return {"epoch": str(build_steps.EPOCH), **{name: _sha256(path) for name, path in files.items()}}


def is_up_to_date(out_dir: Path, stamp: dict[str, str]) -> bool:
    stamp_path = out_dir / STAMP_FILE
    if not stamp_path.exists() or not all(
        (out_dir / f).exists()
        for f in (
            INDICATORS_FILE,
            GEO_FILE,
            TERRITORIES_FILE,
            NOTES_FILE,
            SUCCESSORS_FILE,
            ADMIN_UNITS_FILE,
            STAFF_FILE,
            COMMUNE_GEO_FOLDER,
            *TRACK_RECORD_FILES,
            *RADAR_FILES,
        )
    ):
        return False
    try:
        recorded = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        return False
    return recorded.get("inputs") == stamp and base_intact(out_dir, recorded)


def base_intact(out_dir: Path, recorded: dict) -> bool:
    """The base as the stamp recorded it: its Parquet footer reads, its row count and (stamps since issue 23)
    its size and sha256 match; the other tables' footers read. A damaged store is rebuilt, never « up to date »."""
    import pyarrow.parquet as pq

    base = out_dir / INDICATORS_FILE
    try:
        if pq.read_metadata(base).num_rows != recorded.get("rows"):
            return False
        others = (POPULATION_FILE, GEO_FILE, TERRITORIES_FILE, NOTES_FILE, SUCCESSORS_FILE, ADMIN_UNITS_FILE)
        for name in (*others, *TRACK_RECORD_FILES):
            if (out_dir / name).exists():  # is_up_to_date requires them; a fixture store has fewer
                pq.read_metadata(out_dir / name)
    except Exception as exc:  # noqa: BLE001 (pyarrow raises ArrowInvalid, OSError...)
        print(f"{out_dir}: damaged table, rebuilt ({exc})", file=sys.stderr)
        return False
    fingerprint = recorded.get("base")
    if fingerprint is None:  # a stamp written before the hash was recorded: footer and rows checked
        return True
    if not _matches(base, fingerprint):
        return False
    from indicators.core import layout

    copy = recorded.get("copy")  # a big base's territory copy: damaged or lost, the store is rebuilt
    return copy is None or _matches(layout.copy_path(base), copy)


def _matches(path: Path, fingerprint: dict) -> bool:
    return (
        path.exists() and path.stat().st_size == fingerprint.get("size") and _sha256(path) == fingerprint.get("sha256")
    )


def source_step(module) -> build_steps.Step:
    """A source module's step: the raw files it declares (``FILES``) and its module. The population step also
    reads the age table validated by the schema (build_tables)."""
    short = module.__name__.rsplit(".", 1)[-1]
    extra = ("indicators.core.schema",) if short == "insee_population" else ()
    return build_steps.Step(short, tuple(module.FILES), (module.__name__, *extra))


COMMUNE_STEP = build_steps.Step(
    "commune_indicators",
    ("etalab-decoupage-communes", "insee-comparateur-communes"),
    ("indicators.build.commune_indicators",),
)
COMMUNE_SOCIAL_STEP = build_steps.Step(
    "commune_social",
    ("etalab-decoupage-communes", "insee-filosofi-communes", "insee-rp-communes", "anct-jeunes-non-inseres"),
    ("indicators.build.commune_social",),
)
TERRITORY_STEP = build_steps.Step(
    "territory_index",
    ("etalab-decoupage-communes", "etalab-decoupage-administratif"),
    ("indicators.build.territory_index",),
)

COMMUNE_GEO_STEP = build_steps.Step(
    "commune_geo",
    ("france-geojson-communes", "etalab-decoupage-communes"),
    ("indicators.build.commune_geo",),
)
ADMIN_UNITS_STEP = build_steps.Step(
    "admin_units",
    ("etalab-decoupage-administratif", "france-geojson/departements-avec-outre-mer.geojson"),
    ("indicators.sources.admin_units",),
)
STAFF_STEP = build_steps.Step(
    "drees_staff",
    ("drees-aide-sociale/Le personnel départemental de l'action sociale et médico-sociale de 2014 à 2020.xlsx",),
    ("indicators.sources.drees_staff",),
)
AGE_TABLE_STEP = build_steps.Step(  # the population by sex and age, validated: what the derivations divide by
    "age_table",
    ("insee-estimations-population/estim-pop-dep-sexe-aq-1975-2023.xls",),  # insee_population.FILES
    ("indicators.sources.insee_population", "indicators.core.schema"),
)
GEOMETRY_STEP = build_steps.Step(
    "geometry", ("france-geojson/departements-avec-outre-mer.geojson",), ("indicators.build.geo_build",)
)
BACKTESTS_TASK = background.Task("backtests")  # the track records' and the radar backtest's steps, in a worker
# The projections, track records and radar read the table, not raw files: their steps are in table_steps.py,
# keyed on the rows each reads.


def raw_steps(raw_dir: Path) -> list[tuple[build_steps.Step, Callable]]:
    """The steps that read only raw files, with their computations, in the order the build needs them: run in a
    worker process beside the table's steps (background.Background). Each imports its module when it runs, so
    the worker, not the build's own process, pays the import."""

    def communes():
        from indicators.build import commune_indicators

        return commune_indicators.build(raw_dir)

    def social():
        from indicators.build import commune_social

        return commune_social.build(raw_dir)

    def territories():
        from indicators.build import territory_index

        return territory_index.build(raw_dir), territory_index.successors(raw_dir)

    def admin():
        from indicators.sources import admin_units

        return (admin_units.build(raw_dir),)

    def staff():
        from indicators.sources import drees_staff

        return (drees_staff.read(raw_dir),)

    def geojson():
        from indicators.build import commune_geo

        return (commune_geo.geojson_files(raw_dir),)

    return [
        (COMMUNE_STEP, communes),
        (COMMUNE_SOCIAL_STEP, social),
        (TERRITORY_STEP, territories),
        (ADMIN_UNITS_STEP, admin),
        (STAFF_STEP, staff),
        (COMMUNE_GEO_STEP, geojson),
    ]


def default_workers() -> int:
    """1 (the raw-only steps in a second process) on a machine of 2 cores or more, else 0."""
    return 1 if (os.cpu_count() or 1) > 1 else 0


def build_tables(
    raw_dir: Path = RAW_DIR,
    notes: list | None = None,
    cache_dir: Path | None = None,
    log: list | None = None,
    only: set[str] | None = None,
    steps: background.Background | None = None,
):
    """Read every source and derive the indicators: (indicators, population) DataFrames, validated.

    The commune and EPCI indicators (indicators/build/commune_indicators.py) are added to the table; their
    notes (mergers, series breaks, partial totals) are appended to ``notes`` when a list is given.
    With ``cache_dir``, a source step whose inputs and code are unchanged is read back (build_steps);
    ``log`` gets what was rebuilt and reused. ``only``: keep these départements (and France, and their
    communes) of the sources' rows before deriving: a test's small table built by the same path. ``steps``: the
    raw-only steps (raw_steps) already started in a worker (run); without it they run here."""
    import pandas as pd

    from indicators.build import derive
    from indicators.core.schema import validate_indicators, validate_population
    from indicators.sources import insee_population

    log = [] if log is None else log
    (age_sex,) = build_steps.run(
        AGE_TABLE_STEP, raw_dir, cache_dir, lambda: (validate_population(insee_population.read_age_sex(raw_dir)),), log
    )
    if only is not None:
        age_sex = age_sex[age_sex["territory_code"].isin({*only, "FR"})].reset_index(drop=True)
    parts = []
    for name in SOURCE_MODULES:
        module = importlib.import_module(name)

        def read(module=module):
            return (module.read(raw_dir, age_sex) if module is insee_population else module.read(raw_dir),)

        (rows,) = build_steps.run(source_step(module), raw_dir, cache_dir, read, log)
        parts.append(rows.assign(source_id=module.SOURCE_ID))
    observed = pd.concat(parts, ignore_index=True)
    if only is not None:
        observed = observed[observed["territory_code"].isin({*only, "FR"})].reset_index(drop=True)
    with build_steps.timed("derive", log):
        derived = derive.derived(observed, age_sex)
    table = pd.concat([observed, derived], ignore_index=True).assign(variant="observed")
    from indicators.build import table_steps

    with build_steps.timed("validate", log):
        table = validate_indicators(table)
    # The projections read the table without communes: made before the commune rows are joined, while the
    # worker process computes them (the build waited ~15 s for them here when the projections came after).
    projected = table_steps.projected(table, age_sex, raw_dir, cache_dir, log)
    steps = steps or background.Background(raw_steps(raw_dir), raw_dir, cache_dir, workers=0)
    commune_rows, commune_notes = steps.result(COMMUNE_STEP, log)
    social_rows, social_notes = steps.result(COMMUNE_SOCIAL_STEP, log)
    if notes is not None:
        both = pd.concat([commune_notes, social_notes], ignore_index=True)
        notes.append(both.sort_values(["territory_level", "territory_code", "indicator_id", "year"], ignore_index=True))
    communes = pd.concat([commune_rows, social_rows], ignore_index=True).assign(variant="observed")
    if only is not None:  # the communes of those départements
        inside = communes["territory_code"].str[:2].isin(only) | communes["territory_code"].str[:3].isin(only)
        communes = communes[inside & (communes["territory_level"] == "commune")]
    full = pd.concat([table, projected, communes])
    with build_steps.timed("validate_full", log):
        return validate_indicators(full.reset_index(drop=True)), age_sex


def _rows_written(path: Path) -> int:
    """Rows of a written Parquet file from its footer (written last: a cut file does not open), without
    reading the table back."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def write_store(
    indicators,
    population,
    out_dir: Path,
    stamp: dict[str, str],
    geometry=None,
    territories=None,
    notes=None,
    successors=None,
    extra=None,
) -> None:
    """Write the tables (and the map geometry, and ``extra``: file name -> frame, e.g. the track record) to
    temporary files, check their row counts, then rename them into place."""

    from indicators.core import layout

    out_dir.mkdir(parents=True, exist_ok=True)
    pending = []
    frames = [(indicators, INDICATORS_FILE), (population, POPULATION_FILE)]
    if geometry is not None:
        frames.append((geometry, GEO_FILE))
    if territories is not None:
        frames.append((territories, TERRITORIES_FILE))
    if notes is not None:
        frames.append((notes, NOTES_FILE))
    if successors is not None:
        frames.append((successors, SUCCESSORS_FILE))
    frames += [(frame, name) for name, frame in (extra or {}).items()]
    for frame, name in frames:
        tmp = out_dir / f".{name}.tmp-{os.getpid()}"
        if name == INDICATORS_FILE:
            layout.write(frame, tmp, final=out_dir / name)  # the query layer's layout (and its territory copy)
        else:
            frame.to_parquet(tmp, index=False)
        if _rows_written(tmp) != len(frame):
            raise OSError(f"{tmp}: written table does not read back")
        pending.append((tmp, out_dir / name))
    for tmp, final in pending:
        os.replace(tmp, final)
    from indicators.storage import versions

    versions.record_base(out_dir)  # the base's hash, computed once: versions.token() reads it
    base = out_dir / INDICATORS_FILE
    fingerprint = {"size": base.stat().st_size, "sha256": _sha256(base)}  # checked before « up to date »
    record = {"built": time.strftime("%Y-%m-%dT%H:%M:%S"), "rows": len(indicators), "base": fingerprint}
    copy = layout.copy_path(base)
    if copy.exists():  # the territory copy of a big base (indicators/core/layout.py)
        record["copy"] = {"size": copy.stat().st_size, "sha256": _sha256(copy)}
    (out_dir / STAMP_FILE).write_text(json.dumps({**record, "inputs": stamp}, indent=1))


def run(
    raw_dir: Path = RAW_DIR,
    out_dir: Path | None = None,
    force: bool = False,
    workers: int | None = None,
    stamp: dict[str, str] | None = None,
) -> str:
    """Build the store unless it is up to date (``stamp``: ``fingerprint(raw_dir)`` when the caller has just
    computed it). The raw-only steps (raw_steps) run in a worker process while this one reads the sources,
    derives, projects and backtests (``workers``: 0 runs everything here; default workers()). Nothing in the
    store is replaced before every step has succeeded, the worker's included."""
    out_dir = out_dir or processed_dir()
    stamp = fingerprint(raw_dir) if stamp is None else stamp
    if not force and is_up_to_date(out_dir, stamp):
        return "up to date"
    workers = default_workers() if workers is None else workers
    notes: list = []
    log: list = []
    with background.Background(raw_steps(raw_dir), raw_dir, out_dir, workers=workers) as steps:
        from indicators.build import commune_geo, data_diff, geo_build, table_steps

        indicators, population = build_tables(raw_dir, notes, cache_dir=out_dir, log=log, steps=steps)
        with build_steps.timed("data_diff", log):
            changes = data_diff.diff(_previous(out_dir), indicators)
        territories, successors = steps.result(TERRITORY_STEP, log)
        from indicators.radar import stored as radar

        # The track records (the forecasts' backtests) and the radar's backtest read the table, not the radar's
        # signals: a second worker forked now computes them while this process computes the signals (their
        # steps cached and logged there as here).
        def backtests(log):
            return table_steps.track_record(indicators, population, raw_dir, out_dir, log), table_steps.radar_backtest(
                indicators, raw_dir, out_dir, log
            )

        with background.Background([(BACKTESTS_TASK, backtests)], raw_dir, out_dir, workers=workers) as worker:
            signals = table_steps.radar_signals(indicators, territories, raw_dir, out_dir, log)
            (admin,) = steps.result(ADMIN_UNITS_STEP, log)
            (staff,) = steps.result(STAFF_STEP, log)
            (geometry,) = build_steps.run(GEOMETRY_STEP, raw_dir, out_dir, lambda: (geo_build.build(raw_dir),), log)
            geometry = geo_build.from_stored(geometry)  # the step's frame holds the shapes as WKB (from Parquet)
            track_records, radar_backtest = worker.result(BACKTESTS_TASK, log)
        (commune_files,) = steps.result(COMMUNE_GEO_STEP, log)
    with build_steps.timed("commune_geo_write", log):
        commune_geo.write(commune_files, out_dir)  # before the stamp: a failed build is rebuilt next time
    with build_steps.timed("write_store", log):
        write_store(
            indicators,
            population,
            out_dir,
            stamp,
            geometry=geometry,
            territories=territories,
            notes=notes[0],
            successors=successors,
            extra={
                ADMIN_UNITS_FILE: admin,  # the territory list and areas the app reads
                STAFF_FILE: staff,  # staff by category (the Métiers du social page)
                **track_records,
                radar.SIGNALS_FILE: signals,
                radar.BACKTEST_FILE: radar_backtest,
            },
        )
    built = f"built {len(indicators)} rows, {indicators['indicator_id'].nunique()} indicators"
    if refresh_signals(out_dir) is not None:
        built += "; the published version's radar signals are being recomputed in the background"
    return f"{built}\n{build_steps.describe(log)}\n{data_diff.describe(changes)}"


def refresh_signals(out_dir: Path):
    """Under published versions, each version's signals file is named after the base it was computed on
    (radar.stored.signals_path): a rebuilt base leaves the published version without one (the radar serves the
    nearest written, « recalcul en cours »). Start its refresh in the background, as a publish does; the
    process (None when nothing to do or it could not start)."""
    from indicators.radar import stored
    from indicators.storage import versions

    if not versions.current(out_dir) or stored.has_signals(None, out_dir):
        return None
    return stored.refresh_in_background(out_dir)


def _previous(out_dir: Path):
    """The base table served before this build, the columns data_diff compares (None on a first build or an
    unreadable one)."""
    import pandas as pd

    from indicators.core.schema import KEY

    try:
        return pd.read_parquet(out_dir / INDICATORS_FILE, columns=[*KEY, "value"])
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Radar social indicator store from data/raw.")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument("--raw", type=Path, default=RAW_DIR)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--workers", type=int, choices=(0, 1), default=None, help="0: no worker process (default: 1 on 2+ cores)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out_dir = args.out or processed_dir()
    stamp = fingerprint(args.raw)  # sha256 of every raw and code file: computed once
    if not args.force and is_up_to_date(out_dir, stamp):  # checked before heavy imports
        print(f"up to date in {time.perf_counter() - started:.2f} s")
        return 0
    from pandera.errors import SchemaErrors

    from indicators.core.errors import RawFileError

    try:
        message = run(args.raw, out_dir, force=True, workers=args.workers, stamp=stamp)
    except (RawFileError, SchemaErrors) as exc:
        print(f"pipeline stopped, the store was left as it was: {exc}", file=sys.stderr)
        return 1
    built, _, changes = message.partition("\n")
    print(f"{built} in {time.perf_counter() - started:.2f} s")
    print(changes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
