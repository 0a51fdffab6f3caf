"""The printable A4 profile of a commune or an EPCI (PDF, reportlab), in the style of the département's.

python -m indicators.report 95585 -o fiche-95585.pdf      (a commune code or an EPCI SIREN)
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from indicators.core import catalogue
from indicators.core.formatting import format_indicator
from indicators.models import freshness
from indicators.views import local_profile
from indicators.views.pdf_style import _esc, _styles, _table, a4_document, french_date
from indicators.views.profile import Profile


def _rows_table(header: list[str], body: list[list[str]], s: dict, first: float = 52 * mm):
    cells = [[Paragraph(_esc(h), s["head"]) for h in header]]
    cells += [[Paragraph(_esc(c), s["cell"] if i < 2 else s["num"]) for i, c in enumerate(row)] for row in body]
    rest = (186 * mm - first - 12 * mm) / max(len(header) - 2, 1)
    return _table(cells, [first, 12 * mm] + [rest] * (len(header) - 2))


LABEL_WIDTH, YEAR_WIDTH, RANK_WIDTH = 56 * mm, 12 * mm, 22 * mm
TABLE_WIDTH = 186 * mm


def figures_table(prof: local_profile.LocalProfile) -> tuple[list[list[str]], list[float], list[int]]:
    """The key figures by section as one compact table: (texts, column widths, indices of the section rows).

    Headers are the territories' short names (the legend above names their levels), labels the catalogue's
    short labels: no word has to be cut to fit a cell."""
    first = prof.rows[0] if prof.rows else None
    names = [prof.name, *(c.name for c in (first.others if first else ()))]
    header = ["Indicateur", "Année", *names, "Rang (dép.)" if prof.level == "commune" else "Rang (France)"]
    body, sections = [header], []
    for title, rows in local_profile.sections(prof):
        sections.append(len(body))
        body.append([title] + [""] * (len(header) - 1))
        for r in rows:
            indicator = catalogue.get(r.indicator_id)
            label = f"{indicator.short_label} ({r.unit})" if r.unit else indicator.short_label
            cells = [_bare(c, indicator, r.year) for c in (r.own, *r.others)]
            body.append([label, str(r.year or "n.d."), *cells, r.rank or "—"])
    rest = (TABLE_WIDTH - LABEL_WIDTH - YEAR_WIDTH - RANK_WIDTH) / max(len(header) - 3, 1)
    widths = [LABEL_WIDTH, YEAR_WIDTH] + [rest] * (len(header) - 3) + [RANK_WIDTH]
    return body, widths, sections


def age_notes(prof: local_profile.LocalProfile, today: date | None = None) -> list[str]:
    """The old figures of the commune's table, grouped by their age sentence (the year column is too narrow for
    the words: « RSA : donnée 2019 — l'édition 2024 est sans doute parue (DREES) »)."""
    figures = [(catalogue.get(r.indicator_id).short_label, r.indicator_id, r.year) for r in prof.rows if r.year]
    return freshness.grouped(figures, today)


def _bare(cell: local_profile.Cell, indicator, year: int | None) -> str:
    """The value without its unit (the label carries it), its year when not the row's: '18,4 (2020)'."""
    text = format_indicator(cell.value, indicator, with_unit=False)
    return f"{text} ({cell.year})" if cell.value is not None and cell.year != year else text


def longest_word_overflow(body: list[list[str]], widths: list[float], font: str, size: float) -> list[str]:
    """Words wider than their cell (they would be cut in the middle): the test of « no broken word »."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 4  # LEFTPADDING + RIGHTPADDING of pdf_style._table
    return [
        word
        for row in body
        for text, width in zip(row, widths, strict=True)
        for word in text.split(" ")  # a no-break space (thousands, before a unit) does not break a line
        if stringWidth(word, font, size) > width - padding
    ]


def _figures_flowable(prof: local_profile.LocalProfile, s: dict):
    from reportlab.lib import colors

    body, widths, sections = figures_table(prof)
    cells = [[Paragraph(_esc(h), s["head"]) for h in body[0]]]
    for i, row in enumerate(body[1:], start=1):
        if i in sections:
            cells.append([Paragraph(_esc(row[0]), s["h2"])] + [""] * (len(row) - 1))
        else:
            cells.append([Paragraph(_esc(c), s["cell"] if j < 2 else s["num"]) for j, c in enumerate(row)])
    table = _table(cells, widths)
    table.setStyle([("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)])  # one page
    for i in sections:
        table.setStyle([("SPAN", (0, i), (-1, i)), ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#eef2f8"))])
    return table


def build_pdf(prof: local_profile.LocalProfile, departement: Profile, today: date | None = None) -> bytes:
    """One A4 page: key figures against EPCI / département / France, similar territories, the
    département's social indicators (labelled as départemental), sources."""
    s = _styles()
    today = today or date.today()
    buffer = io.BytesIO()
    doc = a4_document(buffer, f"Profil {prof.kind.lower()} : {prof.title}")
    where = [prof.kind, f"département {prof.departement_name} ({prof.departement})", f"région {prof.region}"]
    if prof.epci_name:
        where.insert(1, prof.epci_name)
    story = [
        Paragraph(f"Profil {_esc(prof.kind.lower())} : {_esc(prof.title)}", s["title"]),
        Paragraph(_esc(" · ".join(where)) + f" · fiche éditée le {french_date(today)} · Radar social", s["sub"]),
        Spacer(1, 2 * mm),
    ]
    if prof.facts:
        story.append(Paragraph(_esc(prof.facts + " (Insee, via Etalab, découpage administratif)"), s["big"]))
    if prof.has_data:
        others = prof.rows[0].others if prof.rows else ()
        legend = ", ".join(f"{local_profile.LEVEL_NAMES[c.level]} {c.name}" for c in others if c.level != "france")
        story.append(
            Paragraph(
                _esc(f"Colonnes : la {prof.kind.lower()} {prof.name}, " + (legend + ", " if legend else "")
                     + "la France ; même année, sinon dite entre parenthèses. Rang " + prof.rank_scope + "."),
                s["note"],
            )
        )  # fmt: skip
        story.append(_figures_flowable(prof, s))
        notes = [f"{r.label} : {'n.d., ' if r.own.missing else ''}{r.note}" for r in prof.rows if r.note]
        changes = [f"{catalogue.get(r.indicator_id).short_label} {r.change}" for r in prof.rows if r.change]
        sources = sorted({r.source for r in prof.rows})
        story.append(
            Paragraph(
                _esc("Évolutions : " + " ; ".join(changes) + ". Sources : " + " ; ".join(sources) + "."
                     + (" " + " ; ".join(notes) + "." if notes else "")),
                s["note"],
            )
        )  # fmt: skip
    else:
        story.append(Paragraph("Chiffres clés", s["h2"]))
        story.append(Paragraph(_esc(local_profile.NO_LOCAL_DATA), s["comment"]))
    kind = "Communes" if prof.level == "commune" else "Intercommunalités"
    story.append(Paragraph(f"{kind} semblables", s["h2"]))
    similar = ", ".join(x.label for x in prof.similar)
    story.append(
        Paragraph(
            _esc(
                f"{similar} (taille comparable, proches sur {len(prof.similar_indicators)} indicateurs : "
                + ", ".join(catalogue.get(i).short_label.lower() for i in prof.similar_indicators)
                + ")."
                if similar
                else "n.d. (données communales n.d.)"
            ),
            s["comment"],
        )
    )
    story.append(Paragraph(f"Contexte départemental : {_esc(departement.name)} ({_esc(departement.code)})", s["h2"]))
    header, body = local_profile.context_rows(departement, prof.rows)
    story.append(_rows_table(header, body, s, first=80 * mm))
    story.append(
        Paragraph(
            _esc(
                "Valeurs du département, publiées à ce seul niveau ; n.d. = non disponible, jamais zéro. Sources : "
                + " ; ".join(dict.fromkeys(c for f in departement.social for c in f.source.split(" ; ")))
                + "."
            ),
            s["note"],
        )
    )
    ages = age_notes(prof, today)
    if ages:
        text = "Âge des données — des éditions plus récentes existent sans doute : " + " ; ".join(ages) + "."
        story.append(Paragraph(_esc(text), s["note"]))
    if prof.imported:
        story.append(Paragraph("Autres indicateurs importés", s["h2"]))
        header, body = local_profile.table_rows(prof, prof.imported)
        story.append(_rows_table(header, body, s))
    doc.build(story)
    return buffer.getvalue()
