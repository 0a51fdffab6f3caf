"""The département map's default view, computed in the background as soon as a server process sees a store
version: its first visitor after a start or a publish no longer waits for it.

Issue 29: on a fresh server, the map opened after the home page was drawn in 7,0–8,2 s against 4,2–4,4 s warm:
~2,5 s of its script's cached loads (the indicator list, the geometry, the classes and figure) and the first
imports of plotly and mapclassify. The first run of app.py that pins a version (indicators/ui/versioned.py)
starts, once its page is done, one thread per version and process; it fills the caches the map page reads
(``by_version``: the key is the version, so a publish warms again). A visitor who spends 6 s on the home page
then finds the map in 4,7 s. A failure is logged, never shown: the page computes what it lacks.
``RADAR_WARMUP=0`` turns it off (tests/conftest.py does: each test's store is its own).
"""

from __future__ import annotations

import logging
import os
import threading

from indicators.core import catalogue
from indicators.models.classify import DEFAULT_CLASSES, METHODS

log = logging.getLogger(__name__)
_started: set[str] = set()
_lock = threading.Lock()


def start(version: str | None) -> threading.Thread | None:
    """Warm the caches of ``version`` in a daemon thread, once per version and process; the thread, or None when
    there is nothing to do (no store, already started, turned off)."""
    if version is None or os.environ.get("RADAR_WARMUP", "1") == "0":
        return None
    with _lock:
        if version in _started:
            return None
        _started.add(version)
    thread = threading.Thread(target=warm, name=f"radar-warmup-{version[:8]}", daemon=True)
    thread.start()
    return thread


def warm():
    """The map page's default view (the default indicator, its last year, the first class method, 5 classes, no
    gap), as app_pages/carte.py asks for it; returns it (None when the store has no map)."""
    from indicators.ui import cache, empty_states

    try:
        choices = cache.mappable_indicators()
        if not choices or not cache.geometry_held():
            return None
        indicator_id = empty_states.first_available([catalogue.defaults()["map"]], choices)
        year = cache.map_years(indicator_id)[-1]
        method = next(iter(METHODS))
        return cache.departement_map(indicator_id, year, method, DEFAULT_CLASSES, False, cache.geojson_url())
    except Exception:  # the page computes what the warm-up could not, and says its own errors
        log.exception("warm-up of the map's default view failed")
        return None
