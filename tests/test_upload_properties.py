"""Property-based: random malformed files never raise an uncaught exception and never change the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import upload_cli
from indicators.upload import ParsedUpload, UploadError, parse_upload
from tests.upload_helpers import copy_store

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
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return copy_store(tmp_path_factory.mktemp("store"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(table_like(), st.binary(max_size=400)), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_random_files_are_reported_not_raised(data, name):
    try:
        result = parse_upload(data, name, indicator="poverty_rate")
    except UploadError as error:
        assert len(error.problems) >= 1
        assert list(error.problems.columns) == ["row", "column", "value", "message"]
    else:
        assert isinstance(result, ParsedUpload) and len(result.rows) >= 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(table_like(), st.binary(max_size=200)))
def test_rejected_files_never_change_the_store(data, store_dir, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("upload") / "f.csv"
    path.write_bytes(data)
    before = _fingerprint(store_dir)
    code = upload_cli.main([str(path), "--indicator", "poverty_rate", "--store", str(store_dir), "--who", "h"])
    capsys.readouterr()
    if code != 0:
        assert _fingerprint(store_dir) == before
