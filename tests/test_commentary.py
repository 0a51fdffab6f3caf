"""The generated commentary: which rules speak for 38, 44, 93, 976 and 2A, and every number of every sentence
is the store's, rounded as displayed (checked against the table independently of the profile code)."""

import re

import pytest

from indicators.core import catalogue, formatting
from indicators.core.formatting import NBSP
from indicators.models import commentary, standing
from indicators.views import profile
from tests.conftest import departement_values, value

EXPECTED = {
    "93": [
        ("rank", "poverty_rate"),
        ("rank", "median_living_standard"),
        ("rank", "share_65_plus"),
        ("gap", "unemployment_rate"),
        ("gap", "rsa_coverage_rate"),
        ("ageing", "share_75_plus"),
        ("outlook", "population"),
    ],
    "38": [
        ("gap", "poverty_rate"),
        ("gap", "unemployment_rate"),
        ("gap", "rsa_coverage_rate"),
        ("ageing", "share_75_plus"),
        ("outlook", "population"),
    ],
    "44": [
        ("rank", "poverty_rate"),
        ("gap", "unemployment_rate"),
        ("gap", "rsa_coverage_rate"),
        ("ageing", "share_75_plus"),
        ("outlook", "population"),
    ],
    "976": [
        ("rank", "aah_rate_20_64"),
        ("rank", "share_under_20"),
        ("rank", "share_65_plus"),
        ("outlook", "population"),
    ],
    "2A": [
        ("rank", "apa_rate_60_plus"),
        ("rank", "pch_per_1000"),
        ("rank", "rsa_coverage_rate"),
        ("gap", "poverty_rate"),
        ("gap", "unemployment_rate"),
        ("ageing", "share_75_plus"),
        ("outlook", "population"),
    ],
}
NUMBER = re.compile(r"[+−-]?\d[\d\u00a0]*(?:,\d+)?")


@pytest.fixture(scope="module")
def nat(table, population):
    return standing.national(table, population)


@pytest.fixture(scope="module")
def profiles(table, population, nat):
    return {code: profile.build(table, population, code, nat) for code in EXPECTED}


def _fmt(key, v):
    return formatting.format_indicator(v, catalogue.get(key))


def _check_cite(table, code, sentence, cite, year):
    """The cited number, recomputed from the table and formatted as the page shows it."""
    key = cite.key
    if cite.what == "year":
        assert cite.text == str(int(cite.value))
    elif cite.what == "value":
        assert cite.text == _fmt(key, value(table, key, code, year))
    elif cite.what == "total":
        assert cite.value == len(departement_values(table, key, year).dropna())
    elif cite.what == "rank":
        values = departement_values(table, key, year)
        mine = values[code]
        higher = (values > mine).sum() + 1 if "élevé" in sentence.text else (values < mine).sum() + 1
        assert cite.value == higher
    elif cite.what == "median":
        assert cite.text == _fmt(key, departement_values(table, key, year).median())
    elif cite.what == "ratio":
        median = departement_values(table, key, year).median()
        mine = value(table, key, code, year)
        ratio = mine / median if "fois la médiane" in sentence.text else median / mine
        assert cite.text == formatting.format_number(ratio, 1)
    elif cite.what == "france":
        france = table[
            (table["indicator_id"] == key)
            & (table["territory_level"] == "france")
            & (table["year"] == year)
            & (table["variant"] == "observed")
        ]["value"]
        expected = france.iloc[0] if len(france) else departement_values(table, key, year).median()
        assert ("médiane des départements" in sentence.text) == (len(france) == 0)
        assert cite.text == _fmt(key, expected)
    elif cite.what == "change":
        assert cite.text == formatting.format_points(cite.value)
    elif cite.what == "projection":
        rows = table[
            (table["indicator_id"] == key)
            & (table["territory_code"] == code)
            & (table["territory_level"] == "departement")
            & (table["year"] == 2050)
            & (table["variant"] == "central")
        ]
        assert cite.text == _fmt(key, rows["value"].iloc[0])
    else:
        raise AssertionError(cite.what)


@pytest.mark.parametrize("code", list(EXPECTED))
def test_commentary_rules_and_numbers(table, profiles, code):
    sentences = profiles[code].commentary
    assert [(s.rule, s.key) for s in sentences] == EXPECTED[code]
    for sentence in sentences:
        assert all(not formatting.is_missing(c.value) for c in sentence.cites), sentence.text
        years = [int(c.value) for c in sentence.cites if c.what == "year"]
        for cite in sentence.cites:
            assert cite.text in sentence.text, (cite, sentence.text)
            own_years = [int(c.value) for c in sentence.cites if c.key == cite.key and c.what == "year"]
            year = (own_years or years)[0]  # the year the sentence gives for this figure
            if cite.what == "change":  # 75+ share: points gained since the first year, here and in France
                own = dict(table_series(table, "share_75_plus", code, "departement"))
                nation = dict(table_series(table, "share_75_plus", "FR", "france"))
                first, last = years
                assert cite.value in (round(own[last] - own[first], 1), round(nation[last] - nation[first], 1))
            _check_cite(table, code, sentence, cite, year)
        # every number in the sentence is one of its cited figures
        cited = " ".join(c.text for c in sentence.cites) + " 2050 1 000 0-19 20-64 60 65 75"
        for number in NUMBER.findall(sentence.text.replace("ᵉ", " ")):
            assert number.strip("+−-") in cited, (number, sentence.text)


def table_series(table, key, code, level):
    rows = table[
        (table["indicator_id"] == key)
        & (table["territory_code"] == code)
        & (table["territory_level"] == level)
        & (table["variant"] == "observed")
    ]
    return rows.set_index("year")["value"].items()


def test_sentences_read_as_written(profiles):
    texts = [s.text for s in profiles["93"].commentary]
    assert texts[0] == (
        f"Le taux de pauvreté (27,6{NBSP}% en 2020) est le 2ᵉ plus élevé des 98 départements couverts, "
        f"1,9 fois la médiane des départements (14,2{NBSP}%)."
    )
    assert (
        texts[3]
        == f"Le taux de chômage (10,3{NBSP}% en 2024) est supérieur à la médiane des départements (6,9{NBSP}%)."
    )
    assert texts[5] == (
        "Entre 2013 et 2023, la part des 75 ans et plus est restée stable, quand elle progressait en France "
        f"(0,0{NBSP}pt contre +1,0{NBSP}pt pour la France)."
    )
    isere = [s.text for s in profiles["38"].commentary]
    assert isere[3].startswith("Entre 2013 et 2023, la part des 75 ans et plus a progressé plus vite qu'en France")


def test_no_sentence_about_a_missing_value(profiles):
    mayotte = profiles["976"]
    missing = {r.key for r in mayotte.spine if r.missing}
    assert {"poverty_rate", "unemployment_rate", "apa_rate_60_plus"} <= missing
    assert not any(s.key in missing for s in mayotte.commentary)
    assert not any(c.key in missing for s in mayotte.commentary for c in s.cites)


def test_no_sentence_when_the_gap_is_small():
    row = standing.SpineRow(
        key="poverty_rate",
        group="",
        label="",
        short_label="",
        unit="%",
        decimals=1,
        polarity="higher_is_worse",
        year=2020,
        value=14.9,
        n=98,
        minimum=8.0,
        q1=12.0,
        median=14.2,
        q3=16.0,
        maximum=28.0,
        france=14.2,
        france_is_median=True,
        rank=30,
        status="similar",
    )
    assert commentary.rank_sentence(row) is None and commentary.gap_sentence(row) is None
    assert commentary.ageing_sentence({2013: 9.0, 2023: 10.0}, {2013: 9.0, 2023: 10.1}, 2023) is None
