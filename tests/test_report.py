"""The printed profile carries the page's figures (checked by extracting the PDF's text) and the CLI writes it."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from indicators import profile, report, territories


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def seine_saint_denis(table, population):
    return profile.build(table, population, "93")


def test_pdf_for_93_has_poverty_and_rsa_as_on_the_page(seine_saint_denis):
    pdf = report.build_pdf(seine_saint_denis, today=date(2026, 11, 21))
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    poverty = seine_saint_denis.figure("poverty_rate", "Indicateurs sociaux")
    rsa = seine_saint_denis.figure("rsa_coverage_rate")
    assert (poverty.text, rsa.text) == ("27,6\u00a0%", "10,73\u00a0%")
    assert "27,6 %" in text and "10,73 %" in text
    assert "Seine-Saint-Denis (93)" in text and "21 novembre 2026" in text
    assert "2ᵉ sur 98" in text and "Insee, Filosofi 2020" in text
    assert "Pyramide" not in text or "Hommes" in text


def test_cli_writes_one_pdf(tmp_path):
    out = tmp_path / "fiche-2a.pdf"
    assert report.main(["2a", "-o", str(out)]) == 0
    text = _text(out.read_bytes())
    assert "Corse-du-Sud (2A)" in text and "n.d." in text
    assert report.main(["99"]) == 2
    assert report.main(["988"]) == 2  # Nouvelle-Calédonie is not a département


def test_profile_lists_the_101_departements():
    codes = territories.departement_codes()
    assert len(codes) == 101 and {"2A", "2B", "976"} <= set(codes) and "988" not in codes
