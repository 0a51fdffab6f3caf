"""Every page readable from a phone to a wide desk, in Chromium: at 390 and 1366 px no cut text (HTML, and
chart texts sticking out of their figure), no overlapping texts in a chart (« 65 ans et plu75 ans et plus »),
no figure drawn over the next one, no sideways scroll inside the main column at 390 px, and no English word
or English number format left by Streamlit or plotly.

Cheap on purpose (CI is near its budget): the session's one server and one browser, one tab; each page is
loaded once, measured at 1366 px, then the same tab is narrowed to 390 px and measured again (Streamlit's
columns and the plotly figures re-lay themselves out without a new run). ``python -m tests.e2e.truncation``
prints the same counts as a table, for a person.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CUT_TEXT, IDLE, screenshot
from tests.e2e.test_french_pages import PAGE_TEXT, english_found, english_numbers
from tests.e2e.truncation import CUT_SVG, OVERLAPS, SIDEWAYS

pytestmark = pytest.mark.e2e

PAGES = {  # name: path (every page of the app; the import page shows its login form)
    "accueil": "/",
    "profil-93": "/profil?dep=93",
    "profil-commune-59183": "/profil?com=59183",
    "profil-epci-245900428": "/profil?epci=245900428",
    "comparer-dunkerque": "/comparer?deps=com:59183,epci:245900428,59",
    "comparer-8": "/comparer?deps=38,44,93,974,2A,69,59,75",
    "carte": "/carte?ind=rsa_coverage_rate&year=2019&method=quantiles&k=6&gap=1",
    "carte-communes-59": "/carte?maille=communes&dep=59&com=59183",
    "tendances-38": "/tendances?dep=38&ind=unemployment_rate",
    "scenarios-93": "/scenarios?dep=93",
    "radar-93": "/radar?dep=93",
    "metiers-93": "/metiers?dep=93",
    "importer": "/importer",
}
WIDTHS = (1366, 390)
LOAD = 180_000  # ms: a page that has not settled by then is reported « pas chargée »
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
  .every(chart => chart.querySelector('.main-svg'))"""


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stMain] h1", timeout=LOAD)
    page.evaluate("() => { window.__radarBusy = performance.now(); }")
    page.wait_for_function(IDLE, polling=100, timeout=LOAD)  # a first compare reads the store: slow when busy
    page.wait_for_function(CHARTS_DRAWN, polling=200, timeout=LOAD)
    page.wait_for_timeout(700)  # plotly lays out its texts after the first paint


def _measure(page, width: int) -> dict[str, list[str]]:
    found = page.evaluate(PAGE_TEXT)
    return {
        "cut": [t for t in page.evaluate(CUT_TEXT) if t.strip()],
        "cut in a chart": page.evaluate(CUT_SVG),
        "overlapping": page.evaluate(OVERLAPS),
        "sideways": page.evaluate(SIDEWAYS) if width <= 390 else [],
        "English": english_found(found) + english_numbers(found),
    }


@pytest.fixture(scope="module")
def measured(request, browser, app_url) -> dict[tuple[str, int], dict[str, list[str]]]:
    """What each page shows wrong at each width (empty lists when nothing), measured once for the module; only
    the pages of the selected tests (``-k scenarios`` measures one page)."""
    wanted = {i.callspec.params.get("name") for i in request.session.items if hasattr(i, "callspec")}
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(app_url)  # a first direct deep link may land before the pages are registered
    page.get_by_role("heading", name="Radar social").wait_for()
    results = {}
    for name, path in PAGES.items():
        if name not in wanted:
            continue
        page.set_viewport_size({"width": WIDTHS[0], "height": 1000})
        page.goto(app_url + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1000})
            try:
                _settle(page)
            except PlaywrightError as error:  # reported for this page; the others are still measured
                results[name, width] = {"pas chargée": [f"{type(error).__name__}: {str(error)[:80]}"]}
                continue
            results[name, width] = _measure(page, width)
            if width == 390 or any(results[name, width].values()):
                tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
                page.set_viewport_size({"width": width, "height": min(tall + 40, 12_000)})
                page.wait_for_timeout(500)
                screenshot(page, f"readable-{name}-{width}")
    context.close()
    return results


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_readable(measured, name, width):
    problems = {kind: found for kind, found in measured[name, width].items() if found}
    assert not problems, f"{name} at {width} px: {problems} (artifacts/screenshots/readable-{name}-{width}.png)"
