"""The profile opened from a shared link: the very first request of a fresh server renders the full app,
key-figure cards are never cut (390, 1366 and 1920 px), and an unknown code says so."""

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.server import streamlit_server

pytestmark = pytest.mark.e2e

NAV_TITLES = ("Accueil", "Profil d'un territoire", "Comparer", "Carte")
# A card is cut when some of its content is wider than its box, or when a unit is split over two lines.
CUT_CARDS = """() => [
    ...[...document.querySelectorAll('[data-testid=rs-card], [data-testid=rs-card] *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1),
    ...[...document.querySelectorAll('.rs-unit')].filter(e => e.getClientRects().length > 1),
].map(e => e.textContent.slice(0, 40))"""


def _wait_for_profile(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for()
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for()
    page.get_by_text("Ce que disent les chiffres", exact=True).wait_for()


def test_first_request_of_a_fresh_server_is_the_full_app(browser):
    with streamlit_server() as url:  # its own server: no other session has run app.py before
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(40_000)
        page.goto(f"{url}/profil?dep=93")
        _wait_for_profile(page, "Seine-Saint-Denis (93)")
        nav = page.locator("[data-testid=stSidebarNav]").inner_text()
        assert all(title in nav for title in NAV_TITLES), nav
        assert "accueil" not in nav.split() and "import" not in nav.split()
        assert page.locator("text=Deploy").count() == 0
        cards = page.locator("[data-testid=rs-card]")
        assert cards.count() >= 5
        assert page.evaluate(CUT_CARDS) == []
        body = page.inner_text("body")
        assert "27,6\u00a0%" in body and "médiane des départements" in body
        page.set_viewport_size({"width": 1366, "height": 3600})
        page.wait_for_timeout(1200)
        screenshot(page, "profile-93-1366")
        context.close()


@pytest.mark.parametrize(
    ("code", "name", "width", "height"), [("38", "Isère", 1920, 1080), ("93", "Seine-Saint-Denis", 390, 844)]
)
def test_profile_cards_never_cut(page, app_url, code, name, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/profil?dep={code}")
    _wait_for_profile(page, f"{name} ({code})")
    assert page.evaluate(CUT_CARDS) == []
    if width < 500:  # cards stack: one per row, as wide as the column
        boxes = [page.locator("[data-testid=rs-card]").nth(i).bounding_box() for i in range(3)]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": width, "height": 4200 if width < 500 else 3400})
    page.wait_for_timeout(1200)
    screenshot(page, f"profile-{code}-{width}")
    if width < 500:  # the folded page list is named, not a bare "»"; it opens on the pages
        menu = page.locator("[data-testid=stExpandSidebarButton]")
        assert menu.evaluate("e => getComputedStyle(e, '::after').content") == '"Menu"'
        menu.click()
        page.locator("[data-testid=stSidebarNav]").get_by_text("Comparer").wait_for()


def test_unknown_code_says_so_and_offers_the_list(page, app_url):
    page.goto(f"{app_url}/profil?dep=20")
    page.get_by_text("ancien code de la Corse").wait_for()
    page.get_by_role("link", name="Corse-du-Sud (2A)").wait_for()
    page.goto(f"{app_url}/profil?dep=999")
    page.get_by_text("« 999 » n'est pas un code de département").wait_for()
    page.get_by_role("link", name="Isère (38)").wait_for()
    assert page.get_by_role("heading", name="Isère (38)").count() == 0
    screenshot(page, "profile-unknown-code")


def test_other_deep_link_first_is_the_full_app_too(browser):
    with streamlit_server() as url:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(40_000)
        page.goto(f"{url}/comparer?deps=38,44")
        page.get_by_role("heading", name="Comparer des territoires").wait_for()
        nav = page.locator("[data-testid=stSidebarNav]").inner_text()
        assert all(title in nav for title in NAV_TITLES), nav
        assert page.locator("text=Deploy").count() == 0
        context.close()


def test_profile_of_93_shows_apa_pch_ase_of_2022(page, app_url):
    """DREES séries longues 1996-2022 (issue 31): the social indicators of 93 are of 2022, credited to it."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_url}/profil?dep=93")
    _wait_for_profile(page, "Seine-Saint-Denis (93)")
    body = page.inner_text("body")
    for row in (
        "APA (60 ans et +) (2022)\t7,6\u00a0%",
        "PCH (‰ hab.) (2022)\t6,2\u00a0‰",
        "ASE (0-19 ans) (2022)\t1,8\u00a0%",
    ):
        assert row in body, row
    assert "22\u00a0650\u00a0bénéficiaires (2022)" in body  # outlook: last observed APA recipients
    assert body.count("séries longues 1996-2022 (via le paquet R asdep)") >= 3  # APA, PCH, ASE cards
    page.set_viewport_size({"width": 1366, "height": 6500})
    page.wait_for_timeout(1500)
    screenshot(page, "profile-93-2022-1366")
