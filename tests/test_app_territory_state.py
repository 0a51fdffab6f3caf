"""State follows the territory and the URL: walking 93 -> 38 -> 976 on each page, every assumption shown is the
territory's own (never the previous one's), and every page opens from a link (?dep=38&ind=...)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from indicators.core.formatting import NBSP, format_number
from indicators.models.needs import NEED_BY_ID
from indicators.storage import query
from tests.conftest import APP

WALK = ("93", "38", "976")
DEFAULT_GAPS = {"tendanciel": 0.0, "gestion_des_risques": -0.5, "ideal": -1.0, "catastrophe": 1.0}


def _central(code: str, need: str, year: int) -> str:
    """The store's central projection (the profile's figure) of a need, as the trajectories table prints it."""
    rows = query.rows([need], ["departement"], [code], variants=["central"], years=[year])
    return format_number(float(rows["value"].iloc[0]), 0)


def _page(path: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(path).run()
    assert not at.exception
    return at


def _sliders(at: AppTest, scenario: str) -> dict[str, float]:
    prefix = f"{scenario}_"
    return {
        s.key[len(prefix) :]: s.value
        for s in at.select_slider
        if s.key.startswith(prefix) and s.key != f"{prefix}shock"
    }


def test_scenario_sliders_follow_the_territory():
    """Each territory's Tendanciel is its own central projection (the profile's), and its sliders hold the
    default gaps to that path, never the previous territory's values."""
    at = _page("app_pages/scenarios.py")
    for code in WALK:
        if code != "93":
            at.selectbox(key="departement").set_value(code).run()
            assert not at.exception
        needs_here = ["aah_recipients", "rsa_households"] if code == "976" else list(NEED_BY_ID)
        for scenario, gap in DEFAULT_GAPS.items():
            assert _sliders(at, scenario) == dict.fromkeys(needs_here, gap), (code, scenario)
        need = at.selectbox(key="need").value
        trajectories = at.table[-2].value
        label = NEED_BY_ID[need].label
        for year in (2030, 2050):
            assert trajectories.loc["Tendanciel", f"{label} {year}"] == _central(code, need, year), (code, year)
        assumptions = at.table[-1].value  # the table downloaded as hypotheses_scenarios_<code>.csv
        assert assumptions.iloc[0, 0] == "Tendanciel" and assumptions.iloc[0, 4:].tolist() == ["0,0"] * len(needs_here)
        assert at.query_params["dep"] in (code, [code])


def test_a_slider_moved_for_one_territory_does_not_follow_to_the_next():
    at = _page("app_pages/scenarios.py")
    at.select_slider(key="ideal_apa_recipients").set_value(3.0).run()
    at.selectbox(key="departement").set_value("38").run()
    assert not at.exception
    assert at.select_slider(key="ideal_apa_recipients").value == -1.0  # Isère starts from the default again


def test_scenarios_deep_link():
    at = _page("app_pages/scenarios.py", dep="38", ind="pch_recipients")
    assert at.selectbox(key="departement").value == "38"
    assert at.selectbox(key="need").value == "pch_recipients"
    assert _sliders(at, "tendanciel") == dict.fromkeys(NEED_BY_ID, 0.0)
    assert any("Prestation de compensation" in h.value or "PCH" in h.value for h in at.subheader)


def test_scenarios_deep_link_to_a_need_mayotte_does_not_have():
    at = _page("app_pages/scenarios.py", dep="976", ind="apa_recipients")
    assert at.selectbox(key="need").value == "aah_recipients"  # the first need Mayotte has


def test_trends_follow_the_territory_and_the_url():
    at = _page("app_pages/tendances.py", dep="38", ind="poverty_rate")
    assert at.selectbox(key="trend_territory").value == "38"
    assert at.selectbox(key="trend_indicator").value == "poverty_rate"
    at.selectbox(key="trend_indicator").set_value("unemployment_rate").run()
    captions = {}
    for code in WALK:
        at.selectbox(key="trend_territory").set_value(code).run()
        assert not at.exception
        assert at.query_params["dep"] in (code, [code])
        assert at.query_params["ind"] in ("unemployment_rate", ["unemployment_rate"])
        if code == "976":  # no unemployment series for Mayotte: said, not another territory's chart
            assert "pour Mayotte" in at.warning[0].value and not at.get("plotly_chart")
            continue
        chart = json.loads(at.get("plotly_chart")[0].proto.spec)
        captions[code] = (at.subheader[0].value, str(chart["data"][-1]["y"]))
    assert "Seine-Saint-Denis" in captions["93"][0] and "Isère" in captions["38"][0]
    assert captions["93"][1] != captions["38"][1]


def test_compare_with_one_territory_asks_for_a_second():
    at = _page("app_pages/comparer.py", deps="38")
    assert at.multiselect(key="deps").value == ["38"]  # 44 and 93 are not added behind the user's back
    assert any("au moins deux territoires" in w.value for w in at.warning)


@pytest.mark.parametrize(("old", "name", "new"), [("93059", "Saint-Denis", "93066")])
def test_an_old_commune_code_names_its_successor(old, name, new):
    at = _page("app_pages/profil.py", com=old)
    warning = at.warning[0].value
    assert f"**{name}** ({new})" in warning and f"/profil?com={new}" in warning
    assert "n'est pas un code" not in warning


def test_profile_follows_the_link_for_each_departement():
    for code, name in (("93", "Seine-Saint-Denis"), ("38", "Isère"), ("976", "Mayotte")):
        at = _page("app_pages/profil.py", dep=code)
        assert name in at.header[0].value
        assert NBSP in "".join(m.value for m in at.markdown)  # French numbers, the territory's own figures
