"""French number formats (Babel's fr_FR rules, no-break spaces)."""

import pytest

from indicators import catalogue
from indicators.formatting import format_indicator, format_number, format_points, format_rank, format_value

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (1_272_816, "habitants", 0, f"1{NBSP}272{NBSP}816{NBSP}habitants"),
        (11.3, "%", 1, f"11,3{NBSP}%"),
        (4.3, "‰", 1, f"4,3{NBSP}‰"),
        (3.956, "%", 2, f"3,96{NBSP}%"),
        (626_863.96, "k€", 0, f"626{NBSP}864{NBSP}k€"),
        (-0.125, "%", 2, f"-0,12{NBSP}%"),
        (None, "%", 1, "n.d."),
        (float("nan"), "%", 1, "n.d."),
    ],
)
def test_format_value(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


def test_format_indicator_uses_catalogue_decimals_and_unit():
    assert format_indicator(27.6, catalogue.get("poverty_rate")) == f"27,6{NBSP}%"
    assert format_indicator(1_294_476.0, catalogue.get("population"), with_unit=False) == f"1{NBSP}294{NBSP}476"


def test_ranks_points_and_zero():
    assert format_rank(1, 100) == "1ᵉʳ sur 100"
    assert format_rank(12, 100) == "12ᵉ sur 100"
    assert format_points(1.234) == f"+1,2{NBSP}pt"
    assert format_points(-0.06) == f"−0,1{NBSP}pt"
    assert format_number(0.0, 1) == "0,0"
