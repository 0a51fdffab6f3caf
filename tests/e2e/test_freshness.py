"""Every figure's age in Chromium, on a frozen clock: the home page's « État des données » and an old figure
of the profile said in words; nothing cut."""

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import cut_texts, screenshot
from tests.e2e.server import streamlit_server

pytestmark = pytest.mark.e2e
NOTES = Path("/work/notes/shots")  # where the session's note looks for them, when it exists


@pytest.fixture(scope="module")
def frozen_url():
    with streamlit_server({"RADAR_TODAY": "2026-12-07"}) as url:
        yield url


def _keep(path: Path, name: str) -> None:
    if NOTES.is_dir():
        shutil.copy(path, NOTES / name)


def test_home_states_the_age_of_each_source(page, frozen_url):
    page.goto(frozen_url)
    page.get_by_role("heading", name="État des données").wait_for()
    page.get_by_text("DREES, CNAF, MSA, minima sociaux").first.wait_for()
    body = page.inner_text("body")
    assert "très ancien (5 éditions de retard)" in body
    assert "2 à 4 ans" not in body
    assert cut_texts(page) == []
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.get_by_role("heading", name="État des données").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    _keep(screenshot(page, "home-data-state"), "i27-etat-des-donnees.png")


def test_profile_flags_an_old_figure_in_words(page, frozen_url):
    page.goto(f"{frozen_url}/profil?dep=93")
    page.get_by_role("heading", name="Seine-Saint-Denis").first.wait_for()
    page.get_by_role("button", name="Télécharger la fiche (PDF)").wait_for()
    ages = page.locator("[data-testid=rs-age]")
    ages.first.wait_for()
    texts = ages.all_inner_texts()
    assert "⚠ donnée 2023 — l'édition 2026 est sans doute parue (Insee)" in texts
    assert any("l'édition 2024 est sans doute parue (DREES)" in t for t in texts)  # RSA 2019
    assert cut_texts(page) == []
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.wait_for_timeout(500)
    _keep(screenshot(page, "profile-old-figures"), "i27-profil-donnees-anciennes.png")
