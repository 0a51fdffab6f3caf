"""Browser tests: a real Streamlit server on loopback, driven by Playwright in Debian's Chromium.

Screenshots go to artifacts/screenshots/ (git-ignored) so that a person can look at them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app served on a free loopback port for the whole session."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Visible text elements of the main area whose content overflows their box (cut, or hidden by an ellipsis),
# text inputs included (a selectbox shows its value in an input: a long label is cut there on a phone), and
# buttons (a download button's label is clipped by the button, « Télécharger les chiffres (C… », not by its text).
# An empty box, or a 1-px one (text for screen readers only, e.g. a toggle's input, "add icon"), shows no cut text.
CUT_TEXT = """() => [...document.querySelectorAll(
    '[data-testid=stMain] :is(td, th, p, span, a, label, h1, h2, h3, input[type=text], button)')]
  .filter(el => el.offsetParent !== null && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
  .map(el => (el.tagName === 'INPUT' ? el.value : el.innerText).slice(0, 40))
  .filter(text => text.trim() !== '')"""


def cut_texts(page) -> list[str]:
    """The texts that the page shows cut (an empty list when nothing is truncated)."""
    return page.evaluate(CUT_TEXT)


@pytest.fixture
def sized_page(browser):
    """A factory of pages at a given viewport width (390 phone, 1366 laptop, 1920 desktop)."""
    contexts = []

    def make(width: int, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        return tab

    yield make
    for context in contexts:
        context.close()


# Streamlit shows its status widget only once a run has lasted a moment: idle = no widget and no stale
# element for 1,5 s in a row.
IDLE = """() => {
  const now = performance.now();
  if (document.querySelector('[data-testid=stStatusWidget], [data-stale=true]')) window.__radarBusy = now;
  return now - window.__radarBusy > 1500;
}"""


def wait_until_idle(page) -> None:
    page.evaluate("() => { window.__radarBusy = performance.now(); }")
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
