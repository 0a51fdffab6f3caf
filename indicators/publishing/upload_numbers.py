"""Numbers and years as an uploaded file writes them: decimal comma or point, thousands separators read from the
column itself (« 76.954 » is asked when the column does not tell), secrecy markers, years in column names."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKERS = {"", "s", "nd", "n.d.", "n.d", "nd.", "ns", "n.s.", "nc", "n.c.", "na", "n/a", "secret", "-"}


def to_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, is_missing_marker): decimal comma or point, spaces as thousands separators; a value that
    may be read two ways (« 76.954 ») is read as its column shows (see read_numbers), else as a decimal."""
    numbers, missing, _ = read_numbers(text)
    return numbers, missing


# one mark followed by exactly three digits, 1-3 digits before (not 0): « 76.954 », « 1,234 »
TWO_WAYS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")


def read_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, is_missing_marker, thousands_reading): ``thousands_reading`` is NaN except where a value
    can be read two ways and its column does not tell which: « 76.954 » is 76,954 or 76 954.

    The column tells when it shows the mark as a decimal one elsewhere (« 12,5 », « 0,954 », « 1.234,5 »
    for the comma) or as a thousands separator (« 1.234.567 », « 1.234,5 » for the point); a mark is a
    thousands separator where the other one is the decimal mark. Spaces as thousands separators
    (« 674 624 ») tell nothing about the point or the comma: such a value stays a question."""
    clean = text.astype(str).str.strip()
    missing = clean.str.lower().isin(MISSING_MARKERS)
    numbers = _decimals(clean.str.replace(",", ".", regex=False).where(~missing))
    slow = numbers.isna() & ~missing  # only these need the thousands-separator rules
    if slow.any():
        numbers[slow] = _to_numbers_slow(clean[slow])
    numbers = numbers.astype(float)
    thousands = pd.Series(np.nan, index=text.index)
    uniques = pd.Series(clean[~missing].unique(), dtype=object)
    two_ways = uniques.str.match(TWO_WAYS)
    if not two_ways.any():
        return numbers, missing, thousands
    other = uniques[~two_ways]
    shows = {mark: _shows(other, mark) for mark in ".,"}
    resolved, questions = {}, []
    for value in uniques[two_ways]:
        mark = "." if "." in value else ","
        decimal = shows[mark]["decimal"] or shows["," if mark == "." else "."]["thousands"]
        grouping = shows[mark]["thousands"] or shows["," if mark == "." else "."]["decimal"]
        if grouping and not decimal:
            resolved[value] = float(value.replace(mark, ""))
        elif not decimal:
            questions.append(value)
    if resolved:
        grouped = clean.isin(list(resolved))
        numbers[grouped] = clean[grouped].map(resolved).astype(float)
    if questions:
        asked = clean.isin(questions)
        thousands[asked] = clean[asked].str.replace(r"[.,]", "", regex=True).astype(float)
    return numbers, missing, thousands


PLAIN_DECIMAL = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _decimals(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as floats, the same numbers: plain decimals (« -12.5 »,
    « 3e5 ») by Arrow's parser in one C pass (pandas' own parses 1 M strings 15× slower), the rest by pandas."""
    array = pa.array(pd.array(text, dtype="str"))
    try:  # usually every value is a number or missing: one cast, no regex
        cast = pc.cast(pc.fill_null(array, "0"), pa.float64())
    except pa.ArrowInvalid:
        cast = None
    if cast is not None and len(cast):
        # Arrow's parser takes the plain decimals and « inf »/« nan » spellings (not finite): a finite result
        # is a plain decimal's, parsed as below; the others are left to the rules below.
        finite = pc.fill_null(pc.is_finite(cast), False)
        if pc.all(finite).as_py():
            parsed = pc.if_else(pc.is_null(array), np.nan, cast)
            return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    plain = pc.fill_null(pc.match_substring_regex(array, PLAIN_DECIMAL), False)
    parsed = pc.if_else(plain, pc.cast(pc.if_else(plain, array, "0"), pa.float64()), np.nan)
    numbers = pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    other = ~plain.to_numpy(zero_copy_only=False) & text.notna().to_numpy()
    if other.any():  # « inf », « nan », or not a number: pandas decides, as before
        numbers[other] = pd.to_numeric(text[other], errors="coerce").astype(float)
    return numbers


def _shows(values: pd.Series, mark: str) -> dict[str, bool]:
    """Whether the column's other values use ``mark`` as a decimal mark or as a thousands separator."""
    m, o = re.escape(mark), re.escape("," if mark == "." else ".")
    decimal = values.str.match(rf"^[+-]?\d*{m}\d+$") | values.str.match(rf"^[+-]?\d{{1,3}}(?:{o}\d{{3}})+{m}\d+$")
    grouping = values.str.match(rf"^[+-]?\d{{1,3}}(?:{m}\d{{3}}){{2,}}(?:{o}\d+)?$")
    grouping |= values.str.match(rf"^[+-]?\d{{1,3}}(?:{m}\d{{3}})+{o}\d+$")
    return {"decimal": bool(decimal.any()), "thousands": bool(grouping.any())}


def _to_numbers_slow(clean: pd.Series) -> pd.Series:
    clean = clean.str.replace(r"[ \u00a0\u202f]", "", regex=True)  # thousands separators (not line breaks)
    groups = clean.str.match(r"^[+-]?\d{1,3}(?:(?:\.\d{3}){2,}|(?:,\d{3}){2,})$")  # « 1.234.567 »: one mark, twice
    clean = clean.where(~groups, clean.str.replace(r"[.,]", "", regex=True))
    both = clean.str.contains(",", regex=False) & clean.str.contains(".", regex=False)
    if both.any():  # "1.234,5" or "1,234.5": the last mark is the decimal one
        comma_last = clean[both].str.rfind(",") > clean[both].str.rfind(".")
        clean.loc[both[both].index[comma_last]] = clean[both][comma_last].str.replace(".", "", regex=False)
        clean.loc[both[both].index[~comma_last]] = clean[both][~comma_last].str.replace(",", "", regex=False)
    return pd.to_numeric(clean.str.replace(",", ".", regex=False), errors="coerce")


def year_from_column(name: str, this_year: int | None = None) -> int | None:
    """'TP6020' -> 2020, 'POP2019' -> 2019, 'Q220' -> 2020; None without a trailing year.

    Two trailing digits are a year only from 2000 to next year ('TP60', the poverty rate at 60 %, is
    not 1960); four trailing digits from 1900 to 2100.
    """
    four = re.search(r"(\d{4})$", name)
    if four and 1900 <= int(four.group(1)) <= 2100:
        return int(four.group(1))
    census = re.match(r"^[PC](\d{2})_", name)  # INSEE census columns: P21_POP, C21_ACT1564 (15-64)
    if census:
        return 2000 + int(census.group(1))
    two = re.search(r"(\d{2})$", name)
    if two:
        this_year = this_year or datetime.date.today().year
        year = 2000 + int(two.group(1))
        return year if year <= this_year + 1 else None
    return None


YEAR_TEXT = re.compile(r"^\d{4}(?:[.,]0+)?$")


def _years(uniques: pd.Series) -> pd.Series:
    """Four digits (``2021``, or ``2021.0`` from a spreadsheet); ``2e3`` or ``20 21`` are not years."""
    text = uniques.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.match(YEAR_TEXT)).str.replace(",", ".", regex=False), errors="coerce")
