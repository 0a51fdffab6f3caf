"""The compare and map pages run in AppTest, keep their state in the URL, and put figures on screen."""

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from tests.ranked_rows import ranked_rows


def _page(path: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.run()
    at.switch_page(path).run()
    assert not at.exception
    return at


def test_map_page_draws_the_101_departements():
    at = _page("app_pages/carte.py", ind="poverty_rate", year="2020", method="jenks", k="6")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    trace = spec["data"][0]
    assert trace["type"] == "choropleth" and len(trace["locations"]) == 101
    legend = [t["name"] for t in spec["data"] if t.get("meta") == "class-legend"]
    assert legend[0] == "n.d." and len(legend) == 7 and spec["layout"]["legend"]["orientation"] == "h"
    assert at.query_params["method"] in ("jenks", ["jenks"]) and at.query_params["k"] in ("6", ["6"])
    assert "Insee, Filosofi 2020" in " ".join(c.value for c in at.caption)


def test_map_page_ranks_the_departements_with_the_chosen_one_first():
    """Issue 29: the ranked table is HTML (no st.dataframe grid); ?dep=93 puts Seine-Saint-Denis first, said with
    its rank among the 98 ranked (as the map's hover says: « 2e sur 98 »); each name links to its profile; the CSV
    is a button."""
    at = _page("app_pages/carte.py", ind="poverty_rate", year="2020", dep="93")
    ranking = ranked_rows(at)
    assert len(ranking) == 101 and list(ranking.columns) == ["Département", "Rang", "Valeur", "link"]
    assert ranking.iloc[0].tolist() == ["▶ Seine-Saint-Denis (93)", "2", "27,6\u00a0%", "/profil?dep=93"]
    assert ranking.iloc[1].tolist() == ["La Réunion (974)", "1", "35,6\u00a0%", "/profil?dep=974"]
    assert ranking.iloc[-1].tolist() == ["Mayotte (976)", "n.d.", "n.d.", "/profil?dep=976"]
    assert "**▶ Seine-Saint-Denis** : rang 2 sur 98, 27,6\u00a0%." in [m.value for m in at.markdown]
    assert not at.dataframe
    assert [b.label for b in at.get("download_button")] == ["Télécharger le classement (CSV)"]


def test_compare_page_shows_the_three_departements():
    at = _page("app_pages/comparer.py", deps="38,44,93")
    shown = at.table[0].value
    assert {"Isère", "Loire-Atlantique", "Seine-Saint-Denis", "France"} <= set(shown.columns)
    assert at.multiselect[0].value == ["38", "44", "93"]
    at.button[0].click().run()  # compare with the similar départements
    assert at.multiselect[0].value[0] == "38" and len(at.multiselect[0].value) == 6


def test_compare_adds_a_commune_found_by_the_search_box():
    at = _page("app_pages/comparer.py", deps="38,44")
    at.text_input(key="compare_search").input("sarcelles").run()
    at.button(key="compare_search-0").click().run()
    assert not at.exception
    assert at.multiselect[0].value == ["38", "44", "com:95585"]
    assert at.query_params["deps"] in ("38,44,com:95585", ["38,44,com:95585"])
    shown = at.table[0].value.set_index("Indicateur")
    assert shown.loc["Taux de pauvreté (%)", "Sarcelles (95)"] == "35,0 (2021)"  # its own, never the Val-d'Oise's


def test_commune_map_of_the_nord_with_dunkerque_outlined():
    at = _page("app_pages/carte.py", maille="communes", dep="59", com="59183", ind="census_unemployment_rate_15_64")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    communes, outline, *legend = spec["data"]
    assert len(communes["locations"]) == 647 and outline["locations"] == ["59183"]
    assert communes["geojson"].startswith("/app/static/geo/communes-departement-59-")
    assert [t["name"] for t in legend][0] == "n.d." and len(legend) == 6
    dunkerque = communes["customdata"][communes["locations"].index("59183")]
    assert dunkerque[:3] == ["Dunkerque", "19,6\u00a0%", 2021]
    assert "Insee" in " ".join(c.value for c in at.caption)
    # the label carries its year already: said once ("(2021) (2021)" before)
    said = next(c.value for c in at.caption if c.value.startswith("Taux de chômage des 15-64 ans"))
    assert said.startswith("Taux de chômage des 15-64 ans au sens du recensement (2021). Source")
