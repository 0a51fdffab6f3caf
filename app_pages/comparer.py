"""Compare page: chosen départements side by side with France, charts, similar départements, exports."""

import pandas as pd
import streamlit as st

from indicators import cache, catalogue, compare, similarity, territories
from indicators.formatting import format_number, plain

names = territories.departement_names()
options = cache.geojson_codes()

if "deps" not in st.session_state:
    st.session_state["deps"] = compare.parse_codes(st.query_params.get("deps"))


def _compare_with(codes: list[str]) -> None:
    st.session_state["deps"] = codes[: compare.MAX_CODES]


st.title("Comparer des territoires")
codes = st.multiselect(
    "Départements (2 à 8), comparés à la France",
    options,
    key="deps",
    max_selections=compare.MAX_CODES,
    format_func=lambda c: f"{c} — {names[c]}",
)
if len(codes) < compare.MIN_CODES:
    st.warning("Choisissez au moins deux départements.")
    st.stop()
st.query_params["deps"] = ",".join(codes)

wide = cache.compare_table(tuple(codes))
view = cache.compare_view(tuple(codes))  # table texts, colours and downloads, computed once per choice

st.subheader("Tableau comparatif")
# st.table wraps long labels and values instead of cutting them; 8 territories still fit.
st.table(view.shown.style.apply(lambda _: view.styles, axis=None), hide_index=True)
st.caption(
    "Valeurs de la dernière année commune aux territoires choisis (sinon l'année est indiquée entre "
    "parenthèses), unité entre parenthèses après l'indicateur. Rang parmi les départements, seulement pour "
    "les indicateurs orientés : 1ᵉʳ = situation la plus difficile. Couleur des taux : rouge = plus difficile "
    "que la France, bleu = plus favorable ; sans couleur : effectifs, indicateurs neutres ou valeur France n.d. "
    "Sources : Insee, DREES, CNAF, MSA, Caisse des Dépôts — Licence Ouverte / Etalab 2.0."
)
left, right = st.columns(2)
left.download_button("Télécharger (CSV)", view.csv, "radar-social-comparaison.csv", mime="text/csv")
right.download_button(
    "Télécharger (XLSX)",
    view.xlsx,
    "radar-social-comparaison.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader("Graphiques")
chosen = st.multiselect(
    "Indicateurs",
    wide["indicator_id"].tolist(),
    default=["rsa_coverage_rate", "poverty_rate"],
    format_func=lambda i: catalogue.get(i).short_label,
)
for indicator_id in chosen:
    indicator = catalogue.get(indicator_id)
    row = wide[wide["indicator_id"] == indicator_id].iloc[0]
    bar, line = st.columns([2, 3])
    bar_chart, time_series = cache.compare_charts(indicator_id, tuple(codes))
    bar.plotly_chart(bar_chart, key=f"bar-{indicator_id}")
    line.plotly_chart(time_series, key=f"ts-{indicator_id}")
    bars_year = "variable" if pd.isna(row["year"]) else f"{row['year']:.0f}"
    st.caption(
        f"Source : {plain(indicator.citation)}. Unité : {plain(indicator.unit)}. Année des barres : {bars_year}."
    )

st.subheader("Territoires similaires")
one, two, three = st.columns([2, 4, 1])
target = one.selectbox("Département", codes, format_func=lambda c: f"{c} — {names[c]}")
usable = cache.mappable_indicators(similarity.MIN_COVERAGE)
picked = two.multiselect(
    "Indicateurs de ressemblance",
    usable,
    default=list(similarity.DEFAULT_INDICATORS),
    format_func=lambda i: catalogue.get(i).short_label,
)
k = three.number_input("Nombre", 1, 10, 5)
matrix, z, years = cache.similarity_z(tuple(picked)) if picked else (None, None, {})
if z is None or z.empty or target not in z.index:
    st.info("Choisissez des indicateurs disponibles pour ce département.")
else:
    near = similarity.nearest(z, target, int(k))
    near["Distance"] = [format_number(d, 2) for d in near["distance"]]
    st.dataframe(
        near[["code", "name", "Distance"]].rename(columns={"code": "Code", "name": "Département"}), hide_index=True
    )
    why = similarity.breakdown(z, target, near["code"].tolist())
    why.index = [f"{catalogue.get(i).short_label} ({years[i]})" for i in why.index]
    why.columns = [names[c] for c in why.columns]
    st.markdown("**Pourquoi ils sont proches** : écart en écarts-types par indicateur (0 = identique)")
    st.dataframe(why.map(lambda d: format_number(d, 2)))
    st.caption(
        f"Distance euclidienne entre valeurs centrées-réduites (z-scores) sur les {len(z)} départements "
        "renseignés pour tous les indicateurs choisis ; chaque indicateur compte autant."
    )
    st.button("Comparer avec ces départements", on_click=_compare_with, args=([target, *near["code"]],))
