"""The query layer answers what the whole-table masks answered, and the version token reads a manifest."""

import json
import shutil

import pandas as pd

from indicators import query, store, versions
from indicators.paths import INDICATORS_FILE


def test_series_matches_the_table_for_seine_saint_denis(table):
    got = query.series("poverty_rate", "93")
    assert got.to_dict() == store.series(table, "poverty_rate", "93").to_dict()
    assert got[2020] == 27.6


def test_indicator_year_gives_every_departement_with_a_value(table):
    rows = query.indicator_year("poverty_rate", 2020)
    assert len(rows) == 98
    assert rows.set_index("territory_code").loc["93", "value"] == 27.6
    assert rows["source_id"].eq("insee_filosofi_2020").all()


def test_profile_rows_and_range_of_one_territory(table):
    rows = query.profile_rows("93", indicator_ids=["poverty_rate"])
    assert rows["year"].tolist() == [2016, 2017, 2018, 2019, 2020]
    extent = query.observed_range("poverty_rate")
    assert (extent.first_year, extent.last_year, extent.low, extent.high, extent.territories) == (
        2016,
        2020,
        8.9,
        40.0,
        98,
    )
    assert query.observed_range("no_such_indicator") == query.Range(None, None, None, None, 0)


def test_rows_with_filters_equal_the_masked_table(table):
    got = query.rows(indicator_ids=["poverty_rate"], levels=["france"])
    expected = table[
        (table["indicator_id"] == "poverty_rate")
        & (table["territory_level"] == "france")
        & (table["variant"] == "observed")
    ]
    pd.testing.assert_frame_equal(
        got.sort_values("year").reset_index(drop=True), expected.sort_values("year").reset_index(drop=True)
    )


def test_token_reads_the_manifest_and_notices_a_rebuilt_base(tmp_path):
    shutil.copy(store._path(INDICATORS_FILE, None), tmp_path / INDICATORS_FILE)
    first = versions.token(tmp_path)
    manifest = json.loads((tmp_path / versions.BASE_MANIFEST).read_text())
    assert first == f"0-{manifest['sha256']}"
    assert versions.token(tmp_path) == first
    table = pd.read_parquet(tmp_path / INDICATORS_FILE)
    table.iloc[:-1].to_parquet(tmp_path / INDICATORS_FILE, index=False)  # a different base
    assert versions.token(tmp_path) != first
