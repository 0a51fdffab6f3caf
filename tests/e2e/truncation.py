"""How many texts each page shows cut, per viewport width: ``python -m tests.e2e.truncation``.

Counts, in a real Chromium, (1) the HTML text elements of the main area whose content overflows their box
(the browser tests' ``cut_texts``) and (2) the SVG texts of the plotly figures (map labels, axis ticks,
legends) that stick out of their figure. Prints one row per page and width, with the first cut texts.
"""

from __future__ import annotations

import sys

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, CUT_TEXT, wait_until_idle
from tests.e2e.server import streamlit_server

PAGES = {
    "accueil": "/",
    "profil 93": "/profil?dep=93",
    "comparer 3": "/comparer?deps=38,44,93",
    "comparer 8": "/comparer?deps=38,44,93,59,13,69,974,2A",
    "carte": "/carte",
}
WIDTHS = (390, 1366, 1920)
# SVG texts of a plotly figure that are drawn (even partly) outside the figure's own box.
CUT_SVG = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].flatMap(plot => {
  const box = plot.getBoundingClientRect();
  return [...plot.querySelectorAll('svg text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && t.textContent.trim() && (r.left < box.left - 1 || r.right > box.right + 1);
  }).map(t => t.textContent.slice(0, 40));
})"""


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stMain] h1", timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1_000)  # plotly draws after the run


def measure(url: str) -> list[tuple[str, int, list[str], list[str]]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, path in PAGES.items():
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 1000}, locale="fr-FR")
                page = context.new_page()
                page.goto(url + path)
                _settle(page)
                html = [text for text in page.evaluate(CUT_TEXT) if text.strip()]  # an empty box cuts nothing
                rows.append((name, width, html, page.evaluate(CUT_SVG)))
                context.close()
        browser.close()
    return rows


def main() -> int:
    with streamlit_server() as url:
        rows = measure(url)
    print("| page | largeur | textes HTML coupés | textes de figure coupés | exemples |")
    print("|---|---|---|---|---|")
    for name, width, html, svg in rows:
        examples = ", ".join(repr(t) for t in (html + svg)[:4])
        print(f"| {name} | {width} px | {len(html)} | {len(svg)} | {examples} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
