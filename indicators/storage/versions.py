"""Versions of the store: atomic publish under a lock, history (who, when, file + sha256, what changed), rollback.

Design: the pipeline's ``indicators.parquet`` is the *base* (version 0). Each publish writes a new
folder ``versions/NNNN/`` holding the uploaded rows (``rows.parquet``), what they changed
(``changes.parquet``), ``meta.json`` and a snapshot of the whole published table. A version's
content is "base + the rows of the publishes in its ``chain``", applied in order (an upload wins
over the base for the same key). A rollback is itself a new version whose chain is the target's:
history is never rewritten and a rollback can be rolled back.

Why an overlay and not full copies only: ``make data`` rebuilds the base from data/raw. Because a
version is defined as base + uploaded rows, a rebuilt base is picked up with the analysts' published
uploads re-applied on top of it: nothing they published is silently discarded. Snapshots are only a
cache, named after the sha256 of the base they were composed on; a snapshot for an older base is
ignored and the table is recomposed (and the snapshot rewritten) on the next read.

Atomicity: a version folder is written as ``versions/.tmp-*``, every file and the folder fsynced,
then renamed (and ``versions/`` fsynced); the pointer ``versions/CURRENT`` is replaced with
``os.replace`` last (written and fsynced first). A process killed at any point leaves CURRENT naming
the last good version; what it left (a temporary folder or file, or a renamed folder CURRENT never
pointed to: a "phantom") is removed by the next publish and never listed in the history. Steps of
the protocol call ``_step(name)``: the crash test kills a publisher at each of them
(``RADAR_VERSIONS_CRASH_AT``).

Concurrency: publishes and rollbacks hold an exclusive ``flock`` on ``versions/.lock`` from reading
the current version to replacing CURRENT, so two concurrent publishes are serialised. On top of that,
optimistic concurrency: an action names the version it was based on (``based_on``: the version the
analyst's preview or history showed) and is refused, with who published since, if the current version
moved. A lock whose holder is gone or stopped for more than ``LOCK_STALE`` seconds is broken (the lock
file is replaced); the old holder then notices, before renaming or swapping anything, that its lock is
no longer the store's lock and gives up.

Damage (docs/store-faults.md): the pointer is only a shortcut. Each version folder carries a
``manifest.json`` (size and sha256 of its files) and every publish or rollback is appended to the audit
log ``versions/audit.jsonl`` after its pointer swap. A missing, unreadable or dangling CURRENT is
recovered as the highest complete version (checked against its manifest) that the audit log knows as
published; the damage is logged precisely and ``pointer().damage`` says it in French for the pages.
Cleanup never deletes a folder the audit log or another version's record knows, and an id, once
written, is never given again (a discarded phantom's id is recorded in the log). A corrupt snapshot is
recomposed from the base and the chain. A full disk or a read-only store ends a publish with
``StoreWriteError`` (a French sentence; nothing published, the debris removed or left for the next
publish to clean).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.core import layout
from indicators.core.errors import STORE_REBUILD_HINT, StoreDamaged, StoreMissing
from indicators.core.paths import INDICATORS_FILE, processed_dir
from indicators.core.schema import COLUMNS, KEY
from indicators.storage import catalogue_extension, database
from indicators.storage.catalogue_extension import declare_indicator, imported_source  # noqa: F401 (older callers)

VERSIONS_DIR = "versions"
SCALED_VERSIONS_DIR = "shared-versions"  # the scaled backend's version files (catalogue in PostgreSQL)
CURRENT = "CURRENT"
AUDIT = "audit.jsonl"
MANIFEST = "manifest.json"
VERSION_FILES = ("rows.parquet", "changes.parquet", "meta.json")  # what a manifest vouches for
REMOVED = "removed.parquet"  # keys a new edition of a source removes (optional)
TABLES = "tables"  # the store's other tables a new edition of a source changes (optional: table_path)
LOCK_TIMEOUT = 120.0
LOCK_STALE = 30.0  # a holder stopped (or gone) this long loses the lock
CRASH_ENV = "RADAR_VERSIONS_CRASH_AT"
STEPS = ("locked", "folder_written", "folder_renamed", "catalogue_written", "current_written", "current_swapped")


class VersionError(Exception):
    pass


class StaleVersion(VersionError):
    """The current version is not the one the action was based on."""


class StoreWriteError(VersionError):
    """The store could not be written (disk full, read-only...): nothing was published."""


log = logging.getLogger(__name__)

WRITE_ERRORS = {
    errno.ENOSPC: "le disque du store est plein",
    errno.EDQUOT: "le quota disque du store est atteint",
    errno.EROFS: "le store est en lecture seule",
    errno.EACCES: "le store n'est pas accessible en écriture",
    errno.EPERM: "le store n'est pas accessible en écriture",
}


def write_failure(exc: OSError, action: str = "publication") -> StoreWriteError:
    """The French sentence for a failed write (no path, no exception text); the precise one goes to the log."""
    log.error("store write failed during %s: %s", action, exc)
    reason = WRITE_ERRORS.get(exc.errno, f"écriture impossible dans le store ({errno.errorcode.get(exc.errno, 'E?')})")
    return StoreWriteError(f"{reason} : rien n'a été publié, la version publiée n'a pas changé")


def _step(name: str) -> None:
    """A step of the publish protocol (fault injection for the crash test: die here, like a SIGKILL)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _store(store_dir: Path | None) -> Path:
    return Path(store_dir) if store_dir is not None else processed_dir()


def _dir(store_dir: Path | None) -> Path:
    return _store(store_dir) / (SCALED_VERSIONS_DIR if database.scaled() else VERSIONS_DIR)


def _scaled():
    """The scaled backend (indicators/storage/pg_versions.py) when RADAR_DATABASE_URL is set, else None."""
    if not database.scaled():
        return None
    from indicators.storage import pg_versions

    pg_versions.bind(sys.modules[__name__])
    return pg_versions


def _name(version: int) -> str:
    return f"{version:04d}"


BASE_MANIFEST = "indicators.manifest.json"


def base_hash(store_dir: Path | None = None) -> str:
    """sha256 (16 hex) of the base, read from its manifest: computed once when the base is written
    (pipeline) and again only if the file no longer has the size and mtime recorded there."""
    path = _store(store_dir) / INDICATORS_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise StoreMissing(f"{path} is missing: build the store with `make data`") from None
    manifest = path.with_name(BASE_MANIFEST)
    with contextlib.suppress(OSError, ValueError):
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        if recorded["size"] == stat.st_size and recorded["mtime_ns"] == stat.st_mtime_ns:
            return recorded["sha256"]
    return record_base(store_dir)


def record_base(store_dir: Path | None = None) -> str:
    """Hash the base once and write its manifest (size, mtime, sha256); returns the hash."""
    path = _store(store_dir) / INDICATORS_FILE
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()[:16]
    record = {"file": INDICATORS_FILE, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": value}
    with contextlib.suppress(OSError):
        _write_text(path.with_name(BASE_MANIFEST), json.dumps(record))
    return value


@dataclass(frozen=True)
class Pointer:
    """The published version and, when CURRENT was damaged, the French sentence saying so (else None)."""

    version: int
    damage: str | None = None


def _ids(folder: Path) -> list[int]:
    with contextlib.suppress(FileNotFoundError):
        return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and p.is_dir())
    return []


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(folder: Path) -> dict:
    return {
        "files": {
            name: {"size": (folder / name).stat().st_size, "sha256": _digest(folder / name)} for name in VERSION_FILES
        }
    }


def complete(folder: Path) -> bool:
    """A version folder whose files match its manifest (older folders, without one: meta and rows readable)."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        return all(
            (folder / name).stat().st_size == files[name]["size"] and _digest(folder / name) == files[name]["sha256"]
            for name in VERSION_FILES
        )
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        import pyarrow.parquet as pq

        json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        pq.read_metadata(folder / "rows.parquet")
        return True
    except Exception:  # noqa: BLE001 (any unreadable file makes the folder incomplete)
        return False


def audit(store_dir: Path | None = None) -> list[dict] | None:
    """The audit log's records (None when the store has none yet); a torn last line is skipped."""
    if scaled := _scaled():
        return scaled.audit()
    path = _dir(store_dir) / AUDIT
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    records = []
    for line in lines:
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and isinstance(record.get("id"), int):
                records.append(record)
    return records


def _published_ids(records: list[dict] | None) -> set[int]:
    return {r["id"] for r in records or [] if r.get("event") in ("publish", "rollback", "adopted")}


def _append_audit(store_dir: Path | None, record: dict) -> None:
    path = _dir(store_dir) / AUDIT
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


_RECOVERED: dict[Path, tuple[tuple, int]] = {}


def recover(store_dir: Path | None = None) -> int:
    """The version CURRENT should name: the highest complete version that the audit log knows as published
    (a folder past the log's last publish is a killed publish's phantom); without a log, the highest complete.
    Remembered while the versions folder and the audit log are unchanged (pages ask at every rerun)."""
    folder = _dir(store_dir)
    try:
        log_stat = (folder / AUDIT).stat()
        key = (folder.stat().st_mtime_ns, log_stat.st_size, log_stat.st_mtime_ns)
    except FileNotFoundError:
        key = (folder.stat().st_mtime_ns if folder.exists() else 0, None, None)
    cached = _RECOVERED.get(folder)
    if cached and cached[0] == key:
        return cached[1]
    _RECOVERED[folder] = (key, found := _recover(folder, store_dir))
    return found


def _recover(folder: Path, store_dir: Path | None) -> int:
    records = audit(store_dir)
    known = _published_ids(records)
    for version in reversed(_ids(folder)):
        if records is not None and (not known or version > max(known)):
            continue
        if complete(folder / _name(version)):
            return version
    return 0


def pointer(store_dir: Path | None = None) -> Pointer:
    """Read CURRENT; a missing, unreadable or dangling pointer is recovered (see ``recover``), logged precisely,
    and reported in French in ``damage``. Scaled backend: the version PostgreSQL names (see pg_versions)."""
    if scaled := _scaled():
        return scaled.pointer()
    folder = _dir(store_dir)
    try:
        text = (folder / CURRENT).read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError):
        text = "?"
    if text is not None and text.isdigit():
        version = int(text)
        if version == 0 or (folder / _name(version) / "meta.json").is_file():
            return Pointer(version)
        problem, said = f"names version {version}, which is missing", f"désigne une version absente ({version})"
    elif text is None:
        if not _ids(folder) and not _published_ids(audit(store_dir)):
            return Pointer(0)  # nothing was ever published
        problem, said = "is missing", "est absent"
    else:
        problem, said = "is unreadable", "est illisible"
    version = recover(store_dir)
    if text is None and version == 0 and not _published_ids(audit(store_dir)):
        return Pointer(0)  # only a killed first publish's phantom: nothing lost
    log.warning(
        "%s/%s %s: serving version %d, the highest complete published version", folder, CURRENT, problem, version
    )
    served = (
        f"la version {version}, la plus récente complète" if version else "la table de base (aucune version complète)"
    )
    return Pointer(
        version,
        f"Le repère de la version publiée {said} : {served} est affichée. "
        "La prochaine publication, ou « python -m indicators.upload --repair », le rétablit.",
    )


def current(store_dir: Path | None = None) -> int:
    """The published version (0 = the pipeline's base, no upload); a damaged pointer is recovered."""
    return pointer(store_dir).version


def token(store_dir: Path | None = None) -> str:
    """Cheap identity of what load_indicators returns now, the cache key of the app: the CURRENT pointer
    and the base's hash from its manifest (two small reads and a stat, no hashing of the data)."""
    return f"{current(store_dir)}-{base_hash(store_dir)}"


def published_path(store_dir: Path | None = None) -> Path:
    """The Parquet file holding the published table (in the layout of indicators/core/layout.py): the base,
    or the snapshot of the current version (composed and written first if the base was rebuilt)."""
    version = current(store_dir)
    if version == 0:
        base_hash(store_dir)  # raises StoreMissing
        base = _store(store_dir) / INDICATORS_FILE
        if not _readable(base):
            raise StoreDamaged(
                f"{base}: unreadable Parquet footer", f"La table des indicateurs est illisible : {STORE_REBUILD_HINT}."
            )
        return base
    snapshot = _dir(store_dir) / _name(version) / f"snapshot-{base_hash(store_dir)}.parquet"
    if not _readable(snapshot):
        table(version, store_dir)  # recomposed from the base and the chain, and rewritten
        if not _readable(snapshot):
            raise StoreDamaged(
                f"{snapshot}: missing or unreadable and cannot be rewritten",
                f"Les données publiées (version {version}) sont illisibles et n'ont pas pu être recomposées : "
                "un administrateur doit vérifier le store (docs/store-faults.md).",
            )
    return snapshot


_FOOTERS: dict[Path, tuple[int, int]] = {}


def _readable(path: Path) -> bool:
    """Whether a Parquet file opens (footer and magic bytes); remembered while its size and mtime hold."""
    import pyarrow.parquet as pq

    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    key = (stat.st_size, stat.st_mtime_ns)
    if _FOOTERS.get(path) == key:
        return True
    try:
        pq.read_metadata(path)
    except Exception as exc:  # noqa: BLE001 (pyarrow raises ArrowInvalid, OSError...)
        log.error("%s: unreadable Parquet file (%s)", path, exc)
        return False
    _FOOTERS[path] = key
    return True


def meta(version: int, store_dir: Path | None = None) -> dict:
    if version == 0:
        return {"id": 0, "kind": "base", "chain": [], "who": "pipeline", "filename": INDICATORS_FILE}
    if scaled := _scaled():
        return scaled.meta(version)
    path = _dir(store_dir) / _name(version) / "meta.json"
    if not path.exists():
        raise VersionError(f"version {version} inconnue")
    return json.loads(path.read_text(encoding="utf-8"))


def _read_base(store_dir: Path | None) -> pd.DataFrame:
    path = _store(store_dir) / INDICATORS_FILE
    if not path.exists():
        raise StoreMissing(f"{path} is missing: build the store with `make data`")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise StoreDamaged(
            f"{path}: unreadable ({exc})", f"La table des indicateurs est illisible : {STORE_REBUILD_HINT}."
        ) from exc


def upsert(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``rows`` added, replacing the rows of the same key; sorted by key."""
    combined = pd.concat([table[COLUMNS], rows[COLUMNS]], ignore_index=True)
    combined = combined[~combined.duplicated(KEY, keep="last")]
    return combined.sort_values(KEY).reset_index(drop=True)


def compose(chain: list[int], store_dir: Path | None = None) -> pd.DataFrame:
    """The base plus the uploaded rows of each version of ``chain``, in order; a version that removes keys
    (``removed.parquet``: a new edition of a source, see indicators/build/editions.py) removes them there."""
    table, pending = _read_base(store_dir), []
    for v in chain:
        path = _dir(store_dir) / _name(v) / "rows.parquet"
        try:
            pending.append(pd.read_parquet(path))
            removed = _dir(store_dir) / _name(v) / REMOVED
            if removed.exists():
                table = _remove(upsert(table, pd.concat(pending, ignore_index=True)), pd.read_parquet(removed))
                pending = []
        except (OSError, ValueError) as exc:
            raise StoreDamaged(
                f"{path}: unreadable ({exc})",
                f"Les lignes publiées par la version {v} sont illisibles : un administrateur doit vérifier le store "
                "(docs/store-faults.md).",
            ) from exc
    if not pending:
        return table
    return upsert(table, pd.concat(pending, ignore_index=True))


def publish_record(
    who: str,
    filename: str,
    sha256: str,
    now: int,
    based_on: int | None,
    rows: pd.DataFrame,
    forced: list[dict] | None,
    edition: dict | None,
    tables: dict[str, Path] | None = None,
) -> dict:
    """The meta of a publish over version ``now`` (both backends): who, which file, on what it was based."""
    record = {
        "kind": "publish",
        "who": who,
        "filename": filename,
        "sha256": sha256,
        "previous": now,
        "based_on": now if based_on is None else based_on,
        "indicators": sorted(rows["indicator_id"].unique().tolist()),
        "rows": int(len(rows)),
    }
    if forced:
        record["forced"] = forced
    if edition:
        record["edition"] = edition
    if tables:
        record["tables"] = sorted(tables)
    return record


def table_path(name: str, store_dir: Path | None = None, version: int | None = None) -> Path:
    """Where version ``version`` (default: the published one) keeps one of the store's other tables
    (population.parquet, the track records, the series notes): in the latest version of its chain that carries
    it (a new edition of a source, indicators/build/editions.py), else the base's, beside indicators.parquet.
    A rollback's chain is its target's: the tables of the undone edition are no longer read."""
    version = current(store_dir) if version is None else version
    for v in reversed(meta(version, store_dir).get("chain", []) if version else []):
        if name in meta(v, store_dir).get("tables", ()):
            return _dir(store_dir) / _name(v) / TABLES / name
    return _store(store_dir) / name


def copy_tables(tables: dict[str, Path] | None, into: Path) -> None:
    """Copy a version's tables into its folder being written (``into/tables/``), fsynced."""
    if not tables:
        return
    (into / TABLES).mkdir()
    for name, path in tables.items():
        shutil.copyfile(path, into / TABLES / name)
        _fsync_file(into / TABLES / name)
    _fsync_dir(into / TABLES)


def with_removals(changes: pd.DataFrame, published: pd.DataFrame, removed: pd.DataFrame | None) -> pd.DataFrame:
    """``changes`` (compare) with the published rows that ``removed`` takes away, as « supprimée »."""
    if removed is None or not len(removed):
        return changes
    gone = published[[*KEY, "value"]].merge(removed[KEY], on=KEY).rename(columns={"value": "old_value"})
    return pd.concat([changes, gone.assign(new_value=float("nan"), status="supprimée")], ignore_index=True)


def _remove(table: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """``table`` without the rows of ``keys``."""
    if keys.empty:
        return table
    marked = table[KEY].merge(keys[KEY].assign(_gone=True), on=KEY, how="left")["_gone"].fillna(False).to_numpy()
    return table[~marked.astype(bool)].reset_index(drop=True)


def table(version: int | None = None, store_dir: Path | None = None) -> pd.DataFrame:
    """The indicator table of ``version`` (default: the published one)."""
    version = current(store_dir) if version is None else version
    if version == 0:
        return _read_base(store_dir)
    folder = _dir(store_dir) / _name(version)
    snapshot = folder / f"snapshot-{base_hash(store_dir)}.parquet"
    if snapshot.exists():
        try:
            return pd.read_parquet(snapshot)
        except (OSError, ValueError) as exc:  # a snapshot is a cache: recomposed below
            log.error("%s: unreadable snapshot, recomposed from the base and the chain (%s)", snapshot, exc)
    composed = compose(meta(version, store_dir)["chain"], store_dir)  # the base was rebuilt since, or damage
    with contextlib.suppress(OSError):
        _write_parquet(composed, snapshot)
    return composed


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    layout.write(frame, path)  # temporary file, then rename


def _write_text(path: Path, text: str, step: str | None = None) -> None:
    """Write a temporary file, fsync it, replace ``path`` with it, fsync the folder."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    if step:
        _step(step)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Held:
    """The lock a publisher holds; ``check()`` before each irreversible step."""

    def __init__(self, path: Path, handle) -> None:
        self.path, self.handle = path, handle

    def check(self) -> None:
        try:
            same = os.stat(self.path).st_ino == os.fstat(self.handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            raise VersionError(
                "cette publication a été suspendue trop longtemps et son verrou a été repris : rien n'a été publié"
            )


def _holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def _process_state(pid: int) -> str | None:
    """'R', 'S', 'T' (stopped)... of a process, None if it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _stale(holder: dict, stale_after: float) -> str | None:
    """Why the holder of the lock has lost it (gone, or stopped too long), or None."""
    pid, since = holder.get("pid"), holder.get("since")
    if not isinstance(pid, int) or not isinstance(since, int | float) or time.time() - since < stale_after:
        return None
    state = _process_state(pid)
    if state is None:
        return f"le processus {pid} qui le tenait n'existe plus"
    if state in ("T", "t"):
        return f"le processus {pid} qui le tenait est arrêté depuis {time.time() - since:.0f} s"
    return None


@contextlib.contextmanager
def lock(store_dir: Path | None = None, timeout: float = LOCK_TIMEOUT, stale_after: float = LOCK_STALE):
    """Exclusive lock on the store's versions (released by the OS if the process dies; broken if its
    holder is stopped or gone for ``stale_after`` seconds). Yields a ``Held``."""
    folder = _dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    deadline = time.monotonic() + timeout
    while True:
        handle = open(path, "a+")  # noqa: SIM115 (kept open while the lock is held)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            holder = _holder(path)
            reason = _stale(holder, stale_after)
            if reason:
                with contextlib.suppress(OSError):
                    os.replace(path, folder / f".lock.broken-{holder.get('pid')}")
                continue
            if time.monotonic() > deadline:
                raise VersionError(
                    f"une autre publication est en cours (processus {holder.get('pid', '?')}, "
                    f"depuis {time.time() - holder.get('since', time.time()):.0f} s) : réessayez"
                ) from None
            time.sleep(0.05)
            continue
        try:
            replaced = os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            replaced = True
        if replaced:  # the lock was broken between our open and our flock: take the new one
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            continue
        break
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": time.time()}))
        handle.flush()
        yield Held(path, handle)
    finally:
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def compare(old: pd.DataFrame, new: pd.DataFrame, removals: bool = False) -> pd.DataFrame:
    """Rows of ``new`` that are added or change a value of ``old`` (old -> new); with ``removals``,
    also the keys of ``old`` that ``new`` lacks. Columns: KEY, old_value, new_value, status."""
    merged = new[[*KEY, "value"]].merge(
        old[[*KEY, "value"]], on=KEY, how="outer" if removals else "left", suffixes=("_new", "_old")
    )
    merged = merged.rename(columns={"value_new": "new_value", "value_old": "old_value"})
    status = pd.Series("modifiée", index=merged.index)
    status[merged["old_value"].isna()] = "ajoutée"
    status[merged["new_value"].isna()] = "supprimée"
    merged["status"] = status
    same = merged["old_value"].eq(merged["new_value"])
    return merged[~same][[*KEY, "old_value", "new_value", "status"]].reset_index(drop=True)


def preview(rows: pd.DataFrame, store_dir: Path | None = None) -> pd.DataFrame:
    """What publishing ``rows`` would add or change in the published table."""
    return compare(table(store_dir=store_dir), rows)


def _counts(changes: pd.DataFrame) -> dict[str, int]:
    counts = changes["status"].value_counts()
    return {
        k: int(counts.get(v, 0)) for k, v in (("added", "ajoutée"), ("changed", "modifiée"), ("removed", "supprimée"))
    }


def _next(store_dir: Path | None) -> int:
    """One past every id a folder or the audit log (publishes, discarded phantoms) ever held."""
    logged = [r["id"] for r in audit(store_dir) or []]
    return max([*_ids(_dir(store_dir)), *logged], default=0) + 1


def _known(store_dir: Path | None) -> set[int]:
    """Ids the audit log or another version's record (chain, previous, target) names."""
    known = {r["id"] for r in audit(store_dir) or [] if r.get("event") != "discarded"}
    folder = _dir(store_dir)
    for version in _ids(folder):
        with contextlib.suppress(OSError, ValueError):
            record = json.loads((folder / _name(version) / "meta.json").read_text(encoding="utf-8"))
            known.update(v for v in (record.get("previous"), record.get("target")) if isinstance(v, int))
            known.update(v for v in record.get("chain", []) if v != version)
    return known


def _start_audit(store_dir: Path | None, now: int) -> None:
    """Create the audit log (under the lock) on a store that has none: the versions up to the current one,
    published before the log existed, are adopted."""
    if audit(store_dir) is not None:
        return
    when = time.strftime("%Y-%m-%dT%H:%M:%S")
    path = _dir(store_dir) / AUDIT
    lines = [json.dumps({"id": v, "event": "adopted", "when": when}) for v in _ids(_dir(store_dir)) if v <= now]
    _write_text(path, "".join(line + "\n" for line in lines))


def _alive(pid_text: str) -> bool:
    return pid_text.isdigit() and _process_state(int(pid_text)) is not None and int(pid_text) != os.getpid()


def _clean_stale(store_dir: Path | None) -> list[str]:
    """What killed publishes left (called under the lock): half-written folders, temporary files of
    processes that are gone, and phantoms (folders renamed but never pointed to by CURRENT)."""
    folder, removed = _dir(store_dir), []
    now = current(store_dir)
    _start_audit(store_dir, now)
    known = _known(store_dir)
    if now and now not in _published_ids(audit(store_dir)):  # killed between its pointer swap and its log line
        record = meta(now, store_dir)
        _append_audit(
            store_dir,
            {
                "id": now,
                "event": record.get("kind"),
                "who": record.get("who"),
                "when": record.get("when"),
                "late": True,
            },
        )
    for path in folder.iterdir():
        name = path.name
        if name.startswith(".tmp-") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
        elif ".tmp-" in name and path.is_file() and not _alive(name.rsplit("-", 1)[-1]):
            path.unlink(missing_ok=True)
            removed.append(name)
        elif name.startswith(".lock.broken-"):
            path.unlink(missing_ok=True)
        elif name.isdigit() and path.is_dir() and int(name) > now and int(name) not in known:
            _append_audit(
                store_dir, {"id": int(name), "event": "discarded", "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
            )
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
        elif name.isdigit() and path.is_dir():
            for tmp in path.glob(".*.tmp-*"):
                if not _alive(tmp.name.rsplit("-", 1)[-1]):
                    tmp.unlink(missing_ok=True)
                    removed.append(f"{name}/{tmp.name}")
    if removed:
        _fsync_dir(folder)
    return removed


def _write_version(
    store_dir: Path | None,
    record: dict,
    rows: pd.DataFrame,
    changes: pd.DataFrame,
    snapshot: pd.DataFrame,
    held: Held,
    removed: pd.DataFrame | None = None,
    tables: dict[str, Path] | None = None,
) -> int:
    folder = _dir(store_dir)
    version = _next(store_dir)
    record = {
        **record,
        "id": version,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "base": base_hash(store_dir),
        **_counts(changes),
    }
    tmp = folder / f".tmp-{_name(version)}-{os.getpid()}"
    tmp.mkdir()
    try:
        _fill(tmp, record, rows, changes, snapshot)
        if removed is not None:
            removed[KEY].to_parquet(tmp / REMOVED, index=False)
            _fsync_file(tmp / REMOVED)
        copy_tables(tables, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # a full disk leaves no half-written folder behind
        raise
    _step("folder_written")
    held.check()
    os.replace(tmp, folder / _name(version))
    _fsync_dir(folder)
    _step("folder_renamed")
    return version


def _fill(tmp: Path, record: dict, rows: pd.DataFrame, changes: pd.DataFrame, snapshot: pd.DataFrame) -> None:
    rows[COLUMNS].to_parquet(tmp / "rows.parquet", index=False)
    changes.to_parquet(tmp / "changes.parquet", index=False)
    layout.write(snapshot, tmp / f"snapshot-{record['base']}.parquet")
    (tmp / "meta.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    (tmp / MANIFEST).write_text(json.dumps(_manifest(tmp)), encoding="utf-8")
    for path in tmp.iterdir():
        _fsync_file(path)
    _fsync_dir(tmp)


def _point_to(store_dir: Path | None, version: int, held: Held, record: dict | None = None) -> None:
    held.check()
    _write_text(_dir(store_dir) / CURRENT, _name(version), step="current_written")
    _step("current_swapped")
    if record is not None:
        entry = {"id": version, "event": record["kind"], "who": record["who"], "when": record["when"]}
        _append_audit(store_dir, {**entry, "previous": record["previous"], "based_on": record["based_on"]})


@contextlib.contextmanager
def _writing(action: str, store_dir: Path | None):
    """Turn a failed write (disk full, read-only store...) into a French StoreWriteError."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, StoreMissing) or exc.errno is None:
            raise
        raise write_failure(exc, action) from exc


def repair(who: str, store_dir: Path | None = None) -> Pointer:
    """Rewrite a damaged CURRENT with the recovered version (and log it); a sound pointer is left alone.
    Scaled backend: the pointer is a row of PostgreSQL, nothing to repair."""
    if scaled := _scaled():
        return scaled.pointer()
    with _writing("repair", store_dir), lock(store_dir) as held:
        found = pointer(store_dir)
        if found.damage is None:
            return found
        _start_audit(store_dir, found.version)
        held.check()
        _write_text(_dir(store_dir) / CURRENT, _name(found.version))
        entry = {
            "id": found.version,
            "event": "pointer_repaired",
            "who": who,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        _append_audit(store_dir, entry)
        log.warning("versions/CURRENT rewritten to %d by %s", found.version, who)
        return found


def _check_based_on(based_on: int | None, now: int, store_dir: Path | None) -> None:
    if based_on is None or based_on == now:
        return
    latest = meta(now, store_dir)
    raise StaleVersion(
        f"la version publiée est maintenant la {now} ({latest.get('kind')} par {latest.get('who')}"
        f"{' le ' + latest['when'] if latest.get('when') else ''}), pas la {based_on} que vous aviez sous les "
        "yeux : rien n'a été fait, vérifiez l'aperçu et l'historique puis recommencez"
    )


def default_rollback_target(store_dir: Path | None = None) -> int:
    """What "undo" means now: the version the current one was published over (0 for the base)."""
    return int(meta(current(store_dir), store_dir).get("previous", 0) or 0)


def publish(
    rows: pd.DataFrame,
    who: str,
    filename: str,
    sha256: str,
    store_dir: Path | None = None,
    declare: dict | None = None,
    based_on: int | None = None,
    forced: list[dict] | None = None,
    source: dict | None = None,
    removed: pd.DataFrame | None = None,
    edition: dict | None = None,
    tables: dict[str, Path] | None = None,
) -> dict:
    """Publish validated rows as a new version; returns its meta. ``declare`` = a new catalogue entry
    (with its ``source`` dict) to add to the store's catalogue extension. ``based_on``: the version the
    analyst's preview was computed on; refused (``StaleVersion``) if the current version moved since.
    ``forced``: the meaning checks the analyst overrode (upload_meaning.Meaning.summary()), kept in
    the version's meta. ``source``: the file as its own source (``imported_source``); its rows are
    credited to it, not to the indicator's built-in source. ``removed``: keys to remove and ``edition``: the
    record of a new raw edition of a source (indicators/build/editions.py: its rows keep their source);
    ``tables``: name -> file of the store's other tables that edition changes (carried in the version's folder,
    read through ``table_path``)."""
    if scaled := _scaled():
        return scaled.publish(
            rows, who, filename, sha256, store_dir, declare, based_on, forced, source, removed, edition, tables
        )
    with _writing("publish", store_dir), lock(store_dir) as held:
        _step("locked")
        _clean_stale(store_dir)
        now = current(store_dir)
        _check_based_on(based_on, now, store_dir)
        published = table(now, store_dir)
        changes = with_removals(compare(published, rows), published, removed)
        chain = [*meta(now, store_dir)["chain"]]
        record = publish_record(who, filename, sha256, now, based_on, rows, forced, edition, tables)
        version = _next(store_dir)
        if source and not declare:
            source, rows = _credited(source, rows, version, sha256)
            record["source"] = source
        record["chain"] = [*chain, version]
        snapshot = _remove(upsert(published, rows), removed) if removed is not None else upsert(published, rows)
        written = _write_version(store_dir, record, rows, changes, snapshot, held, removed, tables)
        if written != version:
            raise VersionError("numérotation des versions incohérente")
        if declare:
            held.check()
            catalogue_extension.declare_indicator(declare, store_dir)
            _step("catalogue_written")
        elif source:
            held.check()
            catalogue_extension.register_source(record["source"], store_dir)
            _step("catalogue_written")
        _point_to(store_dir, version, held, meta(version, store_dir))
    return meta(version, store_dir)


def _credited(source: dict, rows: pd.DataFrame, version: int, sha256: str) -> tuple[dict, pd.DataFrame]:
    """The file's source with its id and date, and its rows credited to it."""
    day = time.strftime("%d/%m/%Y")
    source = {
        **source,
        "id": f"upload_{_name(version)}_{sha256[:12]}",
        "when": day,
        "citation": f"{source['citation']}, le {day}",
    }
    return source, rows.assign(source_id=source["id"])


def rollback(target: int, who: str, store_dir: Path | None = None, based_on: int | None = None) -> dict:
    """Publish again the content of version ``target`` (0 = the pipeline's base) as a new version.

    ``based_on``: the current version the analyst saw when choosing; refused if it moved since."""
    if scaled := _scaled():
        return scaled.rollback(target, who, store_dir, based_on)
    with _writing("rollback", store_dir), lock(store_dir) as held:
        _step("locked")
        _clean_stale(store_dir)
        now = current(store_dir)
        _check_based_on(based_on, now, store_dir)
        if target > now:
            raise VersionError(f"version {target} inconnue")
        target_meta = meta(target, store_dir)
        before, after = table(now, store_dir), table(target, store_dir)
        changes = compare(before, after, removals=True)
        record = {
            "kind": "rollback",
            "who": who,
            "filename": "",
            "sha256": "",
            "previous": now,
            "based_on": now if based_on is None else based_on,
            "target": target,
            "chain": list(target_meta["chain"]),
            "indicators": [],
            "rows": 0,
        }
        version = _write_version(store_dir, record, after.iloc[0:0], changes, after, held)
        _point_to(store_dir, version, held, meta(version, store_dir))
    return meta(version, store_dir)


def history(store_dir: Path | None = None) -> pd.DataFrame:
    """Every version, newest first: id, kind, when, who, filename, source (citation of the file), sha256,
    added, changed, removed, target, current."""
    folder = _dir(store_dir)
    records = [meta(0, store_dir)]
    if scaled := _scaled():
        published, now = scaled.records()
        records += published
    else:
        now = current(store_dir)
    if folder.exists() and not scaled:
        for path in sorted(folder.iterdir()):
            # a folder past CURRENT is a phantom of a killed publish: never listed
            if path.is_dir() and path.name.isdigit() and int(path.name) <= now and (path / "meta.json").exists():
                records.append(json.loads((path / "meta.json").read_text(encoding="utf-8")))
    for record in records:
        record["source"] = (record.get("source") or {}).get("citation", "")
        if record.get("forced"):
            record["source"] += " ; publiée malgré l'alerte sur les valeurs"
    records[0]["source"] = "fichiers publiés de data/raw (make data)"
    frame = pd.DataFrame(records)
    for column in ("when", "who", "filename", "sha256", "added", "changed", "removed", "target"):
        if column not in frame:
            frame[column] = None
    frame["current"] = frame["id"] == now
    columns = [
        "id",
        "kind",
        "when",
        "who",
        "filename",
        "source",
        "sha256",
        "added",
        "changed",
        "removed",
        "target",
        "current",
    ]
    return frame[columns].sort_values("id", ascending=False).reset_index(drop=True)


def changes(version: int, store_dir: Path | None = None) -> pd.DataFrame:
    path = _dir(store_dir) / _name(version) / "changes.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=[*KEY, "old_value", "new_value"])
