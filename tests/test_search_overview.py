"""Territory search forgives accents, case, hyphens and abbreviations; the catalogue is grouped by theme."""

import datetime as dt

import pytest

from indicators import overview, search


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("seine st denis", "93"),
        ("Seine-Saint-Denis", "93"),
        ("SEINE SAINT DENIS", "93"),
        ("isere", "38"),
        ("Isère", "38"),
        ("38", "38"),
        ("2a", "2A"),
        ("1", "01"),
        ("974", "974"),
        ("reunion", "974"),
        ("val d oise", "95"),
        ("cotes d'armor", "22"),
        ("loire atlantique", "44"),
    ],
)
def test_find_departement(query, first):
    assert search.find(query)[0].code == first


def test_find_orders_exact_then_prefix_then_words():
    labels = [m.label for m in search.find("loire")]
    assert labels[:3] == ["Loire (42)", "Loire-Atlantique (44)", "Loiret (45)"]
    assert "Haute-Loire (43)" in labels and "Saône-et-Loire (71)" in labels


def test_find_nothing():
    assert search.find("") == []
    assert search.find("xyz") == []
    assert search.find("20") == []  # the old Corsica code is no département any more


def test_catalogue_by_theme_flags_old_data(table):
    groups = dict(overview.by_theme(table, today=dt.date(2026, 12, 1)))
    assert list(groups)[:3] == ["Population et âges", "Emploi et revenus", "Minima sociaux"]
    demography = groups["Population et âges"].set_index("indicator_id")
    assert demography.loc["population", "last_year"] == 2023
    assert demography.loc["population", "age"] == ""  # 3 years old: not flagged
    minima = groups["Minima sociaux"].set_index("indicator_id")
    assert minima.loc["rsa_coverage_rate", "age"] == "données de 2019"
    # the supporting old-method series come after the main series of their theme
    assert list(groups["Minima sociaux"]["indicator_id"])[-2:] == [
        "rsa_households_old_method",
        "rsa_covered_people_old_method",
    ]
    assert groups["Handicap"]["indicator_id"].iloc[0] == "aah_recipients"


def test_display_rows_are_french(table):
    groups = dict(overview.by_theme(table, today=dt.date(2026, 12, 1)))
    rows = overview.display_rows(groups["Emploi et revenus"]).set_index("Indicateur")
    poverty = rows.loc[rows.index.str.startswith("Taux de pauvreté")].iloc[0]
    assert (poverty["Années"], poverty["Fraîcheur"], poverty["Départements"]) == (
        "2016\u2060–\u20602020",
        "données de 2020",
        "98 sur 101",
    )
