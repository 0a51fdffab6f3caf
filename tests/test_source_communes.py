"""Commune and EPCI sources on the latest geography: reference figures from the publications."""

import pytest

from indicators.sources import etalab_communes, insee_comparateur_communes


@pytest.fixture(scope="module")
def legal():
    return etalab_communes.legal_populations().set_index(["code", "year"])


@pytest.fixture(scope="module")
def census():
    return insee_comparateur_communes.read().set_index("code")


@pytest.mark.parametrize(
    ("code", "population"),
    [("01001", 860), ("38185", 156_140), ("44109", 327_734), ("59183", 86_263), ("95585", 59_173)],
)
def test_legal_population_2023(legal, code, population):
    assert legal.loc[(code, 2023), "population"] == population


def test_saint_denis_is_summed_across_its_merger(legal):
    # 2019 release: Saint-Denis 112 852 and Pierrefitte-sur-Seine 30 861, merged into 93066 since.
    assert legal.loc[("93066", 2019), "population"] == 112_852 + 30_861
    assert legal.loc[("93066", 2019), "merged"] == "93059,93066"
    assert legal.loc[("93066", 2023), "population"] == 149_077
    assert legal.loc[("93066", 2023), "merged"] == ""
    assert ("93059", 2019) not in legal.index


def test_a_split_commune_is_a_series_break(legal):
    # L'Oie and Sainte-Florence were part of Essarts-en-Bocage (85084) until 2020.
    assert legal.loc[("85084", 2019), "split"] == "85165,85212"
    assert legal.loc[("85084", 2023), "split"] == ""
    assert ("85165", 2019) not in legal.index


def test_mayotte_is_frozen_at_the_2017_census(legal):
    mayotte = legal.reset_index()
    mayotte = mayotte[mayotte["code"].str.startswith("976")]
    assert set(mayotte.groupby("year")["population"].sum()) == {256_518}
    assert mayotte["frozen"].all()


def test_the_101_departements_only():
    communes = etalab_communes.communes()
    assert len(communes) == 34_875
    assert not communes["code"].str.startswith("98").any()
    assert sorted(communes.loc[communes["epci"] == "", "name"]) == [
        "L'Île-d'Yeu",
        "Ouessant",
        "Île-de-Bréhat",
        "Île-de-Sein",
    ]
    assert communes.set_index("code").loc["95585", ["name", "departement", "epci"]].tolist() == [
        "Sarcelles",
        "95",
        "200055655",
    ]


def test_every_epci_is_the_sum_of_its_members(legal):
    population_2022 = legal.xs(2022, level="year")["population"]
    for entry in etalab_communes.read_json("6.0.0", "epci"):
        members = [m["code"] for m in entry["membres"]]
        assert population_2022.reindex(members).sum() == entry["populationMunicipale"], entry["nom"]


def test_paris_lyon_marseille_are_communes_with_arrondissements(legal):
    arrondissements = etalab_communes.arrondissements()
    assert arrondissements.groupby("commune").size().to_dict() == {"13055": 16, "69123": 9, "75056": 20}
    assert (
        arrondissements.loc[arrondissements["commune"] == "75056", "population"].sum()
        == legal.loc[("75056", 2023), "population"]
    )


def test_census_extract(census):
    dunkerque = census.loc["59183"]
    assert (dunkerque["population_2021"], dunkerque["unemployed_15_64_2021"], dunkerque["active_15_64_2021"]) == (
        86_788,
        7_423,
        37_780,
    )
    assert census.loc["29019", "population_2021"] == 139_619  # Brest
    assert census.loc["31555", "population_2021"] == 504_078  # Toulouse
    # Paris is the sum of its 20 arrondissements
    assert census.loc["75056", "population_2021"] == 2_133_111
    # Mayotte: no census in 2021 (0 in the file means not published), births 2022 are real
    assert census.loc["97611"].isna()["population_2021"] and census.loc["97611", "births_2022"] == 3_301
