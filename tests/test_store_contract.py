"""Contract between the catalogue, the store and the schema."""

import pytest

from indicators.core import catalogue
from indicators.core.schema import KEY, validate_indicators, validate_population


def test_every_store_indicator_is_in_the_catalogue_and_vice_versa(table):
    in_store = set(table["indicator_id"])
    in_catalogue = set(catalogue.load())
    assert in_store - in_catalogue == set(), "indicators in the store but not documented"
    assert in_catalogue - in_store == set(), "catalogue entries with no data"


def test_every_catalogue_entry_has_a_source_with_licence():
    for indicator in catalogue.load().values():
        assert indicator.sources, indicator.id
        for source in indicator.sources:
            assert source.licence and source.producer and source.url and source.citation, indicator.id


def test_store_passes_the_schema_and_its_key_is_unique(table):
    validated = validate_indicators(table)
    assert len(validated) == len(table)
    assert not table.duplicated(KEY).any()
    assert set(table["variant"]) >= {"observed"}


def test_population_table_passes_its_schema(population):
    assert len(validate_population(population)) == len(population)
    isere_2023 = population[(population["territory_code"] == "38") & (population["year"] == 2023)]
    assert len(isere_2023) == 40  # 2 sexes x 20 bands
    assert isere_2023["population"].sum() == 1_294_476


def test_codes_are_strings_with_leading_zero(table):
    assert table["territory_code"].map(type).eq(str).all()
    assert {"01", "2A", "2B", "974"} <= set(table["territory_code"])


def test_france_ratio_is_recomputed_from_counts_not_averaged(table, population):
    """France APA rate 2014 = sum of département counts / sum of their 60+ population on 1/1/2015."""
    dep = table[
        (table["indicator_id"] == "apa_recipients")
        & (table["year"] == 2014)
        & (table["territory_level"] == "departement")
    ]
    # the 60+ population read straight from the age bands ("60-64" ... "95+"), not through derive
    lower = population["age_band"].str.extract(r"^(\d+)", expand=False).astype(int)
    pop60 = population[
        (lower >= 60) & (population["year"] == 2015) & population["territory_code"].isin(dep["territory_code"])
    ]
    expected = dep["value"].sum() / pop60["population"].sum() * 100
    france = table[
        (table["indicator_id"] == "apa_rate_60_plus") & (table["year"] == 2014) & (table["territory_level"] == "france")
    ]["value"].iloc[0]
    assert france == pytest.approx(expected, rel=1e-12)
    assert france == pytest.approx(7.6767, abs=5e-5)
    rates = table[
        (table["indicator_id"] == "apa_rate_60_plus")
        & (table["year"] == 2014)
        & (table["territory_level"] == "departement")
    ]["value"]
    assert france != pytest.approx(rates.mean(), abs=1e-3)


def test_region_is_summed_only_when_every_departement_has_a_value(table):
    """Corse (région 94) has no DREES rows from 2018: no région value either, never a partial sum."""
    observed = table[table["variant"] == "observed"]
    corse = observed[
        (observed["indicator_id"] == "apa_recipients")
        & (observed["territory_level"] == "region")
        & (observed["territory_code"] == "94")
    ]
    assert corse["year"].max() == 2017
    ara = observed[
        (observed["indicator_id"] == "population")
        & (observed["territory_level"] == "region")
        & (observed["territory_code"] == "84")
        & (observed["year"] == 2023)
    ]["value"].iloc[0]
    deps = observed[
        (observed["indicator_id"] == "population")
        & (observed["territory_level"] == "departement")
        & (observed["year"] == 2023)
    ]
    ara_deps = ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]
    assert ara == deps[deps["territory_code"].isin(ara_deps)]["value"].sum()


def test_stocks_use_the_population_of_the_following_first_of_january(table):
    covered = table[
        (table["indicator_id"] == "rsa_covered_people")
        & (table["territory_code"] == "93")
        & (table["year"] == 2014)
        & (table["territory_level"] == "departement")
    ]["value"].iloc[0]
    pop_2015 = table[
        (table["indicator_id"] == "population")
        & (table["territory_code"] == "93")
        & (table["year"] == 2015)
        & (table["territory_level"] == "departement")
    ]["value"].iloc[0]
    rate = table[
        (table["indicator_id"] == "rsa_coverage_rate")
        & (table["territory_code"] == "93")
        & (table["year"] == 2014)
        & (table["territory_level"] == "departement")
    ]["value"].iloc[0]
    assert rate == pytest.approx(covered / pop_2015 * 100, rel=1e-12)


def test_no_derived_value_is_zero_or_negative_for_counts(table):
    counts = [
        i
        for i, e in catalogue.load().items()
        if e.unit in {"bénéficiaires", "allocataires", "foyers", "personnes", "enfants", "habitants"}
    ]
    rows = table[table["indicator_id"].isin(counts)]
    assert len(rows) > 10_000
    # the one real zero: the six villages of the Meuse destroyed in 1916, communes "mortes pour la France"
    # with no inhabitant, whose legal population is 0 in every release
    zero = rows[rows["value"] == 0]
    assert set(zero["territory_code"]) == {"55039", "55050", "55139", "55189", "55239", "55307"}
    assert set(zero["indicator_id"]) == {"legal_population"} and set(zero["territory_level"]) == {"commune"}
    assert (rows["value"] >= 0).all()
