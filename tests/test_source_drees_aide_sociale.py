"""DREES enquête Aide sociale: exact published values, reference ratios and the file traps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR
from indicators.core.schema import AGE_BANDS
from indicators.sources import drees_aide_sociale as src
from indicators.sources import insee_population


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return src.read(RAW_DIR)


def value(df: pd.DataFrame, indicator: str, code: str, year: int) -> float:
    level = "france" if code == "FR" else "departement"
    match = df[
        (df["territory_level"] == level)
        & (df["territory_code"] == code)
        & (df["indicator_id"] == indicator)
        & (df["year"] == year)
    ]["value"]
    assert len(match) == 1, f"{indicator} {code} {year}: {len(match)} rows"
    return float(match.iloc[0])


def test_columns_and_uniqueness(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["territory_level", "territory_code", "indicator_id", "year", "value"]
    assert set(df["territory_level"]) == {"departement", "france"}
    assert not df.duplicated(["territory_level", "territory_code", "indicator_id", "year"]).any()
    assert df["value"].notna().all() and (df["value"] > 0).all()
    assert set(df.loc[df["territory_level"] == "france", "territory_code"]) == {"FR"}


def test_indicator_ids_and_years(df: pd.DataFrame) -> None:
    years = df.groupby("indicator_id")["year"].agg(["min", "max"])
    expected = {
        "apa_recipients": (2002, 2020),
        "apa_home_recipients": (2002, 2020),
        "apa_establishment_recipients": (2002, 2020),
        "pch_recipients": (2006, 2020),
        "ase_children_placed": (2002, 2020),
        "ase_educational_actions": (2002, 2020),
        "ase_children": (2002, 2020),
        "social_spending_net": (1999, 2019),
        "social_spending_net_elderly": (1999, 2019),
        "social_spending_net_disability": (2001, 2019),
        "social_spending_net_child_welfare": (1999, 2019),
        "social_spending_net_rsa_insertion": (2009, 2019),
        "spending_gross_apa": (2002, 2019),
        "spending_gross_pch": (2006, 2019),
        "social_staff_fte": (2014, 2020),
    }
    assert {k: (int(r["min"]), int(r["max"])) for k, r in years.iterrows()} == expected


def test_apa_2014_reference(df: pd.DataFrame) -> None:
    # Tab4-pa, paid for December 2014.
    assert value(df, "apa_recipients", "38", 2014) == 23845
    assert value(df, "apa_recipients", "44", 2014) == 20837
    assert value(df, "apa_recipients", "93", 2014) == 20743
    # Published national total: "TOTAL estimé France entière (hors Mayotte)".
    assert value(df, "apa_recipients", "FR", 2014) == 1251261
    home = value(df, "apa_home_recipients", "38", 2014)
    assert home + value(df, "apa_establishment_recipients", "38", 2014) == 23845


def test_ase_2014_reference(df: pd.DataFrame) -> None:
    assert value(df, "ase_children_placed", "38", 2014) == 2701
    assert value(df, "ase_educational_actions", "38", 2014) == 3038
    assert value(df, "ase_children", "38", 2014) == 5739
    assert value(df, "ase_children", "44", 2014) == 2425 + 2782
    assert value(df, "ase_children", "93", 2014) == 4597 + 3129
    assert value(df, "pch_recipients", "38", 2014) == 5716


def test_reference_ratios_with_population(df: pd.DataFrame) -> None:
    """SOURCES.md: APA / 60+ and ASE / 0-19, counts at 31/12/2014 over population at 1/1/2015."""
    pop = insee_population.read_age_sex(RAW_DIR)
    pop = pop[pop["year"] == 2015].groupby(["territory_code", "age_band"])["population"].sum()
    expected = {"38": (8.38, 1.76), "44": (6.68, 1.47), "93": (8.08, 1.67)}
    for code, (apa_pct, ase_pct) in expected.items():
        over_60 = pop[code][list(AGE_BANDS[12:])].sum()
        under_20 = pop[code][list(AGE_BANDS[:4])].sum()
        apa = 100 * value(df, "apa_recipients", code, 2014) / over_60
        ase = 100 * value(df, "ase_children", code, 2014) / under_20
        print(f"{code}: APA/60+ {apa:.2f} %, ASE/0-19 {ase:.2f} %")
        assert round(apa, 2) == apa_pct
        assert round(ase, 2) == ase_pct


def test_isere_net_spending(df: pd.DataFrame) -> None:
    # Tot-tab1, k€: 566 M€ in 2013 and 627 M€ in 2019.
    assert value(df, "social_spending_net", "38", 2013) == pytest.approx(566059.51237)
    assert value(df, "social_spending_net", "38", 2019) == pytest.approx(626863.96086)
    assert value(df, "social_spending_net", "FR", 2019) == pytest.approx(39231348.79491639)
    assert value(df, "social_spending_net_rsa_insertion", "69", 2019) == pytest.approx(287880.62757)
    assert value(df, "spending_gross_apa", "69", 2019) == pytest.approx(147041.53528)


def test_staff_fte(df: pd.DataFrame) -> None:
    assert value(df, "social_staff_fte", "38", 2014) == pytest.approx(1171.6)
    # National row "TOTAL estimé France métropolitaine et DROM (hors Mayotte)", published from 2017.
    assert value(df, "social_staff_fte", "FR", 2017) == pytest.approx(77239.3)
    staff = df[df["indicator_id"] == "social_staff_fte"]
    assert not ((staff["territory_code"] == "93") & (staff["year"] == 2014)).any()  # 'ND'
    assert not ((staff["territory_code"] == "69") & (staff["year"] == 2015)).any()  # 69 and 69D 'ND'


def test_territory_traps(df: pd.DataFrame) -> None:
    codes = set(df["territory_code"])
    assert not codes & {"69D", "69M", "20", "976"}
    assert len(codes - {"FR"}) == 100
    corsica = df[df["territory_code"].isin(["2A", "2B"])]
    assert corsica["year"].max() == 2017
    # Whole Rhône, Métropole de Lyon included (= 69D 9079 + 69M 24043).
    assert value(df, "apa_recipients", "69", 2017) == 33122
    assert value(df, "apa_recipients", "01", 2002) == 4306  # code stored as '01'
    # Published zeros are placeholders: Haute-Corse APA in establishment 2002, 2A spending 2018.
    assert (
        df[(df["indicator_id"] == "apa_establishment_recipients") & (df["territory_code"] == "2B")]["year"].min()
        == 2004
    )
    assert not ((df["territory_code"] == "2A") & (df["year"] == 2018)).any()


# --- Layout checks on synthetic sheets -----------------------------------------------------------

TABLE = src.Table("x.xlsx", "Tab", "apa_recipients", "bénéficiaires de l'apa", 2014)
TITLE = ["Tableau 4 - Bénéficiaires de l'APA", "", "", "", "", ""]
HEADER = ["Code région", "Code département", "Département", 2014.0, 2015.0, 2016.0]


def synthetic(extra: list[list]) -> list[list]:
    metro = [[84.0, float(i), f"Dept {i}", 10.0, 11.0, 12.0] for i in range(1, 95) if i not in (20, 69)]
    national = ["TOTAL estimé France entière (hors Mayotte)", "", "", 1000.0, "nd", 1200.0]
    regions = [["84", "Région", "", 1, 2, 3]]
    return [list(TITLE), [""] * 6, list(HEADER), *metro, *extra, national, [""] * 6, *regions]


def test_synthetic_rhone_markers_and_codes() -> None:
    rows = synthetic(
        [
            [94.0, 20.0, "Collectivité de Corse", 5.0, 5.0, 5.0],
            [94.0, "2A", "Corse-du-Sud", 3.0, "-", ""],
            [84.0, 69.0, "Rhône", 7.0, "", ""],
            [84.0, "69D", "Rhône", "", 2.0, 2.0],
            [84.0, "69M", "Métropole", "", 5.0, "s"],
            [103.0, 976.0, "Mayotte", 1.0, 1.0, 1.0],
        ]
    )
    out = pd.DataFrame(src._read_table(rows, Path("x.xlsx"), TABLE, "Tab"), columns=src.COLUMNS)
    rhone = out[out["territory_code"] == "69"].set_index("year")["value"].to_dict()
    assert rhone == {2014: 7.0, 2015: 7.0}  # 2016: 69M secret, so no sum
    assert out[out["territory_code"] == "2A"]["year"].tolist() == [2014]
    assert out[out["territory_code"] == "01"]["value"].tolist() == [10.0, 11.0, 12.0]
    assert out[out["territory_code"] == "FR"]["year"].tolist() == [2014, 2016]
    assert not set(out["territory_code"]) & {"20", "976", "69D", "69M"}


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda rows: rows[2].__setitem__(5, 2017.0), "one column per year from 2014"),  # a gap
        (lambda rows: rows[2].__setitem__(4, 2016.0) or rows[2].__setitem__(5, 2015.0), "in order"),  # backwards
        (lambda rows: rows[2].__setitem__(3, 2013.0), "one column per year from 2014"),  # a shifted first year
        (lambda rows: rows[0].__setitem__(0, "Tableau 5 - autre chose"), "title"),
        (lambda rows: rows.pop(-3), "national total"),
        (lambda rows: rows.__setitem__(2, ["Région"] + HEADER[1:]), "header row"),
    ],
)
def test_changed_layout_raises(mutate, message: str) -> None:
    rows = synthetic([])
    mutate(rows)
    with pytest.raises(RawFileError, match=message) as err:
        src._read_table(rows, Path("x.xlsx"), TABLE, "Tab")
    assert err.value.sheet == "Tab" and err.value.path.name == "x.xlsx"


def test_a_newer_edition_with_one_more_year_is_read_to_its_last_year() -> None:
    extra = [[94.0, "2A", "Corse-du-Sud", 3.0, 3.0, 3.0], [84.0, 69.0, "Rhône", 7.0, 7.0, 7.0]]
    rows = [[*row, 13.0 if isinstance(row[-1], float) else ""] for row in synthetic(extra)]
    rows[2][-1] = 2017.0
    out = pd.DataFrame(src._read_table(rows, Path("x.xlsx"), TABLE, "Tab"), columns=src.COLUMNS)
    assert out[out["territory_code"] == "01"].set_index("year")["value"].to_dict() == {
        2014: 10.0,
        2015: 11.0,
        2016: 12.0,
        2017: 13.0,
    }


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RawFileError, match="file not found"):
        src.read(tmp_path)
