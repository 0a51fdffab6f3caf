"""The age of every figure: expected year, status and sentence from the catalogue's rhythms and a frozen clock."""

import datetime as dt

import pandas as pd
import pytest

from indicators.core import catalogue
from indicators.models import freshness

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("indicator_id", "held", "expected", "status"),
    [
        ("rsa_coverage_rate", 2019, 2024, "très ancien"),  # DREES minima sociaux: N out by September N+2
        ("population", 2023, 2026, "très ancien"),  # Insee estimates of 1 January N: out in January N
        ("poverty_rate", 2020, 2023, "très ancien"),  # Filosofi N: out by December N+2
        ("apa_rate_60_plus", 2022, 2023, "ancien"),  # DREES aide sociale N: out by December N+2
        ("unemployment_rate", 2024, 2025, "ancien"),  # the 4 quarters of N: out by April N+1
        ("legal_population", 2023, 2023, "à jour"),  # populations légales N: out end of December N+2
        ("census_unemployment_rate_15_64", 2021, 2023, "très ancien"),  # census N: out in June N+3
        ("budget_total", 2018, None, "publication ponctuelle"),  # the 2018 profiles are a one-off
    ],
)
def test_known_indicators_on_a_frozen_date(indicator_id, held, expected, status):
    age = freshness.of(indicator_id, held, TODAY)
    assert (age.expected, age.status) == (expected, status)


def test_the_sentence_names_the_year_held_the_year_out_and_the_publisher():
    assert freshness.sentence("rsa_coverage_rate", 2019, TODAY) == (
        "donnée 2019 — l'édition 2024 est sans doute parue (DREES)"
    )
    assert freshness.sentence("population", 2023, TODAY) == "donnée 2023 — l'édition 2026 est sans doute parue (Insee)"
    assert freshness.sentence("legal_population", 2023, TODAY) == ""  # up to date: nothing said
    assert freshness.sentence("budget_total", 2018, TODAY) == ""  # a one-off is never "old"
    assert freshness.with_age("Source : DREES (2019)", "rsa_coverage_rate", 2019, TODAY) == (
        "Source : DREES (2019) ⚠ donnée 2019 — l'édition 2024 est sans doute parue (DREES)."
    )


def test_the_month_of_publication_decides_the_expected_year():
    minima = catalogue.get("rsa_coverage_rate").sources[0].publication
    assert minima.lag == 2 and minima.month == 9
    assert freshness.expected_year(minima, dt.date(2026, 9, 30)) == 2023  # September 2026 not over yet
    assert freshness.expected_year(minima, dt.date(2026, 10, 1)) == 2024
    population = catalogue.get("population").sources[0].publication
    assert freshness.expected_year(population, dt.date(2027, 1, 31)) == 2026
    assert freshness.expected_year(population, dt.date(2027, 2, 1)) == 2027


def test_a_rate_is_as_fresh_as_its_slowest_source():
    # the RSA rate divides DREES counts (N+2) by Insee estimates (N+0): DREES decides
    age = freshness.of("rsa_coverage_rate", 2024, TODAY)
    assert (age.status, age.publisher) == ("à jour", "DREES")


def test_years_not_imported_are_those_between_the_last_held_and_the_expected():
    assert list(freshness.of("rsa_coverage_rate", 2019, TODAY).not_imported) == [2020, 2021, 2022, 2023, 2024]
    assert list(freshness.of("legal_population", 2023, TODAY).not_imported) == []
    assert freshness.of("rsa_coverage_rate", 2019, TODAY).label == "très ancien (5 éditions de retard)"
    assert freshness.of("apa_rate_60_plus", 2022, TODAY).label == "ancien (1 édition de retard)"


def test_an_unknown_indicator_or_a_missing_year_has_no_status():
    assert freshness.of("upload_mon_indicateur", 2020, TODAY).status is None
    assert freshness.of("population", None, TODAY).status is None
    assert freshness.sentence("population", None, TODAY) == ""


def test_ages_of_a_table_of_latest_years():
    latest = pd.DataFrame({"indicator_id": ["population", "legal_population"], "year": [2023, 2023]})
    out = freshness.ages(latest, TODAY)
    assert out["status"].tolist() == ["très ancien", "à jour"]
    assert out["expected"].tolist() == [2026, 2023]


def test_state_of_the_data_one_row_per_series_stalest_first():
    years = pd.DataFrame(
        {
            "source_id": ["drees_aide_sociale", "drees_aide_sociale_2022", "drees_minima_sociaux",
                          "etalab_decoupage_communes", "profils_departements_2018", "upload_v0003_abc"],
            "last_year": [2020, 2022, 2019, 2023, 2018, 2021],
        }
    )  # fmt: skip
    state = freshness.source_state(years, TODAY, {"drees_minima_sociaux": "01/12/2026"}, "07/12/2026")
    assert state["Source"].tolist() == [
        "DREES, CNAF, MSA, minima sociaux",
        "DREES, enquête Aide sociale, séries longues 1996-2022 (via le paquet R asdep)",  # the 2020 edition merged in
        "Insee, populations légales (population municipale), via Etalab découpage administratif",
        "Départements 38, 44 et 93, profils 2018",
    ]  # the analyst's own file is its own edition: not listed
    first = state.iloc[0]
    assert (first["Dernière année détenue"], first["Année sans doute parue"]) == ("2019", "2024")
    assert first["État"] == "très ancien (5 éditions de retard)"
    assert first["Dernier import"] == "01/12/2026"
    assert state.iloc[1]["Dernier import"] == "construction du 07/12/2026"
    assert state.iloc[1]["État"] == "ancien (1 édition de retard)"
    assert state.iloc[2]["État"] == "à jour"
    assert state.iloc[3]["État"] == "publication ponctuelle" and state.iloc[3]["Mettre à jour"] == "sans objet"


def test_every_source_of_the_catalogue_declares_its_rhythm():
    missing = [sid for sid, s in catalogue.sources_with_rhythm().items() if s.publication is None]
    assert missing == []


def test_a_bad_rhythm_is_refused():
    document = {"sources": {"s": {"producer": "p", "title": "t", "url": "u", "licence": "l", "citation": "c",
                                  "publication": {"lag": -1, "rhythm": "annuelle", "publisher": "P"}}}}  # fmt: skip
    with pytest.raises(catalogue.CatalogueError, match="lag"):
        catalogue.parse(document)


def test_a_trend_chart_marks_the_years_not_imported_apart_from_the_projection():
    from indicators.views import trend_charts

    observed = pd.Series([10.0, 10.5, 11.0], index=[2017, 2018, 2019])
    path = pd.DataFrame({"year": range(2020, 2031)}).assign(
        trend=11.0, trend_p10=9.0, trend_p25=10.0, trend_p75=12.0, trend_p90=13.0
    )
    age = freshness.of("rsa_coverage_rate", 2019, TODAY)
    fig = trend_charts.trend_figure(observed, path, "%", age.not_imported)
    zones = [(s.x0, s.x1) for s in fig.layout.shapes]
    labels = [a.text for a in fig.layout.annotations]
    assert zones == [(2019, 2024), (2024, 2030)]
    assert labels == ["Non importé (sans doute publié)", "Projection"]
    plain = trend_charts.trend_figure(observed, path, "%")
    assert [(s.x0, s.x1) for s in plain.layout.shapes] == [(2019, 2030)]
