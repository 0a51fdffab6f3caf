"""Breaks and gaps are catalogue data: parsed, validated, drawn on the compare chart, used by trends and profiles."""

import pytest

from indicators.core import catalogue
from indicators.models import trends
from indicators.views import compare_charts


def test_rsa_breaks_come_from_the_catalogue():
    entries = catalogue.load()
    assert entries["rsa_coverage_rate"].breaks == (
        catalogue.Break(2016, "Rupture de série 2016 (CNAF)", ("rsa_covered_people", "rsa_covered_people_old_method")),
    )
    assert entries["rsa_households"].breaks == (catalogue.Break(2016, "Rupture de série 2016 (CNAF)"),)
    assert entries["poverty_rate"].breaks == ()
    assert trends.spliced_breaks() == {
        "rsa_coverage_rate": (2016, "rsa_covered_people", "rsa_covered_people_old_method")
    }


def test_the_compare_chart_draws_each_declared_break(table):
    figure = compare_charts.time_series(table, "rsa_households", ["38", "93"])
    lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert [line.x0 for line in lines] == [2016]
    assert [a.text for a in figure.layout.annotations] == ["Rupture de série 2016 (CNAF)"]
    assert compare_charts.time_series(table, "poverty_rate", ["38"]).layout.shapes == ()


def _document(breaks):
    source = {"producer": "p", "title": "t", "url": "u", "licence": "l", "citation": "c"}
    entry = {
        "id": "x",
        "label": "X",
        "short_label": "X",
        "theme": "t",
        "unit": "%",
        "decimals": 1,
        "definition": "d",
        "polarity": "neutral",
        "sources": ["s"],
        "breaks": breaks,
    }
    return {"sources": {"s": source}, "indicators": [entry]}


@pytest.mark.parametrize(
    "breaks",
    [
        [{"year": "2016", "label": "a"}],
        [{"year": 2016}],
        [{"year": 2016, "label": "a", "splice": {"new": "x"}}],
        [{"year": 2016, "label": "a", "splice": {"new": "x", "old": "nope"}}],
    ],
)
def test_a_malformed_break_is_refused(breaks):
    with pytest.raises(catalogue.CatalogueError):
        catalogue.parse(_document(breaks))


@pytest.mark.parametrize(
    ("indicator_id", "code", "reason"),
    [
        (
            "unemployment_rate",
            "FR",
            "le fichier Insee des taux de chômage par département ne donne pas de taux pour la France",
        ),
        ("unemployment_rate", "976", "Mayotte n'est pas couverte par les taux de chômage localisés de l'Insee"),
        ("median_living_standard", "973", "Filosofi (Insee) ne couvre pas la Guadeloupe, la Guyane et Mayotte"),
        (
            "apa_rate_60_plus",
            "976",
            "Mayotte n'est pas couverte par l'enquête Aide sociale de la DREES",
        ),  # its source's gap
        (
            "budget_total",
            "01",
            "budget et agents ne sont connus que pour l'Isère, la Loire-Atlantique et la Seine-Saint-Denis "
            "(profils 2018) ; les comptes des départements (OFGL, DGFiP) ne sont pas dans nos sources",
        ),
        ("aspa_recipients", "976", None),  # no declared reason: the profile says the general one
        ("unemployment_rate", "38", None),
    ],
)
def test_missing_value_reasons_are_catalogue_gaps(indicator_id, code, reason):
    assert catalogue.gap_reason(catalogue.get(indicator_id), code) == reason


def test_a_gap_can_be_limited_to_years():
    gap = catalogue.Gap("r", ("2A", "2B"), (1975, 2017))
    assert gap.covers("2A", 2000) and gap.covers("2B") and not gap.covers("2A", 2018) and not gap.covers("20", 2000)


def test_a_derived_ratio_is_one_catalogue_entry(table, population):
    """Adding a derived indicator touches one file: its catalogue entry with a recipe (here the AAH rate
    per 1 000 inhabitants aged 20-64, parsed from a copy of the catalogue, not shipped)."""
    import yaml

    from indicators.build import derive
    from indicators.core.paths import CATALOGUE_PATH

    document = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    aah = next(e for e in document["indicators"] if e["id"] == "aah_rate_20_64")
    document["indicators"].append(
        {**aah, "id": "aah_per_1000_20_64", "unit": "‰", "recipe": {**aah["recipe"], "scale": 1000}}
    )
    recipes = [r for r in derive.catalogue_ratios(catalogue.parse(document)) if r.indicator_id == "aah_per_1000_20_64"]
    observed = table[table["variant"] == "observed"]
    rows = derive.ratios(observed, population, recipes).set_index(["territory_level", "territory_code", "year"])
    stored = observed[observed["indicator_id"] == "aah_rate_20_64"].set_index(
        ["territory_level", "territory_code", "year"]
    )
    assert rows.loc[("departement", "93", 2019), "value"] == pytest.approx(
        10 * stored.loc[("departement", "93", 2019), "value"]
    )
    assert rows.loc[("france", "FR", 2019), "value"] == pytest.approx(10 * stored.loc[("france", "FR", 2019), "value"])


def test_a_malformed_recipe_is_refused():
    document = _document([])
    document["indicators"][0]["recipe"] = {"numerator": "x", "ages": [20], "scale": 100, "timing": "stock"}
    with pytest.raises(catalogue.CatalogueError, match="a recipe is"):
        catalogue.parse(document)
    document["indicators"][0]["recipe"] = {"numerator": "nope", "ages": [20, 64], "scale": 100, "timing": "stock"}
    with pytest.raises(catalogue.CatalogueError, match="recipe numerator nope is unknown"):
        catalogue.parse(document)


def test_every_percentage_has_one_decimal():
    """One number of decimals per unit of rate: RSA 10,7 % beside poverty 27,6 %, not 10,73 % beside 27,6 %."""
    from indicators.core import catalogue

    decimals = {i: e.decimals for i, e in catalogue.repository().items() if e.unit == "%"}
    # Filosofi 2021 by commune publishes the poverty rates by age and by tenure as whole numbers: a decimal
    # would claim a precision the publisher does not give
    whole = {i for i in decimals if i.startswith("poverty_rate_") and i != "poverty_rate_published"}
    assert {i: d for i, d in decimals.items() if i not in whole and d != 1} == {}
    assert {decimals[i] for i in whole} == {0}, sorted(whole)
