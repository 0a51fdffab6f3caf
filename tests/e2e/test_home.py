"""The home page in Chromium: the territory search leads to the profile; nothing is cut at any width."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

# Elements whose text overflows their box (cut or hidden), among the visible text of the main area.
CUT_TEXT = """() => [...document.querySelectorAll('[data-testid=stMain] :is(td, th, p, span, a, label, h1, h2, h3)')]
  .filter(el => el.offsetParent !== null && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText.slice(0, 40))"""


def test_home_search_leads_to_the_profile(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.get_by_text("Population au 1er janvier").first.wait_for()
    assert "Analyse des besoins sociaux" in page.inner_text("body")
    box = page.get_by_label("Votre territoire : nom ou numéro du département")
    box.fill("seine st denis")
    box.press("Enter")
    link = page.get_by_role("link", name="Profil : Seine-Saint-Denis (93)")
    link.wait_for()
    screenshot(page, "home-search")
    link.click()
    page.wait_for_url("**/profil?dep=93")
    page.get_by_role("heading", name="Seine-Saint-Denis").first.wait_for()


@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_home_cuts_nothing(browser, app_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url)
        page.get_by_text("Population au 1er janvier").first.wait_for()
        page.get_by_text("Que cherchez-vous ?").wait_for()
        screenshot(page, f"home-{width}")
        assert page.evaluate(CUT_TEXT) == []
    finally:
        context.close()
