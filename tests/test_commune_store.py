"""Commune and EPCI indicators in the store: reference figures from the publications (data/raw).

Legal populations: Etalab package 6.0.0 = populations légales 2023 (1.1.1 = 2019); census and civil
status: INSEE's comparateur extract (census 2021, births and deaths 2022), e.g. Sarcelles 95585:
population 2021 58 424 on 8,45 km², 5 136 unemployed of 25 162 active 15-64, 1 042 births in 2022.
"""

import pytest

from indicators.core import catalogue
from indicators.sources import etalab_communes
from indicators.storage import query

CONTRACT = {
    "legal_population": {2019, 2020, 2022, 2023},
    "legal_population_change": {2023},
    "density": {2021},
    "households": {2021},
    "census_unemployment_rate_15_64": {2021},
    "birth_rate": {2022},
    "death_rate": {2022},
}


def values(code: str, level: str = "commune") -> dict[tuple[str, int], float]:
    rows = query.profile_rows(code, level=level, indicator_ids=list(CONTRACT))
    return {(i, int(y)): v for i, y, v in zip(rows["indicator_id"], rows["year"], rows["value"], strict=True)}


@pytest.mark.parametrize("level", ["commune", "epci", "departement", "france"])
def test_the_contract_ids_and_years_at_every_level(level):
    for indicator_id, years in CONTRACT.items():
        assert set(query.years(indicator_id, level=level)) >= years, (indicator_id, level)
        entry = catalogue.get(indicator_id)
        assert level in entry.extra["levels"] and set(entry.extra["years"]) == years


def test_the_census_rate_says_it_is_not_the_ilo_rate():
    entry = catalogue.get("census_unemployment_rate_15_64")
    assert "au sens du recensement" in entry.label
    assert "pas le taux de chômage au sens du BIT" in entry.definition


@pytest.mark.parametrize(
    ("code", "population_2019", "population_2023"),
    [
        ("95585", 59_196, 59_173),  # Sarcelles
        ("59183", 86_279, 86_263),  # Dunkerque
        ("38185", 158_198, 156_140),  # Grenoble
        ("44109", 318_808, 327_734),  # Nantes
    ],
)
def test_legal_population_of_the_reference_communes(code, population_2019, population_2023):
    got = values(code)
    assert got[("legal_population", 2019)] == population_2019
    assert got[("legal_population", 2023)] == population_2023
    change = ((population_2023 / population_2019) ** (1 / 4) - 1) * 100
    assert got[("legal_population_change", 2023)] == pytest.approx(change, rel=1e-12)


def test_sarcelles_census_and_civil_status():
    got = values("95585")
    assert got[("households", 2021)] == 19_819
    assert got[("density", 2021)] == pytest.approx(58_424 / 8.45, rel=1e-12)
    assert got[("census_unemployment_rate_15_64", 2021)] == pytest.approx(5_136 / 25_162 * 100, rel=1e-12)
    assert got[("birth_rate", 2022)] == pytest.approx(1_042 / 58_576 * 1000, rel=1e-12)  # legal population 2022
    assert got[("death_rate", 2022)] == pytest.approx(397 / 58_576 * 1000, rel=1e-12)


def test_dunkerque_census_unemployment():
    assert values("59183")[("census_unemployment_rate_15_64", 2021)] == pytest.approx(7_423 / 37_780 * 100)


def test_saint_denis_across_its_merger_with_a_declared_note():
    got = values("93066")
    # 2019 release: Saint-Denis 112 852 + Pierrefitte-sur-Seine 30 861, merged into 93066 since
    assert got[("legal_population", 2019)] == 112_852 + 30_861
    assert got[("legal_population", 2023)] == 149_077
    notes = query.notes("93066", indicator_ids=["legal_population"])
    merged = notes[(notes["year"] == 2019) & (notes["kind"] == "merged")]["note"].tolist()
    assert merged == ["Somme des communes fusionnées depuis : 93059 Pierrefitte-sur-Seine, 93066 Saint-Denis."]
    assert query.notes("93066", indicator_ids=["legal_population"])["year"].tolist() == [2019, 2020, 2022]
    assert query.series("legal_population", "93059", level="commune").empty


def test_a_split_commune_has_a_break_and_no_change():
    # Essarts-en-Bocage (85084) held L'Oie and Sainte-Florence until 2020
    notes = query.notes("85084")
    assert set(notes.loc[notes["kind"] == "split", "year"]) == {2019, 2020, 2023}
    assert ("legal_population_change", 2023) not in values("85084")
    # Neussargues-Moissac (15141): its census 2021 counts four communes restored since, not stored
    assert set(values("15141")) == {("legal_population", y) for y in (2019, 2020, 2022, 2023)}


def test_an_epci_is_the_sum_of_its_members():
    siren = "200055655"  # CA Roissy Pays de France, Sarcelles's EPCI
    members = [
        m["code"] for e in etalab_communes.read_json("6.0.0", "epci") if e["code"] == siren for m in e["membres"]
    ]
    assert "95585" in members and len(members) == 42
    for year in (2019, 2023):
        rows = query.indicator_year("legal_population", year, level="commune")
        total = rows[rows["territory_code"].isin(members)]["value"].sum()
        assert values(siren, "epci")[("legal_population", year)] == total
    assert values(siren, "epci")[("legal_population", 2022)] == next(
        e["populationMunicipale"] for e in etalab_communes.read_json("6.0.0", "epci") if e["code"] == siren
    )
    # a ratio is recomputed from the summed counts, never an average of the members' rates
    rates = query.indicator_year("census_unemployment_rate_15_64", 2021, level="commune")
    mean = rates[rates["territory_code"].isin(members)]["value"].mean()
    assert values(siren, "epci")[("census_unemployment_rate_15_64", 2021)] != pytest.approx(mean, abs=0.1)


def test_a_drom_commune():
    got = values("97411")  # Saint-Denis (La Réunion)
    assert got[("legal_population", 2023)] == 155_634
    assert got[("households", 2021)] == 67_513
    assert got[("census_unemployment_rate_15_64", 2021)] == pytest.approx(19_297 / 69_638 * 100)


def test_mayotte_is_stored_at_2017_never_as_a_release_year():
    assert values("97611") == {("legal_population", 2017): 71_437}
    assert values("976", "departement") == {("legal_population", 2017): 256_518}
    assert query.notes("97611", indicator_ids=list(CONTRACT))["kind"].tolist() == ["frozen"]
    france = query.notes("FR", level="france", indicator_ids=["legal_population"])
    assert france["note"].str.startswith("Total hors département 976 (Mayotte)").all()


def test_paris_is_one_commune_with_its_arrondissements_summed():
    got = values("75056")
    assert got[("legal_population", 2023)] == 2_103_778
    assert got[("households", 2021)] == 1_128_240  # sum of the 20 arrondissements of the census file
    communes = query.indicator_year("legal_population", 2023, level="commune")["territory_code"]
    assert not communes.str.match(r"^(751\d\d|6938\d|132\d\d)$").any()


def test_france_and_departement_on_the_same_definition():
    deps = query.indicator_year("households", 2021, level="departement")
    assert len(deps) == 100  # Mayotte: no census in 2021
    france = values("FR", "france")
    assert france[("households", 2021)] == deps["value"].sum()
    communes = query.indicator_year("legal_population", 2023, level="commune")
    assert (
        france[("legal_population", 2023)] == communes[~communes["territory_code"].str.startswith("976")]["value"].sum()
    )


def test_missing_values_say_why():
    assert catalogue.gap_reason(catalogue.get("households"), "97611").startswith("Mayotte n'a pas eu de recensement")
    assert catalogue.gap_reason(catalogue.get("density"), "27676").startswith("Les Trois Lacs (27676) est absente")
    population = catalogue.get("legal_population")
    assert catalogue.gap_reason(population, "97611", 2023).startswith("Mayotte garde le chiffre de son recensement")
    assert catalogue.gap_reason(population, "97611", 2017) is None  # the 2017 value is in the store
    assert catalogue.gap_reason(population, "95585", 2023) is None
