"""The schema knows territory levels and validates each code against its level's shape."""

import pandas as pd
import pytest
from pandera.errors import SchemaErrors

from indicators.core.schema import validate_indicators


def _rows(pairs):
    return pd.DataFrame(
        {
            "territory_level": [lev for lev, _ in pairs],
            "territory_code": [code for _, code in pairs],
            "indicator_id": "poverty_rate",
            "year": 2020,
            "variant": "observed",
            "value": 14.5,
            "source_id": "insee_filosofi",
        }
    )


def test_every_level_accepts_its_own_codes():
    good = [
        ("departement", "38"),
        ("departement", "2A"),
        ("departement", "974"),
        ("region", "84"),
        ("france", "FR"),
        ("commune", "38185"),
        ("commune", "2A004"),
        ("commune", "97411"),
        ("epci", "200040715"),
    ]
    out = validate_indicators(_rows(good))
    assert sorted(zip(out["territory_level"], out["territory_code"], strict=True)) == sorted(good)


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("departement", "38185"),  # a commune code at the département level
        ("commune", "38"),
        ("commune", "2C004"),
        ("commune", "3818"),
        ("epci", "20004071"),  # 8 digits
        ("epci", "2000407150"),
        ("region", "2A"),
        ("france", "38"),
        ("canton", "3801"),  # unknown level
    ],
)
def test_a_code_of_the_wrong_shape_for_its_level_is_refused(level, code):
    with pytest.raises(SchemaErrors):
        validate_indicators(_rows([(level, code), ("departement", "38")]))
