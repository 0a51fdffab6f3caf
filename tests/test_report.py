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
    assert (apa.text, apa.year) == ("7,6\u00a0%", 2022) and "7,6 %" in text
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
    assert "Sources" in text and "médiane des 5 départements similaires" in text
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


def test_pdf_says_which_figures_are_old_in_words(seine_saint_denis, monkeypatch):
    monkeypatch.setenv("RADAR_TODAY", "2026-12-07")  # the freshness clock, frozen
    pdf = report.build_pdf(seine_saint_denis, today=date(2026, 12, 7))
    text = _text(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "Population (2023, donnée ancienne)" in text
    assert "Âge des données" in text
    assert "donnée 2019 — l'édition 2024 est sans doute parue (DREES)" in text


def _runs(pdf: bytes) -> list[tuple[float, float, str]]:
    """(font size in pt, height on the page in pt, text) of every text run of the first page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((round(size * tm[0], 1), tm[5] * cm[3] + cm[5], text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def _paragraph_words(cell):
    """(word, font, size) of a table cell's paragraph (a no-break space does not break a line: it stays in the
    word); bold runs measured in bold."""
    from reportlab.platypus import Paragraph

    for paragraph in cell if isinstance(cell, list) else [cell]:
        if not isinstance(paragraph, Paragraph):
            continue
        for frag in paragraph.frags:
            for word in frag.text.split(" "):
                if word:
                    yield word, frag.fontName, frag.fontSize


def _broken_words(blocks) -> list[str]:
    """Words of a table cell wider than their cell: reportlab would cut them in the middle (splitLongWords)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table

    broken = []
    for block in blocks:
        if not isinstance(block, Table):
            continue
        for row in block._cellvalues:
            for cell, width in zip(row, block._colWidths, strict=True):
                if isinstance(cell, list) and any(isinstance(c, Table) for c in cell):
                    broken += _broken_words(cell)
                    continue
                if isinstance(cell, Table):
                    broken += _broken_words([cell])
                    continue
                broken += [w for w, font, size in _paragraph_words(cell) if stringWidth(w, font, size) > width - 4]
    return broken


@pytest.mark.parametrize("code", ["93", "92", "976"])
def test_fiche_reads_at_8_pt_fills_its_page_and_breaks_no_word(table, population, code):
    """Body text at 8 pt or more (chart ticks and legends 7 pt), the page filled to its foot (the spine's rows
    take what the other blocks leave), no word cut inside a table cell, and the radar's top three (issue 28) fitting
    with the spine at its least height even on the fullest fiche (92: eight sentences of commentary)."""
    from indicators.views.pdf_style import a4_document

    prof = profile.build(table, population, code)
    pdf = report.build_pdf(prof, today=date(2026, 12, 7))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    runs = _runs(pdf)
    assert min(size for size, _, _ in runs) >= 7
    sentences = [text for size, _, text in runs if len(text.split()) >= 5 and size < 8]
    assert all(t in _CHART_TEXTS or t.startswith("au 1er janvier") for t in sentences), sentences
    lowest = min(y for _, y, _ in runs)
    assert lowest < 30 * 72 / 25.4  # the last line within 30 mm of the page's foot (bottom margin: 8 mm)
    blocks = report.story(prof, date(2026, 12, 7))
    assert _broken_words(blocks) == []
    room = report.slack(blocks, a4_document(io.BytesIO(), "room")) * 25.4 / 72
    assert room >= 0, room  # the radar's block in, the spine at its least height still fits: one page


_CHART_TEXTS = {
    "plus difficile que 3/4 des départements",
    "plus favorable que 3/4 des départements",
    "médiane des 5 départements similaires",
    "France (pointillé : médiane des départements)",
    "le plus bas des départements",
}


def test_broken_word_check_sees_a_word_wider_than_its_cell():
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table

    s = report.styles()
    cell = Paragraph("Intercommunalité", s["cell"])
    assert _broken_words([Table([[cell]], colWidths=[15 * mm])]) == ["Intercommunalité"]
    assert _broken_words([Table([[cell]], colWidths=[40 * mm])]) == []
