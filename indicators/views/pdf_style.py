"""The PDF pages' shared parts (reportlab): fonts, colours, paragraph styles, tables, dates. Used by the
département profile (report.py) and the commune / EPCI profile (local_report.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLUE = colors.HexColor("#1f4e79")
MEN_LIGHT = colors.HexColor("#9dbbd6")  # women: a lighter tone of the same blue (distinct in black and white)
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#eef3f8")
WORSE = colors.HexColor("#b2182b")
BETTER = colors.HexColor("#2166ac")
SIMILAR = colors.HexColor("#e08214")
RANGE = colors.HexColor("#e4e4e4")
IQR = colors.HexColor("#b0b0b0")


def _fonts() -> tuple[str, str]:
    """DejaVu Sans when installed (it has ᵉ, ‰, −, no-break spaces), else the built-in Helvetica."""
    if "DejaVu" in pdfmetrics.getRegisteredFontNames():
        return "DejaVu", "DejaVu-Bold"
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
        return "DejaVu", "DejaVu-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, textColor=BLUE),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=8.5, leading=11, textColor=GREY),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=9.5, leading=12, textColor=BLUE, spaceBefore=4, spaceAfter=2
        ),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.8, leading=9.4),
        "value": ParagraphStyle("value", fontName=bold, fontSize=8.5, leading=10, alignment=2),
        "num": ParagraphStyle("num", fontName=regular, fontSize=7.8, leading=9.4, alignment=2),
        "note": ParagraphStyle("note", fontName=regular, fontSize=6.2, leading=7.4, textColor=GREY),
        "big": ParagraphStyle("big", fontName=bold, fontSize=11, leading=13),
        "comment": ParagraphStyle("comment", fontName=regular, fontSize=7.6, leading=9.4, spaceAfter=1.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9, textColor=colors.white),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), BLUE)]
    table.setStyle(TableStyle(style))
    return table


def french_date(day: date) -> str:
    """'1er décembre 2026', '21 novembre 2026' (French writes the first day of the month as an ordinal)."""
    return f"{'1er' if day.day == 1 else day.day} {format_date(day, 'MMMM y', locale='fr_FR')}"


def a4_document(buffer, title: str) -> SimpleDocTemplate:
    """The one-page A4 document of a profile (narrow margins), with its PDF metadata."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=10 * mm,
        bottomMargin=8 * mm,
        title=title,
        author="Radar social",
        subject="Analyse des besoins sociaux",
    )
