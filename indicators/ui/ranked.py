"""A ranked table of territories with a link to each one's profile, as the map pages show it.

On a wide screen an st.dataframe (sort, search, CSV download); on a phone the same rows as cards in a scrolling
box (indicators/ui/phone.py's style): the grid's columns did not fit 390 px and it scrolled sideways.

The cards are put into the page by a small script only where the screen is a phone's (now, or later: a phone
turned, a window narrowed). Drawn on every screen and hidden by CSS, they cost each first visit of the département
map ~0,9 s of the browser's main thread through st.markdown (one React element per cell) and ~0,75 s through
st.html (DOMPurify over 23 KB), on a loaded machine (issue 29); as a script's string they cost nothing above 640 px.
A card's link opens in the same tab, as the markdown's ``target='_self'`` did.
"""

from __future__ import annotations

import json
from html import escape

import pandas as pd
import streamlit as st

from indicators.ui.phone import PHONE
from indicators.views.profile_cards import stacked_table

MARK = "▶ "  # the chosen territory's row (views.commune_map.SELECTED_MARK)
STYLE = f"""<style>
@media (max-width:{PHONE}px){{[class*=st-key-ranked_grid]{{display:none}}}}
@media (min-width:{PHONE + 1}px){{[class*=st-key-ranked_cards]{{display:none}}}}
.rs-ranked{{max-height:460px;overflow-y:auto}}
</style>"""


def ranked_dataframe(ranked: pd.DataFrame, profile_link: str, height: int, chosen: str | None = None) -> None:
    """Draw ``ranked`` (a ``Code`` column among others) with a « Voir » link to ``profile_link`` + code. The
    ``chosen`` territory (its code) is said above the table with its rank, and its row comes first: in a list of
    hundreds it is not left to be found by scrolling."""
    ranked = ranked.copy()
    ranked["Profil"] = profile_link + ranked["Code"]
    name = ranked.columns[1]  # Département, Commune
    if chosen is not None and (ranked["Code"] == chosen).any():
        mine = ranked["Code"] == chosen
        ranked.loc[mine, name] = [n if str(n).startswith(MARK) else MARK + str(n) for n in ranked.loc[mine, name]]
        row = ranked[mine].iloc[0]
        st.markdown(f"**{row[name]}** : rang {row['Rang']} sur {len(ranked)}, {row['Valeur']}.")
        ranked = pd.concat([ranked[mine], ranked[~mine]])
    if name == "Département":  # « Seine-Saint-Denis (93) »: the code read with the name, one column fewer
        ranked[name] = ranked[name] + " (" + ranked["Code"] + ")"
    st.html(STYLE)
    with st.container(key=f"ranked_grid_{name}"):
        st.dataframe(  # no Code column (it is in the link)
            ranked,
            hide_index=True,
            height=height,
            width="stretch",
            column_order=[c for c in ranked.columns if c != "Code"],
            column_config={  # narrow columns for the short ones: the name gets the room, « Profil » is never cut
                "Rang": st.column_config.TextColumn("Rang", width=48),
                "Profil": st.column_config.LinkColumn("Profil", display_text="Voir", width=56),
            },
        )
    with st.container(key=f"ranked_cards_{name}"):  # filled on a phone only: see the module's docstring
        st.html(phone_only(cards(ranked, name)), unsafe_allow_javascript=True)


def phone_only(html: str) -> str:
    """A scrolling box that a script fills with ``html`` when the screen is at most ``PHONE`` px wide, now or after
    a resize; the HTML travels as a JSON string (``<`` escaped: no ``</script>`` can end the script early)."""
    data = json.dumps(html).replace("<", "\\u003c")
    return f"""<div class='rs-ranked'></div><script>(() => {{
  const box = document.currentScript.previousElementSibling, html = {data};
  const phone = window.matchMedia('(max-width:{PHONE}px)');
  const fill = () => {{
    if (!box.isConnected) return phone.removeEventListener('change', fill);
    if (phone.matches && !box.childElementCount) box.innerHTML = html;
  }};
  fill();
  phone.addEventListener('change', fill);
}})();</script>"""


def cards(ranked: pd.DataFrame, name: str) -> str:
    """The ranked rows as a table a phone shows as cards: the name (a link to its profile) as the title. Built
    column by column (no row Series: iterrows over the Nord's 647 communes was 0,27 s of every rerun)."""
    shown = [c for c in ranked.columns if c not in ("Code", "Profil", name)]
    titles = [
        f"<a href='{escape(link, quote=True)}'>{escape(str(title))}</a>"
        for title, link in zip(ranked[name], ranked["Profil"], strict=True)
    ]
    columns = [[escape(str(value)) for value in ranked[c].tolist()] for c in shown]
    body = [list(cells) for cells in zip(titles, *columns, strict=True)]
    return stacked_table([name, *shown], body, raw=True)
