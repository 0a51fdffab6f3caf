"""French number formats (Babel's fr_FR rules, no-break spaces)."""

import pytest

from indicators.core import catalogue
from indicators.core.formatting import format_indicator, format_number, format_points, format_rank, format_value

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


def test_analyst_text_is_plain_in_markdown_and_plotly():
    from indicators.core.formatting import plain, plain_plotly

    beacon = "Taux ![x](http://tracker.example/p.png) <a href='http://e'>lien</a> :red[rouge] $x$"
    escaped = plain(beacon)
    assert "\\!\\[x\\](http" in escaped and "\\<a" in escaped and "\\:red\\[" in escaped
    assert escaped.replace("\\", "") == beacon  # only the characters are shown
    assert plain_plotly("<a href='x'>lien</a> & co") == "&lt;a href='x'&gt;lien&lt;/a&gt; &amp; co"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[clic ici](http://x)", r"\[clic ici\](http\://x)"),
        ("\n\n# titre", r"\# titre"),  # no line break: no heading, list or quote can start
        ("x\r\n===", "x ==="),
        ("- a", r"\- a"),
        ("12. a", r"12\. a"),
        ("voir www.x.io, a@x.io ou https://x.io", r"voir www\.x.io, a\@x.io ou https\://x.io"),  # no autolink
        ("<img src=x> &lt;", r"\<img src=x\> \&lt;"),
        ("Source : Insee, 11,3 % (2021)", "Source : Insee, 11,3 % (2021)"),  # ordinary text unchanged
    ],
)
def test_plain_makes_markdown_inert(text, escaped):
    from indicators.core.formatting import plain

    assert plain(text) == escaped


def test_quoted_echo_is_short_and_inert():
    from indicators.core.formatting import quoted

    assert quoted("![x](http://x/t.png)") == r"« \!\[x\](http\://x/t.png) »"
    assert quoted("9" * 500) == "« " + "9" * 79 + "… »"


def test_any_finite_value_is_formatted_without_error():
    from indicators.core.formatting import format_number

    assert format_number(1.7e308, 1) == "1,7\u00a0×\u00a010³⁰⁸"
    assert format_number(-1e28, 0) == "-1,0\u00a0×\u00a010²⁸"
    assert format_number(123456789012345.6, 1) == "123\u00a0456\u00a0789\u00a0012\u00a0345,6"
    assert format_number(5e-324, 2) == "0,00"
