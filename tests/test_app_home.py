"""The home page: a territory search, a card per page, the catalogue by theme with its age."""

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def _tables(at):
    return [t.value for t in at.table]


def test_home_lists_indicators_by_theme_with_coverage():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Radar social"
    assert [e.label for e in at.expander][:2] == [
        "Population et âges (13 indicateurs)",  # 7 + 6 from the communes (issue 15)
        "Emploi et revenus (4 indicateurs)",
    ]
    rows = {row["Indicateur"]: row for table in _tables(at) for _, row in table.iterrows()}
    population = rows["Population au 1er janvier"]
    assert (population["Années"], population["Départements"]) == ("1975\u2060–\u20602023", "101 sur 101")
    poverty = next(r for label, r in rows.items() if label.startswith("Taux de pauvreté"))
    assert (poverty["Années"], poverty["Départements"]) == ("2016\u2060–\u20602020", "98 sur 101")
    assert rows["Part de la population couverte par le RSA"]["Fraîcheur"] == "données de 2019"


def test_home_search_links_to_the_profile():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="home_search").input("seine st denis").run()
    assert not at.exception
    links = [(el.proto.label, el.proto.page) for el in at.get("page_link")]
    assert any(label == "Département : Seine-Saint-Denis (93)" for label, _ in links)
    at.text_input(key="home_search").input("sarcelles").run()
    assert not at.exception
    links = {el.proto.label: el.proto.page for el in at.get("page_link")}
    label = "Commune : Sarcelles (95) — 59\u00a0173 habitants (population légale 2023) · CA Roissy Pays de France"
    assert label in links  # a commune leads to its own profile (?com=95585)
    at.text_input(key="home_search").input("xyz").run()
    assert "Aucun territoire ne correspond" in at.info[0].value
