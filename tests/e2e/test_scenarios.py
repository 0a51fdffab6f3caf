"""The scenarios page opens in Chromium with its four scenarios and two charts."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_scenarios_page_in_chromium(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 4300}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url)
        page.get_by_role("heading", name="Radar social").wait_for()
        page.get_by_text("Projections et scénarios 2050").first.click()
        page.get_by_role("heading", name="Projections et scénarios à 2050").wait_for()
        page.locator("[data-testid=stPlotlyChart]").nth(1).wait_for()
        page.locator(".js-plotly-plot .scatterlayer").nth(1).wait_for()
        page.wait_for_timeout(1000)
        screenshot(page, "scenarios_93")
        body = page.inner_text("body")
        assert "Catastrophe" in body and "Télécharger les résultats (CSV)" in body
    finally:
        context.close()
