"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon=":material/radar:", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("pages/profil.py", title="Profil d'un département", icon=":material/badge:", url_path="profil"),
    st.Page("pages/comparer.py", title="Comparer", icon=":material/compare_arrows:"),
    st.Page("pages/carte.py", title="Carte", icon=":material/map:"),
    st.Page("pages/scenarios.py", title="Projections et scénarios 2050", icon=":material/timeline:"),
    st.Page("pages/tendances.py", title="Tendances des taux", icon=":material/trending_up:", url_path="tendances"),
    st.Page("pages/import.py", title="Importer (analystes)", icon=":material/upload_file:", url_path="importer"),
]
st.navigation(pages).run()
