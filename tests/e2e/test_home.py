"""The home page opens in Chromium and lists the indicators."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_home_page_in_chromium(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.locator("[data-testid=stDataFrame]").first.wait_for()
    screenshot(page, "home")
    assert "Analyse des besoins sociaux" in page.inner_text("body")
