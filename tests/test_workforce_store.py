"""Les métiers du social on the real store: the staff table as built, the social and educational ratio of 38
and 93 recomputed from the stored needs, and one projection recomputed from the stored need bands."""

import pytest

from indicators.models import scenarios, workforce
from indicators.storage import query


@pytest.fixture(scope="module")
def staff(real_store):
    return query.staff(store_dir=real_store)


def _stored(real_store, ids, code, year=None, variants=("observed",)):
    rows = query.rows(indicator_ids=ids, levels=["departement"], codes=[code], variants=variants, store_dir=real_store)
    return rows if year is None else rows[rows["year"] == year]


def test_the_store_holds_the_staff_workbook(staff):
    mine = staff[(staff["territory_code"] == "93") & (staff["year"] == 2020)].set_index("category")["value"]
    assert mine["foster_carers"] == 518 and mine["social_educational"] == pytest.approx(653.4)
    assert staff[staff["territory_code"] == "976"].empty


@pytest.mark.parametrize(("code", "fte_2019"), [("38", 537.2), ("93", 677.4)])
def test_social_and_educational_staff_per_1000_of_the_needs_they_serve(real_store, staff, code, fte_2019):
    served = ["ase_children", "rsa_households", "apa_recipients", "pch_recipients"]
    needs = _stored(real_store, served, code, 2019)
    assert sorted(needs["indicator_id"]) == sorted(served)  # RSA households stop in 2019: the base year
    by_hand = fte_2019 / needs["value"].sum() * 1000
    table = workforce.ratios(staff, needs[["territory_code", "year", "indicator_id", "value"]])
    row = table[(table["territory_code"] == code) & (table["category"] == "social_educational")]
    assert row["staff"].iloc[0] == pytest.approx(fte_2019)
    assert row["ratio"].iloc[0] == pytest.approx(by_hand)


def test_foster_carers_of_93_in_2030_from_the_stored_ase_band(real_store):
    observed = _stored(real_store, ["ase_children"], "93", 2020)["value"].iloc[0]
    band_rows = _stored(real_store, ["ase_children"], "93", 2030, ("central", *scenarios.BAND_COLUMNS))
    band = band_rows.set_index("variant")["value"]
    bands = scenarios.need_bands(_stored(real_store, None, "93", None, ("central", *scenarios.BAND_COLUMNS)))
    out = workforce.projection(518.0, observed, bands, workforce.CATEGORY_BY_ID["foster_carers"]).set_index("year")
    for column in ("central", "p10", "p90"):
        assert out.loc[2030, column] == pytest.approx(518 * band[column] / observed)
    assert out.loc[2030, "p10"] < out.loc[2030, "central"] < out.loc[2030, "p90"]
