"""The commune and EPCI profile: who the territory is (EPCI, département, région, legal population), each
figure beside its EPCI, département and France with its level, and the one-page PDF."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from indicators import local_profile, local_report, profile, store
from indicators.formatting import NBSP


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
    assert epci.facts == f"362{NBSP}933 habitants (population légale 2022)"


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
