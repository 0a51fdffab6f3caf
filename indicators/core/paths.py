"""Where the project's files live. Override the store folder with RADAR_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = ROOT / "data" / "raw"
CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yml"

# The store's files (written by indicators.build.pipeline, read by the store, the queries and the pages).
INDICATORS_FILE = "indicators.parquet"
POPULATION_FILE = "population.parquet"
STAMP_FILE = "build.json"
GEO_FILE = "departements.geoparquet"
TRACK_RECORD_FILES = (
    "backtest_population_paths.parquet",
    "backtest_population.parquet",
    "backtest_rates.parquet",
    "backtest_rate_paths.parquet",
    "backtest_need_paths.parquet",
)  # written by indicators.models.track_record
RADAR_FILES = ("signals.parquet", "radar_backtest.parquet")  # written by indicators.radar.stored
TERRITORIES_FILE = "territories.parquet"  # départements, EPCI and communes a user can look for
COMMUNE_GEO_FOLDER = "communes-geo"  # one simplified GeoJSON per département (indicators.build.commune_geo)
NOTES_FILE = "series_notes.parquet"  # per-value notes of the commune indicators (mergers, breaks, partial totals)
SUCCESSORS_FILE = "successors.parquet"  # old commune code -> current commune (validation of imports)
STAFF_FILE = "staff.parquet"  # DREES staff of the départements by category (indicators.sources.drees_staff)
ADMIN_UNITS_FILE = "admin_units.parquet"  # départements, régions, France: names, région, zone, area (admin_units)


def processed_dir() -> Path:
    """The store folder, read from the environment at call time (tests redirect it)."""
    return Path(os.environ.get("RADAR_DATA_DIR", ROOT / "data" / "processed"))


def state_dir() -> Path:
    """Where the server keeps its own state, outside the store (the analysts' login database): RADAR_STATE_DIR,
    else $XDG_STATE_HOME/radar-social, else ~/.local/state/radar-social."""
    if os.environ.get("RADAR_STATE_DIR"):
        return Path(os.environ["RADAR_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "radar-social"
