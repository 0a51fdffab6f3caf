"""The map page draws the 101 départements in Chromium; the compare page shows the 38/44/93 table."""

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
    # the Paris zoom labels each département with its code and value (same classes as the map)
    zoom = page.locator("[data-testid=stPlotlyChart]").nth(1)
    zoom.scroll_into_view_if_needed()
    zoom.get_by_text("27,6\u00a0%").wait_for()
    labels = zoom.locator(".scattergeo text").evaluate_all("els => els.map(e => e.textContent)")
    assert sorted(label[:2] for label in labels) == ["75", "92", "93", "94"]
    screenshot(page, "carte-zoom-paris")


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


@pytest.mark.parametrize("width", [390, 1366, 1920])
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
