"""Streamlit's and plotly's own words in French, in Chromium: what to look for (no English word of Streamlit or
plotly in visible text, tooltips, aria-labels, placeholders; no English number format `10.4`, `1,234`), checked
on every page at 390 and 1366 px by tests/e2e/test_readable.py, and the status widget and table toolbar here.

The AppTest scan (tests/test_french_numbers.py) reads the elements' values; this one reads the rendered
page, including the chart axes and legends (SVG text) and what Streamlit's frontend adds by itself.
"""

from __future__ import annotations

import re

import pytest

from indicators.ui import streamlit_fr
from tests.e2e.conftest import screenshot, wait_until_idle
from tests.e2e.server import freeze, streamlit_server, thaw

pytestmark = pytest.mark.e2e

PAGES = {  # name: (path, a text that says the page is drawn)
    "accueil": ("/", "Que cherchez-vous ?"),
    "profil": ("/profil?dep=93", "Seine-Saint-Denis"),
    "comparer": ("/comparer?deps=38,44,93,974,2A,69,59,75", "Tableau comparatif"),
    "carte": ("/carte?ind=rsa_coverage_rate&year=2019&method=quantiles&k=6&gap=1", "Classement"),
    "carte-communes": ("/carte?maille=communes&dep=59&ind=census_unemployment_rate_15_64", "Communes"),
    "scenarios": ("/scenarios?dep=93", "Projections et scénarios à 2050"),
    "tendances": ("/tendances?dep=93", "Tendances des taux à 2050"),
    "importer": ("/importer", "Importer des indicateurs"),  # logged in: tests/e2e/test_import.py
}
# Streamlit's English that CSS or indicators/streamlit_fr replace; any of them left on screen is a failure.
ENGLISH = [
    *streamlit_fr.FRENCH,
    "Press Enter to apply",
    "Drag and drop file here",
    "Browse files",
    "per file",
    "Upload",
    "Page not found",
]
# "10.4", "88.0B" (a file size), "1,234"; not a part of a code or a name ("v1.2.3", "FILO2020.csv").
ENGLISH_NUMBER = re.compile(r"(?<![\w./:-])\d+\.\d+(?![\d./]|[a-z])|(?<![\w.,])\d{1,3},\d{3}(?![\d,])")
ALLOWED = re.compile(r"Etalab 2\.0|Licence Ouverte 2\.0")  # licence versions, not figures

# Visible text of the app (HTML and SVG text: chart axes, legends, labels), and every aria-label, title,
# data-title (plotly's tooltips) and placeholder, hidden ones included: a tooltip is hidden until hovered.
PAGE_TEXT = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const svg = [...app.querySelectorAll('svg text')].map(t => t.textContent);
  const attrs = [...app.querySelectorAll('[aria-label], [title], [data-title], [placeholder]')].flatMap(
    el => ['aria-label', 'title', 'data-title', 'placeholder'].map(a => el.getAttribute(a)).filter(Boolean));
  return {text: app.innerText, svg, attrs};
}"""


def open_page(page, url: str, path: str, marker: str) -> None:
    """Load ``path`` (through the home page: a first direct load may land before the pages are registered)
    and wait until Streamlit has finished computing it."""
    page.goto(url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(url + path)
    page.get_by_text(marker).first.wait_for()
    wait_until_idle(page)


def english_found(found: dict) -> list[str]:
    texts = [line.strip() for line in found["text"].splitlines()] + found["svg"] + found["attrs"]
    hits = {t for t in texts if t in ENGLISH}
    hits |= {f"«{w}» in «{t[:60]}»" for t in texts for w in ENGLISH if len(w) > 12 and w in t and t != w}
    return sorted(hits)


def english_numbers(found: dict) -> list[str]:
    texts = [found["text"], *found["svg"], *found["attrs"]]
    return sorted({m.group(0) for t in texts for m in ENGLISH_NUMBER.finditer(ALLOWED.sub(" ", t))})


@pytest.fixture(scope="module")
def own_url():
    """A server of its own: its caches are cold (a first page computes for seconds), and the test freezes it."""
    with streamlit_server() as url:
        yield url


def test_table_toolbar_and_status_widget_speak_french(sized_page, own_url):
    page = sized_page(1366)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(own_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    wait_until_idle(page)
    # The status widget shows while a run is under way: the server is frozen (SIGSTOP) as soon as it answers
    # the next page's request (the run has started: it says so first), so the run cannot end before the real
    # widget is read, however fast or loaded the machine. Read it in the same animation frame as it is found.
    frozen = []

    def freeze_once(_frame):
        if not frozen:
            freeze(own_url)
            frozen.append(True)

    widget = """() => {
      const w = document.querySelector('[data-testid=stStatusWidget]');
      const icon = w && w.querySelector('[aria-label]');
      return icon && {text: w.innerText.trim(), icon: icon.getAttribute('aria-label')};
    }"""
    sockets[-1].on("framereceived", freeze_once)
    try:
        page.get_by_role("link", name="Tendances des taux").click()
        status = page.wait_for_function(widget, timeout=20_000).json_value()
    finally:
        sockets[-1].remove_listener("framereceived", freeze_once)
        thaw(own_url)
    assert status == {"text": "Arrêter", "icon": "Calcul en cours…"}
    open_page(page, own_url, "/radar?dep=59", "Les communes qui ressortent")  # the map's ranking is HTML now
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()  # below the radar's text
    page.wait_for_timeout(500)
    # force: the grid's own scroller (« dvn-scroller … intercepts pointer events ») sometimes fails Playwright's
    # hit check; the mouse is over the table all the same, and the toolbar is read below
    table.hover(force=True)
    toolbar = page.locator("[data-testid=stElementToolbar]").filter(has=page.locator("button")).first
    labels = toolbar.locator("button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert labels == ["Afficher ou masquer des colonnes", "Télécharger en CSV", "Rechercher", "Plein écran"]
    toolbar.get_by_role("button", name="Télécharger en CSV").hover()
    page.get_by_text("Télécharger en CSV", exact=True).last.wait_for()
    screenshot(page, "fr-dataframe-toolbar-tooltip")
    titles = page.locator(".modebar-btn").evaluate_all("bs => bs.map(b => b.getAttribute('data-title'))")
    assert "Télécharger l'image (PNG)" in titles and "Plein écran" in titles
