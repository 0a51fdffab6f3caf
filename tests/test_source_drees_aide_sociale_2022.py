"""DREES séries longues 1996-2022 (asdep's tidy table): 2021-2022 values, the table's traps, and the table
compared with the 2020 workbook on every département, year and series both hold."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.core.paths import RAW_DIR
from indicators.sources import drees_aide_sociale as workbook
from indicators.sources import drees_aide_sociale_2022 as src

KEY = ["territory_level", "territory_code", "indicator_id", "year"]
INDICATORS = {*src.SERIES.values(), src.ASE_CHILDREN[0]}


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return src.read(RAW_DIR)


@pytest.fixture(scope="module")
def overlap() -> pd.DataFrame:
    """Every cell both the workbook and the table hold, for the series the table feeds."""
    book = workbook.read(RAW_DIR)
    book = book[book["indicator_id"].isin(INDICATORS)]
    both = book.merge(src.tidy(RAW_DIR), on=KEY, how="left", suffixes=("_workbook", "_table"))
    assert both["value_table"].notna().all(), both[both["value_table"].isna()].head(20).to_string()
    return both


def value(rows: pd.DataFrame, indicator: str, code: str, year: int) -> float:
    level = "france" if code == "FR" else "departement"
    match = rows.loc[
        (rows["territory_level"] == level)
        & (rows["territory_code"] == code)
        & (rows["indicator_id"] == indicator)
        & (rows["year"] == year),
        "value",
    ]
    assert len(match) == 1, f"{indicator} {code} {year}: {len(match)} rows"
    return float(match.iloc[0])


def test_only_the_years_the_workbook_lacks(rows: pd.DataFrame) -> None:
    assert set(rows["year"]) == {2021, 2022}
    last = {i: y for i, y in workbook.last_years(RAW_DIR).items() if i in INDICATORS}
    assert set(last.values()) == {src.YEARS[0] - 1}  # every series the table feeds stops in 2020 in the workbook
    assert set(rows["indicator_id"]) == INDICATORS
    assert not rows.duplicated(KEY).any() and (rows["value"] > 0).all()


def test_seine_saint_denis_2021_2022(rows: pd.DataFrame) -> None:
    assert value(rows, "apa_recipients", "93", 2021) == 22566
    assert value(rows, "apa_recipients", "93", 2022) == 22650
    assert value(rows, "pch_recipients", "93", 2021) == 9346
    assert value(rows, "pch_recipients", "93", 2022) == 10350
    assert value(rows, "ase_children_placed", "93", 2021) == 5771
    assert value(rows, "ase_children_placed", "93", 2022) == 5530
    assert value(rows, "ase_children", "93", 2022) == 5530 + 3280
    assert (
        value(rows, "apa_home_recipients", "93", 2022) + value(rows, "apa_establishment_recipients", "93", 2022)
        == 22650
    )


def test_traps_corse_rhone_regions_france(rows: pd.DataFrame) -> None:
    codes = set(rows["territory_code"])
    assert not codes & {"2A", "2B", "20", "69D", "69M", "976"}
    per_year = rows[rows["territory_level"] == "departement"].groupby(["indicator_id", "year"]).size()
    assert set(per_year) == {98}  # 94 metropolitan (no 2A/2B from 2018) + 4 DROM
    # Rhône: the published whole 69 only, which is 69D + 69M (no double count).
    assert value(rows, "apa_recipients", "69", 2021) == 32453 == 9244 + 23209
    # France: the published « TOTAL estimé France entière, hors Mayotte », not a sum nor a région row.
    assert value(rows, "apa_recipients", "FR", 2022) == 1336340
    assert value(rows, "ase_children_placed", "FR", 2022) == 208064
    dep_sum = rows[(rows["territory_level"] == "departement") & (rows["indicator_id"] == "apa_recipients")]
    assert dep_sum.loc[dep_sum["year"] == 2022, "value"].sum() < 1336340  # Corse (20) is not in the départements


def test_table_equals_workbook_on_every_overlapping_cell(overlap: pd.DataFrame) -> None:
    """Same value, or a rounding of the workbook's estimated (non-integer) values, or a DREES revision
    declared in REVISED (where the store keeps the workbook's value)."""
    assert len(overlap) > 12_000  # 98-100 départements + France, 6 series + their sum, 2002-2020
    diff = overlap[overlap["value_workbook"] != overlap["value_table"]]
    estimated = diff["value_workbook"] % 1 != 0
    rounding = diff[estimated]
    assert (rounding["value_workbook"] - rounding["value_table"]).abs().max() < 1.5  # France sums of roundings
    assert (
        rounding.loc[rounding["territory_level"] == "departement", "value_workbook"].round()
        == rounding.loc[rounding["territory_level"] == "departement", "value_table"]
    ).all()
    found = {
        (r.indicator_id, r.territory_code, r.year): (int(r.value_workbook), int(r.value_table))
        for r in diff[~estimated].itertuples()
    }
    listing = "\n".join(f"{k}: workbook {v[0]}, table {v[1]}" for k, v in sorted(found.items()))
    assert found == src.REVISED, f"differences beyond rounding:\n{listing}"
    print(f"{len(overlap)} overlapping cells, {len(rounding)} roundings, {len(found)} revisions:\n{listing}")
