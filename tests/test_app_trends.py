"""The trends page: Seine-Saint-Denis unemployment with its bands, and the short poverty series warned."""

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def _open():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/tendances.py").run()
    assert not at.exception
    return at


def test_unemployment_trend_for_seine_saint_denis():
    at = _open()
    assert at.title[0].value == "Tendances des taux à 2050"
    assert at.selectbox(key="trend_territory").value == "93"
    assert at.selectbox(key="trend_indicator").value == "unemployment_rate"
    assert not at.warning
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in chart["data"]]
    assert names == ["Intervalle à 80 %", "Intervalle à 50 %", "Trajectoire centrale (projection)", "Observé"]
    assert chart["data"][2]["line"]["dash"] == "dash" and chart["data"][2]["x"][-1] == 2050
    assert "Projection" in json.dumps(chart["layout"])
    caption = at.caption[0].value
    assert "2050 : " in caption and "\u00a0%" in caption and "80 %" in caption
    past = json.loads(at.get("plotly_chart")[1].proto.spec)  # what a forecast made in 2014 said
    assert [t.get("name") for t in past["data"]][-2:] == ["Projection faite en 2014", "Observé"]
    said = next(m.value for m in at.markdown if m.value.startswith("**En 2014**"))
    assert "**13,0\u00a0%** en 2024" in said and "**10,3\u00a0%**" in said and "dans l'intervalle à 80 %" in said
    assert "Source" in at.caption[1].value and "2014" in at.caption[1].value
    expander = " ".join(m.value for m in at.expander[0].markdown)
    assert "dernière valeur observée" in expander and "Peut-on s'y fier" in expander
    assert "intervalle à 80 %" in expander and "« dernière valeur »" in expander


def test_short_poverty_series_gets_a_warning_and_no_line():
    at = _open()
    at.selectbox(key="trend_indicator").set_value("poverty_rate").run()
    assert not at.exception
    assert "Série trop courte" in at.warning[0].value
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t.get("name") for t in chart["data"]] == ["Observé"]


def test_the_search_box_picks_a_departement_and_says_so_for_a_commune():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/tendances.py").run()
    at.text_input(key="trend_territory_search").input("sarcelles").run()
    at.button(key="trend_territory_search-0").click().run()
    assert not at.exception
    assert at.selectbox(key="trend_territory").value == "95"
    assert "ne sont calculés que pour les départements" in " ".join(i.value for i in at.info)
