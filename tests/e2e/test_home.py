"""The home page in Chromium: the territory search leads to the profile (nothing cut: tests/e2e/test_readable.py)."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_home_search_leads_to_the_profile(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.get_by_text("Population au 1er janvier").first.wait_for()
    assert "Analyse des besoins sociaux" in page.inner_text("body")
    box = page.get_by_label("Votre territoire : département, intercommunalité ou commune (nom ou code)")
    box.fill("seine st denis")
    hint = page.locator("[data-testid=InputInstructions]")  # Streamlit's "Press Enter to apply", in French
    assert hint.evaluate("e => getComputedStyle(e, '::after').content") == '"Entrée pour valider"'
    assert hint.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    box.press("Enter")
    link = page.get_by_role("link", name="Département : Seine-Saint-Denis (93)")
    link.wait_for()
    screenshot(page, "home-search")
    link.click()
    page.wait_for_url("**/profil?dep=93")
    page.get_by_role("heading", name="Seine-Saint-Denis").first.wait_for()
