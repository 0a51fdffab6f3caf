"""The pages on the demo store (`make demo`: the fixture store, seven départements, a few indicators, one year
of population estimates, no track record): each runs, keeps the defaults the store can serve and says in
French what is missing and that `make data` builds the full store — never a made-up value.

Not marked ``store`` (see conftest.FIXTURE_APP_MODULES): these run in `make test-fast`. Streamlit's caches
are process-wide, so each test clears them before and after (the other app tests read the real store)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests import fixture_store
from tests.conftest import APP
from tests.ranked_rows import ranked_rows

FULL_STORE = "`make data` construit le magasin de données complet."


pytestmark = pytest.mark.usefixtures("fresh_caches")


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def test_compare_keeps_its_table_and_says_why_no_similar_departements():
    at = _open("comparer")
    assert at.multiselect(key="deps").value == ["38", "44", "93"]
    assert at.table, "the comparison table is shown"
    charts = at.multiselect[1]
    assert charts.label == "Indicateurs" and charts.value == ["rsa_coverage_rate", "poverty_rate"]
    similar = next(m for m in at.multiselect if m.label == "Indicateurs de ressemblance")
    assert similar.value == [] and similar.options == []  # none published for 90 départements here
    infos = _infos(at)
    assert "Pas de territoires similaires" in infos and "90 départements" in infos and FULL_STORE in infos


def test_map_without_geometry_keeps_the_default_indicator_and_ranks():
    at = _open("carte")
    assert at.selectbox[0].label == "Indicateur" and at.selectbox[0].value == "rsa_coverage_rate"
    assert at.selectbox[1].value == 2019  # the RSA figures of this store stop in 2019
    assert "Pas de fond de carte" in _infos(at) and FULL_STORE in _infos(at)
    assert not at.get("plotly_chart")
    ranking = ranked_rows(at)
    assert len(ranking) == 7  # every département of this store, the six with a value ranked, Ain n.d.
    first = ranking.iloc[0]
    assert (first["Rang"], first["Département"], first["Valeur"]) == ("1", "Seine-Saint-Denis (93)", "10,7\u00a0%")
    assert first["link"] == "/profil?dep=93"
    assert ranking.iloc[6]["Valeur"] == "n.d."
    assert "(2019)" in at.caption[0].value and "Source : DREES" in at.caption[0].value


def test_map_with_the_demo_geometry_draws_the_map(tmp_path, monkeypatch):
    monkeypatch.setenv("RADAR_DATA_DIR", str(fixture_store.write(tmp_path / "demo", geometry=True)))
    at = _open("carte", ind="share_under_20")  # not in this store: the usual default is taken
    assert at.selectbox[0].value == "rsa_coverage_rate"
    assert not at.info
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "choropleth"


def test_trends_show_the_series_and_say_the_backtest_is_missing():
    at = _open("tendances")
    assert at.selectbox(key="trend_territory").value == "93"
    infos = _infos(at)
    assert "Pas de rétro-prévision" in infos and "backtest_rates.parquet" in infos and FULL_STORE in infos
    assert at.get("plotly_chart"), "the observed series is still drawn"
    expander = " ".join(m.value for m in at.expander[0].markdown)
    assert "la série est trop courte" not in expander  # the backtest is missing, not the series too short


def test_scenarios_say_one_year_of_population_cannot_be_projected():
    at = _open("scenarios")
    assert at.selectbox(key="departement").value == "93"
    infos = _infos(at)
    assert "Pas de projection" in infos and "ces données en contiennent 1 (2023)" in infos and FULL_STORE in infos
    assert not at.get("plotly_chart") and not at.table  # nothing projected, nothing made up


def test_metiers_show_todays_staff_and_no_projection():
    at = _open("metiers", dep="38")
    assert at.selectbox(key="departement").value == "38"
    infos = _infos(at)
    assert "Pas de projection" in infos and FULL_STORE in infos
    subheaders = [s.value for s in at.subheader]
    assert "Effectifs publiés par catégorie" in subheaders
    assert not any(s.startswith("Demain") for s in subheaders)
