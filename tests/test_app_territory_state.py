"""State follows the territory and the URL: walking 93 -> 38 -> 976 on each page, every assumption shown is the
territory's own (never the previous one's), and every page opens from a link (?dep=38&ind=...)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from indicators.core.formatting import NBSP
from tests.conftest import APP

WALK = ("93", "38", "976")
# The recent yearly trend of each need's rate (%/an, rounded to 0.1 as on the sliders), in the real store.
OWN_TRENDS = {
    "93": {
        "apa_recipients": 1.7,
        "pch_recipients": 5.0,
        "ase_children": 1.8,
        "aah_recipients": 4.8,
        "rsa_households": 0.6,
    },
    "38": {
        "apa_recipients": -1.1,
        "pch_recipients": 4.4,
        "ase_children": 2.4,
        "aah_recipients": 4.1,
        "rsa_households": -1.2,
    },
}


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
    at = _page("app_pages/scenarios.py")
    for code in WALK:
        if code != "93":
            at.selectbox(key="departement").set_value(code).run()
            assert not at.exception
        tendanciel = _sliders(at, "tendanciel")
        if code in OWN_TRENDS:
            assert tendanciel == OWN_TRENDS[code]
            # the other scenarios are derived from the same territory's trends
            assert _sliders(at, "catastrophe") == {k: round(v + 1, 1) for k, v in OWN_TRENDS[code].items()}
            assert _sliders(at, "gestion_des_risques") == {k: round(v / 2, 1) for k, v in OWN_TRENDS[code].items()}
        else:  # Mayotte: AAH and RSA only, its own trends, nothing of Isère's
            assert set(tendanciel) == {"aah_recipients", "rsa_households"}
            assert tendanciel["aah_recipients"] != OWN_TRENDS["38"]["aah_recipients"]
        assumptions = at.table[-1].value  # the table downloaded as hypotheses_scenarios_<code>.csv
        first = assumptions.iloc[0].tolist()
        assert first[0] == "Tendanciel"
        assert first[4:] == [f"{v:.1f}".replace(".", ",") for v in tendanciel.values()], (code, first)
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
    assert _sliders(at, "tendanciel") == OWN_TRENDS["38"]
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
