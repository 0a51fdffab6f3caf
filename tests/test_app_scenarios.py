"""The scenarios page: four editable scenarios for Seine-Saint-Denis, charts, table, downloads."""

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def _values(data):
    """A plotly array from the chart's JSON: a list, or a typed array {"dtype", "bdata"} (base64)."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def _open():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    return at


def test_scenarios_page_for_seine_saint_denis():
    at = _open()
    assert at.title[0].value == "Projections et scénarios à 2050"
    assert at.selectbox(key="departement").value == "93"
    titles = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert titles == ["**Tendanciel**", "**Gestion des risques**", "**Idéal**", "**Catastrophe**"]
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    # pyramid, one figure per age group (0-19, 20-64, 65-74, 75+: one per row on a phone), population of 2013 vs
    # observed, recipients, APA of 2010, spending
    assert len(charts) == 9
    pyramid, *groups, past, recipients, past_need, spending = charts
    assert [g["layout"]["title"]["text"] for g in groups] == [
        "0-19 ans",
        "20-64 ans",
        "65 ans et plus",
        "75 ans et plus",
    ]
    ages = groups[0]
    assert "Projection faite en 2013" in [t.get("name") for t in past["data"]]
    assert any("1\u00a0620\u00a0956 habitants" in m.value for m in at.markdown)  # said in 2013 for 2023
    assert [t.get("name") for t in past_need["data"]][-2:] == ["Projection faite en 2010", "Observé"]
    said = next(m.value for m in at.markdown if m.value.startswith("**En 2010**"))
    assert "**20\u00a0009\u00a0bénéficiaires** en 2020 pour Seine-Saint-Denis" in said
    assert "**22\u00a0390\u00a0bénéficiaires**" in said
    assert "dans l'intervalle à 80 % de l'époque : 17\u00a0984 à 22\u00a0875\u00a0bénéficiaires" in said
    assert "Femmes, 2030 (projection)" in [t.get("name") for t in pyramid["data"]]
    assert "2023 (observé)" in [t.get("name") for t in pyramid["data"]]
    assert "Projection, intervalle à 80 %" in [t.get("name") for t in ages["data"]]
    names = [t.get("name") for t in recipients["data"]]
    assert "Observé" in names and "Tendanciel (projection)" in names
    assert "Bande à 80 %" in names and "Bande à 50 %" in names
    dashed = [t for t in recipients["data"] if t.get("name", "").endswith("(projection)")]
    assert all(t["line"]["dash"] == "dash" for t in dashed)
    assert "Projection" in json.dumps(recipients["layout"])
    history = next(t for t in spending["data"] if t.get("name") == "Observé")
    years = _values(history["x"])
    assert years[0] == 2009 and years[-1] == 2019  # DREES spending before the projection
    assert "Bande à 80 %" in [t.get("name") for t in spending["data"]]
    ages_table = at.table[0].value
    assert ages_table.loc["75 ans et plus", "2023 (observé)"] == "90\u00a0696"
    assert any("Hamilton-Perry" in c.value and "habitants" in c.value for c in at.caption)
    sentences = [m.value for m in at.markdown if m.value.startswith("**En 2040, par rapport aux bandes")]
    assert "le scénario **Catastrophe** est au-dessus de la bande à 80 % (au-delà du 90ᵉ centile)" in sentences[0]
    assert any("projections" in c.value and "Source" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 2
    table = at.table[-2].value  # the trajectories; the last table holds the assumptions
    assumptions = at.table[-1].value
    assert assumptions.iloc[0, [0, 4]].tolist() == ["Tendanciel", "0,0"]  # no gap to the central path, in French
    assert list(table.index) == sorted(["Tendanciel", "Gestion des risques", "Idéal", "Catastrophe"])
    assert "\u00a0" in table.iloc[0, 0]


def test_pyramid_year_control():
    at = _open()
    at.radio(key="pyramid_year").set_value(2050).run()
    assert not at.exception
    pyramid = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Hommes, 2050 (projection)" in [t.get("name") for t in pyramid["data"]]


def test_moving_a_slider_changes_the_trajectory():
    at = _open()
    before = at.table[-2].value.loc["Idéal"].iloc[-1]
    at.select_slider(key="ideal_apa_recipients").set_value(3.0)
    at.run()
    assert not at.exception
    assert at.table[-2].value.loc["Idéal"].iloc[-1] != before  # the rerun's speed is measured by make bench


def test_scenarios_page_for_mayotte_without_departmental_spending():
    """Mayotte: AAH and RSA households only, no net spending per recipient in the DREES survey, no age
    estimates in 2013: the page says there is no spending projection instead of failing."""
    at = _open()
    at.selectbox(key="departement").set_value("976").run()
    assert not at.exception
    assert any("pas de projection de dépense" in i.value for i in at.info)
    assert at.selectbox(key="need").options == ["Allocataires de l'AAH", "Foyers allocataires du RSA"]
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) == 6  # pyramid, 4 age groups, recipients: no past projection (no 2013 ages), no spending
    assert not any(m.value.startswith("**En 2013**") for m in at.markdown)
