"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon=":material/radar:", layout="wide")

pages = [
    st.Page("app_pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("app_pages/profil.py", title="Profil d'un territoire", icon=":material/badge:", url_path="profil"),
    st.Page("app_pages/comparer.py", title="Comparer", icon=":material/compare_arrows:"),
    st.Page("app_pages/carte.py", title="Carte", icon=":material/map:"),
    st.Page("app_pages/scenarios.py", title="Projections et scénarios 2050", icon=":material/timeline:"),
    st.Page("app_pages/tendances.py", title="Tendances des taux", icon=":material/trending_up:", url_path="tendances"),
    st.Page("app_pages/import.py", title="Importer (analystes)", icon=":material/upload_file:", url_path="importer"),
]
st.navigation(pages).run()
