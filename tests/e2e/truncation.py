"""How many texts each page shows cut or overlapping, per viewport width: ``python -m tests.e2e.truncation``.

Counts, in a real Chromium, (1) the HTML text elements of the main area whose content overflows their box
(the browser tests' ``cut_texts``), (2) the SVG texts of the plotly figures (map labels, axis ticks,
legends) that stick out of their figure, (3) the pairs of SVG texts of a figure whose boxes intersect
(overlapping labels: « 65 ans et plu75 ans et plus ») and of figures that intersect each other, and (4) the
elements of the main column wider than it (sideways scroll inside the page, at 390 px). Prints one row per
page and width, with the first examples. ``--only NAME`` measures the pages whose name starts with NAME.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, CUT_TEXT, wait_until_idle
from tests.e2e.server import streamlit_server

PAGES = {
    "accueil": "/",
    "profil 93": "/profil?dep=93",
    "comparer 3": "/comparer?deps=38,44,93",
    "comparer 8": "/comparer?deps=38,44,93,59,13,69,974,2A",
    "carte": "/carte",
    "carte communes 59": "/carte?maille=communes&dep=59&com=59183",
    "tendances 38": "/tendances?dep=38&ind=unemployment_rate",
    "scenarios 93": "/scenarios?dep=93",
    "profil commune 59183": "/profil?com=59183",
    "profil epci 245900428": "/profil?epci=245900428",
    "comparer Dunkerque": "/comparer?deps=com:59183,epci:245900428,59",
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


# Pairs of texts of one plotly figure (ticks, titles, legend, annotations) whose boxes intersect by more than
# 2 px each way, and texts of two figures that intersect (a figure drawn over the next one).
OVERLAPS = """() => {
  const boxes = plot => [...plot.querySelectorAll('svg text')].map(t => [t, t.getBoundingClientRect()])
    .filter(([t, r]) => r.width > 0 && r.height > 0 && t.textContent.trim());
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  const out = [];
  const plots = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')];
  const all = plots.map(boxes);
  all.forEach((texts, i) => {
    for (let a = 0; a < texts.length; a++) for (let b = a + 1; b < texts.length; b++)
      if (hit(texts[a][1], texts[b][1]) && !texts[a][0].contains(texts[b][0]) && !texts[b][0].contains(texts[a][0]))
        out.push(texts[a][0].textContent.slice(0, 20) + ' / ' + texts[b][0].textContent.slice(0, 20));
    for (let j = i + 1; j < all.length; j++) {
      const box = plots[j].getBoundingClientRect();
      texts.filter(([t, r]) => hit(r, box)).forEach(([t]) => out.push(t.textContent.slice(0, 20) + ' / figure'));
    }
  });
  return out;
}"""
# Elements of the main column wider than the column itself (the reader scrolls sideways inside the page).
SIDEWAYS = r"""() => {
  const main = document.querySelector('[data-testid=stMainBlockContainer]')
    || document.querySelector('[data-testid=stMain]');
  const right = main.getBoundingClientRect().right + 1;
  return [...main.querySelectorAll('table, [data-testid=stHorizontalBlock], .js-plotly-plot, pre')]
    .filter(el => el.offsetParent !== null && (el.getBoundingClientRect().right > right
      || (el.parentElement && el.parentElement.scrollWidth > el.parentElement.clientWidth + 1)))
    .map(el => (el.innerText || el.tagName).replace(/\s+/g, ' ').slice(0, 30));
}"""


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stMain] h1", timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1_000)  # plotly draws after the run


def measure(url: str, pages: dict[str, str] = PAGES, widths=WIDTHS, shots: Path | None = None) -> list[tuple]:
    """(page, width, cut HTML texts, cut figure texts, overlapping texts, sideways-scrolling elements) rows;
    with ``shots``, a full-page screenshot of each page and width saved there."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, path in pages.items():
            for width in widths:
                context = browser.new_context(viewport={"width": width, "height": 1000}, locale="fr-FR")
                page = context.new_page()
                page.set_default_timeout(90_000)
                page.goto(url + path)
                try:
                    _settle(page)
                except Exception as error:  # a page that never settles is reported, the others still measured
                    rows.append((name, width, [f"(pas chargée : {type(error).__name__})"], [], [], []))
                    context.close()
                    continue
                html = [text for text in page.evaluate(CUT_TEXT) if text.strip()]  # an empty box cuts nothing
                sideways = page.evaluate(SIDEWAYS) if width <= 390 else []
                rows.append((name, width, html, page.evaluate(CUT_SVG), page.evaluate(OVERLAPS), sideways))
                if shots is not None:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots / f"{name.replace(' ', '-')}-{width}.png"), full_page=True)
                context.close()
        browser.close()
    return rows


def main(argv: list[str]) -> int:
    only = argv[argv.index("--only") + 1] if "--only" in argv else ""
    shots = Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None
    pages = {k: v for k, v in PAGES.items() if k.startswith(only)}
    with streamlit_server() as url:
        rows = measure(url, pages, shots=shots)
    print("| page | largeur | HTML coupés | figure coupés | superposés | défilement latéral | exemples |")
    print("|---|---|---|---|---|---|---|")
    for name, width, html, svg, overlaps, sideways in rows:
        examples = ", ".join(repr(t) for t in (html + svg + overlaps + sideways)[:4])
        side = str(len(sideways)) if width <= 390 else "–"
        print(f"| {name} | {width} px | {len(html)} | {len(svg)} | {len(overlaps)} | {side} | {examples} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
