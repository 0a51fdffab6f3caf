"""``indicators.store.load_indicators`` and the other readers of the store (indicators/storage/store.py) at their
documented path."""

from indicators.storage.store import (
    load_admin_units,
    load_commune_geometry,
    load_geometry,
    load_indicators,
    load_population,
    load_territories,
)

__all__ = [
    "load_admin_units",
    "load_commune_geometry",
    "load_geometry",
    "load_indicators",
    "load_population",
    "load_territories",
]
