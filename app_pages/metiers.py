"""« Métiers du social »: the départements' social staff per 1 000 of the need each category serves, and the
staff each would need to 2050 if that ratio held (indicators.models.workforce, indicators.views.metiers)."""

import streamlit as st

from indicators.models import workforce
from indicators.storage import territories
from indicators.storage.territories import departement_names
from indicators.ui import cache, empty_states, picker
from indicators.views.metiers import SOURCE

st.title("Les métiers du social de demain")
st.info(
    "Les effectifs de 2030 à 2050 sont des **projections** de Radar social : ce qu'il faudrait pour garder le taux "
    "d'encadrement d'aujourd'hui si les besoins évoluaient comme projeté. Ce ne sont ni des normes ni des "
    "prévisions de recrutement."
)
names = departement_names()
wanted = territories.normalise_departement_code(st.query_params.get("dep")) or "93"
st.session_state.setdefault("departement", wanted if wanted in names else "93")
picker.departement_for("departement_search", "departement", "les métiers du social")
code = st.selectbox("Département", list(names), format_func=lambda c: f"{c} – {names[c]}", key="departement")
if st.query_params.get("dep") != code:
    st.query_params["dep"] = code

view = cache.metiers(code, names[code])
if view.today.empty:
    st.warning(
        f"{names[code]} : l'enquête Aide sociale de la DREES ne publie pas, pour ce département, à la fois les "
        "effectifs et les bénéficiaires qu'ils servent (Mayotte est hors du champ des bénéficiaires ; la Corse "
        "n'a plus de lignes 2A/2B depuis 2018). Aucun taux d'encadrement ni projection : donnée manquante, pas zéro."
    )
else:
    for sentence in view.summary:
        st.markdown(sentence)

with st.expander("Méthode et limites"):
    st.markdown(
        "**Taux d'encadrement** : effectif au 31 décembre (ETP, ou personnes pour les assistants familiaux) pour "
        "1 000 personnes du besoin servi, la même année (la dernière où effectif et besoins sont tous publiés : "
        "2019 quand les foyers au RSA s'arrêtent en 2019). **Projection** : effectif × besoin projeté ÷ besoin "
        "de l'année de base ; les bandes à 50 % et 80 % sont celles des besoins projetés (incertitude de la "
        "population et des taux, calibrée sur les erreurs passées), sommées quand une catégorie sert plusieurs "
        "besoins (hypothèse prudente). Par scénario : de la variante basse à la haute de population. "
        "**Démographie et taux** : la part due à la démographie est l'évolution qu'on obtiendrait avec les taux "
        "de recours gelés à leur dernière valeur ; le reste vient de l'évolution des taux (scénario tendanciel)."
    )
    st.markdown(
        "**Limites** : un taux d'encadrement n'est pas une norme (il reflète l'organisation et les choix de "
        "chaque département) ; l'association des catégories de personnel aux besoins est un choix de Radar "
        "social ; aucune donnée de départs en retraite ni de postes vacants n'est utilisée ; la DREES compte "
        "les personnels par métier, non par domaine (une équipe de PMI mêle paramédicaux, médecins et "
        "administratifs), ce qui ne se compare pas aux agents par domaine des profils 2018."
    )
    for category in workforce.CATEGORIES:
        st.markdown(f"- **{category.label}** ↔ {category.served_label}. {category.limits}")

if not view.today.empty:
    st.subheader("Aujourd'hui : effectif pour 1 000 du besoin servi")
    st.table(view.today, hide_index=True)
    st.caption(f"Source : {SOURCE} ; bénéficiaires : DREES, enquête Aide sociale, et CNAF (RSA) ; population : Insee.")
    if view.history_chart is not None:
        st.plotly_chart(view.history_chart, key="chart_ratio_history")
        served = " ; ".join(f"{c.label.lower()} pour 1 000 {c.served_label}" for c in workforce.CATEGORIES)
        st.caption(f"Source : {SOURCE} ; calcul Radar social ({served}).")

st.subheader("Effectifs publiés par catégorie")
st.table(view.counts)
st.caption(f"Source : {SOURCE}. « non publié » : donnée absente ou secrète (ND), jamais zéro.")

if not cache.can_project():
    st.info(empty_states.no_projection(sorted(cache.population()["year"].unique())))
elif not view.bands_table.empty:
    st.subheader("Demain : effectifs nécessaires à taux d'encadrement constant (projections)")
    st.table(view.bands_table, hide_index=True)
    st.caption(
        "Projection Radar social : effectif de l'année de base × besoins projetés (bandes à 50 % et 80 % des "
        f"besoins, page Projections et scénarios) ÷ besoins de l'année de base. Source des effectifs : {SOURCE}."
    )
    st.markdown("**Par scénario** (de la variante basse à la variante haute de population)")
    st.table(view.scenarios_table, hide_index=True)
    st.caption(
        "Projection Radar social : les quatre scénarios de la page Projections et scénarios, hypothèses par défaut."
    )
    st.download_button(
        "Télécharger les projections (CSV)", view.csv, f"metiers_social_{code}.csv", "text/csv", key="dl_metiers"
    )
