"""Property: reading an upload costs time in proportion to its size, whatever its shape (issue 23).

Each example is a file shape (leading blank lines, header width up to 10⁶ columns, duplicate or quoted
names, rows, one long quoted cell, separator, line ends) built at two sizes, one dimension grown 4x; the
time per byte of the larger may not exceed the smaller's by more than SLACK (a quadratic step gives 4x
and more: the probe's quoted duplicate header took 208 s at 16 KB and 40 min at 240 KB). Generous, and
measured as the best of two runs, so that a loaded machine does not make it flaky; the absolute figures
are in ``make bench`` (tests/benchmarks/bench_hostile_csv.py), not here.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.publishing import upload_read
from indicators.publishing.upload import UploadError, parse_upload

pytestmark = pytest.mark.slow
SLACK = 2.5  # time per byte of the 4x file / time per byte of the 1x file
FLOOR_SECONDS = 0.25  # below this, timer noise and fixed costs dominate: compared as if it took this long
GROWN = ("blank_lines", "columns", "rows", "cell")


@st.composite
def shapes(draw) -> dict:
    return {
        "grow": draw(st.sampled_from(GROWN)),
        "sep": draw(st.sampled_from([";", ",", "\t"])),
        "quoted": draw(st.booleans()),
        "duplicate": draw(st.booleans()),
        "crlf": draw(st.booleans()),
        "blank_lines": draw(st.integers(0, 3)),
        "columns": draw(st.integers(2, 6)),
        "rows": draw(st.integers(1, 20)),
        "base": draw(st.sampled_from([1, 2, 4])),  # x 62 500 units: files from ~60 KB to ~10 MB (10⁶ columns)
    }


def build(shape: dict, factor: int) -> bytes:
    """The file of ``shape`` with its grown dimension multiplied by ``factor``."""
    grown = shape["base"] * 62_500 * factor
    blank = grown if shape["grow"] == "blank_lines" else shape["blank_lines"]
    width = grown if shape["grow"] == "columns" else shape["columns"]  # up to 4 x 62 500 x 4 = 10⁶ columns
    rows = grown // 8 if shape["grow"] == "rows" else shape["rows"]
    q = '"' if shape["quoted"] else ""
    names = ["CODGEO"] + [f"{q}{'C' if shape['duplicate'] else f'TP60{i % 90 + 10}'}{q}" for i in range(width - 1)]
    end = "\r\n" if shape["crlf"] else "\n"
    cell = '"' + ("a;b" + end + 'c ""d"" ') * (grown // 10) + '"' if shape["grow"] == "cell" else "12,5"
    lines = [""] * blank + [shape["sep"].join(names)]
    lines += [shape["sep"].join(["38", cell, *["1"] * (width - 2)]) for _ in range(rows)]
    return end.join(lines).encode() + end.encode()


def seconds(data: bytes) -> float:
    best = float("inf")
    for _ in range(2):
        upload_read._tables.clear()  # the read is kept per content: time the read itself
        start = time.perf_counter()
        with contextlib.suppress(UploadError):
            parse_upload(data, "f.csv", indicator="poverty_rate")
        best = min(best, time.perf_counter() - start)
    return best


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shape=shapes())
def test_time_per_byte_is_flat(shape):
    small, large = build(shape, 1), build(shape, 4)
    assert len(large) > 3 * len(small)
    t_small, t_large = max(seconds(small), FLOOR_SECONDS), seconds(large)
    per_byte_ratio = (t_large / len(large)) / (t_small / len(small))
    assert per_byte_ratio < SLACK, f"{shape}: {t_small:.2f} s for {len(small)} B, {t_large:.2f} s for {len(large)} B"


def test_a_header_of_a_million_columns_is_refused_for_its_width():
    shape = {"grow": "columns", "sep": ";", "quoted": True, "duplicate": False, "crlf": False, "base": 4}
    data = build({**shape, "blank_lines": 1, "columns": 2, "rows": 1}, 4)
    with pytest.raises(UploadError) as caught:
        parse_upload(data, "f.csv", indicator="poverty_rate")
    problem = caught.value.problems.iloc[0]
    assert problem["message"].startswith("l'en-tête a 1\u202f000\u202f000 colonnes (limite 2\u202f000)")
    assert problem["row"] == 2  # after the blank line
