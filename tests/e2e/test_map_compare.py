"""The map page draws the 101 départements in Chromium; the compare page shows the 38/44/93 table."""

from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import cut_texts, screenshot

pytestmark = pytest.mark.e2e


def test_map_draws_101_departements(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/carte?ind=poverty_rate&year=2020&method=jenks&k=5")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").nth(100).wait_for()
    page.wait_for_timeout(500)
    screenshot(page, "carte")
    assert chart.locator("path.choroplethlocation").count() == 101
    legend = chart.inner_text()
    assert "n.d." in legend and "\u00a0%" in legend
    # the map has the page's width (it shared it with the table: France was drawn ~250 px wide)
    main = page.locator("[data-testid=stMainBlockContainer]").bounding_box()
    assert chart.bounding_box()["width"] > 0.95 * main["width"] - 120
    # the Paris zoom (SVG, issue 29) labels each département with its code and value (same classes as the map)
    zoom = page.locator("svg.rs-zoom")
    zoom.scroll_into_view_if_needed()
    zoom.get_by_text("27,6\u00a0%", exact=True).wait_for()
    labels = zoom.locator("text").evaluate_all("els => els.map(e => e.textContent)")
    assert sorted(labels) == ["7515,4\u00a0%", "9211,9\u00a0%", "9327,6\u00a0%", "9416,6\u00a0%"]
    assert zoom.locator("title").first.text_content().startswith("Paris (75)\n15,4\u00a0%\nRang : ")
    fills = zoom.locator("path").evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    main = chart.locator("path.choroplethlocation").evaluate_all("els => els.map(e => getComputedStyle(e).fill)")
    assert len(fills) == 4 and set(fills) <= set(main)
    screenshot(page, "carte-zoom-paris")
    # the ranked table's CSV holds the figures as numbers (the grid's toolbar download before issue 29)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le classement (CSV)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert download.value.suggested_filename == "radar-social-classement-poverty_rate-2020.csv"
    assert lines[2] == "2;93;Seine-Saint-Denis;27,6;27,6\u00a0%;%;2020" and len(lines) == 102
    # a département of the zoom opens its profile
    zoom.locator("a[href='/profil?dep=93'] path").click()
    page.get_by_role("heading", name="Seine-Saint-Denis").first.wait_for()


def test_compare_page_shows_the_table(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/comparer?deps=38,44,93")
    page.get_by_role("heading", name="Comparer des territoires").wait_for()
    page.locator("[data-testid=stTable]").first.wait_for()
    page.locator("[data-testid=stPlotlyChart]").nth(1).wait_for()
    page.wait_for_timeout(800)
    screenshot(page, "comparer")
    body = page.inner_text("body")
    assert "Seine-Saint-Denis" in body and "Territoires similaires" in body
    page.get_by_role("heading", name="Graphiques").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "comparer-graphiques")
    page.get_by_role("button", name="Comparer avec ces départements").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "comparer-similaires")
    # the workbook is made on the click (compare.View.xlsx, a deferred download): a real workbook with 93's 27,6
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (XLSX)").click()
    book = pd.read_excel(download.value.path(), sheet_name=None, engine="openpyxl")
    assert download.value.suggested_filename == "radar-social-comparaison.xlsx" and "Sources" in book
    poverty = next(
        frame for frame in book.values() if frame.iloc[:, 0].astype(str).str.startswith("Taux de pauvreté").any()
    )
    assert 27.6 in poverty.iloc[:, 1:].to_numpy().ravel().tolist()


def test_map_gap_to_france_is_diverging(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/carte?ind=rsa_coverage_rate&year=2019&method=quantiles&k=6&gap=1")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").nth(100).wait_for()
    page.wait_for_timeout(500)
    screenshot(page, "carte-ecart-france")
    assert chart.locator("path.choroplethlocation").count() == 101
    assert "pt" in chart.inner_text()


@pytest.mark.parametrize("width", [1920])  # 390 and 1366 px: tests/e2e/test_readable.py
def test_compare_eight_territories_cuts_nothing(sized_page, app_url, width):
    page = sized_page(width)
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/comparer?deps=38,44,93,974,2A,69,59,75")
    page.locator("[data-testid=stTable]").first.wait_for()
    page.get_by_text("Couverture RSA (%)").first.wait_for()
    screenshot(page, f"comparer-8-{width}")
    table = page.locator("[data-testid=stTable]").first.inner_text()
    for name in ("Isère", "Seine-Saint-Denis", "La Réunion", "Corse-du-Sud", "Paris"):
        assert name in table
    assert cut_texts(page) == []


# The map's texts (inset codes, legend entries) and the box of the chart, to check that none sticks out.
MAP_TEXTS = """chart => {
  const box = chart.getBoundingClientRect();
  const texts = [...chart.querySelectorAll('.scattergeo text, .legend text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left - box.left, right: r.right - box.left, width: r.width};
  });
  const paths = [...chart.querySelectorAll('path.choroplethlocation')].map(p => p.getBoundingClientRect());
  const inside = paths.every(r => r.left >= box.left - 0.5 && r.right <= box.right + 0.5);
  return {width: box.width, texts, inside};
}"""


def _map_fills(chart) -> dict[str, str]:
    """Fill colour of each département's path (paths are drawn in the order of the trace's locations)."""
    return chart.evaluate(
        """chart => {
      const gd = chart.querySelector('.js-plotly-plot');
      const paths = [...chart.querySelectorAll('path.choroplethlocation')];
      return Object.fromEntries(gd.data[0].locations.map((code, i) => [code, getComputedStyle(paths[i]).fill]));
    }"""
    )


@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_map_insets_and_legend_are_never_cut(sized_page, app_url, width):
    page = sized_page(width, 1800)
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/carte?ind=rsa_coverage_rate&year=2019&method=quantiles&k=6&gap=1")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").nth(100).wait_for()
    chart.locator(".legend").wait_for()
    page.wait_for_timeout(800)
    chart.scroll_into_view_if_needed()
    screenshot(page, f"carte-legende-{width}")
    drawn = chart.evaluate(MAP_TEXTS)
    texts = {t["text"]: t for t in drawn["texts"]}
    # the DROM insets are named by their code (full name on hover): "Guadeloupe" was cut to "eloupe"
    assert {"971", "972", "973", "974", "976"} <= set(texts)
    legend = [
        "n.d.",
        # the catalogue's one decimal for every rate, its gaps to France included
        "−3,9\u00a0pt à −2,3\u00a0pt",
        "−2,3\u00a0pt à −1,6\u00a0pt",
        "−1,6\u00a0pt à −0,8\u00a0pt",
        "−0,8\u00a0pt à 0,0\u00a0pt",
        "0,0\u00a0pt à 5,0\u00a0pt",
        "5,0\u00a0pt à 20,7\u00a0pt",
    ]
    assert set(legend) <= set(texts)
    outside = [
        t["text"] for t in drawn["texts"] if t["width"] > 0 and (t["left"] < -0.5 or t["right"] > drawn["width"] + 0.5)
    ]
    assert outside == [] and drawn["inside"]  # every département (Corsica too) and every text within the chart
    assert chart.locator(".colorbar").count() == 0  # no colour bar eating a third of a phone's width
    assert cut_texts(page) == []
    # écart mode, quantiles: Seine-Saint-Denis (+4,99 pt) and La Réunion (+20,74 pt) are told apart
    fills = _map_fills(chart)
    assert fills["93"] != fills["974"] and fills["974"] == fills["971"] == fills["972"] == fills["973"]


@pytest.mark.parametrize("width", [1366])  # at 390 px the table is one card per row (test_readable checks it)
def test_compare_label_column_stays_pinned_when_the_table_scrolls(sized_page, app_url, width):
    page = sized_page(width, 1400)
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/comparer?deps=38,44,93,974,2A,69,59,75")
    table = page.locator(".st-key-compare_table [data-testid=stTable]")
    table.get_by_text("Couverture RSA (%)").first.wait_for()
    scroller = table.locator("table").locator("xpath=..")
    overflow = scroller.evaluate("s => s.scrollWidth - s.clientWidth")
    scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    page.wait_for_timeout(300)
    screenshot(page, f"comparer-8-defile-{width}")
    left = scroller.evaluate("s => s.getBoundingClientRect().left")
    label = table.locator("tbody tr").first.locator("td").first
    assert label.inner_text() == "Population (habitants)"
    assert abs(label.bounding_box()["x"] - left) <= 2  # still at the left edge after scrolling
    header = table.locator("thead th").first
    assert abs(header.bounding_box()["x"] - left) <= 2
    assert overflow <= 0  # at 1366 px all nine columns fit, wrapped, without scrolling
    assert cut_texts(page) == []
