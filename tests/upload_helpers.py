"""Helpers for the upload tests: a private copy of the built store, pointed to by RADAR_DATA_DIR."""

from __future__ import annotations

import shutil
from pathlib import Path

from indicators.paths import processed_dir
from indicators.pipeline import INDICATORS_FILE, POPULATION_FILE


def copy_store(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in (INDICATORS_FILE, POPULATION_FILE, "build.json", "departements.geoparquet"):
        shutil.copy2(processed_dir() / name, target / name)
    return target
