"""The profile's opening « À retenir » (Streamlit): the radar's three strongest signals of the territory."""

from __future__ import annotations

import streamlit as st

from indicators.core.formatting import plain
from indicators.models import freshness
from indicators.ui import cache
from indicators.views import radar_view


def top_three(level: str, code: str) -> None:
    radar = cache.radar(level, code)
    if radar is None:
        return
    param = radar_view.PARAMS[level]
    with st.container(border=True):
        st.markdown("**Le radar — à retenir**")
        if pending := radar_view.pending_sentence(radar):
            st.caption(pending)
        if radar.signals.empty:
            st.markdown("Aucun signal net : rien ne ressort nettement des indicateurs disponibles.")
        for signal in radar.top:
            year = signal["year"]
            age = freshness.sentence(signal["indicator_id"], int(year) if year == year else None)  # old: said in words
            st.markdown(
                f"- *{radar_view.label(signal)}* — {plain(signal['sentence'])}" + (f" (⚠ {plain(age)})" if age else "")
            )
        st.page_link(
            "app_pages/radar.py",
            label="Tous les signaux et leur fiabilité (page Radar)",
            icon=":material/radar:",
            query_params={param: code},
        )
