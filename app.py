"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

st.set_page_config(page_title="Radar social", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True),
    st.Page("pages/import.py", title="Importer (analystes)", icon="📥", url_path="importer"),
]
st.navigation(pages).run()
