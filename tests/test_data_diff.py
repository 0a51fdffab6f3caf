"""The rebuild's data diff: rows added, removed and changed per indicator."""

import pandas as pd

from indicators.build import data_diff


def _rows(values):
    return pd.DataFrame(
        [
            {
                "territory_level": "departement",
                "territory_code": c,
                "indicator_id": i,
                "year": y,
                "variant": "observed",
                "value": v,
            }
            for i, c, y, v in values
        ]
    )


def test_added_removed_and_changed_rows_per_indicator():
    old = _rows(
        [
            ("apa_recipients", "38", 2019, 100.0),
            ("apa_recipients", "44", 2019, 50.0),
            ("rsa_households", "93", 2019, 9.0),
        ]
    )
    new = _rows(
        [
            ("apa_recipients", "38", 2019, 101.0),
            ("apa_recipients", "38", 2020, 102.0),
            ("rsa_households", "93", 2019, 9.0),
        ]
    )
    changes = data_diff.diff(old, new)
    assert changes.values.tolist() == [["apa_recipients", 1, 1, 1]]  # rsa_households unchanged: not listed
    assert data_diff.describe(changes) == (
        "served table: +1 added, -1 removed, 1 changed rows\n  apa_recipients: +1 added, -1 removed, 1 changed"
    )


def test_no_change_and_first_build():
    rows = _rows([("apa_recipients", "38", 2019, 100.0)])
    assert data_diff.describe(data_diff.diff(rows, rows.copy())) == "no change in the served table"
    assert data_diff.diff(None, rows).values.tolist() == [["apa_recipients", 1, 0, 0]]
