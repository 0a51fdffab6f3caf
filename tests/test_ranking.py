"""Ranks follow the catalogue polarity: rank 1 is the most difficult situation."""

from indicators.models.ranking import rank_all, rank_departements


def _rank(ranked, code):
    """(rank, total) of ``code`` in a ranking, None when it is not ranked."""
    match = ranked[ranked["territory_code"] == code]
    return None if match.empty else (int(match["rank"].iloc[0]), int(match["total"].iloc[0]))


def test_poverty_rank_one_is_the_highest_rate(table):
    ranked = rank_departements(table, "poverty_rate", 2020)
    assert ranked[["territory_code", "value"]].head(3).values.tolist() == [["974", 35.6], ["93", 27.6], ["972", 26.7]]
    assert ranked["total"].iloc[0] == 98
    assert _rank(ranked, "93") == (2, 98)


def test_higher_is_better_ranks_the_lowest_value_first(table):
    ranked = rank_departements(table, "median_living_standard", 2020)
    assert ranked["territory_code"].head(2).tolist() == ["974", "93"]
    assert ranked["territory_code"].iloc[-1] == "92"  # 28 810 €, the highest median
    assert _rank(ranked, "38") == (87, 98)


def test_missing_departement_is_not_ranked(fixture_table):
    ranked = rank_departements(fixture_table, "poverty_rate", 2020)  # the five of the fixture store with a value
    assert _rank(ranked, "976") is None  # Filosofi does not cover Mayotte
    assert ranked["territory_code"].tolist() == ["93", "2A", "69", "38", "44"] and ranked["total"].iloc[0] == 5


def test_all_ranks_at_once_are_each_indicators_and_years_ranks(fixture_table):
    everything = rank_all(fixture_table)
    observed = fixture_table[
        (fixture_table["territory_level"] == "departement") & (fixture_table["variant"] == "observed")
    ]
    pairs = observed[["indicator_id", "year"]].drop_duplicates().itertuples(index=False)
    expected = {
        (indicator_id, year, row.territory_code): (row.rank, row.total)
        for indicator_id, year in pairs
        for row in rank_departements(fixture_table, indicator_id, year).itertuples()
    }
    assert everything == expected and len(expected) > 20
