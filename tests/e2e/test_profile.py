"""The profile opens from its URL (?dep=93) in Chromium with the pyramid and the social indicators drawn."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("code", "name", "poverty"), [("93", "Seine-Saint-Denis", "27,6"), ("38", "Isère", "11,3")])
def test_profile_from_url(page, app_url, code, name, poverty):
    # Streamlit quirk: with a pages/ folder, a fresh server runs the legacy folder navigation (no app.py, so no
    # wide layout nor page titles) until some session has run app.py's st.navigation once. Open the home first.
    page.goto(app_url)
    page.get_by_role("heading", name="Radar social").wait_for()
    page.goto(f"{app_url}/profil?dep={code}")
    page.get_by_role("heading", name=f"{name} ({code})").wait_for()
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for()
    page.get_by_text("Indicateurs sociaux", exact=True).wait_for()
    charts = page.locator("[data-testid=stPlotlyChart]")
    charts.nth(6).wait_for()  # the pyramid and the 6 trend lines
    page.set_viewport_size({"width": 1400, "height": 3400})  # the app scrolls inside its own container
    page.wait_for_timeout(1500)
    screenshot(page, f"profile-{code}")
    body = page.inner_text("body")
    assert f"{poverty}\u00a0%" in body and "Pyramide des âges" in page.content()
