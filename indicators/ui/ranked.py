"""A ranked table of territories with a link to each one's profile, as the map pages show it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

MARK = "▶ "  # the chosen territory's row (views.commune_map.SELECTED_MARK)


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
    st.dataframe(  # no Code column (in the link; a phone has no room for it: the grid scrolled sideways)
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
