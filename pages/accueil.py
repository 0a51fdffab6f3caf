"""Home page: what Radar social is, and what the store holds."""

import streamlit as st

from indicators import cache

st.title("Radar social")
st.markdown(
    "Indicateurs de l'**Analyse des besoins sociaux** pour les 101 départements français : "
    "population et âges, chômage, pauvreté, RSA, APA, AAH, PCH, aide sociale à l'enfance, "
    "dépenses sociales. Toutes les valeurs viennent de publications officielles (Insee, DREES, CNAF) "
    "et affichent leur source, leur année et leur unité."
)

st.page_link(
    "pages/profil.py",
    label="Profil d'un département : chiffres clés, âges, indicateurs sociaux, dépenses, fiche PDF",
    icon=":material/badge:",
)

table = cache.coverage()
st.subheader("Les indicateurs disponibles")
st.dataframe(
    table[["label", "unit", "first_year", "last_year", "departements", "source"]],
    column_config={
        "label": "Indicateur",
        "unit": "Unité",
        "first_year": st.column_config.NumberColumn("Première année", format="%d"),
        "last_year": st.column_config.NumberColumn("Dernière année", format="%d"),
        "departements": "Départements couverts",
        "source": "Source",
    },
    hide_index=True,
    width="stretch",
)
st.caption("Sources : Insee, DREES, CNAF, MSA, Caisse des Dépôts — Licence Ouverte / Etalab 2.0.")
