"""Compare page: 2-8 territories (départements, communes, EPCI) side by side with France, charts, similar
départements, exports. Each figure keeps its level (a commune shows its département's value only marked so)."""

import pandas as pd
import streamlit as st

from indicators.core import catalogue
from indicators.core.formatting import plain
from indicators.models import similarity
from indicators.storage import territories
from indicators.ui import cache, empty_states, picker
from indicators.views import compare

names = territories.departement_names()
index = cache.territory_index()

if "deps" not in st.session_state:
    st.session_state["deps"] = compare.parse_codes(st.query_params.get("deps"), index)


def _compare_with(codes: list[str]) -> None:
    st.session_state["deps"] = codes[: compare.MAX_CODES]


st.title("Comparer des territoires")
added = picker.pick(
    "compare_search", "Ajouter un territoire : commune, intercommunalité ou département", icon=":material/add:"
)
if added is not None:  # before the multiselect is drawn: its state may still change in this run
    key = compare.key_of(added.level, added.code)
    if key not in st.session_state["deps"] and len(st.session_state["deps"]) < compare.MAX_CODES:
        st.session_state["deps"] = [*st.session_state["deps"], key]
    elif key not in st.session_state["deps"]:
        st.warning(f"Huit territoires au plus : retirez-en un pour ajouter {added.label}.")
chosen_keys = st.session_state["deps"]
options = cache.geojson_codes() + [k for k in chosen_keys if ":" in k]
label_of = cache.compare_labels(tuple(options))
codes = st.multiselect(
    "Territoires comparés (2 à 8), avec la France",
    options,
    key="deps",
    max_selections=compare.MAX_CODES,
    format_func=lambda k: f"{k} — {label_of[k]}" if ":" not in k else label_of[k],
)
if len(codes) < compare.MIN_CODES:
    st.warning("Choisissez au moins deux territoires.")
    st.stop()
st.query_params["deps"] = ",".join(codes)
territories_chosen = list(cache.compare_territories(tuple(codes)).values())

wide = cache.compare_table(tuple(codes))
view = cache.compare_view(tuple(codes))  # table texts, colours and downloads, computed once per choice

st.subheader("Tableau comparatif")
# st.table wraps long labels and values instead of cutting them; 8 territories still fit at 1366 px. Where
# the table scrolls sideways (a phone), the indicator column stays pinned on the left, so that every row
# keeps its label (CSS below: st.table has no pinned columns, st.dataframe's would cut the wrapped texts).
st.html(
    """<style>
.st-key-compare_table [data-testid=stTable] :is(th, td):first-child {
  position: sticky; left: 0; z-index: 1; background: #fff; box-shadow: inset -1px 0 0 rgba(49, 51, 63, 0.2);
}
</style>"""
)
with st.container(key="compare_table"):
    st.table(view.shown.style.apply(lambda _: view.styles, axis=None), hide_index=True)
st.caption(
    "Valeurs de la dernière année commune aux territoires choisis (sinon l'année est indiquée entre "
    "parenthèses), unité entre parenthèses après l'indicateur. Rang parmi les départements, seulement pour "
    "les indicateurs orientés : 1ᵉʳ = situation la plus difficile. Couleur des taux : rouge = plus difficile "
    "que la France, bleu = plus favorable ; sans couleur : effectifs, indicateurs neutres ou valeur France n.d. "
    "« dép. 95 » : valeur du département, l'indicateur n'étant pas publié pour la commune ou l'intercommunalité. "
    "Sources : Insee, DREES, CNAF, MSA, Caisse des Dépôts — Licence Ouverte / Etalab 2.0."
)
if age_note := cache.compare_age_note(tuple(codes)):
    st.caption("⚠ " + age_note)
left, right = st.columns(2)
left.download_button("Télécharger (CSV)", view.csv, "radar-social-comparaison.csv", mime="text/csv")
right.download_button(
    "Télécharger (XLSX)",
    lambda: view.xlsx,  # made on the click (compare.View.xlsx)
    "radar-social-comparaison.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader("Graphiques")
chosen = st.multiselect(
    "Indicateurs",
    wide["indicator_id"].tolist(),
    default=[i for i in catalogue.defaults()["compare"] if i in set(wide["indicator_id"])],
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
dep_keys = [t.key for t in territories_chosen if t.level == "departement"] or [territories_chosen[0].departement]
target = one.selectbox("Département", dep_keys, format_func=lambda c: f"{c} — {names[c]}")
usable = cache.mappable_indicators(similarity.MIN_COVERAGE)
picked = two.multiselect(
    "Indicateurs de ressemblance",
    usable,
    default=empty_states.available(similarity.DEFAULT_INDICATORS, usable),
    format_func=lambda i: catalogue.get(i).short_label,
)
k = three.number_input("Nombre", 1, 10, 5)
found = cache.similar(target, tuple(picked), int(k))  # computed once per choice
if not usable:
    st.info(
        f"Pas de territoires similaires : aucun indicateur n'est publié ici pour au moins {similarity.MIN_COVERAGE} "
        f"départements, le minimum pour les comparer. {empty_states.FULL_STORE}"
    )
elif found is None:
    st.info("Choisissez des indicateurs disponibles pour ce département.")
else:
    near, why, counted, near_codes = found
    st.dataframe(near, hide_index=True)
    st.markdown("**Pourquoi ils sont proches** : écart en écarts-types par indicateur (0 = identique)")
    st.dataframe(why)
    st.caption(
        f"Distance euclidienne entre valeurs centrées-réduites (z-scores) sur les {counted} départements "
        "renseignés pour tous les indicateurs choisis ; chaque indicateur compte autant."
    )
    st.button("Comparer avec ces départements", on_click=_compare_with, args=([target, *near_codes],))
