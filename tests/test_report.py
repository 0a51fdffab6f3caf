"""The printed profile carries the page's figures (checked by extracting the PDF's text) and the CLI writes it."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from indicators.storage import territories
from indicators.views import profile, report


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
    assert (poverty.text, rsa.text) == ("27,6\u00a0%", "10,7\u00a0%")  # one decimal for every rate
    assert "27,6 %" in text and "10,7 %" in text
    assert "Seine-Saint-Denis (93)" in text and "21 novembre 2026" in text
    assert "2ᵉ/98" in text and "Filosofi 2020" in text and "Hommes" in text
    # DREES 2021-2022 (issue 31): APA, PCH, ASE of 2022 on the fiche, credited to the 1996-2022 edition
    apa = seine_saint_denis.figure("apa_rate_60_plus")
    assert (apa.text, apa.year) == ("7,62\u00a0%", 2022) and "7,62 %" in text
    assert "séries longues 1996-2022" in text


@pytest.mark.parametrize("code", ["93", "976"])
def test_pdf_is_one_page_with_commentary_spine_and_outlook(table, population, code):
    prof = profile.build(table, population, code)
    pdf = report.build_pdf(prof, today=date(2026, 12, 1))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _text(pdf)
    assert "1er décembre 2026" in text
    assert prof.commentary and all(_text_of(s.text)[:60] in text for s in prof.commentary)
    assert "Où en est le département" in text and "Et demain" in text and "2050" in text
    assert "Sources" in text and "médiane des 5 similaires" in text
    if code == "976":
        assert "Filosofi (Insee) ne couvre pas" in text  # n.d. with its reason


def _text_of(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence.replace("\u00a0", " "))


def test_french_date_and_pyramid_ticks():
    assert report.french_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert report.french_date(date(2026, 11, 21)) == "21 novembre 2026"
    # Mayotte: shares up to 8 % on a narrow pyramid; ticks are spaced so that their labels never collide
    scale = 30 / 8.4
    ticks = report._ticks(7.9, 30, scale, min_gap=8)
    assert ticks and all((b - a) * scale >= 8 for a, b in zip(ticks, ticks[1:], strict=False))


def test_cli_writes_one_pdf(tmp_path, real_store):
    out = tmp_path / "fiche-2a.pdf"
    assert report.main(["2a", "-o", str(out)]) == 0
    text = _text(out.read_bytes())
    assert "Corse-du-Sud (2A)" in text and "n.d." in text
    assert report.main(["99"]) == 2
    assert report.main(["988"]) == 2  # Nouvelle-Calédonie is not a département


def test_profile_lists_the_101_departements(real_store):
    codes = territories.departement_codes()
    assert len(codes) == 101 and {"2A", "2B", "976"} <= set(codes) and "988" not in codes
