"""The query layer answers what the whole-table masks answered, and the version token reads a manifest.

On the fixture store (tests/fixture_store.py): its values are the real store's, a few rows of them."""

import json
import shutil

import pandas as pd

from indicators.core.paths import INDICATORS_FILE
from indicators.storage import query, store, versions


def test_series_matches_the_table_for_seine_saint_denis():
    got = query.series("poverty_rate", "93")
    table = store.load_indicators()
    rows = table[(table["indicator_id"] == "poverty_rate") & (table["territory_code"] == "93")]
    assert got.to_dict() == rows[rows["territory_level"] == "departement"].set_index("year")["value"].to_dict()
    assert got.to_dict() == {2019: 28.4, 2020: 27.6}
    assert query.series("poverty_rate", "976").empty  # Filosofi does not cover Mayotte: no row, not a zero


def test_indicator_year_gives_every_departement_with_a_value():
    rows = query.indicator_year("poverty_rate", 2020)
    assert rows["territory_code"].tolist() == ["2A", "38", "44", "69", "93"]
    assert rows.set_index("territory_code").loc["93", "value"] == 27.6
    assert rows["source_id"].eq("insee_filosofi_2020").all()
    assert query.indicator_year("poverty_rate", 2019)["source_id"].eq("cdc_logements_departements").all()


def test_profile_rows_and_range_of_one_territory():
    rows = query.profile_rows("93", indicator_ids=["poverty_rate", "rsa_coverage_rate"])
    assert rows[["indicator_id", "year"]].values.tolist() == [
        ["poverty_rate", 2019],
        ["poverty_rate", 2020],
        ["rsa_coverage_rate", 2018],
        ["rsa_coverage_rate", 2019],
    ]
    assert query.profile_rows("93", variant="central")[["indicator_id", "year"]].values.tolist() == [
        ["population", 2050]
    ]
    extent = query.observed_range("poverty_rate")
    assert (extent.first_year, extent.last_year, extent.low, extent.high, extent.territories) == (
        2019,
        2020,
        10.0,
        28.4,
        5,
    )
    assert query.observed_range("no_such_indicator") == query.Range(None, None, None, None, 0)
    assert query.years("unemployment_rate") == [2023, 2024]


def test_rows_with_filters_equal_the_masked_table():
    table = store.load_indicators()
    got = query.rows(indicator_ids=["rsa_coverage_rate"], levels=["france"])
    expected = table[
        (table["indicator_id"] == "rsa_coverage_rate")
        & (table["territory_level"] == "france")
        & (table["variant"] == "observed")
    ]
    pd.testing.assert_frame_equal(
        got.sort_values("year").reset_index(drop=True), expected.sort_values("year").reset_index(drop=True)
    )
    assert got["value"].tolist() == [5.7291, 5.7348]


def test_coverage_counts_territories_and_years():
    frame = query.coverage().set_index("indicator_id")
    assert frame.loc["poverty_rate"].tolist() == [2019, 2020, 5, 5]
    assert frame.loc["rsa_coverage_rate"].tolist() == [2018, 2019, 6, 6]


def test_token_reads_the_manifest_and_notices_a_rebuilt_base(tmp_path):
    shutil.copy(store._path(INDICATORS_FILE, None), tmp_path / INDICATORS_FILE)
    first = versions.token(tmp_path)
    manifest = json.loads((tmp_path / versions.BASE_MANIFEST).read_text())
    assert first == f"0-{manifest['sha256']}"
    assert versions.token(tmp_path) == first
    table = pd.read_parquet(tmp_path / INDICATORS_FILE)
    table.iloc[:-1].to_parquet(tmp_path / INDICATORS_FILE, index=False)  # a different base
    assert versions.token(tmp_path) != first
