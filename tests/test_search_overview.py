"""Territory search forgives accents, case, hyphens and abbreviations; the catalogue is grouped by theme."""

import datetime as dt

import pytest

from indicators.views import overview, search


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
        ("976", "976"),
        ("loire atlantique", "44"),
    ],
)
def test_find_departement(query, first):  # on the fixture store (tests/fixture_store.py)
    assert search.find(query)[0].code == first


@pytest.mark.parametrize(
    ("query", "first"), [("974", "974"), ("reunion", "974"), ("val d oise", "95"), ("cotes d'armor", "22")]
)
def test_find_departement_of_the_real_store(real_store, query, first):
    assert search.find(query)[0].code == first


@pytest.fixture(scope="module")
def index(real_store):
    from indicators.storage import store

    return store.load_territories(real_store)


def test_index_holds_every_level(index):
    assert index["level"].value_counts().to_dict() == {"commune": 34_875, "epci": 1_255, "departement": 101}
    sarcelles = index.set_index("code").loc["95585"]
    assert (sarcelles["name"], sarcelles["departement"], sarcelles["epci_name"], sarcelles["population"]) == (
        "Sarcelles",
        "95",
        "CA Roissy Pays de France",
        59_173,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sarcelles", [("commune", "Sarcelles (95)")]),
        ("SARCELLES", [("commune", "Sarcelles (95)")]),
        ("95585", [("commune", "Sarcelles (95)")]),
        ("2a004", [("commune", "Ajaccio (2A)")]),
        ("38", [("departement", "Isère (38)")]),
        ("CA du Pays Basque", [("epci", "CA du Pays Basque (64)")]),
        ("pays basque", [("epci", "CA du Pays Basque (64)")]),
        ("200067106", [("epci", "CA du Pays Basque (64)")]),
        # homonyms, told apart by their département, the largest first
        ("St Denis", [("commune", "Saint-Denis (974)"), ("commune", "Saint-Denis (93)")]),
        ("saint-étienne", [("commune", "Saint-Étienne (42)"), ("epci", "Saint-Étienne Métropole (42)")]),
        ("paris", [("departement", "Paris (75)"), ("commune", "Paris (75)")]),
        ("ile d yeu", [("commune", "L'Île-d'Yeu (85)")]),
        ("grenoble", [("commune", "Grenoble (38)"), ("epci", "Grenoble-Alpes-Métropole (38)")]),
        ("dunkerque", [("commune", "Dunkerque (59)"), ("epci", "CU de Dunkerque (59)")]),
        ("cu de dunkerque", [("epci", "CU de Dunkerque (59)")]),
        ("59183", [("commune", "Dunkerque (59)")]),
        ("97411", [("commune", "Saint-Denis (974)")]),
        ("ST-DENIS", [("commune", "Saint-Denis (974)"), ("commune", "Saint-Denis (93)")]),
        ("roissy pays de france", [("epci", "CA Roissy Pays de France (95)")]),
        ("sarc", [("commune", "Sarcelles (95)")]),  # a word start is enough
    ],
)
def test_find_any_level(index, query, expected):
    found = [(m.level, m.label) for m in search.find(query, index)]
    assert found[: len(expected)] == expected


def test_find_orders_exact_then_words_then_word_starts(real_store):
    labels = [m.label for m in search.find("loire")]
    assert labels[:2] == ["Loire (42)", "Loire-Atlantique (44)"]
    assert "Haute-Loire (43)" in labels and labels[-1] == "Loiret (45)"  # "loire" only starts its name


def test_find_within_levels(index):
    assert [m.label for m in search.find("nord", index, limit=2, levels=("departement",))] == ["Nord (59)"]
    assert all(m.level == "epci" for m in search.find("pays", index, levels=("epci",)))


def test_find_nothing():
    assert search.find("") == []
    assert search.find("xyz") == []
    assert search.find("20") == []  # the old Corsica code is no département any more


def test_catalogue_by_theme_flags_old_data(table):
    groups = dict(overview.by_theme(overview.coverage(table), today=dt.date(2026, 12, 1)))
    assert list(groups)[:3] == ["Population et âges", "Emploi et revenus", "Minima sociaux"]
    demography = groups["Population et âges"].set_index("indicator_id")
    assert demography.loc["population", "last_year"] == 2023
    # on 1 December 2026 Insee has published the estimates of 1 January 2026 (the clock is passed in)
    assert demography.loc["population", "age"] == "très ancien : l'édition 2026 est sans doute parue (Insee)"
    minima = groups["Minima sociaux"].set_index("indicator_id")
    assert minima.loc["rsa_coverage_rate", "age"] == "très ancien : l'édition 2024 est sans doute parue (DREES)"
    # the supporting old-method series come after the main series of their theme
    assert list(groups["Minima sociaux"]["indicator_id"])[-2:] == [
        "rsa_households_old_method",
        "rsa_covered_people_old_method",
    ]
    assert groups["Handicap"]["indicator_id"].iloc[0] == "aah_recipients"


def test_display_rows_are_french(table):
    groups = dict(overview.by_theme(overview.coverage(table), today=dt.date(2026, 12, 1)))
    rows = overview.display_rows(groups["Emploi et revenus"]).set_index("Indicateur")
    poverty = rows.loc[rows.index.str.startswith("Taux de pauvreté")].iloc[0]
    assert (poverty["Années"], poverty["Fraîcheur"], poverty["Départements"]) == (
        "2016\u2060–\u20602020",
        "très ancien : l'édition 2023 est sans doute parue (Insee)",
        "98 sur 101",
    )
