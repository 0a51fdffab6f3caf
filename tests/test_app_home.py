"""The home page: a territory search, a card per page, the catalogue by theme with its age."""

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def _tables(at):
    return [t.value for t in at.table]


def test_home_lists_indicators_by_theme_with_coverage(monkeypatch):
    monkeypatch.setenv("RADAR_TODAY", "2026-12-07")  # the clock, frozen
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Radar social"
    assert [e.label for e in at.expander][:2] == [
        "Population et âges (13 indicateurs)",  # 7 + 6 from the communes (issue 15)
        "Emploi et revenus (4 indicateurs)",
    ]
    rows = {row["Indicateur"]: row for table in _tables(at)[1:] for _, row in table.iterrows()}  # [0]: data state
    population = rows["Population au 1er janvier"]
    assert (population["Années"], population["Départements"]) == ("1975\u2060–\u20602023", "101 sur 101")
    poverty = next(r for label, r in rows.items() if label.startswith("Taux de pauvreté"))
    assert (poverty["Années"], poverty["Départements"]) == ("2016\u2060–\u20602020", "98 sur 101")
    assert rows["Part de la population couverte par le RSA"]["Fraîcheur"] == (
        "très ancien : l'édition 2024 est sans doute parue (DREES)"
    )
    assert rows["Population légale (population municipale)"]["Fraîcheur"] == "à jour"


def test_home_states_the_age_of_each_source(monkeypatch):
    monkeypatch.setenv("RADAR_TODAY", "2026-12-07")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "État des données" in [h.value for h in at.subheader]
    captions = " ".join(c.value for c in at.caption)
    assert "2 à 4 ans" not in captions  # the old caption read as "this is as fresh as it gets"
    state = _tables(at)[0].set_index("Source")
    minima = state.loc["DREES, CNAF, MSA, minima sociaux"]
    assert (minima["Dernière année détenue"], minima["Année sans doute parue"]) == ("2019", "2024")
    assert minima["État"] == "très ancien (5 éditions de retard)"
    assert minima["Dernier import"].startswith("construction du ")  # no import since the build
    assert minima["Mettre à jour"].startswith("page « Importer")
    population = state.loc["Insee, estimations de population (2021-2023 provisoires)"]
    assert (population["Dernière année détenue"], population["État"]) == ("2023", "très ancien (3 éditions de retard)")
    unemployment = state.loc["Insee, taux de chômage localisés"]
    assert (unemployment["Dernière année détenue"], unemployment["État"]) == ("2024", "ancien (1 édition de retard)")
    legal = state.loc["Insee, populations légales (population municipale), via Etalab découpage administratif"]
    assert legal["État"] == "à jour"
    assert state.loc["Départements 38, 44 et 93, profils 2018", "État"] == "publication ponctuelle"
    assert list(state["État"]).index("à jour") > 0  # the stalest first


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
