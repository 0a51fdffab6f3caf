"""Helpers for the upload tests: a private copy of the built store, pointed to by RADAR_DATA_DIR."""

from __future__ import annotations

import shutil
from pathlib import Path

from indicators.core import paths


def copy_store(target: Path) -> Path:
    """The built store's files (not its published versions): tables, geometry, territories, track record."""
    target.mkdir(parents=True, exist_ok=True)
    names = (
        paths.INDICATORS_FILE,
        paths.POPULATION_FILE,
        paths.STAMP_FILE,
        paths.GEO_FILE,
        paths.TERRITORIES_FILE,
        paths.SUCCESSORS_FILE,
        paths.NOTES_FILE,
        paths.ADMIN_UNITS_FILE,
        *paths.TRACK_RECORD_FILES,
    )
    for name in names:
        shutil.copy2(paths.processed_dir() / name, target / name)
    return target
