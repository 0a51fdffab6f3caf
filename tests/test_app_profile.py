"""The profile page shows the store's values for a département and survives départements with gaps."""

import pytest
from streamlit.testing.v1 import AppTest

from indicators.formatting import NBSP
from tests.conftest import APP


@pytest.fixture(scope="module")
def at():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["dep"] = "38"
    app.switch_page("app_pages/profil.py").run()
    return app


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_isere_profile_shows_store_values(at):
    assert not at.exception
    assert at.header[0].value == "Isère (38)"
    metrics = _metrics(at)
    assert metrics["Population (habitants)"] == f"1{NBSP}294{NBSP}476"
    assert metrics["Taux de pauvreté"] == f"11,3{NBSP}%"
    assert metrics["Taux de chômage"] == f"6,0{NBSP}%"
    social = [(m.label, m.value) for m in at.metric if m.label.startswith("38 en")]
    assert social[0] == ("38 en 2019", f"3,69{NBSP}%") and ("38 en 2020", f"6,1{NBSP}‰") in social
    markdown = " ".join(m.value for m in at.markdown)
    assert "81ᵉ sur 101" in markdown and f"**24,8{NBSP}%**" in markdown
    assert at.query_params["dep"] == ["38"] or at.query_params["dep"] == "38"


@pytest.mark.parametrize("code", ["2A", "976", "69"])
def test_switching_departement_works(at, code):
    at.selectbox[0].set_value(code).run()
    assert not at.exception
    assert at.header[0].value.endswith(f"({code})")
    values = [m.value for m in at.metric]
    if code == "976":
        assert _metrics(at)["Taux de chômage"] == "n.d."
        captions = " ".join(c.value for c in at.caption)
        assert "Mayotte n'est pas couverte" in captions
    if code == "2A":
        assert "après 2017" in " ".join(c.value for c in at.caption)
    assert "n.d." in values  # density at least, never 0
