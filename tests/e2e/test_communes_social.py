"""The commune as a social level in Chromium: the Dunkerque profile's ABS sections, the Nord's poverty map by
commune, and a compare of Dunkerque, the CU de Dunkerque, Roubaix and the Nord at phone, laptop and desktop
widths (each column its own numbers)."""

import pytest

from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


def _open(page, url: str) -> None:
    page.goto(url.split("/profil")[0].split("/carte")[0].split("/comparer")[0])
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(url)


def test_dunkerque_profile_has_the_abs_sections(page, app_url):
    _open(page, f"{app_url}/profil?com=59183")
    page.get_by_role("heading", name="Dunkerque (59)").wait_for()
    page.get_by_role("button", name="Télécharger la fiche (PDF)").wait_for()
    for title in ("Revenus et pauvreté", "Âges et vieillissement", "Jeunesse", "Logement", "Emploi"):
        page.get_by_role("heading", name=title).first.wait_for()
    body = page.inner_text("body")
    for fact in ("22,0\u00a0%", "18,4\u00a0% (2020)", "24,0\u00a0%", "26,6\u00a0%", "8\u00a0134", "+0,5 pt"):
        assert fact in body, fact
    page.get_by_role("button", name="Télécharger les chiffres de la fiche (CSV)").wait_for()
    page.set_viewport_size({"width": 1366, "height": 2600})
    page.wait_for_timeout(800)
    screenshot(page, "i26-profil-dunkerque")


def test_nord_poverty_map_by_commune(page, app_url):
    _open(page, f"{app_url}/carte?maille=communes&dep=59&com=59183&ind=poverty_rate")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    try:
        chart.locator("path.choroplethlocation").nth(646).wait_for(timeout=90_000)
    finally:
        screenshot(page, "i26-carte-pauvrete-59")
    wait_until_idle(page)
    page.wait_for_timeout(800)
    screenshot(page, "i26-carte-pauvrete-59")
    body = page.inner_text("body")
    assert "Taux de pauvreté" in body and "Filosofi 2021" in body


@pytest.mark.parametrize("width", [390, 1366, 1920])
def test_compare_dunkerque_cu_roubaix_nord(sized_page, app_url, width):
    page = sized_page(width, 1200)
    _open(page, f"{app_url}/comparer?deps=com:59183,epci:245900428,com:59512,59")
    table = page.locator(".st-key-compare_table [data-testid=stTable]")
    table.wait_for(timeout=90_000)  # a loaded shared machine: the first compare of a session reads the store
    wait_until_idle(page)
    text = table.inner_text()
    assert "86\u202f263" in text or "86\u00a0263" in text  # Dunkerque's legal population
    assert "46,0 (2021)" in text and "non publié pour les intercommunalités" in text
    assert "dép." not in text
    screenshot(page, f"i26-comparer-{width}")
