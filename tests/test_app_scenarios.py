"""The scenarios page: four editable scenarios for Seine-Saint-Denis, charts, table, downloads."""

import json
import time

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


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
    assert len(charts) == 2
    names = [t.get("name") for t in charts[0]["data"]]
    assert "Observé" in names and "Tendanciel (projection)" in names
    dashed = [t for t in charts[0]["data"] if t.get("name", "").endswith("(projection)")]
    assert all(t["line"]["dash"] == "dash" for t in dashed)
    assert "Projection" in json.dumps(charts[0]["layout"])
    assert any("projections" in c.value and "Source" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 2
    table = at.table[-2].value  # the trajectories; the last table holds the assumptions
    assumptions = at.table[-1].value
    assert assumptions.iloc[0, [0, 4]].tolist() == ["Tendanciel", "1,7"]  # APA rate trend of 93, in French
    assert list(table.index) == sorted(["Tendanciel", "Gestion des risques", "Idéal", "Catastrophe"])
    assert "\u00a0" in table.iloc[0, 0]


def test_moving_a_slider_changes_the_trajectory_quickly():
    at = _open()
    before = at.table[-2].value.loc["Idéal"].iloc[-1]
    at.select_slider(key="ideal_apa_recipients").set_value(3.0)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception
    assert at.table[-2].value.loc["Idéal"].iloc[-1] != before
    assert elapsed < 2.0  # AppTest overhead included; make bench measures the page logic alone
