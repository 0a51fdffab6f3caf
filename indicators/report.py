"""The printable A4 profile (PDF, reportlab) and its command line.

python -m indicators.report 38 -o fiche-38.pdf
python -m indicators.report --all fiches/          # one PDF per département
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date
from pathlib import Path

from babel.dates import format_date
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from indicators import formatting, territories
from indicators.profile import Figure, Profile
from indicators.schema import AGE_BANDS

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLUE = colors.HexColor("#1f4e79")
RED = colors.HexColor("#c0504d")
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#eef3f8")


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
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, textColor=BLUE, spaceBefore=7, spaceAfter=3),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.8, leading=9.4),
        "value": ParagraphStyle("value", fontName=bold, fontSize=8.5, leading=10, alignment=2),
        "num": ParagraphStyle("num", fontName=regular, fontSize=7.8, leading=9.4, alignment=2),
        "note": ParagraphStyle("note", fontName=regular, fontSize=6.6, leading=8, textColor=GREY),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9, textColor=colors.white),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), BLUE)]
    table.setStyle(TableStyle(style))
    return table


def _figure_rows(figures: tuple[Figure, ...], s: dict, france: bool, rank: bool) -> list[list]:
    head = ["Indicateur", "Valeur", "Année"] + (["France"] if france else []) + (["Rang"] if rank else [])
    rows = [[Paragraph(h, s["head"]) for h in head]]
    for fig in figures:
        label = f"{_esc(fig.label)}<br/><font size=6.4 color='#666666'>{_esc(fig.caption)}</font>"
        row = [
            Paragraph(label, s["cell"]),
            Paragraph(fig.text, s["value"]),
            Paragraph(str(fig.year or "n.d."), s["num"]),
        ]
        if france:
            row.append(Paragraph(fig.france_text or formatting.MISSING, s["num"]))
        if rank:
            row.append(Paragraph(fig.rank or "–", s["num"]))
        rows.append(row)
    return rows


def _section(title: str, figures: tuple[Figure, ...], s: dict, france: bool = True, rank: bool = False) -> list:
    width = 180 * mm
    extra = (36 * mm if france else 0) + (20 * mm if rank else 0)
    widths = (
        [width - 40 * mm - 14 * mm - extra, 40 * mm, 14 * mm]
        + ([36 * mm] if france else [])
        + ([20 * mm] if rank else [])
    )
    return [KeepTogether([Paragraph(title, s["h2"]), _table(_figure_rows(figures, s, france, rank), widths)])]


def pyramid_drawing(profile: Profile, width: float = 95 * mm, height: float = 72 * mm) -> Drawing:
    """Men left (blue), women right (red), France's shape as a black outline; shares of the total population."""
    regular, _ = _fonts()
    drawing = Drawing(width, height)
    data = profile.pyramid
    if data.empty:
        drawing.add(
            String(width / 2, height / 2, "Pyramide des âges : n.d.", fontName=regular, fontSize=8, textAnchor="middle")
        )
        return drawing
    label_w, bottom, top = 14 * mm, 10 * mm, 6 * mm
    centre = label_w + (width - label_w) / 2
    half = (width - label_w) / 2 - 2 * mm
    scale = half / (float(data[["departement", "france"]].max().max()) * 1.05)
    band_h = (height - bottom - top) / len(AGE_BANDS)
    by = {(r.sex, r.age_band): r for r in data.itertuples()}
    for i, band in enumerate(AGE_BANDS):
        y = bottom + i * band_h
        drawing.add(String(label_w - 2, y + band_h * 0.2, band, fontName=regular, fontSize=5.5, textAnchor="end"))
        for sex, sign, color in (("M", -1, BLUE), ("F", 1, RED)):
            row = by.get((sex, band))
            if row is None:
                continue
            w = row.departement * scale
            x = centre - w if sign < 0 else centre
            drawing.add(Rect(x, y + 0.4, w, band_h - 0.8, fillColor=color, strokeColor=None))
    for sex, sign in (("M", -1), ("F", 1)):
        points = []
        for i, band in enumerate(AGE_BANDS):
            row = by.get((sex, band))
            if row is not None:
                x = centre + sign * row.france * scale
                points += [x, bottom + i * band_h, x, bottom + (i + 1) * band_h]
        drawing.add(PolyLine(points, strokeColor=colors.black, strokeWidth=0.7, strokeDashArray=[1.5, 1.2]))
    drawing.add(Line(centre, bottom, centre, height - top, strokeColor=colors.grey, strokeWidth=0.3))
    for tick in (1, 2, 3, 4, 5, 6, 8):
        if tick * scale > half:
            break
        for sign in (-1, 1):
            x = centre + sign * tick * scale
            drawing.add(
                String(
                    x,
                    bottom - 8,
                    formatting.format_value(tick, "%", 0),
                    fontName=regular,
                    fontSize=5.5,
                    textAnchor="middle",
                )
            )
    drawing.add(
        String(
            centre - half / 2,
            height - top + 2,
            "Hommes",
            fontName=regular,
            fontSize=7,
            fillColor=BLUE,
            textAnchor="middle",
        )
    )
    drawing.add(
        String(
            centre + half / 2,
            height - top + 2,
            "Femmes",
            fontName=regular,
            fontSize=7,
            fillColor=RED,
            textAnchor="middle",
        )
    )
    drawing.add(
        String(
            label_w,
            1,
            "pointillé : France · part de la population totale",
            fontName=regular,
            fontSize=5.5,
            fillColor=GREY,
        )
    )
    return drawing


def build_pdf(profile: Profile, today: date | None = None) -> bytes:
    """The A4 profile of one département, as PDF bytes."""
    s = _styles()
    today = today or date.today()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Profil du département : {profile.title}",
        author="Radar social",
        subject="Analyse des besoins sociaux",
    )
    story = [
        Paragraph(f"Profil du département : {_esc(profile.title)}", s["title"]),
        Paragraph(
            f"Région {_esc(profile.region)} · fiche éditée le {format_date(today, 'long', locale='fr_FR')} "
            "· Radar social, indicateurs de l'Analyse des besoins sociaux",
            s["sub"],
        ),
        Spacer(1, 3 * mm),
    ]
    story += _section("Chiffres clés", profile.headline, s, france=True)
    ages = [[Paragraph(h, s["head"]) for h in ("Tranche d'âge", profile.code, "France")]]
    ages += [
        [
            Paragraph(_esc(f.label.replace("Part des ", "").replace(" dans la population", "")), s["cell"]),
            Paragraph(f.text, s["value"]),
            Paragraph(f.france_text, s["num"]),
        ]
        for f in profile.ages
    ]
    right = [
        _table(ages, [38 * mm, 22 * mm, 20 * mm]),
        Spacer(1, 2 * mm),
        Paragraph(_esc(f"Au 1er janvier {profile.pyramid_year}. Source : {profile.pyramid_source}."), s["note"]),
    ]
    story.append(
        KeepTogether(
            [
                Paragraph("Structure par âge", s["h2"]),
                Table(
                    [[pyramid_drawing(profile), right]],
                    colWidths=[100 * mm, 80 * mm],
                    style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
                ),
            ]
        )
    )
    story += _section("Indicateurs sociaux", profile.social, s, france=True, rank=True)
    story.append(
        Paragraph(
            "Rang parmi les départements la même année ; 1ᵉʳ = valeur la plus élevée, "
            "situation la plus difficile selon le catalogue (taux de RSA, d'ASE, de pauvreté) "
            "ou simplement la plus élevée (APA, AAH, PCH).",
            s["note"],
        )
    )
    story += _section("Dépenses d'aide sociale", profile.spending, s, france=True, rank=False)
    story += _section("La collectivité", profile.collectivite, s, france=False)
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            "Sources : Insee, DREES, CNAF, MSA, Caisse des Dépôts, sous Licence Ouverte / Etalab 2.0 ; "
            "budget et agents : "
            "profils 2018 des départements de l'Isère, de la Loire-Atlantique et de la Seine-Saint-Denis. "
            "« n.d. » : non disponible dans la source, jamais remplacé par zéro.",
            s["note"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrire la fiche PDF d'un département (ou de tous).")
    parser.add_argument("code", nargs="?", help="code du département : 38, 2A, 974…")
    parser.add_argument("-o", "--output", type=Path, help="fichier PDF (défaut : fiche-CODE.pdf)")
    parser.add_argument("--all", type=Path, metavar="DIR", help="écrire une fiche par département dans DIR")
    args = parser.parse_args(argv)
    if not args.code and not args.all:
        parser.error("donnez un code de département ou --all DIR")
    from indicators import profile, store

    table, population = store.load_indicators(), store.load_population()
    started = time.perf_counter()
    if args.all:
        args.all.mkdir(parents=True, exist_ok=True)
        codes = territories.departement_codes()
        for code in codes:
            (args.all / f"fiche-{code}.pdf").write_bytes(build_pdf(profile.build(table, population, code)))
        print(f"{len(codes)} fiches écrites dans {args.all} en {time.perf_counter() - started:.1f} s")
        return 0
    code = territories.normalise_departement_code(args.code)
    if code not in territories.departement_codes():
        print(f"code de département inconnu : {args.code}", file=sys.stderr)
        return 2
    output = args.output or Path(f"fiche-{code}.pdf")
    output.write_bytes(build_pdf(profile.build(table, population, code)))
    print(f"{output} écrit en {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
