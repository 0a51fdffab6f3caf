"""Compare table (values, ranks, France, gaps, exports) and similar départements."""

import io

import openpyxl
import pandas as pd
import pytest

from indicators.models import similarity
from indicators.views import compare

CODES = ["38", "44", "93"]


@pytest.fixture(scope="module")
def wide(table):
    return compare.compare_table(table, CODES)


def test_compare_values_ranks_and_france(wide):
    row = wide.set_index("indicator_id").loc["rsa_coverage_rate"]
    assert row["year"] == 2019
    assert row["93_value"] == pytest.approx(10.73, abs=0.005) and row["93_rank"] == 5 and row["93_total"] == 101
    assert row["france_value"] == pytest.approx(5.73, abs=0.005)
    poverty = wide.set_index("indicator_id").loc["poverty_rate"]
    assert poverty["year"] == 2020 and poverty["93_value"] == 27.6 and pd.isna(poverty["france_value"])


def test_display_is_french_and_shows_nd(wide):
    shown = compare.display_table(wide, CODES).set_index("Indicateur")
    assert shown.loc["Couverture RSA (%)", "Seine-Saint-Denis"] == "10,7 · 5ᵉ\u00a0sur\u00a0101"
    assert shown.loc["Couverture RSA (%)", "France"] == "5,7"
    assert shown.loc["Niveau de vie médian (€/an)", "France"] == "n.d."
    # plain counts and neutral indicators get no rank: "1 = most difficult" means nothing for them
    assert shown.loc["Population (habitants)", "Seine-Saint-Denis"] == "1\u00a0682\u00a0806"
    assert shown.loc["75 ans et plus (%)", "Seine-Saint-Denis"] == "5,4"


def test_gap_scores_follow_polarity(wide):
    scores = compare.gap_scores(wide, CODES).set_axis(wide["indicator_id"])
    assert scores.loc["rsa_coverage_rate", "93"] > 0.8  # much more difficult than France
    assert scores.loc["rsa_coverage_rate", "38"] < 0
    assert pd.isna(scores.loc["poverty_rate", "93"])  # France n.d.: no colour
    assert pd.isna(scores.loc["rsa_households", "93"])  # counts are not compared with the France total
    assert scores.loc["share_75_plus", "93"] == 0  # neutral
    assert compare.cell_colour(float("nan")) == "" and "202, 0, 32" in compare.cell_colour(0.5)


def test_exports(wide):
    export = compare.export_table(wide, CODES)
    csv = compare.to_csv_bytes(export)
    assert csv.startswith(b"\xef\xbb\xbf")
    text = csv.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Indicateur;Unité;Année commune;Isère;Isère : année;Isère : rang parmi les départements")
    assert lines[0].endswith(";France;Source;Identifiant")  # human headers; the id last, for a join
    # rounded as displayed (catalogue decimals), decimal comma, no rank for a neutral count
    assert lines[1].startswith("Population au 1er janvier;habitants;2023;1294476;2023;;;département;1497313;")
    rsa = next(line for line in lines if line.endswith(";rsa_coverage_rate")).split(";")
    assert rsa[3:7] == ["3,7", "2019", "81", "101"]  # 47 192 covered / 1 277 513 inhabitants on 1/1/2020
    assert ";-0;" not in text and not any(cell == "-0" for line in lines for cell in line.split(";"))
    book = openpyxl.load_workbook(io.BytesIO(compare.to_xlsx_bytes(export, wide)))
    sheet = book["Comparaison"]
    assert sheet.freeze_panes == "B2" and book.sheetnames == ["Comparaison", "Sources"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[-1].value == "rsa_coverage_rate")
    assert row[header.index("Seine-Saint-Denis : rang parmi les départements")].value == 5
    assert row[header.index("Isère")].number_format == "#,##0.0"  # the catalogue's one decimal
    population = next(r for r in sheet.iter_rows(min_row=2) if r[-1].value == "population")
    assert population[header.index("Isère")].number_format == "#,##0"
    assert "Filosofi" in " ".join(str(c.value) for c in book["Sources"]["D"])


def test_exports_credit_an_imported_value_to_its_file_not_to_the_publisher(fixture_table):
    rows = fixture_table[fixture_table["indicator_id"] == "poverty_rate"].copy()
    rows.loc[(rows["territory_code"] == "38") & (rows["year"] == 2020), "source_id"] = "upload_0001_abcdef"
    wide = compare.compare_table(rows, CODES)
    source = compare.export_table(wide, CODES).set_index("Identifiant").loc["poverty_rate", "Source"]
    # 38: the file; 44 and 93: the published source (each source once)
    assert source == "fichier importé (source upload_0001_abcdef introuvable au catalogue) ; Insee, Filosofi 2020"


def test_parse_codes():
    assert compare.parse_codes("2a,976, 38,xx") == ["2A", "976", "38"]  # codes of the fixture store
    assert compare.parse_codes("38") == ["38"]  # the page asks for a second territory, adds none
    assert compare.parse_codes("xx") == []
    assert compare.parse_codes(None) == list(compare.DEFAULT_CODES)


@pytest.fixture(scope="module")
def z(table):
    matrix, years = similarity.indicator_matrix(table, list(similarity.DEFAULT_INDICATORS))
    assert years["poverty_rate"] == 2020 and len(matrix) == 98
    return similarity.standardise(matrix)


def test_self_is_nearest_at_zero_and_distance_is_symmetric(z):
    for code in ("38", "93", "974"):
        dist = similarity.distances(z, code)
        assert dist[code] == 0 and dist.idxmin() == code
    assert similarity.distances(z, "38")["93"] == pytest.approx(similarity.distances(z, "93")["38"])


def test_nearest_and_breakdown(z):
    near = similarity.nearest(z, "38", 3)
    assert "38" not in near["code"].tolist() and near["distance"].is_monotonic_increasing
    assert near["code"].tolist() == ["49", "44", "28"]
    why = similarity.breakdown(z, "38", near["code"].tolist())
    assert list(why.columns) == ["49", "44", "28"] and (why >= 0).all().all()
    assert (why**2).sum().pow(0.5).to_numpy() == pytest.approx(near["distance"].to_numpy())


def test_a_mix_of_communes_epci_and_departements_shows_each_its_own_figures(real_store):
    from indicators.storage import query, store

    index = store.load_territories()
    keys = ["com:95585", "epci:245900428", "95"]
    rows = pd.concat(
        [
            query.rows(levels=["departement", "france"]),
            query.rows(levels=["commune"], codes=["95585"]),
            query.rows(levels=["epci"], codes=["245900428"]),
        ]
    )
    wide = compare.compare_table(rows, keys, index=index)
    shown = compare.display_table(wide, keys, index).set_index("Indicateur")
    assert list(shown.columns) == ["Année", "France", "Sarcelles (95)", "CU de Dunkerque", "Val-d'Oise"]
    unemployment = shown.loc["Chômage 15-64 ans (recensement) (%)"]
    assert unemployment[["Sarcelles (95)", "CU de Dunkerque", "Val-d'Oise"]].tolist()[0] == "20,4"
    assert unemployment["Val-d'Oise"].startswith("12,0")
    poverty = shown.loc["Taux de pauvreté (%)"]  # Filosofi 2021 for the commune, 2020 for the département
    assert poverty["Sarcelles (95)"] == "35,0 (2021)"
    assert poverty["CU de Dunkerque"] == "non publié pour les intercommunalités"  # never the Nord's 18,4
    assert poverty["Val-d'Oise"].startswith("17,0 (2020) · ")  # a département keeps its rank
    export = compare.export_table(wide, keys, index).set_index("Identifiant")
    assert export.loc["poverty_rate", "Sarcelles (95) : niveau de la valeur"] == "commune"
    assert export.loc["poverty_rate", "CU de Dunkerque : statut"] == "non publié pour les intercommunalités"
    assert export.loc["census_unemployment_rate_15_64", "Sarcelles (95) : niveau de la valeur"] == "commune"
    assert compare.parse_codes("com:95585,epci:245900428,95,com:00000", index) == keys
