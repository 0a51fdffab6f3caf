"""Communes in Chromium: the profile of Sarcelles and Dunkerque, the commune map of the Nord with Dunkerque
outlined, and the search box leading from a name to the commune's profile."""

import pytest

from tests.e2e.conftest import cut_texts, screenshot

pytestmark = pytest.mark.e2e


def _open(page, url: str) -> None:
    page.goto(url.split("/profil")[0].split("/carte")[0])
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(url)


@pytest.mark.parametrize(
    ("code", "title", "facts"),
    [
        (
            "95585",
            "Sarcelles (95)",
            ("59\u00a0173 habitants", "CA Roissy Pays de France", "20,4\u00a0%", "Drancy (93)"),
        ),
        ("59183", "Dunkerque (59)", ("86\u00a0263 habitants", "CU de Dunkerque", "19,6\u00a0%", "4ᵉ sur 647")),
    ],
)
def test_commune_profile(page, app_url, code, title, facts):
    _open(page, f"{app_url}/profil?com={code}")
    page.get_by_role("heading", name=title).wait_for()
    page.get_by_text("Contexte départemental", exact=False).first.wait_for()
    page.get_by_role("button", name="Télécharger la fiche (PDF)").wait_for()  # the last element: all is drawn
    body = page.inner_text("body")
    for fact in facts:
        assert fact in body, fact
    assert "Valeurs du département, pas de la commune" in body
    assert cut_texts(page) == []
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(800)
    screenshot(page, f"profil-commune-{code}")


def test_commune_map_of_the_nord(page, app_url):
    _open(page, f"{app_url}/carte?maille=communes&dep=59&com=59183")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").nth(646).wait_for()
    page.wait_for_timeout(800)
    screenshot(page, "carte-communes-59")
    paths = chart.locator("path.choroplethlocation")
    assert paths.count() == 648  # 647 communes and the outline of Dunkerque
    legend = chart.inner_text()
    assert "n.d." in legend and "Communes : Nord (59)" in page.inner_text("body")
    # the ranked table: its first rows at once, the others appended when the browser is idle (issue 29); all 647,
    # Dunkerque first, then in rank order; the page's find-in-page reaches a commune far down the list
    rows = page.locator(".rs-ranked tbody tr")
    page.wait_for_function("() => document.querySelectorAll('.rs-ranked tbody tr').length === 647")
    assert rows.first.locator("td").first.inner_text() == "▶ Dunkerque"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "1"
    assert page.locator(".rs-ranked").get_by_text("Zuytpeene", exact=True).count() == 1


def test_commune_map_of_an_epci(page, app_url):
    _open(page, f"{app_url}/carte?maille=communes&epci=245900428&com=59183")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").first.wait_for()
    page.wait_for_timeout(800)
    screenshot(page, "carte-communes-cu-dunkerque")
    assert "Communes : CU de Dunkerque" in page.inner_text("body")


def test_search_leads_from_a_name_to_the_commune_profile(page, app_url):
    _open(page, f"{app_url}/profil")
    box = page.get_by_label("Territoire : département, intercommunalité ou commune (nom ou code)")
    box.fill("st denis")
    box.press("Enter")
    first = page.get_by_role("button", name="Commune : Saint-Denis (974)", exact=False)
    page.get_by_role("button", name="Commune : Saint-Denis (93)", exact=False).wait_for()
    screenshot(page, "recherche-st-denis")
    assert first.count() == 1
    box.fill("sarcelles")
    box.press("Enter")
    page.get_by_role("button", name="Commune : Sarcelles (95)", exact=False).click()
    page.wait_for_url("**/profil?com=95585")
    page.get_by_role("heading", name="Sarcelles (95)").wait_for()
