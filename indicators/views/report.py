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

import pandas as pd
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from indicators.core import formatting
from indicators.core.catalogue import IMPORTED_MARK
from indicators.core.schema import AGE_BANDS
from indicators.models import freshness
from indicators.storage import territories
from indicators.views import radar_pdf
from indicators.views.pdf_style import (  # noqa: F401 (french_date: part of report's interface)
    BETTER,
    BLUE,
    GREY,
    IQR,
    LIGHT,
    MEN_LIGHT,
    RANGE,
    SIMILAR,
    WORSE,
    _esc,
    _fonts,
    _styles,
    _table,
    a4_document,
    french_date,
)
from indicators.views.profile import Profile

# Body text of the département's fiche: 8 pt or more (chart tick labels 7 pt). The commune / EPCI fiche keeps
# pdf_style's sizes.
BODY_SIZES = {  # style: (font size, leading)
    "sub": (9, 11.5),
    "cell": (8.2, 9.8),
    "num": (8.2, 9.8),
    "head": (8.2, 9.8),
    "note": (8, 9.5),
    "comment": (8.2, 9.9),
    "big": (12, 14),
}
CHART_TEXT, CHART_TICK = 8, 7  # spine and pyramid labels, their tick labels


def styles() -> dict[str, ParagraphStyle]:
    """pdf_style's paragraph styles with the fiche's body sizes."""
    s = _styles()
    for name, (size, leading) in BODY_SIZES.items():
        s[name] = ParagraphStyle(f"fiche-{name}", parent=s[name], fontSize=size, leading=leading)
    s["head_num"] = ParagraphStyle("fiche-head-num", parent=s["head"], alignment=2)
    return s


def _ticks(top: float, half: float, scale: float, min_gap: float = 8 * mm) -> list[float]:
    """Tick values (%) on each side of the pyramid, at least ``min_gap`` apart and inside the half width."""
    for step in (1, 2, 5, 10):
        if step * scale >= min_gap:
            break
    return [t for t in range(step, int(top) + step, step) if t * scale <= half]


def pyramid_drawing(profile: Profile, width: float = 70 * mm, height: float = 60 * mm) -> Drawing:
    """Men left (dark), women right (light), France's shape as a dotted black outline; share of the total."""
    regular, _ = _fonts()
    drawing = Drawing(width, height)
    data = profile.pyramid
    if data.empty:
        drawing.add(
            String(
                width / 2,
                height / 2,
                "Pyramide des âges : n.d.",
                fontName=regular,
                fontSize=CHART_TEXT,
                textAnchor="middle",
            )
        )
        return drawing
    label_w, bottom, top = 12 * mm, 13 * mm, 5.5 * mm
    centre = label_w + (width - label_w) / 2
    half = (width - label_w) / 2 - 1 * mm
    peak = float(data[["departement", "france"]].max().max())
    scale = half / (peak * 1.05)
    band_h = (height - bottom - top) / len(AGE_BANDS)
    by = {(r.sex, r.age_band): r for r in data.itertuples()}
    for i, band in enumerate(AGE_BANDS):
        y = bottom + i * band_h
        if i % 3 == 1:  # every third band (5-9 … 80-84, 95+): 7 pt labels on bands ~2,5 mm high
            drawing.add(
                String(label_w - 2, y + band_h * 0.1, band, fontName=regular, fontSize=CHART_TICK, textAnchor="end")
            )
        for sex, sign, color in (("M", -1, BLUE), ("F", 1, MEN_LIGHT)):
            row = by.get((sex, band))
            if row is None:
                continue
            w = row.departement * scale
            x = centre - w if sign < 0 else centre
            drawing.add(Rect(x, y + 0.3, w, band_h - 0.6, fillColor=color, strokeColor=None))
    for sex, sign in (("M", -1), ("F", 1)):
        points = []
        for i, band in enumerate(AGE_BANDS):
            row = by.get((sex, band))
            if row is not None:
                x = centre + sign * row.france * scale
                points += [x, bottom + i * band_h, x, bottom + (i + 1) * band_h]
        drawing.add(PolyLine(points, strokeColor=colors.black, strokeWidth=0.7, strokeDashArray=[1.5, 1.2]))
    drawing.add(Line(centre, bottom, centre, height - top, strokeColor=colors.grey, strokeWidth=0.3))
    drawing.add(String(centre, bottom - 8, "0", fontName=regular, fontSize=CHART_TICK, textAnchor="middle"))
    for tick in _ticks(peak, half, scale, min_gap=7 * mm):
        for sign in (-1, 1):
            x = centre + sign * tick * scale
            drawing.add(Line(x, bottom - 1.5, x, bottom, strokeColor=colors.grey, strokeWidth=0.3))
            drawing.add(
                String(
                    x,
                    bottom - 8,
                    formatting.format_value(tick, "%", 0),
                    fontName=regular,
                    fontSize=CHART_TICK,
                    textAnchor="middle",
                )
            )
    for text, x in (("Hommes", centre - half / 2), ("Femmes", centre + half / 2)):
        drawing.add(String(x, height - top + 2, text, fontName=regular, fontSize=CHART_TEXT, textAnchor="middle"))
    drawing.add(
        String(
            label_w,
            1,
            f"au 1er janvier {profile.pyramid_year} · pointillé : France",
            fontName=regular,
            fontSize=CHART_TICK,
            fillColor=GREY,
        )
    )
    return drawing


def _marker(drawing: Drawing, status: str, x: float, y: float, r: float = 2.8) -> None:
    """The département's mark: the shape alone tells the status (black-and-white printing)."""
    if status == "worse":
        drawing.add(Rect(x - r, y - r, 2 * r, 2 * r, fillColor=WORSE, strokeColor=colors.black, strokeWidth=0.6))
    elif status == "better":
        drawing.add(Circle(x, y, r, fillColor=BETTER, strokeColor=colors.black, strokeWidth=0.6))
    elif status == "similar":
        drawing.add(Circle(x, y, r, fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.9))
    else:
        drawing.add(
            Polygon(
                [x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y],
                fillColor=GREY,
                strokeColor=colors.black,
                strokeWidth=0.5,
            )
        )


def _triangle(x: float, y: float, r: float = 1.5) -> Polygon:
    return Polygon(
        [x - r, y + r, x + r, y + r, x, y - r * 0.6], fillColor=SIMILAR, strokeColor=colors.black, strokeWidth=0.4
    )


SPINE_ROW = (4.4 * mm, 8 * mm)  # the spine's row height: least, most (it takes what the page leaves)


def spine_drawing(profile: Profile, width: float = 186 * mm, row_h: float = SPINE_ROW[0]) -> Drawing:
    """The page's spine chart, drawn in vectors: one row per indicator on its own min–max scale."""
    regular, bold = _fonts()
    rows = profile.spine
    head, foot = 5 * mm, 10 * mm  # foot: the two legend lines
    height = head + row_h * len(rows) + foot
    label_w, value_w = 56 * mm, 36 * mm
    x0, x1 = label_w, width - value_w
    drawing = Drawing(width, height)
    top = height - 3.4 * mm
    grey = dict(fontName=regular, fontSize=CHART_TICK, fillColor=GREY)
    drawing.add(String(x0, top, "le plus bas des départements", **grey))
    drawing.add(String(x1, top, "le plus haut", textAnchor="end", **grey))
    drawing.add(String(x1 + 2 * mm, top, "valeur · rang", **grey))
    span = x1 - x0
    for i, row in enumerate(rows):
        y = height - head - (i + 0.5) * row_h
        drawing.add(
            String(
                label_w - 2 * mm, y - 2.6, _spine_label(row), fontName=regular, fontSize=CHART_TEXT, textAnchor="end"
            )
        )
        if row.minimum is not None:
            drawing.add(Rect(x0, y - 1.2, span, 2.4, fillColor=RANGE, strokeColor=None))
            q1, q3 = row.position(row.q1), row.position(row.q3)
            drawing.add(Rect(x0 + q1 * span, y - 1.2, (q3 - q1) * span, 2.4, fillColor=IQR, strokeColor=None))
            fx = x0 + row.position(row.france) * span
            drawing.add(
                Line(
                    fx,
                    y - 2.6,
                    fx,
                    y + 2.6,
                    strokeColor=colors.black,
                    strokeWidth=1.1,
                    strokeDashArray=[1.3, 0.9] if row.france_is_median else None,
                )
            )
            if row.similar_median is not None:
                drawing.add(_triangle(x0 + row.position(row.similar_median) * span, y + 3.8))
            if row.value is not None:
                _marker(drawing, row.status, x0 + row.position(row.value) * span, y)
        text = "n.d." if row.missing else row.text + (f" · {row.rank}ᵉ/{row.n}" if row.polarity != "neutral" else "")
        drawing.add(
            String(x1 + 2 * mm, y - 2.6, text, fontName=bold if not row.missing else regular, fontSize=CHART_TEXT)
        )
    # legend, two lines: the département's marks, then the references
    size = CHART_TICK
    y, x = 5.5 * mm, 0
    for status, label in (
        ("worse", "plus difficile que 3/4 des départements"),
        ("better", "plus favorable que 3/4 des départements"),
        ("similar", "dans la moitié centrale"),
        ("neutral", "indicateur descriptif"),
    ):
        _marker(drawing, status, x + 2, y + 1.2, r=1.8)
        drawing.add(String(x + 5.5, y, label, fontName=regular, fontSize=size))
        x += 5.5 + pdfmetrics.stringWidth(label, regular, size) + 4 * mm
    y, x = 1 * mm, 0
    drawing.add(_triangle(x + 2, y + 1.6, r=1.5))
    label = "médiane des 5 départements similaires"
    drawing.add(String(x + 5.5, y, label, fontName=regular, fontSize=size))
    x += 5.5 + pdfmetrics.stringWidth(label, regular, size) + 4 * mm
    drawing.add(Line(x, y - 1, x, y + 4, strokeColor=colors.black, strokeWidth=1.1))
    drawing.add(String(x + 2.5, y, "France (pointillé : médiane des départements)", fontName=regular, fontSize=size))
    return drawing


def _grouped_notes(profile: Profile) -> list[str]:
    """'Taux de pauvreté, Niveau de vie médian : <reason>' — one entry per reason."""
    by_note: dict[str, list[str]] = {}
    for row in profile.spine:
        if row.missing:
            by_note.setdefault(row.note, []).append(row.short_label)
    return [f"{', '.join(labels)} : {note}" for note, labels in by_note.items()]


def _spine_label(row) -> str:
    return f"{row.short_label} ({row.year})" if row.year else row.short_label


def _split_unit(text: str, unit: str) -> tuple[str, str]:
    """'1 682 806 habitants' -> ('1 682 806', 'habitants')."""
    suffix = formatting.SUFFIX_UNITS.get(unit, unit)
    if unit and text.endswith(f"{formatting.NBSP}{suffix}"):
        return text[: -len(suffix) - 1], suffix
    return text, ""


def _count(row, value) -> str:
    """Counts without their unit word (it is in the row label): '1 909 197'."""
    return _split_unit(row.fmt(value), row.unit)[0] if row.unit.isalpha() else row.fmt(value)


def _year_and_age(fig) -> str:
    """' (2023)', or ' (2023, donnée ancienne)' when a newer edition is most likely out (said in full below)."""
    if not fig.year:
        return ""
    return f" ({fig.year}, donnée ancienne)" if fig.age else f" ({fig.year})"


def _age_notes(profile: Profile) -> list[str]:
    """The old figures the fiche prints (key figures, spine, collectivité), grouped by their age sentence
    (freshness.grouped)."""
    printed = [(f.short_label or f.label, f.key, f.year) for f in (*profile.headline, *profile.collectivite)]
    printed += [(row.short_label, row.key, row.year) for row in profile.spine]
    return freshness.grouped((label, key, year) for label, key, year in printed if year)


def _headline_table(profile: Profile, s: dict) -> Table:
    cells = []
    for fig in profile.headline:
        compare = f"{fig.france_label} : {fig.france_text}" if fig.france_text and fig.france_text != "n.d." else ""
        if fig.missing:
            compare = "n.d. : " + fig.note
        number, unit = _split_unit(fig.text, fig.unit)
        cells.append(
            [
                Paragraph(_esc(fig.short_label or fig.label) + _year_and_age(fig), s["cell"]),
                Paragraph(_esc(number) + (f" <font size=8.5>{_esc(unit)}</font>" if unit else ""), s["big"]),
                Paragraph(_esc(compare), s["note"]),
            ]
        )
    table = Table([cells], colWidths=[186 * mm / len(cells)] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


OUTLOOK_WIDTHS = [42 * mm, 28 * mm, 20 * mm, 38 * mm, 20 * mm, 38 * mm]  # the page's width, 186 mm


def outlook_cells(profile: Profile) -> list[list[str]]:
    """The projection table's texts: header, then per row label, last observation, and for 2030 and 2050 the
    central value and its range (low – high variants, or p10 – p90)."""
    rows = [["Projection (Radar social)", "Observé", "2030", "fourchette 2030", "2050", "fourchette 2050"]]
    for row in profile.outlook:
        unit = row.unit.isalpha() and row.unit.lower() not in row.label.lower()  # not « APA (bénéficiaires) »
        label = row.label + (f" ({row.unit})" if unit else "")
        observed = f"{_count(row, row.base)} ({row.base_year})" if row.base is not None else "n.d."
        cells = [label, observed]
        for year in (2030, 2050):
            p = row.at(year)
            if p is None:
                cells += ["n.d.", ""]
                continue
            low_high = p.low is not None and p.high is not None
            cells += [_count(row, p.central), f"{_count(row, p.low)} – {_count(row, p.high)}" if low_high else ""]
        rows.append(cells)
    return rows


def _outlook_table(profile: Profile, s: dict) -> Table:
    head, *body = outlook_cells(profile)
    rows = [[Paragraph(_esc(h), s["head"] if i == 0 else s["head_num"]) for i, h in enumerate(head)]]
    for cells in body:
        rows.append(
            [Paragraph(_esc(cells[0]), s["cell"]), Paragraph(_esc(cells[1]), s["num"])]
            + [
                Paragraph(f"<b>{_esc(c)}</b>" if i % 2 == 0 else f"<font color='#555555'>{_esc(c)}</font>", s["num"])
                for i, c in enumerate(cells[2:])
            ]
        )
    return _table(rows, OUTLOOK_WIDTHS)


class Spine(Flowable):
    """The spine chart as a flowable whose row height is set once the rest of the page is measured (fill)."""

    def __init__(self, profile: Profile, row_h: float = SPINE_ROW[0]):
        super().__init__()
        self.profile, self.row_h = profile, row_h

    def drawing(self) -> Drawing:
        return spine_drawing(self.profile, row_h=self.row_h)

    def wrap(self, avail_width, avail_height):
        self.width, self.height = self.drawing().wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self):
        self.drawing().drawOn(self.canv, 0, 0)


def _radar(profile: Profile, radar: pd.DataFrame | None, s: dict) -> list:
    """The radar's top three under the commentary (issue 28), from the store unless given."""
    return radar_pdf.block(radar_pdf.top_signals(profile.code) if radar is None else radar, s)


def story(profile: Profile, today: date, radar: pd.DataFrame | None = None) -> list[Flowable]:
    """The fiche's blocks, top to bottom (the spine at its least height: ``fill`` sizes it). ``radar``: the
    territory's top signals (by default the store's, radar_pdf.top_signals)."""
    s = styles()
    commentary = [Paragraph("Ce que disent les chiffres", s["h2"])]
    commentary += [Paragraph("• " + _esc(sentence.text), s["comment"]) for sentence in profile.commentary] or [
        Paragraph("Pas de constat net : valeurs proches de celles des autres départements.", s["comment"])
    ]
    commentary += _radar(profile, radar, s)
    similar = ", ".join(f"{n.name} ({n.code})" for n in profile.similar) or "n.d."
    missing = _grouped_notes(profile)
    collectivite = [f"{f.label} : {f.text}" for f in profile.collectivite if not f.missing]
    blocks = [
        Paragraph(f"Profil du département : {_esc(profile.title)}", s["title"]),
        Paragraph(
            f"Région {_esc(profile.region)} · fiche éditée le {french_date(today)} "
            "· Radar social, Analyse des besoins sociaux",
            s["sub"],
        ),
        Spacer(1, 1.5 * mm),
        _headline_table(profile, s),
        Table(
            [[commentary, pyramid_drawing(profile, width=54 * mm, height=56 * mm)]],
            colWidths=[132 * mm, 54 * mm],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
        ),
        Paragraph("Où en est le département ? Comparé à tous les départements, à la France et aux similaires", s["h2"]),
        Spine(profile),
        Paragraph(
            _esc(
                "Rang : 1ᵉʳ = situation la plus difficile. "
                f"Départements similaires (âges, densité, niveau de vie, chômage) : {similar}."
                + (" n.d. : " + " ; ".join(missing) + "." if missing else "")
            ),
            s["note"],
        ),
        Paragraph("Et demain ? Projections 2030 et 2050", s["h2"]),
        _outlook_table(profile, s),
        Paragraph(
            _esc(
                "Projections Radar social, pas des observations : valeur centrale et fourchette (variantes basse "
                "et haute, ou p10 – p90) ; population : coefficients de passage par sexe et âge ; APA : dernier taux "
                "× 75 ans et plus projetés."
            ),
            s["note"],
        ),
    ]
    notes = []
    if collectivite:
        notes.append("La collectivité : " + " · ".join(collectivite) + " (Départements 38, 44 et 93, profils 2018).")
    ages = _age_notes(profile)
    if ages:
        notes.append("Âge des données — des éditions plus récentes existent sans doute : " + " ; ".join(ages) + ".")
    imported: dict[str, list[str]] = {}  # analysts' published files: their own source, never another publisher
    for _, figures in profile.sections():
        for fig in figures:
            if IMPORTED_MARK in (fig.source or ""):
                imported.setdefault(fig.source, []).append(fig.short_label or fig.label)
    notes += [
        f"Fichier importé ({', '.join(dict.fromkeys(labels))}) : {citation}." for citation, labels in imported.items()
    ]
    notes.append(
        ("Autres sources : " if imported else "Sources : ")
        + "Insee (estimations de population, Filosofi 2020, chômage localisé), DREES (Aide sociale ; "
        "2021-2022 : séries longues 1996-2022, paquet R asdep ; minima sociaux), CNAF, MSA, IGN (Admin Express "
        "2018, densité), Licence Ouverte / Etalab 2.0. Médiane des départements : quand aucune source ne publie "
        "la France. « n.d. » : non disponible, jamais zéro."
    )
    for note in notes:
        blocks += [Spacer(1, 1.2 * mm), Paragraph(_esc(note), s["note"])]
    return blocks


FRAME_PADDING = 12  # SimpleDocTemplate's frame: 6 pt of padding on each side


def _height(blocks: list[Flowable], width: float, height: float) -> float:
    """The height ``blocks`` take in a frame of ``width`` (with the space between them)."""
    total = 0.0
    for i, block in enumerate(blocks):
        total += block.wrap(width, height)[1] + block.getSpaceAfter() + (block.getSpaceBefore() if i else 0)
    return total


def slack(blocks: list[Flowable], doc) -> float:
    """What the page leaves once every block is laid out (the spine at its least height): room for another block."""
    width, height = doc.width - FRAME_PADDING, doc.height - FRAME_PADDING
    for block in blocks:
        if isinstance(block, Spine):
            block.row_h = SPINE_ROW[0]
    return height - _height(blocks, width, height)


def fill(blocks: list[Flowable], doc, safety: float = 2 * mm) -> list[Flowable]:
    """The page filled: the spine's rows take what the other blocks leave (between SPINE_ROW's bounds), so the
    fiche ends near the bottom of the page, and a block added to the story makes the spine tighter, not the
    fiche longer."""
    spines = [b for b in blocks if isinstance(b, Spine)]
    left = slack(blocks, doc) - safety
    for spine in spines:
        rows = max(len(spine.profile.spine), 1)
        spine.row_h = min(max(SPINE_ROW[0] + left / rows, SPINE_ROW[0]), SPINE_ROW[1])
    return blocks


def build_pdf(profile: Profile, today: date | None = None, radar: pd.DataFrame | None = None) -> bytes:
    """The one-page A4 profile of one département, as PDF bytes. A new block goes into ``story``: ``fill`` then
    gives the spine what is left (``slack`` says how much room there is)."""
    buffer = io.BytesIO()
    doc = a4_document(buffer, f"Profil du département : {profile.title}")
    doc.build(fill(story(profile, today or date.today(), radar), doc))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrire la fiche PDF d'un département (ou de tous).")
    parser.add_argument("code", nargs="?", help="code du département (38, 2A, 974), de la commune (95585) ou SIREN")
    parser.add_argument("-o", "--output", type=Path, help="fichier PDF (défaut : fiche-CODE.pdf)")
    parser.add_argument("--all", type=Path, metavar="DIR", help="écrire une fiche par département dans DIR")
    args = parser.parse_args(argv)
    if not args.code and not args.all:
        parser.error("donnez un code de département ou --all DIR")
    from indicators.models import standing
    from indicators.storage import store
    from indicators.views import profile

    table, population = profile.store_rows(), store.load_population()  # the rows profiles read, by query
    started = time.perf_counter()
    if args.all:
        args.all.mkdir(parents=True, exist_ok=True)
        codes = territories.departement_codes()
        nat = standing.national(table, population)
        for code in codes:
            (args.all / f"fiche-{code}.pdf").write_bytes(build_pdf(profile.build(table, population, code, nat)))
        print(f"{len(codes)} fiches écrites dans {args.all} en {time.perf_counter() - started:.1f} s")
        return 0
    if (args.code.isdigit() and len(args.code) == 9) or len(args.code) == 5:  # an EPCI SIREN or a commune code
        return _local(args.code.upper(), args.output, table, population, started)
    code = territories.normalise_departement_code(args.code)
    if code not in territories.departement_codes():
        print(f"code de département inconnu : {args.code}", file=sys.stderr)
        return 2
    output = args.output or Path(f"fiche-{code}.pdf")
    output.write_bytes(build_pdf(profile.build(table, population, code)))
    print(f"{output} écrit en {time.perf_counter() - started:.1f} s")
    return 0


def _local(code: str, output: Path | None, table, population, started: float) -> int:
    from indicators.storage import store
    from indicators.views import local_profile, local_report, profile

    level = "epci" if len(code) == 9 else "commune"
    try:
        prof = local_profile.build(level, code, store.load_territories())
    except local_profile.UnknownTerritory:
        print(f"code de commune ou SIREN d'intercommunalité inconnu : {code}", file=sys.stderr)
        return 2
    output = output or Path(f"fiche-{code}.pdf")
    output.write_bytes(local_report.build_pdf(prof, profile.build(table, population, prof.departement)))
    print(f"{output} écrit en {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
