"""The « Métiers du social » page in Chromium at phone, laptop and desktop widths: /metiers?dep=93 opens on
Seine-Saint-Denis with its summary, tables, chart and download, and cuts no text."""

import pytest

from tests.e2e.conftest import cut_texts, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_metiers_page_at_three_widths(sized_page, app_url, width):
    page = sized_page(width, 4800 if width == 390 else 3200)  # the whole page in one shot
    page.set_default_timeout(120_000)  # a cold server projects the population of every département first
    page.goto(f"{app_url}/metiers?dep=93")
    page.get_by_role("heading", name="Les métiers du social de demain").wait_for()
    page.get_by_text("Pour maintenir le taux d'encadrement de 2020").first.wait_for()
    page.locator(".js-plotly-plot .scatterlayer").first.wait_for()
    wait_until_idle(page)
    screenshot(page, f"metiers_93-{width}")
    body = page.inner_text("body")
    assert "Seine-Saint-Denis aurait besoin, en assistants familiaux" in body
    assert "Télécharger les projections (CSV)" in body
    assert "89,9" in body  # 518 foster carers per 5 763 children placed, ‰
    assert cut_texts(page) == []
