"""The commune and EPCI profile: who the territory is (EPCI, département, région, legal population), each
figure beside its EPCI, département and France with its level, and the one-page PDF."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from indicators.core.formatting import NBSP
from indicators.storage import store
from indicators.views import local_profile, local_report, profile


@pytest.fixture(scope="module")
def index():
    return store.load_territories()


@pytest.fixture(scope="module")
def sarcelles(index):
    return local_profile.build("commune", "95585", index)


def test_sarcelles_knows_its_epci_departement_and_population(sarcelles):
    assert (sarcelles.title, sarcelles.epci, sarcelles.epci_name) == (
        "Sarcelles (95)",
        "200055655",
        "CA Roissy Pays de France",
    )
    assert (sarcelles.departement_name, sarcelles.region) == ("Val-d'Oise", "Île-de-France")
    assert sarcelles.facts == f"59{NBSP}173 habitants (population légale 2023)"


def test_an_epci_profile_is_its_own(index):
    epci = local_profile.build("epci", "200055655", index)
    assert (epci.kind, epci.name, epci.departement, epci.epci_name) == (
        "Intercommunalité",
        "CA Roissy Pays de France",
        "95",
        "",
    )
    assert epci.facts == f"367{NBSP}808 habitants (population légale 2023)"  # the sum of its members in the store
    assert epci.rank_scope == "parmi les intercommunalités de France"


def _row(prof, indicator_id):
    return next(r for r in prof.rows if r.indicator_id == indicator_id)


def test_sarcelles_against_its_epci_departement_and_france(sarcelles):
    unemployment = _row(sarcelles, "census_unemployment_rate_15_64")  # census 2021, not the ILO rate
    assert unemployment.year == 2021
    assert [unemployment.own.text, *(c.text for c in unemployment.others)] == [
        f"20,4{NBSP}%",
        f"14,0{NBSP}%",
        f"12,0{NBSP}%",
        f"12,1{NBSP}%",
    ]
    assert [c.level for c in unemployment.others] == ["epci", "departement", "france"]
    assert unemployment.rank == "1ᵉʳ sur 183"  # the highest of the 183 communes of the Val-d'Oise
    assert sarcelles.rank_scope == "parmi les communes du département Val-d'Oise (95)"
    assert _row(sarcelles, "legal_population").own.value == 59_173


def test_dunkerque_rank_and_similar_communes(index):
    dunkerque = local_profile.build("commune", "59183", index)
    population = _row(dunkerque, "legal_population")
    assert (population.own.value, population.year, population.rank) == (86_263, 2023, "4ᵉ sur 647")
    assert _row(dunkerque, "census_unemployment_rate_15_64").own.text == f"19,6{NBSP}%"  # 7 423 of 37 780 active
    assert len(dunkerque.similar) == 5
    assert all(43_131 <= s.population <= 172_526 for s in dunkerque.similar)  # comparable size: ½× to 2×
    assert "59183" not in {s.code for s in dunkerque.similar}


def test_an_unknown_code_is_refused(index):
    with pytest.raises(local_profile.UnknownTerritory):
        local_profile.build("commune", "99999", index)


def test_every_column_names_its_level(sarcelles):
    header, body = local_profile.table_rows(sarcelles, sarcelles.rows)
    assert header[:3] == ["Indicateur", "Année", "Commune : Sarcelles"]
    if sarcelles.rows:
        assert header[3:6] == [
            "Intercommunalité : CA Roissy Pays de France",
            "Département : Val-d'Oise",
            "France",
        ]
        assert all(len(row) == len(header) for row in body)


def test_pdf_is_one_page_with_the_departement_labelled_as_context(sarcelles, table, population):
    pdf = local_report.build_pdf(sarcelles, profile.build(table, population, "95"), today=date(2026, 12, 2))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) == 1
    assert "Profil commune : Sarcelles (95)" in text and "CA Roissy Pays de France" in text
    assert "Contexte départemental : Val-d'Oise (95)" in text and "2 décembre 2026" in text
    assert "niveau départemental" in text


def test_a_commune_without_a_published_figure_says_why(index):
    """Neussargues-Moissac (15141): the census counts it with communes split off since; no value, the reason."""
    commune = local_profile.build("commune", "15141", index)
    unemployment = _row(commune, "census_unemployment_rate_15_64")
    assert unemployment.own.missing and unemployment.own.text == "n.d." and unemployment.rank == ""
    assert "Non publiée pour la commune actuelle" in unemployment.note
    assert unemployment.others[-1].text == f"12,1{NBSP}%"  # France is still shown, the same year


def test_a_small_commune_missing_a_figure_is_never_zero(index):
    commune = local_profile.build("commune", "55039", index)  # Beaumont-en-Verdunois, 0 inhabitants
    assert all(r.own.text != "0" for r in commune.rows if r.own.missing)
    assert all(r.note for r in commune.rows if r.own.missing)


@pytest.fixture(scope="module")
def dunkerque(index):
    return local_profile.build("commune", "59183", index)


def test_dunkerque_is_an_abs_page_in_sections(dunkerque):
    titles = [title for title, _ in local_profile.sections(dunkerque)]
    assert titles == ["Population", "Revenus et pauvreté", "Âges et vieillissement", "Jeunesse", "Logement", "Emploi"]
    poverty = _row(dunkerque, "poverty_rate")
    assert (poverty.year, poverty.own.text) == (2021, f"22,0{NBSP}%")
    # the département's Filosofi 2020 beside the commune's 2021, its year said; no EPCI value (not published)
    assert [c.text for c in poverty.others] == ["n.d.", f"18,4{NBSP}% (2020)", "n.d."]
    assert poverty.rank.endswith("sur 208")  # among the Nord's communes with a published rate
    assert "Filosofi 2021" in poverty.source


def test_dunkerque_ageing_and_youth_changes(dunkerque):
    assert _row(dunkerque, "population_75_plus").own.text.startswith(f"8{NBSP}134")
    assert _row(dunkerque, "share_75_plus").change == f"2012 → 2018 : 8,9{NBSP}% → 9,4{NBSP}% (+0,5 pt)"
    neet = _row(dunkerque, "neet_rate")
    assert [neet.own.text, neet.others[0].text] == [f"24,0{NBSP}%", f"26,6{NBSP}%"]  # the CU's own published value
    assert neet.change.startswith("2008 → 2018 : 21,2")


def test_similar_communes_use_social_figures_too(dunkerque):
    assert {"poverty_rate", "median_living_standard", "neet_rate"} <= set(dunkerque.similar_indicators)


def test_the_page_csv_has_every_figure_with_its_section(dunkerque):
    frame = local_profile.csv_table(dunkerque)
    row = frame.set_index("Identifiant").loc["poverty_rate"]
    assert (row["Section"], row["Commune : Dunkerque"], row["Année (Département : Nord)"]) == (
        "Revenus et pauvreté",
        22.0,
        2020,
    )
    assert local_profile.to_csv_bytes(dunkerque).startswith("\ufeff".encode())


def test_dunkerque_pdf_is_one_page_and_no_word_is_cut_in_a_cell(dunkerque, table, population):
    pdf = local_report.build_pdf(dunkerque, profile.build(table, population, "59"), today=date(2026, 12, 7))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) == 1
    assert "Revenus et pauvreté" in text and "Jeunesse" in text and "Âges et vieillissement" in text
    body, widths, _ = local_report.figures_table(dunkerque)
    assert local_report.longest_word_overflow(body, widths, "DejaVu", 7.8) == []
    assert "Intercommunal ité" not in text and "habitant s" not in text
    # every figure's age: the old ones said in words under the table, the PDF still one page
    assert "Âge des données — des éditions plus récentes existent sans doute :" in text
    assert "donnée 2021 — l'édition 2023 est sans doute parue (Insee)" in text  # Filosofi 2021 by commune
