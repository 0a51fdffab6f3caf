"""Where the project's files live. Override the store folder with RADAR_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = Path(os.environ.get("RADAR_DATA_DIR", ROOT / "data" / "processed"))
CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yml"


def processed_dir() -> Path:
    """The store folder, read from the environment at call time (tests redirect it)."""
    return Path(os.environ.get("RADAR_DATA_DIR", ROOT / "data" / "processed"))
