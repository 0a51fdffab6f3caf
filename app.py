"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True),
    st.Page("pages/comparer.py", title="Comparer", icon="⚖️"),
    st.Page("pages/carte.py", title="Carte", icon="🗺️"),
]
st.navigation(pages).run()
