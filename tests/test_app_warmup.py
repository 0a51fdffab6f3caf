"""Issue 29: a server process computes the map's default view in the background once per store version, so the
first visitor of the map after a start or a publish finds it in the cache (indicators/ui/warmup.py)."""

from streamlit.testing.v1 import AppTest

from indicators.storage import versions
from indicators.ui import cache, versioned, warmup
from tests.conftest import APP


def test_the_warm_up_fills_the_cache_the_map_page_reads(monkeypatch):
    monkeypatch.setenv("RADAR_WARMUP", "1")
    monkeypatch.setattr(warmup, "_started", set())
    version = versions.token()
    thread = warmup.start(version)
    assert thread is not None and warmup.start(version) is None  # once per version and process
    thread.join(timeout=120)
    warmed = warmup.warm()  # now from the cache: the very object the thread made
    assert warmed is not None and "Paris et petite couronne" in warmed.zoom
    assert len(warmed.ranked) == 101
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/carte.py").run()
    assert not at.exception
    page_view = cache.departement_map(
        at.selectbox[0].value,
        at.selectbox[1].value,
        at.selectbox[2].value,
        at.slider[0].value,
        False,
        cache.geojson_url(),
    )
    assert page_view is warmed  # the page's own call, with its widgets' defaults, is the warmed entry
    assert versioned.current() == version


def test_no_warm_up_when_turned_off_or_without_a_store(monkeypatch):
    monkeypatch.setattr(warmup, "_started", set())
    monkeypatch.setenv("RADAR_WARMUP", "0")
    assert warmup.start("abc") is None
    monkeypatch.setenv("RADAR_WARMUP", "1")
    assert warmup.start(None) is None and warmup._started == set()
