"""Ranks follow the catalogue polarity: rank 1 is the most difficult situation."""

from indicators.models.ranking import rank_departements, rank_of


def test_poverty_rank_one_is_the_highest_rate(table):
    ranked = rank_departements(table, "poverty_rate", 2020)
    assert ranked[["territory_code", "value"]].head(3).values.tolist() == [["974", 35.6], ["93", 27.6], ["972", 26.7]]
    assert ranked["total"].iloc[0] == 98
    assert rank_of(table, "poverty_rate", 2020, "93") == (2, 98)


def test_higher_is_better_ranks_the_lowest_value_first(table):
    ranked = rank_departements(table, "median_living_standard", 2020)
    assert ranked["territory_code"].head(2).tolist() == ["974", "93"]
    assert ranked["territory_code"].iloc[-1] == "92"  # 28 810 €, the highest median
    assert rank_of(table, "median_living_standard", 2020, "38") == (87, 98)


def test_missing_departement_is_not_ranked(fixture_table):
    assert rank_of(fixture_table, "poverty_rate", 2020, "976") is None  # Filosofi does not cover Mayotte
    ranked = rank_departements(fixture_table, "poverty_rate", 2020)  # the five of the fixture store with a value
    assert ranked["territory_code"].tolist() == ["93", "2A", "69", "38", "44"] and ranked["total"].iloc[0] == 5
