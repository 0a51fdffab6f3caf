"""French number formats for every figure on screen, in the PDF and in exports (Babel's fr_FR rules).

``format_value(11.3, "%", 1)`` -> ``"11,3 %"``; ``format_value(1272816, "habitants", 0)`` ->
``"1 272 816 habitants"``; missing -> ``"n.d."``. Babel's group separator (a narrow no-break
space, U+202F) is replaced by a plain no-break space (U+00A0): it never breaks across lines and
every font, including the PDF's built-in Helvetica, has it.
"""

from __future__ import annotations

import decimal
import math
import re
from functools import lru_cache

from babel.numbers import format_decimal

from indicators.core.catalogue import Indicator

LOCALE = "fr_FR"
MISSING = "n.d."
NBSP = "\u00a0"
SCIENTIFIC_FROM = 1e15  # beyond this, "1,7 × 10³⁰⁸" (Babel's quantize fails from 1e28 with the default context)
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
SUFFIX_UNITS = {"%": "%", "‰": "‰", "k€": "k€", "M€": "M€", "€/hab.": "€/hab.", "€/an": "€/an", "hab./km²": "hab./km²"}


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, decimals: int = 0) -> str:
    """Never raises for a number: any finite float is shown (huge ones in scientific notation)."""
    if is_missing(value):
        return MISSING
    value = float(value)
    # Babel costs ~0.1 ms a number and a page formats thousands (every step of 24 sliders): memoised,
    # keyed with the sign so that -0.0 and 0.0 (equal as keys) keep their own text
    return _format_number(value, int(decimals), math.copysign(1.0, value))


@lru_cache(maxsize=16384)
def _format_number(value: float, decimals: int, sign: float) -> str:
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= SCIENTIFIC_FROM:
        mantissa, exponent = f"{value:.{max(decimals, 1)}e}".split("e")
        power = str(int(exponent)).translate(SUPERSCRIPT)
        return f"{format_number(float(mantissa), max(decimals, 1))}{NBSP}×{NBSP}10{power}"
    value = round(value, decimals) + 0.0  # -0.001 shown with 2 decimals is 0,00, not -0,00
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    with decimal.localcontext() as context:
        context.prec = 60
        text = format_decimal(decimal.Decimal(repr(round(value, decimals))), format=pattern, locale=LOCALE)
    return text.replace("\u202f", NBSP)


def format_value(value: float | None, unit: str, decimals: int = 0, with_unit: bool = True) -> str:
    """A number with its unit as French typography wants it (a space before %, ‰ and €)."""
    text = format_number(value, decimals)
    if text == MISSING or not with_unit or not unit:
        return text
    return f"{text}{NBSP}{SUFFIX_UNITS.get(unit, unit)}"


def format_indicator(value: float | None, indicator: Indicator, with_unit: bool = True) -> str:
    return format_value(value, indicator.unit, indicator.decimals, with_unit)


def format_points(delta: float | None, decimals: int = 1) -> str:
    """A signed gap in percentage points: '+1,2 pt'."""
    if is_missing(delta):
        return MISSING
    sign = "+" if delta > 0 else ("−" if delta < 0 else "")
    return f"{sign}{format_number(abs(delta), decimals)}{NBSP}pt"


def format_rank(rank: int, total: int) -> str:
    """'12ᵉ sur 100' (1ᵉʳ for the first)."""
    suffix = "ᵉʳ" if rank == 1 else "ᵉ"
    return f"{rank}{suffix} sur {total}"


MAX_ECHO = 80  # a URL can carry kilobytes: said back shortened


def plain(text: object) -> str:
    """Text from a user, an analyst or the catalogue, inert inside Streamlit Markdown (st.markdown, st.caption,
    st.warning, st.metric labels, st.subheader): every mark that starts Markdown, HTML, a colour directive, an
    icon, a formula or a GFM autolink (http://, www., e-mail) is backslash-escaped (CommonMark), line breaks
    become spaces (no heading, list or quote can start) and control characters go. The characters show."""
    text = _CONTROL.sub("", _LINE_BREAK.sub(" ", str(text or ""))).lstrip()
    text = "".join(f"\\{c}" if c in _MARKDOWN_PUNCTUATION else c for c in text)
    text = _DIRECTIVE.sub(r"\\:", text)  # ":red[", ":material/icon:", "http://" but not "Source : x"
    text = _WWW.sub(r"\1\\.", text)
    return _BLOCK_START.sub(r"\1\\\2", text)  # "- x", "+ x", "=== ", "1. x", "1) x" would start a block


def quoted(raw: object, limit: int = MAX_ECHO) -> str:
    """'« 38x »': what a visitor typed or put in the URL (``?dep=``, ``?com=``, ``?epci=``, a search query, an
    uploaded column name), said back in a message: shortened to ``limit`` characters, inert in Markdown."""
    text = " ".join(str(raw or "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {plain(text)} »"


def plain_plotly(text: object) -> str:
    """Text for a Plotly title, label or hover: Plotly renders a subset of HTML (<a>, <b>, <br>…); escaped."""
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN_PUNCTUATION = set("\\`*_{}[]#!|<>~$^&@")
_DIRECTIVE = re.compile(r":(?=[A-Za-z/])")
_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")
_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")
