"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True),
    st.Page("pages/profil.py", title="Profil d'un département", icon=":material/badge:", url_path="profil"),
]
st.navigation(pages).run()
