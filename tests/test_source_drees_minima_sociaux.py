"""DREES minima sociaux by département: exact raw counts, 2016 break, territories, layout checks."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR
from indicators.sources import drees_minima_sociaux as source
from indicators.sources import insee_population
from indicators.sources.excel import open_workbook, sheet_rows

PATH = RAW_DIR / source.FILES[0]
WORKING_AGE = [f"{a}-{a + 4}" for a in range(20, 65, 5)]  # 20-24 ... 60-64


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return source.read(RAW_DIR)


@pytest.fixture(scope="module")
def values(df: pd.DataFrame) -> pd.Series:
    return df.set_index(["indicator_id", "territory_code", "year"])["value"]


@pytest.fixture(scope="module")
def age_sex() -> pd.DataFrame:
    return insee_population.read_age_sex(RAW_DIR)


@pytest.fixture(scope="module")
def population(age_sex: pd.DataFrame) -> pd.Series:
    return insee_population.read(RAW_DIR, age_sex).set_index(["territory_code", "year"])["value"]


def test_shape(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["territory_level", "territory_code", "indicator_id", "year", "value"]
    assert not df.duplicated(["territory_level", "territory_code", "indicator_id", "year"]).any()
    assert set(df["territory_level"]) == {"departement", "france"}
    assert set(df.loc[df["territory_level"] == "france", "territory_code"]) == {"FR"}
    assert set(df["indicator_id"]) == {
        "aah_recipients",
        "aah_recipients_old_method",
        "ass_recipients",
        "aspa_recipients",
        "rsa_households",
        "rsa_households_old_method",
        "rsa_covered_people",
        "rsa_covered_people_old_method",
        "rsa_coverage_rate_published",
    }
    assert (df["value"] > 0).all()


def test_years_and_coverage(df: pd.DataFrame) -> None:
    dep = df[df["territory_level"] == "departement"]
    span = dep.groupby("indicator_id")["year"].agg(["min", "max"])
    assert span.loc["aah_recipients"].tolist() == [1995, 2019]
    assert span.loc["rsa_households"].tolist() == [2009, 2019]
    assert span.loc["rsa_covered_people"].tolist() == [2009, 2019]
    assert span.loc["aspa_recipients"].tolist() == [1996, 2019]
    n = dep.groupby("indicator_id")["territory_code"].nunique()
    assert n["aah_recipients"] == n["rsa_households"] == n["rsa_covered_people"] == 101
    assert n["aspa_recipients"] == 100  # no Mayotte row in Tableau 7
    # RSA in the DOM from 2011 (971-974), Mayotte from 2012: "-" before gives no row.
    rsa = dep[dep["indicator_id"] == "rsa_households"].groupby("year")["territory_code"].nunique()
    assert rsa[2009] == rsa[2010] == 96 and rsa[2011] == 100 and rsa[2012] == 101


def test_codes_normalised(values: pd.Series) -> None:
    assert values[("rsa_households", "01", 2009)] == 6157  # Ain, code text "01"
    assert values[("rsa_households", "2A", 2014)] == 2631  # written "20A" in the file
    assert values[("aah_recipients", "2B", 2019)] == 4610  # written "20B"
    assert values[("rsa_households", "974", 2019)] == 100688  # code stored as the number 974.0
    assert ("rsa_households", "974", 2010) not in values  # "-" -> no row, never 0
    assert values[("aah_recipients", "976", 2011)] == 287  # Mayotte published from 2011
    assert ("aah_recipients", "976", 2010) not in values  # empty cell -> no row


def test_known_counts(values: pd.Series) -> None:
    expected = {
        ("aah_recipients", "38", 2014): 15030,
        ("aah_recipients", "44", 2014): 19769,
        ("aah_recipients", "93", 2014): 21317,
        ("aah_recipients", "FR", 2014): 1040500,
        ("rsa_households", "38", 2014): 24248,
        ("rsa_households", "44", 2019): 29997,
        ("rsa_households", "93", 2014): 80433,
        ("rsa_covered_people", "38", 2014): 49491,
        ("rsa_covered_people", "44", 2014): 54893,
        ("rsa_covered_people", "93", 2014): 167727,
        ("rsa_covered_people", "38", 2019): 47192,
        ("rsa_covered_people", "44", 2019): 57458,
        ("rsa_covered_people", "93", 2019): 177550,
        ("rsa_covered_people", "FR", 2019): 3867600,
        ("ass_recipients", "93", 2019): 12370,
        ("aspa_recipients", "2A", 2019): 4064.5,  # Corsica = regional count / 2
    }
    for key, value in expected.items():
        assert values[key] == value, key


def test_france_row_only_where_published(values: pd.Series) -> None:
    # The 'France' row (metropolitan France + DOM) shows "-" for RSA in 2009-2010.
    assert ("rsa_households", "FR", 2010) not in values
    assert values[("rsa_households", "FR", 2011)] == 1589300
    assert values[("aah_recipients", "FR", 1995)] == 614700


def test_2016_break(values: pd.Series) -> None:
    # New method (the "2016 (n)" column carrying the rupture footnote) is year 2016 of the series.
    breaks = {  # (old method, new method)
        "aah_recipients": {
            "38": (15822, 16331),
            "44": (20832, 20953),
            "93": (24005, 25388),
            "FR": (1090300, 1129100),
        },
        "rsa_households": {
            "38": (24275, 24762),
            "44": (28816, 29114),
            "93": (81329, 82727),
            "FR": (1863200, 1893100),
        },
        "rsa_covered_people": {
            "38": (49847, 50841),
            "44": (55350, 55891),
            "93": (169903, 172550),
            "FR": (3825200, 3882800),
        },
    }
    for indicator, by_code in breaks.items():
        for code, (old, new) in by_code.items():
            assert values[(indicator + "_old_method", code, 2016)] == old
            assert values[(indicator, code, 2016)] == new
    old_years = {key[2] for key in values.index if key[0].endswith("_old_method")}
    assert old_years == {2016}


def test_published_coverage_rate(values: pd.Series, population: pd.Series) -> None:
    # Last column of Tableau 14: 2019 count over the INSEE estimate at 01/01/2020 (footnote 3),
    # as published in 2020; current INSEE estimates give slightly different ratios (93: 10.73).
    published = {"38": 3.73, "44": 4.00, "93": 10.63}
    recomputed = {"38": 3.69, "44": 3.98, "93": 10.73}
    for code in published:
        rate = values[("rsa_coverage_rate_published", code, 2019)]
        assert rate == pytest.approx(published[code], abs=0.005)
        ratio = 100 * values[("rsa_covered_people", code, 2019)] / population[(code, 2020)]
        assert ratio == pytest.approx(recomputed[code], abs=0.005)
    assert values[("rsa_coverage_rate_published", "FR", 2019)] == pytest.approx(5.767, abs=0.001)


def test_reference_ratios_2014(values: pd.Series, population: pd.Series, age_sex: pd.DataFrame) -> None:
    # SOURCES.md checks reproduce with stocks at 31/12/2014 over population at 01/01/2015.
    for code, ref in {"38": 3.96, "44": 4.02, "93": 10.53}.items():
        ratio = 100 * values[("rsa_covered_people", code, 2014)] / population[(code, 2015)]
        assert ratio == pytest.approx(ref, abs=0.05), code
    working_age = age_sex[age_sex["age_band"].isin(WORKING_AGE)]
    working = working_age.groupby(["territory_code", "year"])["population"].sum()
    for code, ref in {"38": 2.11, "44": 2.54, "93": 2.24}.items():
        ratio = 100 * values[("aah_recipients", code, 2014)] / working[(code, 2015)]
        assert ratio == pytest.approx(ref, abs=0.05), code


@pytest.fixture(scope="module")
def rsa_rows() -> list[list]:
    return sheet_rows(open_workbook(PATH), PATH, "Tableau 11")


def _table(sheet: str) -> source.Table:
    return next(t for t in source.TABLES if t.sheet == sheet)


def test_changed_layout_raises(rsa_rows: list[list]) -> None:
    table = _table("Tableau 11")
    assert source._read_table(rsa_rows, table, PATH)

    renamed = copy.deepcopy(rsa_rows)
    renamed[5][2] = "Département"
    with pytest.raises(RawFileError, match="Tableau 11.*Libelle Dep"):
        source._read_table(renamed, table, PATH)

    one_2016 = copy.deepcopy(rsa_rows)
    one_2016[6][11] = 2016.0  # '2016 (2)' relabelled: old and new method no longer distinguishable
    with pytest.raises(RawFileError, match="two 2016 columns"):
        source._read_table(one_2016, table, PATH)

    truncated = copy.deepcopy(rsa_rows)
    del truncated[20:60]  # forty départements lost, the France row and the footnotes kept
    with pytest.raises(RawFileError, match="96 metropolitan"):
        source._read_table(truncated, table, PATH)

    backwards = copy.deepcopy(rsa_rows)
    backwards[6][5], backwards[6][6] = backwards[6][6], backwards[6][5]  # 2011 and 2012 swapped
    with pytest.raises(RawFileError, match="in order and without a gap, found .*2012, 2011"):
        source._read_table(backwards, table, PATH)

    gap = copy.deepcopy(rsa_rows)
    gap[6][5] = 2010.0  # 2011 relabelled: 2010 twice, 2011 missing
    with pytest.raises(RawFileError, match="Tableau 11.*one column per year from 2009"):
        source._read_table(gap, table, PATH)


def test_a_newer_edition_with_one_more_year_is_read_to_its_last_year() -> None:
    rows = sheet_rows(open_workbook(PATH), PATH, "Tableau 6")
    head = next(i for i, row in enumerate(rows) if str(row[1]).strip() == "N° Dep")
    last = max(j for j, cell in enumerate(rows[head]) if str(cell).strip())
    newer = [[*row[: last + 1], (2020.0 if i == head else 1.0 if i > head else "")] for i, row in enumerate(rows)]
    out = pd.DataFrame(source._read_table(newer, _table("Tableau 6"), PATH), columns=source.COLUMNS)
    assert out["year"].max() == 2020 and len(out[out["year"] == 2020]) == len(out[out["year"] == 2019])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RawFileError, match="Minima sociaux"):
        source.read(tmp_path)
