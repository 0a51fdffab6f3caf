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

Atomicity: a version folder is written as ``versions/.tmp-*`` then renamed; the pointer
``versions/CURRENT`` is replaced with ``os.replace`` last. A process killed at any point leaves
CURRENT naming the last good version. Publishes and rollbacks hold an exclusive ``flock`` on
``versions/.lock`` from reading the current version to replacing CURRENT, so two concurrent
publishes are serialised and the second builds on the first: neither loses the other's rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import yaml

from indicators import catalogue, layout
from indicators.paths import processed_dir
from indicators.pipeline import INDICATORS_FILE
from indicators.schema import COLUMNS, KEY

VERSIONS_DIR = "versions"
CURRENT = "CURRENT"
LOCK_TIMEOUT = 120.0


class VersionError(Exception):
    pass


def _store(store_dir: Path | None) -> Path:
    return Path(store_dir) if store_dir is not None else processed_dir()


def _dir(store_dir: Path | None) -> Path:
    return _store(store_dir) / VERSIONS_DIR


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
        from indicators.store import StoreMissing

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


def current(store_dir: Path | None = None) -> int:
    """The published version (0 = the pipeline's base, no upload)."""
    pointer = _dir(store_dir) / CURRENT
    if not pointer.exists():
        return 0
    return int(pointer.read_text().strip() or 0)


def token(store_dir: Path | None = None) -> str:
    """Cheap identity of what load_indicators returns now, the cache key of the app: the CURRENT pointer
    and the base's hash from its manifest (two small reads and a stat, no hashing of the data)."""
    return f"{current(store_dir)}-{base_hash(store_dir)}"


def published_path(store_dir: Path | None = None) -> Path:
    """The Parquet file holding the published table (in the layout of indicators/layout.py): the base,
    or the snapshot of the current version (composed and written first if the base was rebuilt)."""
    version = current(store_dir)
    if version == 0:
        base_hash(store_dir)  # raises StoreMissing
        return _store(store_dir) / INDICATORS_FILE
    snapshot = _dir(store_dir) / _name(version) / f"snapshot-{base_hash(store_dir)}.parquet"
    if not snapshot.exists():
        table(version, store_dir)
        if not snapshot.exists():
            raise VersionError(f"instantané de la version {version} impossible à écrire")
    return snapshot


def meta(version: int, store_dir: Path | None = None) -> dict:
    if version == 0:
        return {"id": 0, "kind": "base", "chain": [], "who": "pipeline", "filename": INDICATORS_FILE}
    path = _dir(store_dir) / _name(version) / "meta.json"
    if not path.exists():
        raise VersionError(f"version {version} inconnue")
    return json.loads(path.read_text(encoding="utf-8"))


def _read_base(store_dir: Path | None) -> pd.DataFrame:
    path = _store(store_dir) / INDICATORS_FILE
    if not path.exists():
        from indicators.store import StoreMissing

        raise StoreMissing(f"{path} is missing: build the store with `make data`")
    return pd.read_parquet(path)


def upsert(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``rows`` added, replacing the rows of the same key; sorted by key."""
    combined = pd.concat([table[COLUMNS], rows[COLUMNS]], ignore_index=True)
    combined = combined[~combined.duplicated(KEY, keep="last")]
    return combined.sort_values(KEY).reset_index(drop=True)


def compose(chain: list[int], store_dir: Path | None = None) -> pd.DataFrame:
    """The base plus the uploaded rows of each version of ``chain``, in order."""
    parts = [_read_base(store_dir)]
    parts += [pd.read_parquet(_dir(store_dir) / _name(v) / "rows.parquet") for v in chain]
    if len(parts) == 1:
        return parts[0]
    return upsert(parts[0], pd.concat(parts[1:], ignore_index=True))


def table(version: int | None = None, store_dir: Path | None = None) -> pd.DataFrame:
    """The indicator table of ``version`` (default: the published one)."""
    version = current(store_dir) if version is None else version
    if version == 0:
        return _read_base(store_dir)
    folder = _dir(store_dir) / _name(version)
    snapshot = folder / f"snapshot-{base_hash(store_dir)}.parquet"
    if snapshot.exists():
        return pd.read_parquet(snapshot)
    composed = compose(meta(version, store_dir)["chain"], store_dir)  # the base was rebuilt since
    with contextlib.suppress(OSError):
        _write_parquet(composed, snapshot)
    return composed


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    layout.write(frame, path)  # temporary file, then rename


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def lock(store_dir: Path | None = None, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Exclusive lock on the store's versions (released by the OS if the process dies)."""
    folder = _dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise VersionError("une autre publication est en cours : réessayez") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    ids = [int(p.name) for p in _dir(store_dir).iterdir() if p.is_dir() and p.name.isdigit()]
    return max(ids, default=0) + 1


def _clean_stale(store_dir: Path | None) -> None:
    """Half-written folders of killed publishes (only ever seen under the lock, so never in use)."""
    for path in _dir(store_dir).glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _write_version(
    store_dir: Path | None, record: dict, rows: pd.DataFrame, changes: pd.DataFrame, snapshot: pd.DataFrame
) -> int:
    folder = _dir(store_dir)
    _clean_stale(store_dir)
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
    rows[COLUMNS].to_parquet(tmp / "rows.parquet", index=False)
    changes.to_parquet(tmp / "changes.parquet", index=False)
    layout.write(snapshot, tmp / f"snapshot-{record['base']}.parquet")
    (tmp / "meta.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / _name(version))
    return version


def _point_to(store_dir: Path | None, version: int) -> None:
    _write_text(_dir(store_dir) / CURRENT, _name(version))


def publish(
    rows: pd.DataFrame, who: str, filename: str, sha256: str, store_dir: Path | None = None, declare: dict | None = None
) -> dict:
    """Publish validated rows as a new version; returns its meta. ``declare`` = a new catalogue entry
    (with its ``source`` dict) to add to the store's catalogue extension."""
    with lock(store_dir):
        now = current(store_dir)
        published = table(now, store_dir)
        changes = compare(published, rows)
        chain = [*meta(now, store_dir)["chain"]]
        record = {
            "kind": "publish",
            "who": who,
            "filename": filename,
            "sha256": sha256,
            "previous": now,
            "indicators": sorted(rows["indicator_id"].unique().tolist()),
            "rows": int(len(rows)),
        }
        version = _next(store_dir)
        record["chain"] = [*chain, version]
        written = _write_version(store_dir, record, rows, changes, upsert(published, rows))
        if written != version:
            raise VersionError("numérotation des versions incohérente")
        if declare:
            declare_indicator(declare, store_dir)
        _point_to(store_dir, version)
    return meta(version, store_dir)


def rollback(target: int, who: str, store_dir: Path | None = None) -> dict:
    """Publish again the content of version ``target`` (0 = the pipeline's base) as a new version."""
    with lock(store_dir):
        target_meta = meta(target, store_dir)
        now = current(store_dir)
        before, after = table(now, store_dir), table(target, store_dir)
        changes = compare(before, after, removals=True)
        record = {
            "kind": "rollback",
            "who": who,
            "filename": "",
            "sha256": "",
            "previous": now,
            "target": target,
            "chain": list(target_meta["chain"]),
            "indicators": [],
            "rows": 0,
        }
        version = _write_version(store_dir, record, after.iloc[0:0], changes, after)
        _point_to(store_dir, version)
    return meta(version, store_dir)


def history(store_dir: Path | None = None) -> pd.DataFrame:
    """Every version, newest first: id, kind, when, who, filename, sha256, added, changed, removed, current."""
    folder = _dir(store_dir)
    records = [meta(0, store_dir)]
    if folder.exists():
        for path in sorted(folder.iterdir()):
            if path.is_dir() and path.name.isdigit() and (path / "meta.json").exists():
                records.append(json.loads((path / "meta.json").read_text(encoding="utf-8")))
    frame = pd.DataFrame(records)
    for column in ("when", "who", "filename", "sha256", "added", "changed", "removed", "target"):
        if column not in frame:
            frame[column] = None
    frame["current"] = frame["id"] == current(store_dir)
    columns = ["id", "kind", "when", "who", "filename", "sha256", "added", "changed", "removed", "target", "current"]
    return frame[columns].sort_values("id", ascending=False).reset_index(drop=True)


def changes(version: int, store_dir: Path | None = None) -> pd.DataFrame:
    path = _dir(store_dir) / _name(version) / "changes.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=[*KEY, "old_value", "new_value"])


def declare_indicator(entry: dict, store_dir: Path | None = None) -> None:
    """Add an analyst-declared indicator (and its source) to the store's catalogue extension.

    ``entry`` has the catalogue's fields (id, label, short_label, theme, unit, decimals, definition,
    polarity) and ``source``: {id, producer, title, url, licence, citation}. Checked by catalogue.parse.
    """
    path = catalogue.local_path(_store(store_dir))
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    document = document or {"sources": {}, "indicators": []}
    source = dict(entry["source"])
    source_id = source.pop("id")
    indicator = {k: v for k, v in entry.items() if k != "source"} | {"sources": [source_id]}
    candidate = catalogue.merge(document, {"sources": {source_id: source}, "indicators": [indicator]})
    with open(catalogue.CATALOGUE_PATH, encoding="utf-8") as handle:
        catalogue.parse(catalogue.merge(yaml.safe_load(handle), candidate))  # raises CatalogueError
    _write_text(path, yaml.safe_dump(candidate, allow_unicode=True, sort_keys=False))
