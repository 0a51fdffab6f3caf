"""Derived indicators on tiny frames whose answers are known by hand."""

import pandas as pd
import pytest

from indicators.build import derive
from indicators.build.derive import AgeGroup


def _age_sex(code: str, year: int, per_band: float) -> pd.DataFrame:
    bands = [f"{a}-{a + 4}" for a in range(0, 95, 5)] + ["95+"]
    return pd.DataFrame(
        [(code, year, sex, band, per_band) for sex in "FM" for band in bands],
        columns=["territory_code", "year", "sex", "age_band", "population"],
    )


def test_age_groups_select_the_right_bands():
    assert AgeGroup(0, 19).contains("15-19") and not AgeGroup(0, 19).contains("20-24")
    assert AgeGroup(60, None).contains("95+") and AgeGroup(60, None).contains("60-64")
    assert not AgeGroup(20, 64).contains("65-69")


def test_shares_and_change_on_a_flat_population():
    age_sex = pd.concat([_age_sex("38", 2010, 10.0), _age_sex("38", 2015, 20.0)])
    out = derive.population_indicators(age_sex)
    dep = out[out["territory_level"] == "departement"].set_index(["indicator_id", "year"])["value"]
    assert dep[("share_under_20", 2015)] == pytest.approx(4 / 20 * 100)  # 4 of the 20 bands
    assert dep[("share_75_plus", 2015)] == pytest.approx(5 / 20 * 100)  # 75-79 … 95+
    assert dep[("population_change_5y", 2015)] == pytest.approx((2 ** (1 / 5) - 1) * 100)


def test_stock_ratio_uses_next_january_population():
    age_sex = pd.concat([_age_sex("38", 2014, 10.0), _age_sex("38", 2015, 20.0)])
    counts = pd.DataFrame(
        {
            "territory_level": ["departement"],
            "territory_code": ["38"],
            "indicator_id": ["rsa_covered_people"],
            "year": [2014],
            "value": [8.0],
        }
    )
    out = derive.ratios(counts, age_sex)
    rate = out[(out["indicator_id"] == "rsa_coverage_rate") & (out["territory_level"] == "departement")]
    assert rate["value"].tolist() == [pytest.approx(8 / 800 * 100)]  # 800 people on 1/1/2015, not 400
    assert rate["year"].tolist() == [2014]


def test_france_ratio_needs_enough_departements():
    age_sex = pd.concat([_age_sex("38", 2015, 10.0)])
    counts = pd.DataFrame(
        {
            "territory_level": ["departement"],
            "territory_code": ["38"],
            "indicator_id": ["apa_recipients"],
            "year": [2014],
            "value": [10.0],
        }
    )
    out = derive.ratios(counts, age_sex)
    assert set(out["territory_level"]) == {"departement"}  # one département is not France


def test_the_reference_list_has_101_departements_and_18_regions():
    from indicators.sources.admin_units import departements, normalise_departement_code, regions  # read from data/raw

    assert len(departements()) == 101 and len(regions()) == 18
    assert normalise_departement_code("975") is None  # Saint-Pierre-et-Miquelon is not a département
    assert normalise_departement_code(1) == "01" and normalise_departement_code("2a") == "2A"


def test_a_derived_row_is_credited_to_the_source_of_its_year():
    """A ratio of 2021 rests on a count of the 2022 edition: credited to it, not to the workbook of 2020."""
    age_sex = pd.concat([_age_sex("38", y, 10.0) for y in (2020, 2021, 2022)])
    counts = pd.DataFrame(
        {
            "territory_level": "departement",
            "territory_code": "38",
            "indicator_id": "apa_recipients",
            "year": [2019, 2020, 2021],
            "value": [10.0, 11.0, 12.0],
            "source_id": ["drees_aide_sociale", "drees_aide_sociale", "drees_aide_sociale_2022"],
        }
    )
    out = derive.derived(counts, age_sex)
    rate = out[out["indicator_id"] == "apa_rate_60_plus"].set_index("year")["source_id"]
    assert rate.to_dict() == {2019: "drees_aide_sociale", 2020: "drees_aide_sociale", 2021: "drees_aide_sociale_2022"}
    shares = out[out["indicator_id"] == "share_75_plus"]
    assert set(shares["source_id"]) == {"insee_estimations_population"}
