"""Property-based: random and hostile CSV/XLSX files never raise an uncaught exception, never kill the
process, are refused within the budgets, never change the store when refused, and are published exactly
as parsed when accepted. Set RADAR_PROPERTY_COUNTS=FILE to get the counts (tried, refused, accepted)."""

from __future__ import annotations

import atexit
import collections
import functools
import hashlib
import io
import json
import os
import time
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.core.schema import KEY
from indicators.publishing import upload_cli
from indicators.publishing.upload import ParsedUpload, UploadError, parse_upload
from indicators.storage import versions
from tests import hostile_workbooks
from tests.upload_helpers import copy_store

BUDGET_SECONDS = 10.0
COUNTS: collections.Counter = collections.Counter()


def _write_counts() -> None:
    if os.environ.get("RADAR_PROPERTY_COUNTS") and COUNTS:
        Path(os.environ["RADAR_PROPERTY_COUNTS"]).write_text(json.dumps(dict(COUNTS), indent=1))


atexit.register(_write_counts)

TOKENS = st.sampled_from(
    [
        "38",
        "2A",
        "1",
        "99",
        "974",
        "FR",
        "84",
        "poverty_rate",
        "nope",
        "2020",
        "1800",
        "s",
        "nd",
        "n.d.",
        "",
        "12,5",
        "1.234,5",
        "=1+1",
        "abc",
        "-3",
        "150",
        "\u00e9",
        '"',
        "\x00",
        "CODGEO",
        "TP6020",
        "territory_code",
        "indicator_id",
        "year",
        "value",
        "region",
    ]
)
SEPARATORS = st.sampled_from([";", ",", "\t", "|", " "])


@st.composite
def table_like(draw) -> bytes:
    sep = draw(SEPARATORS)
    header = draw(
        st.sampled_from(
            [
                ["CODGEO", "TP6020"],
                ["territory_code", "indicator_id", "year", "value"],
                ["territory_level", "territory_code", "indicator_id", "year", "value"],
                [],
            ]
        )
    )
    header = header or draw(st.lists(TOKENS, min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(TOKENS, min_size=0, max_size=len(header) + 1), max_size=8))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    if draw(st.booleans()):
        text = f"sep={sep}\n" + text
    if draw(st.booleans()):
        text = text.replace("\n", "\n\n", 1)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]))
    return text.encode(encoding, errors="replace")


@st.composite
def workbook_like(draw) -> bytes:
    """Real workbooks: notes or hidden sheets first, percent formats, formulas with or without value, blank rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    percent = book.add_format({"num_format": "0.0%"})
    if draw(st.booleans()):
        notes = book.add_worksheet("Notes")
        notes.write(0, 0, "Source : Insee")
        if draw(st.booleans()):
            notes.hide()
    sheet = book.add_worksheet("Données")
    header = draw(st.sampled_from([["CODGEO", "TP6020"], ["territory_code", "indicator_id", "year", "value"]]))
    top = draw(st.integers(0, 3))
    sheet.write_row(top, 0, header)
    for r, row in enumerate(draw(st.lists(st.lists(TOKENS, min_size=1, max_size=len(header)), max_size=6))):
        line = top + 1 + r + draw(st.integers(0, 1))  # sometimes a blank row
        for c, token in enumerate(row):
            kind = draw(st.sampled_from(["text", "number", "percent", "formula", "formula_value"]))
            if kind == "number":
                sheet.write_number(line, c, draw(st.floats(-1e300, 1e300, allow_nan=False)))
            elif kind == "percent":
                sheet.write_number(line, c, draw(st.floats(-2, 2, allow_nan=False)), percent)
            elif kind == "formula":
                sheet.write_formula(line, c, "=1+1")
            elif kind == "formula_value":
                sheet.write_formula(line, c, "=10+2.5", None, 12.5)
            else:
                sheet.write_string(line, c, token)
    book.close()
    return out.getvalue()


@st.composite
def valid_csv(draw) -> bytes:
    """Files that must be accepted: real codes, shares, French or plain decimals, blank lines, encodings."""
    codes = draw(st.lists(st.sampled_from(["01", "2A", "38", "44", "974", "93", "5", "69"]), min_size=1, unique=True))
    values = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=len(codes), max_size=len(codes)))
    sep, comma = draw(st.sampled_from([(";", True), (",", False), ("\t", True)]))
    lines = [f"CODGEO{sep}TP6020"] + [
        f"{c}{sep}{round(v, 1):.1f}".replace(".", "," if comma else ".") for c, v in zip(codes, values, strict=True)
    ]
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])))


HOSTILE = st.sampled_from(["far", "far_nodim", "huge_part"])
FILES = st.one_of(table_like(), workbook_like(), valid_csv(), st.binary(max_size=400))


@functools.cache
def hostile(kind: str) -> bytes:
    if kind == "huge_part":
        return hostile_workbooks.bomb(4_500_000)  # ~290 MB inside, 1 MB outside: refused from the zip directory
    return hostile_workbooks.far_cell(declare_dimension=kind == "far")


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return copy_store(tmp_path_factory.mktemp("store"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=FILES, name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_random_files_are_reported_not_raised(data, name):
    start = time.perf_counter()
    COUNTS["tried"] += 1
    try:
        result = parse_upload(data, name, indicator="poverty_rate")
    except UploadError as error:
        COUNTS["refused"] += 1
        assert len(error.problems) >= 1
        assert list(error.problems.columns) == ["row", "column", "value", "message"]
    else:
        COUNTS["accepted"] += 1
        assert isinstance(result, ParsedUpload) and len(result.rows) >= 1
        assert result.rows["value"].between(0, 100).all()  # poverty_rate is a share
    assert time.perf_counter() - start < BUDGET_SECONDS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(FILES, HOSTILE.map(hostile)), name=st.sampled_from(["f.csv", "f.xlsx"]))
def test_refused_files_never_change_the_store_and_accepted_ones_are_published_as_parsed(
    data, name, store_dir, tmp_path_factory, capsys
):
    path = tmp_path_factory.mktemp("upload") / name
    path.write_bytes(data)
    before = _fingerprint(store_dir)
    start = time.perf_counter()
    COUNTS["tried_cli"] += 1
    code = upload_cli.main([str(path), "--indicator", "poverty_rate", "--store", str(store_dir), "--who", "h"])
    capsys.readouterr()
    assert time.perf_counter() - start < BUDGET_SECONDS + 5  # the publish itself included
    if code != 0:
        COUNTS["refused_cli"] += 1
        assert _fingerprint(store_dir) == before
    else:
        COUNTS["accepted_cli"] += 1
        parsed = parse_upload(data, name, indicator="poverty_rate")
        published = versions.table(store_dir=store_dir).merge(parsed.rows, on=KEY, suffixes=("", "_file"))
        assert len(published) == len(parsed.rows)
        assert (published["value"] == published["value_file"]).all()


@settings(max_examples=3, deadline=None)
@given(kind=HOSTILE)
def test_hostile_workbooks_are_refused_within_budget(kind):
    data = hostile(kind)
    start = time.perf_counter()
    COUNTS["hostile"] += 1
    with pytest.raises(UploadError) as caught:
        parse_upload(data, "hostile.xlsx", indicator="poverty_rate")
    assert time.perf_counter() - start < BUDGET_SECONDS
    message = caught.value.problems["message"].iloc[0]
    assert any(word in message for word in ("déclare", "décompress", "mémoire", "dépasse"))
