"""Home page: find your territory, what each page answers, and what the store holds (by theme, with its age)."""

import streamlit as st

from indicators.ui import cache, picker
from indicators.views import search

st.title("Radar social")
st.markdown(
    "Indicateurs de l'**Analyse des besoins sociaux** pour les 101 départements français : "
    "population et âges, chômage, pauvreté, RSA, APA, AAH, PCH, aide sociale à l'enfance, "
    "dépenses sociales. Toutes les valeurs viennent de publications officielles (Insee, DREES, CNAF) "
    "et affichent leur source, leur année et leur unité."
)

for match in picker.find("home_search", "Votre territoire : département, intercommunalité ou commune (nom ou code)"):
    st.page_link(
        "app_pages/profil.py",
        label=picker.button_label(match),
        icon=":material/badge:",
        query_params=picker.profile_params(match),
        help=None if match.level == "departement" else search.SOURCE,
    )
    st.page_link(
        "app_pages/radar.py",
        label=f"Radar : ce qui ressort pour {match.label}",
        icon=":material/radar:",
        query_params=picker.profile_params(match),
    )

# One card per page, saying which question it answers.
CARDS = (
    ("app_pages/profil.py", ":material/badge:", "Où en est mon département ?",
     "Chiffres clés, âges, indicateurs sociaux et dépenses face à la France ; fiche PDF pour le conseil."),
    ("app_pages/radar.py", ":material/radar:", "Qu'est-ce qui ressort ?",
     "Les quelques signaux d'un territoire : écarts nets, ruptures, besoins qui montent, vérifiés sur le passé."),
    ("app_pages/comparer.py", ":material/compare_arrows:", "Et face aux autres ?",
     "Deux à huit départements côte à côte, rangs, séries dans le temps, territoires semblables."),
    ("app_pages/carte.py", ":material/map:", "Où sont les besoins ?",
     "Carte de France d'un indicateur, en valeur ou en écart à la France, outre-mer compris."),
    ("app_pages/scenarios.py", ":material/timeline:", "Que prévoir pour 2050 ?",
     "Projections de population par âge, bénéficiaires et dépenses, quatre scénarios prospectifs."),
    ("app_pages/tendances.py", ":material/trending_up:", "Vers où vont les taux ?",
     "Tendance projetée de chaque taux avec son intervalle et sa fiabilité passée."),
    ("app_pages/import.py", ":material/upload_file:", "Ajouter des données (analystes)",
     "Importer un fichier d'indicateur, le vérifier, le publier ou revenir en arrière."),
)  # fmt: skip

st.subheader("Que cherchez-vous ?")
for start in range(0, len(CARDS), 3):  # row by row, so that a phone stacks them in reading order
    for column, (page, icon, question, answer) in zip(st.columns(3), CARDS[start : start + 3], strict=False):
        with column.container(border=True):
            st.page_link(page, label=question, icon=icon, width="stretch")
            st.caption(answer)

st.subheader("État des données")
st.caption(
    "Chaque source publie avec un décalage connu (ex. : l'Insee publie les estimations de population au 1er "
    "janvier dès janvier ; la DREES publie les minima sociaux de l'année N en N + 2). Le tableau compare la "
    "dernière année que Radar social détient à celle que l'éditeur a sans doute déjà publiée : « à jour », "
    "« ancien » (une édition de retard), « très ancien » (deux ou plus). Une donnée ancienne n'est pas la "
    "situation d'aujourd'hui : chaque fiche le dit à côté du chiffre."
)
st.table(cache.data_state(), hide_index=True)
st.page_link(
    "app_pages/import.py", label="Mettre une source à jour : importer des données", icon=":material/upload_file:"
)

st.subheader("Les indicateurs disponibles")
st.caption("Par thème, avec la dernière année détenue et son âge au regard du rythme de publication de la source.")
for position, (theme, rows) in enumerate(cache.indicators_by_theme()):
    count = f"{len(rows)} indicateur{'s' if len(rows) > 1 else ''}"
    with st.expander(f"{theme} ({count})", expanded=position == 0):
        st.table(rows, hide_index=True)  # st.table wraps long labels and sources instead of cutting them
st.caption("Sources : Insee, DREES, CNAF, MSA, Caisse des Dépôts — Licence Ouverte / Etalab 2.0.")
