"""The printable A4 profile of a commune or an EPCI (PDF, reportlab), in the style of the département's.

python -m indicators.report 95585 -o fiche-95585.pdf      (a commune code or an EPCI SIREN)
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from indicators.views import local_profile
from indicators.views.pdf_style import _esc, _styles, _table, a4_document, french_date
from indicators.views.profile import Profile


def _rows_table(header: list[str], body: list[list[str]], s: dict, first: float = 52 * mm):
    cells = [[Paragraph(_esc(h), s["head"]) for h in header]]
    cells += [[Paragraph(_esc(c), s["cell"] if i < 2 else s["num"]) for i, c in enumerate(row)] for row in body]
    rest = (186 * mm - first - 12 * mm) / max(len(header) - 2, 1)
    return _table(cells, [first, 12 * mm] + [rest] * (len(header) - 2))


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
    story.append(Paragraph("Chiffres clés", s["h2"]))
    if prof.has_data:
        header, body = local_profile.table_rows(prof, prof.rows)
        story.append(_rows_table(header, body, s))
        notes = [f"{r.label} : {'n.d., ' if r.own.missing else ''}{r.note}" for r in prof.rows if r.note]
        sources = sorted({r.source for r in prof.rows})
        story.append(
            Paragraph(
                _esc("Chaque colonne dit son niveau, même année. Sources : " + " ; ".join(sources) + "."
                     + (" " + " ; ".join(notes) + "." if notes else "")),
                s["note"],
            )
        )  # fmt: skip
    else:
        story.append(Paragraph(_esc(local_profile.NO_LOCAL_DATA), s["comment"]))
    kind = "Communes" if prof.level == "commune" else "Intercommunalités"
    story.append(Paragraph(f"{kind} semblables", s["h2"]))
    similar = ", ".join(x.label for x in prof.similar)
    story.append(
        Paragraph(
            _esc(similar + ". " + local_profile.similar_method(prof) if similar else "n.d. (données communales n.d.)"),
            s["comment"],
        )
    )
    story.append(Paragraph(f"Contexte départemental : {_esc(departement.name)} ({_esc(departement.code)})", s["h2"]))
    header, body = local_profile.context_rows(departement)
    story.append(_rows_table(header, body, s, first=80 * mm))
    story.append(
        Paragraph(
            _esc(
                "Valeurs du département, pas de la commune : ces indicateurs ne sont publiés par nos sources qu'au "
                "niveau départemental. Sources : "
                + " ; ".join(sorted({f.source for f in departement.social}))
                + ". « n.d. » : non disponible, jamais remplacé par zéro."
            ),
            s["note"],
        )
    )
    if prof.imported:
        story.append(Paragraph("Autres indicateurs importés", s["h2"]))
        header, body = local_profile.table_rows(prof, prof.imported)
        story.append(_rows_table(header, body, s))
    doc.build(story)
    return buffer.getvalue()
