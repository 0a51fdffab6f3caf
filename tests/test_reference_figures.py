"""Reference figures from data/SOURCES.md (marked ✔ there) that the store must reproduce."""

import pytest

from tests.conftest import value

EXACT = [
    # population at 1 January (INSEE estimates)
    ("population", "38", 2014, 1_243_597),
    ("population", "38", 2019, 1_271_166),
    ("population", "38", 2023, 1_294_476),
    ("population", "FR", 2023, 68_042_591),
    # Filosofi 2020
    ("poverty_rate", "38", 2020, 11.3),
    ("poverty_rate", "44", 2020, 10.0),
    ("poverty_rate", "93", 2020, 27.6),
    ("median_living_standard", "38", 2020, 23_580),
    ("median_living_standard", "44", 2020, 23_430),
    ("median_living_standard", "93", 2020, 18_470),
    # Filosofi 2016 and 2017 come rounded from the Caisse des Dépôts file (publication N = Filosofi N-2)
    ("poverty_rate", "38", 2016, 12.0),
    ("poverty_rate", "93", 2017, 28.0),
    ("poverty_rate", "93", 2019, 28.4),
    # annual mean of the four quarterly localised unemployment rates
    ("unemployment_rate", "38", 2014, 8.25),
    ("unemployment_rate", "44", 2014, 8.675),
    ("unemployment_rate", "93", 2014, 12.975),
    ("unemployment_rate", "38", 2024, 6.0),
    ("unemployment_rate", "44", 2024, 5.575),
    ("unemployment_rate", "93", 2024, 10.325),
    # DREES counts at 31 December
    ("apa_recipients", "38", 2014, 23_845),
    ("ase_children", "38", 2014, 2_701 + 3_038),
    ("social_spending_net", "38", 2019, 626_863.96086),  # k€, as published (627 M€)
    # DREES séries longues 1996-2022 (2021-2022 only; the 2020 workbook before)
    ("apa_recipients", "93", 2021, 22_566),
    ("apa_recipients", "93", 2022, 22_650),
    ("pch_recipients", "93", 2021, 9_346),
    ("pch_recipients", "93", 2022, 10_350),
    ("ase_children_placed", "93", 2021, 5_771),
    ("ase_children_placed", "93", 2022, 5_530),
    ("ase_children", "93", 2022, 5_530 + 3_280),
    ("apa_recipients", "FR", 2022, 1_336_340),  # published « France entière, hors Mayotte »
    ("apa_recipients", "92", 2020, 16_957),  # the workbook wins where the 2022 edition revised (14 364)
    # curated 2018 profiles
    ("budget_social_share", "38", 2018, 50.3),
    ("agents_total", "93", 2018, 4_265),
]

APPROX = [  # (indicator, code, year, reference, tolerance in points)
    ("share_under_20", "38", 2014, 26.0, 0.05),
    ("share_20_64", "38", 2014, 57.4, 0.05),
    ("share_65_plus", "38", 2014, 16.6, 0.05),
    ("share_65_plus", "38", 2018, 18.1, 0.05),
    ("share_65_plus", "44", 2018, 18.0, 0.05),
    ("share_65_plus", "93", 2018, 11.8, 0.05),
    ("rsa_coverage_rate", "38", 2014, 3.96, 0.05),
    ("rsa_coverage_rate", "44", 2014, 4.02, 0.05),
    ("rsa_coverage_rate", "93", 2014, 10.53, 0.05),
    ("apa_rate_60_plus", "38", 2014, 8.38, 0.05),
    ("apa_rate_60_plus", "44", 2014, 6.68, 0.05),
    ("apa_rate_60_plus", "93", 2014, 8.08, 0.05),
    ("ase_rate_0_19", "38", 2014, 1.76, 0.05),
    ("ase_rate_0_19", "44", 2014, 1.47, 0.05),
    ("ase_rate_0_19", "93", 2014, 1.67, 0.05),
    ("aah_rate_20_64", "38", 2014, 2.11, 0.05),
    ("aah_rate_20_64", "44", 2014, 2.54, 0.05),
    ("aah_rate_20_64", "93", 2014, 2.24, 0.05),
    ("social_spending_net", "38", 2013, 566_000, 500),  # "566 M€" in SOURCES.md
]


@pytest.mark.parametrize(("indicator_id", "code", "year", "expected"), EXACT)
def test_exact_reference(table, indicator_id, code, year, expected):
    level = "france" if code == "FR" else "departement"
    assert value(table, indicator_id, code, year, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("indicator_id", "code", "year", "expected", "tolerance"), APPROX)
def test_reference_within_tolerance(table, indicator_id, code, year, expected, tolerance):
    assert value(table, indicator_id, code, year) == pytest.approx(expected, abs=tolerance)


def _has_row(table, indicator_id, code, year):
    return bool(
        (
            (table["indicator_id"] == indicator_id)
            & (table["territory_code"] == code)
            & (table["year"] == year)
            & (table["territory_level"] == "departement")
            & (table["variant"] == "observed")
        ).any()
    )


@pytest.mark.parametrize(
    ("indicator_id", "code", "year"),
    [
        ("poverty_rate", "976", 2020),  # Filosofi does not cover Mayotte
        ("poverty_rate", "971", 2020),  # nor Guadeloupe
        ("apa_recipients", "976", 2019),  # the DREES survey field excludes Mayotte
        ("apa_recipients", "2A", 2018),  # Collectivité de Corse from 2018: no 2A/2B rows
        ("unemployment_rate", "976", 2020),  # localised rates exclude Mayotte
        ("budget_total", "01", 2018),  # the 2018 profiles cover 38, 44 and 93 only
        ("unemployment_rate", "38", 2025),  # only three quarters of 2025: no annual mean
    ],
)
def test_missing_is_no_row_never_zero(table, indicator_id, code, year):
    assert not _has_row(table, indicator_id, code, year)


def test_2022_rates_of_93_on_the_population_of_1_january_2023(table, population):
    """Counts at 31/12/2022 over the INSEE estimate at 1/1/2023: 297 105 aged 60+, 1 682 806 inhabitants,
    481 290 aged 0-19."""
    pop = population[(population["territory_code"] == "93") & (population["year"] == 2023)]
    start = pop["age_band"].str.extract(r"^(\d+)")[0].astype(int)
    assert (pop.loc[start >= 60, "population"].sum(), pop["population"].sum()) == (297_105, 1_682_806)
    assert pop.loc[start < 20, "population"].sum() == 481_290
    assert value(table, "apa_rate_60_plus", "93", 2022) == pytest.approx(22_650 / 297_105 * 100, rel=1e-12)
    assert value(table, "pch_per_1000", "93", 2022) == pytest.approx(10_350 / 1_682_806 * 1000, rel=1e-12)
    assert value(table, "ase_rate_0_19", "93", 2022) == pytest.approx((5_530 + 3_280) / 481_290 * 100, rel=1e-12)
    assert value(table, "apa_rate_60_plus", "93", 2021) == pytest.approx(7.721234, abs=1e-6)  # over 1/1/2022


def test_2021_2022_are_credited_to_the_2022_edition(table):
    """Counts and the rates and sums derived from them: 2021-2022 to the 1996-2022 edition, 2020 to the workbook."""
    rows = table[
        (table["variant"] == "observed")
        & table["indicator_id"].isin(["apa_recipients", "apa_rate_60_plus", "pch_per_1000", "ase_rate_0_19"])
        & table["year"].between(2020, 2022)
    ]
    sources = rows.groupby("year")["source_id"].agg(set).to_dict()
    assert sources == {
        2020: {"drees_aide_sociale"},
        2021: {"drees_aide_sociale_2022"},
        2022: {"drees_aide_sociale_2022"},
    }
    levels = rows[rows["year"] == 2022].groupby("indicator_id")["territory_level"].agg(set)
    assert set(levels["apa_rate_60_plus"]) == {"departement", "region", "france"}


def test_rhone_is_one_departement(table):
    assert value(table, "apa_recipients", "69", 2019) == 34_396  # DREES: Rhône and Métropole de Lyon together
    assert not table["territory_code"].isin(["69D", "69M"]).any()
