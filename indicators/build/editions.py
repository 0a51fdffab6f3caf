"""A publisher's own file as a new raw edition of one of the pipeline's sources (issue 27, part 2).

``recognise(data, filename)`` tells, from the file's structure (never its name), which source it is an edition of:
the Filosofi département files (``CODGEO`` + ``TP60yy`` or ``Q2yy``), the Insee localised unemployment workbook (a
« Département » sheet whose header is Code, Libellé, T1_1982…), the Insee population estimates (one sheet per year
from 1975, « 0 à 4 ans » …), the DREES minima sociaux workbook (« Tableau 1 », « Tableau 11 », « Tableau 14 ») and
the DREES aide sociale long series (« Tab4-pa »… / « Tot-tab1 »…).

``prepare(...)`` then makes a *raw view* (data/raw with the store's published editions and this file put in the
source's place: ``slot``), and runs the pipeline's own ``build_tables`` on it: the file is read by the source's own
parser (its checks refuse a damaged file: a missing sheet, a renamed column, years going backwards) and every
derived row (shares, rates, régions and France, projections, trends and their bands, needs) is recomputed. The
difference with the table the previous edition produced (the base, or the last published edition's table) is what
a publish adds, revises and removes (indicators/storage/versions.py). Nothing is written to the served store here:
the result is staged in ``<store>/editions/<key>/`` for the import page or the command line to show and publish,
with the other tables the pages read that the edition changes (``tables/``: the population by age and sex, the
series notes, the track records; ``derived_tables``): the publish carries them in its version's folder, so the
pages of that version read them and a rollback brings back the previous ones (versions.table_path).

Run as ``python -m indicators.build.editions FILE --store DIR [--filename NAME]``: the import page and
``python -m indicators.upload`` call it in a separate, bounded process (the running app never imports the build);
it prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from indicators.core import catalogue
from indicators.core.errors import RawFileError
from indicators.core.paths import NOTES_FILE, POPULATION_FILE, RAW_DIR, STAMP_FILE, processed_dir
from indicators.core.schema import KEY
from indicators.sources import (
    drees_aide_sociale,
    drees_minima_sociaux,
    insee_chomage,
    insee_filosofi,
    insee_filosofi_communes,
    insee_population,
)
from indicators.storage import versions
from indicators.storage.edition_files import (
    EDITIONS_DIR,
    REMOVED_FILE,
    RESULT_FILE,
    ROWS_FILE,
    SOURCE_FILE,
    TABLE_FILE,
    TABLES_DIR,
    published_editions,
)

CACHE_DIR = ".edition-steps"  # the step cache of imports (seeded from the build's .steps)
MAX_BYTES = 64 * 1024 * 1024
CODE_HEADERS = {"codgeo", "code", "code_departement", "code_dep", "dep", "departement", "code_commune"}


@dataclass(frozen=True)
class Recognised:
    module: str  # the source module (indicators/sources/<module>.py) whose parser reads the file
    source_id: str
    slot: str  # where the file goes in the raw view (relative to data/raw)
    what: str  # « Filosofi (taux de pauvreté, départements) »
    level: str = "departement"  # the level of the file's rows (its territories are counted at that level)


def _header_name(text: str) -> str:
    """« Code département » -> code_departement (lower case, no accents, spaces and dashes as underscores)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", plain.strip().lower())


def _csv_header(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The first line's fields and a few data lines of a text file (``;``, tab or ``,``)."""
    head = data[:65536]
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    lines = [line for line in text.splitlines() if line.strip()][:6]
    if not lines:
        return [], []
    sep = max((";", "\t", ","), key=lines[0].count)
    rows = [[f.strip().strip('"') for f in line.split(sep)] for line in lines]
    return rows[0], rows[1:]


def _sheets(data: bytes):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 (calamine raises several types for files that are no workbook)
        return None


def _first_cells(workbook, sheet: str, rows: int = 15) -> list[list[str]]:
    try:
        table = workbook.get_sheet_by_name(sheet).to_python(nrows=rows)
    except Exception:  # noqa: BLE001
        return []
    return [[str(c).strip() for c in row] for row in table]


def recognise(data: bytes, filename: str = "") -> Recognised | None:
    """The source the file is an edition of, from its structure; None for an unknown layout."""
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return _recognise_workbook(data)
    header, body = _csv_header(data)
    names = {_header_name(h).upper(): h for h in header}
    if not any(n.lower() in CODE_HEADERS for n in names):
        return None
    codes = [row[0] for row in body if row]
    communes = bool(codes) and sum(len(c) == 5 for c in codes) > len(codes) / 2
    if communes:  # Filosofi by commune (base « chiffres clés »): MEDyy and TP60yy of one edition
        year = insee_filosofi_communes.year_of(list(names))
        if year is None or f"TP60{year % 100:02d}" not in names:
            return None
        slot = f"{insee_filosofi_communes.FOLDER.name}/cc_filosofi_{year}_COM.csv"
        what = "revenus et pauvreté, communes"
        return Recognised("insee_filosofi_communes", insee_filosofi_communes.SOURCE_ID, slot, what, "commune")
    for name in names:
        poverty, median = re.fullmatch(r"TP60(\d\d)", name), re.fullmatch(r"Q2(\d\d)", name)
        if poverty:
            year = 2000 + int(poverty.group(1))
            slot = f"{insee_filosofi.FOLDER}/FILO{year}_DISP_PAUVRES_DEP.csv"
            return Recognised("insee_filosofi", insee_filosofi.SOURCE_ID, slot, "taux de pauvreté, départements")
        if median:
            year = 2000 + int(median.group(1))
            slot = f"{insee_filosofi.FOLDER}/FILO{year}_DISP_DEP.csv"
            return Recognised("insee_filosofi", insee_filosofi.SOURCE_ID, slot, "niveau de vie médian, départements")
    return None


def _recognise_workbook(data: bytes) -> Recognised | None:
    workbook = _sheets(data)
    if workbook is None:
        return None
    sheets = [str(s).strip() for s in workbook.sheet_names]
    if insee_chomage.SHEET in sheets:
        rows = _first_cells(workbook, insee_chomage.SHEET)
        if any(row[:1] == ["Code"] and len(row) > 2 and insee_chomage.QUARTER.match(row[2]) for row in rows):
            return Recognised(
                "insee_chomage", insee_chomage.SOURCE_ID, insee_chomage.FILES[0], "taux de chômage localisés"
            )
    if str(insee_population.FIRST_YEAR) in sheets:
        rows = _first_cells(workbook, str(insee_population.FIRST_YEAR), 6)
        if len(rows) > 4 and "0 à 4 ans" in rows[4]:
            return Recognised(
                "insee_population",
                insee_population.SOURCE_ID,
                insee_population.FILES[0],
                "estimations de population par âge et sexe",
            )
    if _most({t.sheet for t in drees_minima_sociaux.TABLES}, sheets):
        return Recognised(
            "drees_minima_sociaux",
            drees_minima_sociaux.SOURCE_ID,
            drees_minima_sociaux.FILES[0],
            "minima sociaux, données départementales",
        )
    for file in (drees_aide_sociale.BENEFICIARIES_FILE, drees_aide_sociale.SPENDING_FILE):
        wanted = {t.sheet for t in drees_aide_sociale.TABLES if t.file == file}
        if wanted and _most(wanted, sheets):
            return Recognised(
                "drees_aide_sociale",
                drees_aide_sociale.SOURCE_ID,
                file,
                "aide sociale départementale, séries longues",
            )
    return None


def _most(wanted: set[str], sheets: list[str]) -> bool:
    """More than half the sheets a source reads are there (names stripped): the publisher's workbook, maybe
    damaged (a missing sheet is then refused by the parser, saying which)."""
    return len(wanted & {s.strip() for s in sheets}) * 2 > len(wanted)


# --- the raw view ---------------------------------------------------------------------------------------


def raw_view(raw_dir: Path, placed: list[tuple[str, Path | None]], into: Path) -> Path:
    """A copy of ``raw_dir`` made of symbolic links, with each (slot, file) of ``placed`` put at its slot (the
    later wins). Only the folders of the slots are links file by file; the others are one link each."""
    into.mkdir(parents=True, exist_ok=True)
    touched = {slot.split("/", 1)[0] for slot, _ in placed}
    for entry in sorted(raw_dir.iterdir()):
        if entry.name not in touched:
            (into / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
            continue
        (into / entry.name).mkdir()
        for path in sorted(entry.rglob("*")):
            target = into / path.relative_to(raw_dir)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(path.resolve())
    for folder in touched - {p.name for p in raw_dir.iterdir()}:
        (into / folder).mkdir(parents=True, exist_ok=True)
    for slot, file in placed:
        target = into / slot
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if file is not None:  # None: the slot left empty (a test's store without that edition)
            target.symlink_to(Path(file).resolve())
    return into


def _seed_cache(store: Path) -> Path:
    """The imports' step cache, seeded with the build's cached steps (hard links: no copy)."""
    cache = store / CACHE_DIR
    steps_in, steps_out = store / ".steps", cache / ".steps"
    steps_out.mkdir(parents=True, exist_ok=True)
    for path in sorted(steps_in.glob("*.parquet")) if steps_in.is_dir() else []:
        if not (steps_out / path.name).exists():  # every entry of the build's (a rebuilt base's too), by its key
            try:
                (steps_out / path.name).hardlink_to(path)
            except OSError:
                shutil.copy2(path, steps_out / path.name)
    return cache


# --- prepare ---------------------------------------------------------------------------------------------


class EditionRefused(Exception):
    """The file looks like a known layout but its source's parser refuses it (said in ``message``)."""


def _served(store: Path, source_id: str, published: pd.DataFrame) -> dict:
    """The edition served for the source: its latest observed year, and since when (its import, else the build)."""
    rows = published[(published["source_id"] == source_id) & (published["variant"] == "observed")]
    year = int(rows["year"].max()) if len(rows) else None
    since = ""
    for record in reversed(published_editions(store)):
        if record.get("source_id") == source_id:
            since = f"importée le {_day(record['when'])} (version {record['version']})"
            break
    if not since:
        try:
            built = json.loads((store / STAMP_FILE).read_text(encoding="utf-8"))["built"]
            since = f"fichiers de data/raw, construction du {_day(built)}"
        except (OSError, ValueError, KeyError):
            since = "fichiers de data/raw"
    return {"year": year, "since": since}


def _day(when: str) -> str:
    """« 2026-12-07T05:30:00 » -> « 07/12/2026 »."""
    year, month, day = when[:10].split("-")
    return f"{day}/{month}/{year}"


def _revisions(changes: pd.DataFrame, limit: int = 10) -> list[dict]:
    revised = changes[changes["status"] == "modifiée"].copy()
    if revised.empty:
        return []
    revised["gap"] = (revised["new_value"] - revised["old_value"]).abs() / revised["old_value"].abs().clip(lower=1e-9)
    top = revised[revised["variant"] == "observed"].nlargest(limit, "gap")
    return top[[*KEY, "old_value", "new_value"]].to_dict("records")


def prepare(
    data: bytes,
    filename: str,
    store_dir: Path | None = None,
    raw_dir: Path = RAW_DIR,
    only: set[str] | None = None,
    older_ok: bool = False,
    log: list | None = None,
) -> dict:
    """Recognise, read with the source's parser, rebuild every derived row, diff: the staged result as a dict
    (``status``: ``unknown`` for a layout no source knows, ``refused`` with ``message``, ``older`` for an edition
    older than the served one (said before any rebuild; ``older_ok`` goes on), else ``recognised``).
    ``log`` gets the pipeline's steps, rebuilt or reused (build_steps.run); the result's ``steps`` says them."""
    from indicators.build import build_steps, data_diff, pipeline

    store = store_dir or processed_dir()
    if len(data) > MAX_BYTES:
        return {"status": "refused", "message": f"fichier de plus de {MAX_BYTES // 1024 // 1024} Mo"}
    found = recognise(data, filename)
    if found is None:
        return {"status": "unknown"}
    sha = hashlib.sha256(data).hexdigest()
    chain = published_editions(store)
    key = hashlib.sha256(
        "\n".join([versions.base_hash(store), *(e["sha256"] for e in chain), sha, repr(sorted(only or []))]).encode()
    ).hexdigest()[:16]
    folder = store / EDITIONS_DIR / key
    if (folder / RESULT_FILE).exists():
        return json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=_mkdir(store / EDITIONS_DIR)))
    try:
        (tmp / SOURCE_FILE).mkdir()
        (tmp / SOURCE_FILE / Path(filename).name).write_bytes(data)
        placed = [(e["slot"], store / e["file"]) for e in chain]
        placed.append((found.slot, tmp / SOURCE_FILE / Path(filename).name))
        with tempfile.TemporaryDirectory(prefix="radar-raw-view-") as view:
            view_dir = raw_view(raw_dir, placed, Path(view) / "raw")
            module = __import__(f"indicators.sources.{found.module}", fromlist=["read"])
            try:  # the commune file is read by the commune build's parser, whose ``read`` takes one file
                source_rows = getattr(module, "edition_rows", module.read)(view_dir)
            except RawFileError as exc:
                return {"status": "refused", "message": _refusal(exc, view_dir), "source": asdict(found)}
            year = int(source_rows["year"].max())
            published = versions.table(store_dir=store)
            served = _served(store, found.source_id, published)
            if served["year"] is not None and year < served["year"] and not older_ok:
                return {"status": "older", "year": year, "served": served, "source": asdict(found)}
            log, notes, cache = [] if log is None else log, [], _seed_cache(store)
            table, population = pipeline.build_tables(view_dir, notes, cache_dir=cache, log=log, only=only)
            tables = _stage_tables(store, derived_tables(table, population, notes, view_dir, cache, log), tmp)
        before = published if not chain and versions.current(store) == 0 else _before(store, chain)  # one read
        changes = versions.compare(before, table, removals=True)
        recredited = _recredited(before, table)  # same value, now from this edition: its source changes
        kept = pd.concat([changes[changes["status"] != "supprimée"][KEY], recredited], ignore_index=True)
        rows = table.merge(kept.drop_duplicates(), on=KEY)
        removed = changes[changes["status"] == "supprimée"][KEY]
        table.to_parquet(tmp / TABLE_FILE, index=False)
        rows.to_parquet(tmp / ROWS_FILE, index=False)
        removed.to_parquet(tmp / REMOVED_FILE, index=False)
        source = catalogue.sources().get(found.source_id)
        per_indicator = data_diff.diff(before, table)
        counts = changes["status"].value_counts()
        observed = source_rows
        result = {
            "status": "recognised",
            "key": key,
            "folder": f"{EDITIONS_DIR}/{key}",
            "filename": Path(filename).name,
            "sha256": sha,
            "source": asdict(found),
            "producer": source.producer if source else "",
            "title": source.title if source else found.source_id,
            "year": year,
            "years": sorted(int(y) for y in observed["year"].unique()),
            "territories": int(observed.loc[observed["territory_level"] == found.level, "territory_code"].nunique()),
            "indicators": sorted(observed["indicator_id"].unique().tolist()),
            "served": served,
            "older": served["year"] is not None and year < served["year"],
            "added": int(counts.get("ajoutée", 0)),
            "changed": int(counts.get("modifiée", 0)),
            "removed": int(counts.get("supprimée", 0)),
            "recredited": len(recredited),
            "per_indicator": per_indicator.to_dict("records"),
            "years_touched": {
                i: sorted(int(y) for y in g["year"].unique()) for i, g in changes.groupby("indicator_id", sort=True)
            },
            "revisions": _revisions(changes),
            "steps": build_steps.describe(log),
            "tables": tables,
            "edition": {
                "source_id": found.source_id,
                "slot": found.slot,
                "folder": f"{EDITIONS_DIR}/{key}",
                "file": f"{EDITIONS_DIR}/{key}/{SOURCE_FILE}/{Path(filename).name}",
                "filename": Path(filename).name,
                "sha256": sha,
                "year": year,
                "tables": tables,
            },
        }
        (tmp / RESULT_FILE).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
        return result
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def derived_tables(table, population, notes, raw_dir: Path, cache_dir: Path, log: list) -> dict[str, pd.DataFrame]:
    """The store's tables other than the indicator table that the pages read and an edition can change, as the
    pipeline writes them (pipeline.run): the population by age and sex, the series notes, the track records.
    (The radar's signals follow a publish by their own refresh: indicators/radar/stored.py.)"""
    from indicators.build import table_steps

    return {
        POPULATION_FILE: population,
        NOTES_FILE: notes[0],
        **table_steps.track_record(table, population, raw_dir, cache_dir, log),
    }


def _stage_tables(store: Path, frames: dict[str, pd.DataFrame], into: Path) -> list[str]:
    """Write into ``into/tables/`` each table that differs from the one served now (versions.table_path); their
    names. A table the edition does not change stays the previous version's (the publish carries only these)."""
    staged = []
    (into / TABLES_DIR).mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        path = into / TABLES_DIR / name
        frame.to_parquet(path, index=False)
        served = versions.table_path(name, store)
        if served.exists() and pd.read_parquet(path).equals(pd.read_parquet(served)):
            path.unlink()
            continue
        staged.append(name)
    return sorted(staged)


def _recredited(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Keys whose value is unchanged but whose source is not (a year the new edition takes over from another
    source, e.g. DREES's 2020 from the tidy 1996-2022 table back to the workbook): the version carries them too,
    so that every served row says where it comes from as the full build would."""
    both = after[[*KEY, "source_id"]].merge(before[[*KEY, "source_id"]], on=KEY, suffixes=("", "_before"))
    return both.loc[both["source_id"] != both["source_id_before"], KEY].reset_index(drop=True)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refusal(exc: RawFileError, view_dir: Path) -> str:
    """The parser's message (what it expected, in the file and sheet named), without the temporary view's path."""
    return "l'analyseur de la source refuse ce fichier : " + str(exc).replace(str(view_dir) + "/", "")


def _before(store: Path, chain: list[dict]) -> pd.DataFrame:
    """The pipeline's table before this edition: the last published edition's, else the base."""
    if chain:
        path = store / chain[-1]["folder"] / TABLE_FILE
        if path.exists():
            return pd.read_parquet(path)
    return versions.table(0, store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stage a publisher's file as a new edition of a source.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--filename", help="the file's own name (default: the path's)")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--raw", type=Path, default=RAW_DIR)
    parser.add_argument("--older-ok", action="store_true", help="go on with an edition older than the served one")
    args = parser.parse_args(argv)
    data = args.file.read_bytes()
    result = prepare(data, args.filename or args.file.name, args.store, args.raw, older_ok=args.older_ok)
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
