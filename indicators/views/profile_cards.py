"""HTML and Markdown blocks of the profile page (pure functions: profile data in, text out).

The key-figure cards are plain HTML in a CSS grid: they stack on a phone and their text wraps,
so a value or a label is never cut (Streamlit's st.metric truncates with an ellipsis). Tables that carry
several territories (``stacked_table``) become one card per row on a phone (indicators/ui/phone.py's style): each
cell then shows its column's header before it, so no column is hidden off the side of the screen.
"""

from __future__ import annotations

from html import escape

from indicators.core import formatting
from indicators.core.formatting import quoted
from indicators.models import standing
from indicators.models.outlook import OutlookRow
from indicators.views.profile import Figure, Profile

RETIRED = {
    "20": "« 20 » est l'ancien code de la Corse, divisée depuis 1976 en Corse-du-Sud (2A) et Haute-Corse (2B).",
}
STYLE = """<style>
.rs-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem;margin:.25rem 0 1rem}
.rs-card{border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:.6rem .8rem;min-width:0;
 overflow-wrap:break-word}
.rs-card .rs-label{font-size:.9rem;color:#31333f;line-height:1.25}
.rs-card .rs-value{font-size:1.55rem;font-weight:600;line-height:1.3;margin:.15rem 0;overflow-wrap:normal}
.rs-card .rs-unit{font-size:.95rem;font-weight:400;white-space:nowrap}
.rs-card .rs-cmp,.rs-card .rs-src{font-size:.78rem;color:#555;line-height:1.3}
.rs-table{border-collapse:collapse;width:100%;font-size:.9rem}
.rs-table th,.rs-table td{border-bottom:1px solid #ddd;padding:.25rem .4rem;vertical-align:top}
.rs-table td.n,.rs-table th.n{text-align:right}
.rs-wrap{overflow-x:auto}
.rs-age{font-size:.8rem;color:#8a4b00;margin-top:.2rem}
.rs-list{columns:14rem;font-size:.9rem}
@media (max-width:640px){.rs-cards{grid-template-columns:1fr}}
</style>"""
SPINE_HOW_TO_READ = (
    "Chaque ligne va du département le plus bas (à gauche) au plus haut (à droite) : barre claire = tous les "
    "départements, bande foncée = la moitié centrale (entre le 1er et le 3e quartile), trait noir = France "
    "(pointillé : médiane des départements quand aucune source ne publie la France), triangle orange = médiane "
    "des 5 départements similaires. Le repère du département est un carré rouge quand il est plus en difficulté "
    "que les trois quarts des départements, un rond bleu quand il est plus favorable, un rond blanc entre les "
    "deux, un losange gris pour les indicateurs descriptifs (âges, dépenses). À droite : valeur et rang "
    "(1ᵉʳ = situation la plus difficile)."
)


def year_of(fig: Figure) -> str:
    return f"en {fig.year}" if fig.year else "n.d."


def _split_unit(fig: Figure) -> tuple[str, str]:
    """'1 682 806 habitants' -> ('1 682 806', 'habitants'): the unit goes in smaller type."""
    if fig.missing or not fig.unit:
        return fig.text, ""
    suffix = formatting.SUFFIX_UNITS.get(fig.unit, fig.unit)
    if fig.text.endswith(f"{formatting.NBSP}{suffix}"):
        return fig.text[: -len(suffix) - 1], suffix
    return fig.text, ""


def card(fig: Figure) -> str:
    number, unit = _split_unit(fig)
    # a plain space: a long unit ("habitants") goes whole to the next line rather than being cut
    value = escape(number) + (f" <span class='rs-unit'>{escape(unit)}</span>" if unit else "")
    compare = ""
    if fig.france_text and fig.france_text != formatting.MISSING:
        compare = f"<div class='rs-cmp'>{escape(fig.france_label)} : {escape(fig.france_text)}</div>"
    if fig.rank:
        compare += f"<div class='rs-cmp'>Rang : {escape(fig.rank)}</div>"
    source = f"Source : {fig.source}" + (f" ({fig.year})" if fig.year else "") if fig.source else ""
    if fig.missing:
        source = f"n.d. : {fig.note}"
    return (
        f"<div class='rs-card' data-testid='rs-card' title='{escape(fig.caption, quote=True)}'>"
        f"<div class='rs-label'>{escape(fig.label)}</div>"
        f"<div class='rs-value'>{value}</div>{compare}"
        f"<div class='rs-src'>{escape(source)}</div>{age_line(fig.age)}</div>"
    )


def age_line(sentence: str) -> str:
    """The age of an old figure, in words under its source (« ⚠ donnée 2019 — l'édition 2024 … »); '' when fresh."""
    return f"<div class='rs-age' data-testid='rs-age'>⚠ {escape(sentence)}</div>" if sentence else ""


def cards(figures: tuple[Figure, ...]) -> str:
    return "<div class='rs-cards'>" + "".join(card(f) for f in figures) + "</div>"


def social_block(fig: Figure, code: str) -> str:
    france = fig.france_text or formatting.MISSING
    rank = f"<div class='rs-cmp'>Rang : <b>{escape(fig.rank)}</b> ({escape(fig.rank_hint)})</div>" if fig.rank else ""
    return (
        f"<div class='rs-card' data-testid='rs-card'><div class='rs-label'><b>{escape(fig.label)}</b></div>"
        f"<div class='rs-value'>{escape(fig.text)}</div>"
        f"<div class='rs-cmp'>{escape(code)} {escape(year_of(fig))} · "
        f"{escape(fig.france_label)} : {escape(france)}</div>"
        f"{rank}<div class='rs-src'>{escape(fig.source_caption())}</div>{age_line(fig.age)}</div>"
    )


def spine_notes(rows: tuple[standing.SpineRow, ...]) -> str:
    missing = [f"{r.short_label} : n.d., {r.note}" for r in rows if r.missing]
    return ("Non disponible — " + " ; ".join(missing) + ".") if missing else ""


def stacked_table(header: list[str], body: list[list[str]], text_columns: int = 1, raw: bool = False) -> str:
    """An HTML table that a phone shows as one card per row (the first cell as the card's title, every other
    cell after its column's header): no column is hidden off the side of the screen. The first
    ``text_columns`` columns are left-aligned, the others (figures) right-aligned. ``raw``: the body cells are
    HTML already (escaped by the caller); headers are always plain text."""
    aligned = [" class='n'" if i >= text_columns else "" for i in range(len(header))]
    head = "".join(f"<th{a}>{escape(h)}</th>" for h, a in zip(header, aligned, strict=True))
    rows = stacked_rows(header, body, text_columns, raw)
    table = f"<table class='rs-table rs-stack'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f"<div class='rs-wrap'>{table}</div>"


def stacked_rows(header: list[str], body: list[list[str]], text_columns: int = 1, raw: bool = False) -> str:
    """The body rows of a stacked_table (``<tr>`` elements), e.g. to append to one."""
    aligned = [" class='n'" if i >= text_columns else "" for i in range(len(header))]
    return "".join(
        "<tr>"
        + "".join(
            f"<td{a} data-label='{escape(h, quote=True)}'><span>{c if raw else escape(c)}</span></td>"
            for h, a, c in zip(header, aligned, row, strict=True)
        )
        + "</tr>"
        for row in body
    )


def similar_table(prof: Profile) -> str:
    header = ["Indicateur", prof.name, "Médiane des 5 similaires", "France"]
    body = [
        [
            f"{escape(row.short_label)} ({row.year or 'n.d.'})",
            f"<b>{escape(row.text)}</b>",
            escape(row.fmt(row.similar_median)),
            escape(row.france_text + (" (médiane des départements)" if row.france_is_median else "")),
        ]
        for row in prof.spine
    ]
    return stacked_table(header, body, raw=True)


def similar_method(prof: Profile) -> str:
    used = ", ".join(f"{standing.STRUCTURAL_LABELS[k]} ({y})" for k, y in prof.similar_years.items())
    return (
        "Départements similaires : les plus proches sur des indicateurs de structure fixes — "
        f"{used} — après mise à la même échelle (écart à la moyenne en écarts-types) ; distance euclidienne. "
        "Quand un de ces indicateurs manque pour le département, la proximité se calcule sur les autres. "
        "Médiane des similaires : montrée quand au moins 3 des 5 ont une valeur."
    )


def _projected(row: OutlookRow, year: int) -> str:
    p = row.at(year)
    if p is None:
        return formatting.MISSING
    text = f"<b>{escape(row.fmt(p.central))}</b>"
    if p.low is not None and p.high is not None:
        text += f"<br><span class='rs-src'>[{escape(row.fmt(p.low))} – {escape(row.fmt(p.high))}]</span>"
    return text


def outlook_table(rows: tuple[OutlookRow, ...]) -> str:
    header = ["Projection", "Dernière valeur observée", "2030", "2050"]
    body = [
        [
            escape(r.label),
            f"{escape(r.fmt(r.base))} ({r.base_year or 'n.d.'})",
            _projected(r, 2030),
            _projected(r, 2050),
        ]
        for r in rows
    ]
    return stacked_table(header, body, raw=True)


def ages_table(prof: Profile) -> str:
    """The share of each age group beside France (Markdown)."""
    rows = ["| Tranche d'âge | " + prof.name + " | France |", "|---|---:|---:|"]
    rows += [
        f"| {fig.label.replace('Part des ', '').replace(' dans la population', '')} | **{fig.text}** | "
        f"{fig.france_text} |"
        for fig in prof.ages
    ]
    return "\n".join(rows)


def spending_table(prof: Profile) -> str:
    """The share of each domain of the net social spending beside France (Markdown)."""
    total, *domains = prof.spending
    rows = [f"| Répartition des dépenses nettes {year_of(total)} | {prof.name} | France |", "|---|---:|---:|"]
    rows += [f"| {fig.label.split(' : ')[1]} | **{fig.text}** | {fig.france_text} |" for fig in domains]
    return "\n".join(rows)


def spending_caption(prof: Profile) -> str:
    domains = prof.spending[1:]
    notes = sorted({fig.note for fig in domains if fig.note})
    return (
        f"Source : {domains[0].source}. Part de chaque domaine dans les dépenses nettes d'aide sociale ; "
        "les quatre domaines n'en font pas tout le total (frais communs, autres aides). "
        + " ".join(f"n.d. : {n}." for n in notes)
    )


def unknown_code_message(raw: str) -> str:
    text = str(raw).strip()
    if text in RETIRED:
        return RETIRED[text] + " Choisissez un département dans la liste."
    return f"{quoted(text)} n'est pas un code de département. Choisissez un département dans la liste ci-dessous."


def departement_list(codes: list[str], names: dict[str, str]) -> str:
    items = "".join(f"<li><a href='/profil?dep={c}' target='_self'>{escape(names[c])} ({c})</a></li>" for c in codes)
    return f"<ul class='rs-list'>{items}</ul>"
