"""The radar in Chromium at a phone, a laptop and a wide screen: Seine-Saint-Denis, Dunkerque and the communes
of the Nord that stand out."""

import pytest

from tests.e2e.conftest import cut_texts, screenshot

pytestmark = pytest.mark.e2e
WIDTHS = (390, 1366, 1920)


def _shot(page, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 3200})  # the main area scrolls: show all of it
    page.wait_for_timeout(800)
    screenshot(page, name)


def _open(page, app_url: str, query: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/radar?{query}")
    page.get_by_role("heading", name="Ces signaux sont-ils fiables ?").wait_for()


@pytest.mark.parametrize("width", WIDTHS)
def test_radar_of_seine_saint_denis(page, app_url, width):
    _open(page, app_url, "dep=93", width)
    page.get_by_role("heading", name="À retenir").wait_for()
    page.get_by_text("24 horizons sur 39", exact=False).wait_for()  # the page streams: its last list item drawn
    body = page.inner_text("body")
    assert "Département : Seine-Saint-Denis (93)" in body
    assert "Part de la population couverte par le RSA : 10,7\u00a0% en 2019" in body
    assert "27,6\u00a0% en 2020, contre 14,2\u00a0% pour le département médian" in body  # no France row: said so
    assert "se sont confirmé" in body  # the backtest figure of each kind
    assert "24 horizons sur 39 signalés par le passé" in body and "moins que les 2 sur 3 visés" in body
    assert "Pauvreté" in body
    assert cut_texts(page) == []
    _shot(page, f"radar-93-{width}", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_radar_of_dunkerque(page, app_url, width):
    _open(page, app_url, "com=59183", width)
    body = page.inner_text("body")
    assert "Commune : Dunkerque (59183)" in body
    assert "Aucun signal net" in body  # leave-one-out: towns alike on all but the figure tested are as poor
    assert "n.d." not in body.split("Ces signaux sont-ils fiables ?")[0]  # no sentence about a missing value
    assert cut_texts(page) == []
    _shot(page, f"radar-59183-{width}", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_communes_of_the_nord_that_stand_out(page, app_url, width):
    _open(page, app_url, "dep=59", width)
    page.get_by_role("heading", name="Les communes qui ressortent").wait_for()
    page.set_viewport_size({"width": width, "height": 3200})
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("path.choroplethlocation").nth(646).wait_for(timeout=90_000)
    assert chart.locator("path.choroplethlocation").count() == 647
    body = page.inner_text("body")
    assert "communes avec au moins un signal d'une situation plus difficile" in body  # the ranked table's caption
    assert cut_texts(page) == []
    _shot(page, f"radar-59-communes-{width}", width)
