"""The trends page opens in Chromium with the 93 unemployment rate, its calibrated bands and track record."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_trends_page_in_chromium(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 2000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url)
        page.get_by_role("heading", name="Radar social").wait_for()
        page.get_by_text("Tendances").first.click()
        page.get_by_role("heading", name="Tendances des taux à 2050").wait_for()
        page.locator(".js-plotly-plot .scatterlayer").first.wait_for()
        page.get_by_text("Méthode et fiabilité").click()
        page.get_by_text("Peut-on s'y fier").wait_for()
        page.wait_for_timeout(1000)
        screenshot(page, "trends_93")
        body = page.inner_text("body")
        assert "Intervalle à 80 %" in body and "dernière valeur observée" in body
    finally:
        context.close()
