"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True),
    st.Page("pages/scenarios.py", title="Projections et scénarios 2050", icon="🔭"),
]
st.navigation(pages).run()
