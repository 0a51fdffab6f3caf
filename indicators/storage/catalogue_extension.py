"""The store's catalogue extension (``catalogue.local.yml`` beside the store): what a publish adds to the
catalogue: the source of an imported file, or an indicator an analyst declares. Each addition is checked
with the built-in catalogue (``catalogue.parse``) before it is written, atomically.

Called by storage/versions.py inside a publish (under its lock); written out of versions.py so the versioning
protocol and the catalogue's format stay apart.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from indicators.core import catalogue
from indicators.core.paths import processed_dir


def _store(store_dir: Path | None) -> Path:
    return Path(store_dir) if store_dir is not None else processed_dir()


def _write_text(path: Path, text: str) -> None:
    """Write a temporary file, fsync it, replace ``path`` with it, fsync the folder."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def imported_source(publisher: str, title: str, edition: str, who: str, filename: str, sha256: str) -> dict:
    """A published file as its own catalogue source: who published it, what, which edition, who imported it."""
    publisher = publisher.strip() or "Producteur non précisé"
    title = title.strip() or filename
    edition = edition.strip() or "édition non précisée"
    return {
        "producer": publisher,
        "title": title,
        "edition": edition,
        "url": filename,
        "licence": "non précisée (fichier importé)",
        "who": who,
        "filename": filename,
        "sha256": sha256,
        "citation": f"{publisher}, {title} ({edition}) ; {catalogue.IMPORTED_MARK} {who}, sha256 {sha256[:12]}",
    }


def register_source(source: dict, store_dir: Path | None) -> None:
    """Add the source of a published file to the store's catalogue extension (checked by catalogue.parse)."""
    path = catalogue.local_path(_store(store_dir))
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    document = document or {"sources": {}, "indicators": []}
    entry = {k: v for k, v in source.items() if k != "id"}
    candidate = {**document, "sources": {**(document.get("sources") or {}), source["id"]: entry}}
    with open(catalogue.CATALOGUE_PATH, encoding="utf-8") as handle:
        catalogue.parse(catalogue.merge(yaml.safe_load(handle), candidate))  # raises CatalogueError
    _write_text(path, yaml.safe_dump(candidate, allow_unicode=True, sort_keys=False))


def declare_indicator(entry: dict, store_dir: Path | None = None) -> None:
    """Add an analyst-declared indicator (and its source) to the store's catalogue extension.

    ``entry`` has the catalogue's fields (id, label, short_label, theme, unit, decimals, definition,
    polarity) and ``source``: {id, producer, title, url, licence, citation}. Checked by catalogue.parse.
    """
    if entry["id"] in catalogue.load(store_dir=_store(store_dir)):
        raise catalogue.CatalogueError(f"l'indicateur {entry['id']} existe déjà au catalogue")
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
