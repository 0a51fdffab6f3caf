"""A ranked table of territories, each name a link to its profile, as the map pages show it: an HTML table in a
scrolling box (one card per row on a phone: indicators/ui/phone.py's style), and its rows as a CSV file.

Not an st.dataframe: its grid (glide-data-grid, ~300 KB of script, drawn on a canvas) was about a fifth of the
département map's first visit in the browser (issue 29), and a canvas is read neither by a screen reader nor by
the browser's find-in-page, which finds a commune in this table. The table (~20 KB of HTML for 101 départements,
~120 KB for the Nord's 647 communes) goes into the page as a script's string (indicators/ui/scripted.py).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from indicators.core.exports import to_csv
from indicators.core.formatting import MISSING
from indicators.ui import scripted
from indicators.ui.phone import PHONE
from indicators.views.profile_cards import stacked_rows, stacked_table

# Rows in the page at once; the others are appended when the browser is idle: the Nord's 647 communes put in at once
# cost its map's first visit ~0,35 s (issue 29), the box shows about 13 of them (a phone, 4 cards).
FIRST = 40
MARK = "▶ "  # the chosen territory's row (views.commune_map.SELECTED_MARK)
STYLE = f"""<style>
.rs-ranked{{overflow-y:auto}}
.rs-ranked a{{text-decoration:none}}
@media (min-width:{PHONE + 1}px){{
.rs-ranked{{border:1px solid rgba(49,51,63,.15);border-radius:.5rem}}
.rs-ranked .rs-table{{border-collapse:collapse;width:100%;font-size:.88rem}}
.rs-ranked .rs-table :is(th,td){{border-bottom:1px solid #e6e6e6;padding:.3rem .6rem;text-align:left}}
.rs-ranked .rs-table .n{{text-align:right;white-space:nowrap}}
.rs-ranked thead th{{position:sticky;top:0;background:#fafafa;font-weight:600;z-index:1}}
}}
</style>"""  # a phone's cards: indicators/ui/phone.py


def ranked_table(
    ranked: pd.DataFrame,
    profile_link: str,
    height: int,
    chosen: str | None = None,
    file: pd.DataFrame | None = None,
    file_name: str = "radar-social-classement.csv",
) -> None:
    """Draw ``ranked`` (columns Rang, a name, Code, Valeur and maybe more) with each name a link to
    ``profile_link`` + code, in a box ``height`` px high at most; then a button that downloads ``file`` (the same
    rows as a file holds them: views.maps.ranking_file) as CSV. The ``chosen`` territory (its code) is said above
    the table with its rank, and its row comes first: in a list of hundreds it is not left to be found by scrolling."""
    name = ranked.columns[1]  # Département, Commune
    names = ranked[name].astype(str)
    if chosen is not None and (ranked["Code"] == chosen).any():
        mine = (ranked["Code"] == chosen).to_numpy()
        names = names.where(~mine | names.str.startswith(MARK), MARK + names)
        row = ranked[mine].iloc[0]
        ranked_count = int((ranked["Rang"] != MISSING).sum())  # n.d. rows are not ranked (format_rank's total)
        st.markdown(f"**{names[mine].iloc[0]}** : rang {row['Rang']} sur {ranked_count}, {row['Valeur']}.")
        order = [*ranked.index[mine], *ranked.index[~mine]]
        ranked, names = ranked.loc[order], names.loc[order]
    if name == "Département":  # « Seine-Saint-Denis (93) »: the code read with the name
        names = names + " (" + ranked["Code"] + ")"
    st.html(STYLE)
    table, later = rows_html(ranked, names, profile_link)
    box = scripted.filled(table, "rs-ranked", f"max-height:{int(height)}px", rows=later)
    st.html(box, unsafe_allow_javascript=True)
    if file is not None:
        st.download_button(
            "Télécharger le classement (CSV)",
            lambda: to_csv(file),
            file_name=file_name,
            mime="text/csv",
            on_click="ignore",
            icon=":material/table_view:",
        )


def rows_html(ranked: pd.DataFrame, names: pd.Series, profile_link: str, first: int = FIRST) -> tuple[str, str]:
    """The ranked rows as a stacked table of the ``first`` rows, and the other rows (``<tr>``) for the browser to
    append when idle: the name (a link to its profile) first, a phone card's title, then every other column but
    Code. Built column by column (no row Series: iterrows over the Nord's 647 communes was 0,27 s of every
    rerun)."""
    name = ranked.columns[1]
    shown = [c for c in ranked.columns if c not in ("Code", name)]
    titles = [
        f"<a href='{escape(profile_link + code, quote=True)}'>{escape(title)}</a>"
        for title, code in zip(names, ranked["Code"], strict=True)
    ]
    columns = [[escape(str(value)) for value in ranked[c].tolist()] for c in shown]
    body = [list(cells) for cells in zip(titles, *columns, strict=True)]
    header = [name, *shown]
    return stacked_table(header, body[:first], raw=True), stacked_rows(header, body[first:], raw=True)
