"""Les métiers du social: the staff workbook read exactly, ratios recomputed by hand from the DREES workbooks,
and the projection's band carried (indicators.models.workforce)."""

import pandas as pd
import pytest

from indicators.core.paths import RAW_DIR
from indicators.models import workforce
from indicators.sources import drees_aide_sociale, drees_staff


@pytest.fixture(scope="module")
def staff() -> pd.DataFrame:
    return drees_staff.read(RAW_DIR)


def _value(frame, code, year, category):
    rows = frame[(frame["territory_code"] == code) & (frame["year"] == year) & (frame["category"] == category)]
    return None if rows.empty else float(rows["value"].iloc[0])


@pytest.mark.parametrize(
    ("code", "category", "published"),
    [
        ("38", "foster_carers", 471),
        ("44", "foster_carers", 321),
        ("93", "foster_carers", 518),
        ("38", "social_educational", 530.4),
        ("44", "social_educational", 516.1),
        ("93", "social_educational", 653.4),
        ("38", "paramedical", 138.5),
        ("44", "paramedical", 133.9),
        ("93", "paramedical", 381.7),
        ("93", "admin_technical", 1237.1),
        ("93", "total_excluding_foster_carers", 2543.6),
    ],
)
def test_2020_staff_as_published(staff, code, category, published):
    assert _value(staff, code, 2020, category) == pytest.approx(published)


def test_secrecy_and_zeros_are_missing_not_zero(staff):
    assert _value(staff, "93", 2014, "social_educational") is None  # ND
    assert _value(staff, "93", 2015, "foster_carers") is None  # ND
    assert _value(staff, "44", 2015, "social_educational") is None  # ND
    assert _value(staff, "44", 2020, "medico_technical") is None  # a published 0
    assert staff[staff["territory_code"] == "976"].empty  # Mayotte: outside the beneficiaries' field
    assert _value(staff, "44", 2016, "medico_technical") == pytest.approx(47.4)  # the outlier is kept as published


@pytest.fixture(scope="module")
def needs() -> pd.DataFrame:
    """The ASE children placed of the DREES beneficiaries workbook, as workforce.need_table lays them out."""
    rows = drees_aide_sociale.read(RAW_DIR)
    rows = rows[(rows["territory_level"] == "departement") & (rows["indicator_id"] == "ase_children_placed")]
    return rows[["territory_code", "year", "indicator_id", "value"]]


def test_foster_carers_per_1000_children_placed_by_hand(staff, needs):
    table = workforce.ratios(staff, needs).set_index(["territory_code", "year", "category"])
    # Staff workbook (eff - pers ass fam) over beneficiaries workbook (Tab1-ase), 31/12/2020.
    assert table.loc[("93", 2020, "foster_carers"), "ratio"] == pytest.approx(518 / 5763 * 1000)  # 89,88
    assert table.loc[("38", 2020, "foster_carers"), "ratio"] == pytest.approx(471 / 3168 * 1000)  # 148,67
    assert ("93", 2015, "foster_carers") not in table.index  # staff ND: no ratio
    ranks = workforce.ranks(workforce.ratios(staff, needs)).set_index(["territory_code", "category"])
    assert ranks.loc[("93", "foster_carers"), "year"] == 2020
    assert ranks.loc[("93", "foster_carers"), "rank"] > ranks.loc[("38", "foster_carers"), "rank"]  # 93 lower


def _bands(scale: float) -> pd.DataFrame:
    """A need of 1 000 in 2030 with a band of ± 100 × scale."""
    return pd.DataFrame(
        {
            "need": ["ase_children"],
            "year": [2030],
            "central": [1000.0],
            "p10": [1000 - 100 * scale],
            "p25": [1000 - 50 * scale],
            "p75": [1000 + 50 * scale],
            "p90": [1000 + 100 * scale],
        }
    )


def test_a_wider_need_band_gives_a_wider_staff_band():
    carers = workforce.CATEGORY_BY_ID["foster_carers"]
    narrow = workforce.projection(90.0, 800.0, _bands(1), carers).iloc[0]
    wide = workforce.projection(90.0, 800.0, _bands(3), carers).iloc[0]
    assert narrow["central"] == pytest.approx(90 * 1000 / 800)  # the ratio held: 112,5
    assert (narrow["p10"], narrow["p90"]) == pytest.approx((90 * 900 / 800, 90 * 1100 / 800))
    assert wide["p90"] - wide["p10"] == pytest.approx(3 * (narrow["p90"] - narrow["p10"]))


def test_a_category_serving_several_needs_sums_them_only_where_all_are_projected():
    social = workforce.CATEGORY_BY_ID["social_educational"]
    bands = pd.concat([_bands(1).assign(need=n) for n in social.carrier], ignore_index=True)
    bands = pd.concat([bands, _bands(1).assign(need="ase_children", year=2031)], ignore_index=True)
    out = workforce.projection(40.0, 2000.0, bands, social)
    assert out["year"].tolist() == [2030]  # 2031 has one need of four
    assert out["central"].iloc[0] == pytest.approx(40 * 4000 / 2000)


def test_not_projected_category_and_decomposition():
    assert workforce.projection(10.0, 100.0, _bands(1), workforce.CATEGORY_BY_ID["paramedical"]).empty
    split = workforce.decomposition(100.0, 1000.0, pd.Series({2050: 1300.0}), pd.Series({2050: 1100.0}))
    row = split.iloc[0]
    assert (row["change"], row["demography"], row["rates"]) == pytest.approx((30.0, 10.0, 20.0))


def test_the_mapping_is_declared_in_the_catalogue_and_checked(tmp_path):
    from indicators.core import catalogue

    assert [c.id for c in workforce.CATEGORIES] == ["foster_carers", "social_educational", "paramedical"]
    assert all(c.limits for c in workforce.CATEGORIES)  # every mapping says its limits
    text = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "catalogue.yml"
    bad.write_text(text.replace("carrier: [ase_children]", "carrier: [ase_children_placed]"), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="foster_carers: unknown indicator or need"):
        catalogue.workforce(bad)
