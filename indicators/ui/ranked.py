"""A ranked table of territories with a link to each one's profile, as the map pages show it."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def ranked_dataframe(ranked: pd.DataFrame, profile_link: str, height: int) -> None:
    """Draw ``ranked`` (a ``Code`` column among others) with a « Voir » link to ``profile_link`` + code.
    ``ranked`` is not changed (it may be a cached, shared table)."""
    st.dataframe(
        ranked.assign(Profil=profile_link + ranked["Code"]),
        hide_index=True,
        height=height,
        width="stretch",
        column_config={"Profil": st.column_config.LinkColumn("Profil", display_text="Voir")},
    )
