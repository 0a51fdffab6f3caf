"""Issue 4: map figure payload, page load to drawn map in Chromium (the warm reruns: bench_pages)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.benchmarks.run import Measure
from tests.e2e.server import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
MAP_QUERY = "/carte?ind=poverty_rate&year=2020&method=jenks&k=5"


def _payload_kb() -> float:
    """What the map page sends per rerun: the figure with the geometry by URL (issue 14)."""
    from indicators.storage import query
    from indicators.ui import cache
    from indicators.views import maps

    frame = maps.map_frame(query.rows(indicator_ids=["poverty_rate"]), "poverty_rate", 2020)
    fig = maps.choropleth(frame, cache.geojson_url(), "poverty_rate", "jenks", 5)
    return len(fig.to_json().encode("utf-8")) / 1000


def map_visits(query: str, last_path: int) -> tuple[float, float]:
    """(first visit: a new browser context, empty cache; return visit: same context, cached), best times
    from goto ``query`` to its ``last_path``-th choropleth path drawn, on a warm server."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    def drawn(page) -> float:
        start = time.perf_counter()
        page.goto(url + query)
        page.locator("[data-testid=stPlotlyChart] path.choroplethlocation").nth(last_path).wait_for(timeout=60_000)
        return time.perf_counter() - start

    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        warmup = browser.new_context()
        page = warmup.new_page()
        page.goto(url)  # a deep link on a fresh server skips st.navigation (Streamlit quirk): open / first
        page.get_by_role("heading", name="Radar social").wait_for(timeout=60_000)
        drawn(page)  # warms the server's caches; not counted
        warmup.close()
        first, again = [], []
        for _ in range(2):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            first.append(drawn(page))
            again += [drawn(page), drawn(page)]
            context.close()
        browser.close()
    return min(first), min(again)


def run() -> list[Measure]:
    browser_first, browser_again = map_visits(MAP_QUERY, 100)
    return [
        Measure(4, "map figure payload (poverty 2020, Jenks 5)", _payload_kb(), "KB", 400.0),
        Measure(4, "page load to drawn map, first visit (empty browser cache)", browser_first, "s", 3.0),
        Measure(4, "page load to drawn map, return visit (browser cache)", browser_again, "s", 3.0),
    ]


if __name__ == "__main__":
    for measure in run():
        print(measure)
