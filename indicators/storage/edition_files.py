"""Where a publisher's new edition of a source lives in the store, and how a staged one is published.

``indicators/build/editions.py`` stages an edition in ``<store>/editions/<key>/``: the publisher's file
(``source/<its name>``), the whole table the pipeline built with it (``pipeline.parquet``), the rows it adds or
revises (``rows.parquet``), the keys it removes (``removed.parquet``) and what was recognised and changed
(``edition.json``), and in ``tables/`` the store's other tables it changes (the population by age and sex,
the track records...). ``publish`` makes it a version (indicators/storage/versions.py) whose record names the edition:
the next import builds on it (its file is put in the raw view), a rollback undoes it like any version.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from indicators.core.paths import processed_dir
from indicators.storage import versions

EDITIONS_DIR = "editions"
SOURCE_FILE = "source"  # the staged copy of the publisher's file keeps its own name inside this folder
TABLE_FILE = "pipeline.parquet"  # the whole table the pipeline builds with this edition
ROWS_FILE = "rows.parquet"  # rows the edition adds or revises
REMOVED_FILE = "removed.parquet"  # keys the edition removes (e.g. projected years now observed)
RESULT_FILE = "edition.json"
TABLES_DIR = "tables"  # the other tables of the store the edition changes (population, track records...)


def folder(store_dir: Path | None, key: str) -> Path:
    if not key.isalnum():
        raise versions.VersionError(f"édition préparée inconnue : {key!r}")
    return (store_dir or processed_dir()) / EDITIONS_DIR / key


def staged(store_dir: Path | None, key: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """The staged result, its rows (added or revised) and the keys it removes."""
    path = folder(store_dir, key)
    if not (path / RESULT_FILE).exists():
        raise versions.VersionError(f"édition préparée introuvable : {key}")
    result = json.loads((path / RESULT_FILE).read_text(encoding="utf-8"))
    return result, pd.read_parquet(path / ROWS_FILE), pd.read_parquet(path / REMOVED_FILE)


def published_editions(store_dir: Path | None = None) -> list[dict]:
    """The edition records of the published version's chain, oldest first (their files are in the store)."""
    now = versions.current(store_dir)
    out = []
    for version in versions.meta(now, store_dir).get("chain", []):
        record = versions.meta(version, store_dir)
        if record.get("edition"):
            out.append({**record["edition"], "version": version, "when": record.get("when", "")})
    return out


def publish(
    key: str, who: str, store_dir: Path | None = None, based_on: int | None = None, forced: list | None = None
) -> dict:
    """Publish a staged edition as a new version (refused if the published version moved since ``based_on``),
    carrying the derived tables it changes."""
    result, rows, removed = staged(store_dir, key)
    path = folder(store_dir, key)
    return versions.publish(
        rows,
        who,
        result["filename"],
        result["sha256"],
        store_dir,
        based_on=based_on,
        forced=forced,
        removed=removed,
        edition={**result["edition"], "older": bool(result.get("older"))},
        tables={name: path / TABLES_DIR / name for name in result.get("tables", [])},
    )
