"""The scenarios page opens in Chromium: population by age, the 2013 projection against what happened, the
four scenarios against the calibrated bands, the spending with its history."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_scenarios_page_in_chromium(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 7200}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(90_000)  # a cold server projects every département first (slow on a loaded 2-core box)
    try:
        page.goto(app_url)
        page.get_by_role("heading", name="Radar social").wait_for()
        page.get_by_text("Projections et scénarios 2050").first.click()
        page.get_by_role("heading", name="Projections et scénarios à 2050").wait_for()
        page.locator("[data-testid=stPlotlyChart]").nth(4).wait_for()
        page.locator(".js-plotly-plot .scatterlayer").nth(4).wait_for()
        page.wait_for_timeout(1000)
        screenshot(page, "scenarios_93")
        body = page.inner_text("body")
        assert "Catastrophe" in body and "Télécharger les résultats (CSV)" in body
        assert "Population par âge" in body and "75 ans et plus" in body
        assert "Peut-on s'y fier ? La projection faite en 2013" in body
        assert "par rapport aux bandes" in body and "au-dessus de la bande à 80" in body
    finally:
        context.close()
