"""Territory profile: one département at a glance (?dep=38): where it stands, what it means, what comes next;
a commune (?com=95585) or an EPCI (?epci=200055655) against its EPCI, département and France (local_view)."""

import streamlit as st

from indicators.core.formatting import plain
from indicators.models import standing
from indicators.storage import territories
from indicators.ui import cache, local_view, picker, radar_block
from indicators.views import profile_cards, report
from indicators.views.profile import to_csv

CHART_CONFIG = {"displayModeBar": False}


codes = territories.departement_codes()
names = territories.departement_names()

st.title("Profil d'un territoire")
chosen = picker.pick("profile_search", icon=":material/badge:")
if chosen is not None:  # the choice goes into the URL (?dep=38, ?com=95585, ?epci=…), the one source of truth
    st.query_params.from_dict(picker.profile_params(chosen))
    st.rerun()
for level, param in (("commune", "com"), ("epci", "epci")):
    if st.query_params.get(param):
        local_view.render(level, st.query_params[param].strip().upper())
        st.stop()

raw = st.query_params.get("dep")
code = territories.normalise_departement_code(raw)
if code not in codes:
    if raw:
        st.warning(profile_cards.unknown_code_message(raw))
    else:
        st.info(
            "Cherchez un département, une intercommunalité ou une commune ci-dessus, ou ouvrez un lien tel que "
            "`/profil?dep=38` ou `/profil?com=95585`."
        )
    st.markdown(profile_cards.departement_list(codes, names), unsafe_allow_html=True)
    st.stop()
if st.query_params.get("dep") != code:
    st.query_params["dep"] = code

prof = cache.profile(code)
charts = cache.profile_charts(code)
st.markdown(profile_cards.STYLE, unsafe_allow_html=True)
st.header(prof.title)
st.caption(f"Région {prof.region} · lien direct vers cette fiche : `/profil?dep={code}`")
radar_block.top_three("departement", code)

# --- Chiffres clés ------------------------------------------------------------------------------------
st.subheader("Chiffres clés")
st.markdown(profile_cards.cards(prof.headline), unsafe_allow_html=True)

# --- Où en est le département -------------------------------------------------------------------------
st.subheader("Où en est le département ?")
st.caption(profile_cards.SPINE_HOW_TO_READ)
st.plotly_chart(charts["spine"], config=CHART_CONFIG, key="spine")
notes = profile_cards.spine_notes(prof.spine)
if notes:
    st.caption(plain(notes))

# --- Ce que disent les chiffres ---------------------------------------------------------------------------
st.subheader("Ce que disent les chiffres")
if prof.commentary:
    st.markdown("\n".join(f"- {plain(s.text)}" for s in prof.commentary))
    st.caption(
        "Phrases écrites automatiquement à partir des chiffres ci-dessus (rang parmi les départements, médiane, "
        "France), seulement quand l'écart est net ; aucune phrase sur une valeur manquante."
    )
else:
    st.caption("Pas de constat net à signaler : les valeurs sont proches de celles des autres départements.")

# --- Départements comparables ------------------------------------------------------------------------------
st.subheader("Comparé aux départements similaires")
if prof.similar:
    st.markdown(
        "Les 5 départements les plus proches : "
        + ", ".join(f"[{n.name} ({n.code})](/profil?dep={n.code})" for n in prof.similar)
        + "."
    )
    st.markdown(profile_cards.similar_table(prof), unsafe_allow_html=True)
    st.caption(profile_cards.similar_method(prof))
else:
    st.caption("Pas assez d'indicateurs structurels pour trouver des départements similaires.")

# --- Et demain ---------------------------------------------------------------------------------------------
st.subheader("Et demain ? Projections 2030 et 2050")
st.markdown(profile_cards.outlook_table(prof.outlook), unsafe_allow_html=True)
st.caption(
    "Projections calculées par Radar social, pas des observations : valeur centrale et, entre crochets, "
    "variantes basse et haute (ou intervalle p10 – p90 quand il existe)."
)
with st.expander("Méthode des projections"):
    for row in prof.outlook:
        st.markdown(f"**{row.label}** : {row.method}")
    st.page_link(
        "app_pages/scenarios.py", label="Faire varier les hypothèses (page Scénarios)", icon=":material/timeline:"
    )

# --- Structure par âge ----------------------------------------------------------------------------
st.subheader("Structure par âge")
left, right = st.columns([3, 2])
with left:
    if prof.pyramid_year:
        st.plotly_chart(charts["pyramid"], config=CHART_CONFIG, key="pyramid")
    else:
        st.info("Pyramide des âges : n.d. (pas d'estimation de population pour ce département)")
with right:
    st.markdown(profile_cards.ages_table(prof))
    year = prof.ages[0].year
    st.caption(
        f"Part de la population totale au 1er janvier {year}. Source : {prof.ages[0].source}. "
        "Trait pointillé de la pyramide : la France, même année."
    )

# --- Indicateurs sociaux ---------------------------------------------------------------------------
st.subheader("Indicateurs sociaux : évolution")
st.caption(
    "Valeur la plus récente du département, valeur France la même année (ou médiane des départements quand "
    "aucune source ne publie la France), rang parmi les départements et évolution sur toutes les années "
    "disponibles (trait pointillé : France)."
)
for fig in prof.social:
    with st.container(border=True):
        c1, c2 = st.columns([2, 3])
        with c1:
            st.markdown(profile_cards.social_block(fig, prof.code), unsafe_allow_html=True)
        with c2:
            if fig.trend:
                st.plotly_chart(charts[fig.key], config=CHART_CONFIG, key=f"trend-{fig.key}")
            else:
                st.caption("Pas de série disponible.")

# --- Dépenses ----------------------------------------------------------------------------------------
st.subheader("Dépenses d'aide sociale")
left, right = st.columns([1, 2])
with left:
    st.markdown(profile_cards.cards(prof.spending[:1]), unsafe_allow_html=True)
with right:
    st.markdown(profile_cards.spending_table(prof))
    st.caption(profile_cards.spending_caption(prof))

# --- La collectivité ------------------------------------------------------------------------------------
st.subheader("La collectivité")
st.markdown(profile_cards.cards(prof.collectivite), unsafe_allow_html=True)

# --- Exports --------------------------------------------------------------------------------------------
st.subheader("Télécharger")
c1, c2 = st.columns(2)  # a quarter of the page cut « Télécharger les chiffres (C… » at 1366 px
c1.download_button(
    "Télécharger la fiche (PDF)",
    lambda: report.build_pdf(cache.profile(code)),
    file_name=f"fiche-{code}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
)
c2.download_button(
    "Télécharger les chiffres (CSV)",
    lambda: to_csv(cache.profile(code)),
    file_name=f"fiche-{code}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/table_view:",
)
st.caption(
    "CSV séparé par des points-virgules, encodé en UTF-8 avec BOM (s'ouvre directement dans Excel), "
    "chiffres arrondis comme à l'écran."
)
st.caption(
    "Toutes les sources sont publiées sous Licence Ouverte / Etalab 2.0 (Insee, DREES, CNAF, MSA, "
    "Caisse des Dépôts, IGN) ; budget et agents : profils 2018 des départements partenaires. "
    f"{standing.MEDIAN_LABEL.capitalize()} : valeur du milieu des départements, montrée quand aucune source ne "
    "publie la France."
)
