"""Map page: any indicator and year on a choropleth of the 101 départements, with a ranked table; or the
communes of one département or EPCI (?maille=communes, see commune_map_view)."""

import streamlit as st

from indicators.core import catalogue
from indicators.core.formatting import plain
from indicators.models.classify import DEFAULT_CLASSES, MAX_CLASSES, METHODS, MIN_CLASSES
from indicators.ui import cache, commune_map_view, empty_states, ranked, scripted
from indicators.views import maps

PROFILE_PAGE = "app_pages/profil.py"
PLOTLY_CONFIG = maps.PLOT_CONFIG

choices = cache.mappable_indicators()
params = st.query_params
SCALES = {"departements": "Départements de France", "communes": "Communes d'un territoire"}

st.title("Carte")
scale = st.segmented_control(
    "Échelle",
    list(SCALES),
    format_func=SCALES.get,
    default="communes" if params.get("maille") == "communes" else "departements",
    key="map_scale",
)
if scale == "communes":
    if params.get("maille") != "communes":
        st.query_params.from_dict({"maille": "communes"})
    commune_map_view.render(PLOTLY_CONFIG)
    st.stop()
if params.get("maille"):
    st.query_params.clear()

left, middle, right = st.columns([3, 2, 2])
if not choices:
    st.info(f"Aucun indicateur publié pour assez de départements pour une carte. {empty_states.FULL_STORE}")
    st.stop()
default_ind = (
    params.get("ind")
    if params.get("ind") in choices
    else empty_states.first_available([catalogue.defaults()["map"]], choices)
)
indicator_id = left.selectbox(  # short labels: a full one is cut in the box on a phone; the caption gives it
    "Indicateur", choices, index=choices.index(default_ind), format_func=lambda i: catalogue.get(i).short_label
)
indicator = catalogue.get(indicator_id)
years = cache.map_years(indicator_id)
year_param = params.get("year")
default_year = int(year_param) if year_param and year_param.isdigit() and int(year_param) in years else years[-1]
year = middle.selectbox("Année", years[::-1], index=years[::-1].index(default_year))
method_keys = list(METHODS)
method = right.selectbox(
    "Classes",
    method_keys,
    format_func=METHODS.get,
    index=method_keys.index(params.get("method")) if params.get("method") in METHODS else 0,
)
left2, right2 = st.columns([3, 4])
k_param = params.get("k")
k = left2.slider(
    "Nombre de classes",
    MIN_CLASSES,
    MAX_CLASSES,
    int(k_param) if k_param and k_param.isdigit() and MIN_CLASSES <= int(k_param) <= MAX_CLASSES else DEFAULT_CLASSES,
)
gap = right2.toggle("Écart à la France (palette divergente)", value=params.get("gap") == "1")
st.query_params.update(
    {"ind": indicator_id, "year": str(year), "method": method, "k": str(k), "gap": "1" if gap else "0"}
)

if not cache.geometry_held():  # a store written without the map geometry: the ranking still holds
    st.info(f"Pas de fond de carte : la géométrie des départements manque à ces données. {empty_states.FULL_STORE}")
    st.markdown("**Classement** (rang 1 = situation la plus difficile)")
    ranked.ranked_table(cache.departement_ranking(indicator_id, year, gap), "/profil?dep=", height=420)
    st.caption(f"{indicator.label} ({year}). Source : {indicator.citation}. Unité : {indicator.unit}.")
    st.stop()
# Built once per choice and store version, then only sent (geometry by URL: figures carry locations and values).
view = cache.departement_map(indicator_id, year, method, k, gap, cache.geojson_url())
if view.no_france_value:
    st.warning(f"Pas de valeur France pour cet indicateur en {year} : l'écart à la France est n.d.")
source = f"Source : {indicator.citation}. Année : {year}. Unité : {indicator.unit}."

# The map takes the page's width (beside a table it drew metropolitan France ~250 px wide at 1366 px);
# the ranked table and the Paris zoom follow, side by side.
event = st.plotly_chart(
    view.figure,
    key="map",
    on_select="rerun",
    selection_mode="points",
    config=PLOTLY_CONFIG,
)
st.caption(
    f"{indicator.label} ({year}). {source} Gris : n.d. (non disponible). "
    "Cliquez sur un département pour ouvrir son profil ; l'appareil photo de la barre d'outils "
    "télécharge la carte en PNG. Outre-mer en encarts, hors échelle."
)
table_col, zoom_col = st.columns([3, 2])
with table_col:
    st.markdown("**Classement** (rang 1 = situation la plus difficile)")
    ranked.ranked_table(
        view.ranked,
        "/profil?dep=",
        height=420,
        chosen=params.get("dep"),
        file=view.file,
        file_name=f"radar-social-classement-{indicator_id}-{year}.csv",
    )
if view.zoom:
    with zoom_col:
        st.markdown("**Paris et petite couronne**")
        st.html(scripted.filled(view.zoom), unsafe_allow_javascript=True)
        st.caption(
            "Mêmes classes et mêmes couleurs que la carte de France ; code et valeur de chaque département, "
            "nom et rang au survol ; un clic ouvre son profil."
        )

points = event.selection.points if event and event.selection else []
if points:
    code = points[0].get("location")
    try:
        st.switch_page(PROFILE_PAGE, query_params={"dep": code})
    except st.errors.StreamlitAPIException:
        st.info(f"Profil du département : [/profil?dep={code}](/profil?dep={code})")
if indicator.notes:
    st.caption(f"Note : {plain(indicator.notes)}")
