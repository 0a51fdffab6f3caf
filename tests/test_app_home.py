"""The home page lists every indicator of the store with its years and coverage."""

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def test_home_lists_indicators_with_coverage():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Radar social"
    table = at.dataframe[0].value
    population = table[table["label"] == "Population au 1er janvier"].iloc[0]
    assert (population["first_year"], population["last_year"], population["departements"]) == (1975, 2023, 101)
    poverty = table[table["label"].str.startswith("Taux de pauvreté")].iloc[0]
    assert (poverty["first_year"], poverty["last_year"], poverty["departements"]) == (2016, 2020, 98)
