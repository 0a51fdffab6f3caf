"""The commune part of the map page (Streamlit): ?maille=communes&dep=59&com=59183 (or &epci=SIREN)."""

from __future__ import annotations

import streamlit as st

from indicators.core import catalogue
from indicators.core.formatting import plain, quoted
from indicators.models.classify import MAX_CLASSES, METHODS, MIN_CLASSES
from indicators.storage import territories
from indicators.ui import cache, picker, ranked

NO_COMMUNE_DATA = (
    "Pas encore de données communales dans le magasin de données : la carte montre les contours des communes, "
    "toutes en n.d. (non disponible)."
)


def _territory(params) -> tuple[str, str] | None:
    """("departement", "59") or ("epci", SIREN) from the URL, else None."""
    if params.get("epci"):
        return "epci", params["epci"]
    code = territories.normalise_departement_code(params.get("dep"))
    return ("departement", code) if code else None


def render(config: dict) -> None:
    params = st.query_params
    chosen = picker.pick(
        "map_search",
        "Communes d'un département ou d'une intercommunalité (cherchez aussi une commune : elle est entourée)",
        icon=":material/map:",
    )
    if chosen is not None:
        new = {"maille": "communes"}
        if chosen.level == "epci":
            new["epci"] = chosen.code
        else:
            new["dep"] = chosen.departement
        if chosen.level == "commune":
            new["com"] = chosen.code
        st.query_params.from_dict(new)
        st.rerun()
    territory = _territory(params)
    if territory is None:
        st.info("Cherchez un département (59, Nord), une intercommunalité ou une commune pour voir ses communes.")
        return
    level, code = territory
    codes = cache.commune_codes(level, code)
    if not codes:
        st.warning(f"{quoted(code)} n'est pas un code connu de {'département' if level == 'departement' else 'SIREN'}.")
        return
    selected = params.get("com") if params.get("com") in codes else None
    names = cache.territory_names()
    place = territories.departement_names()[code] + f" ({code})" if level == "departement" else names.get(code, code)
    st.subheader(f"Communes : {place}")

    choices = cache.local_indicators("commune")
    left, middle, right, last = st.columns([3, 1, 2, 2])
    if choices:
        preferred = catalogue.defaults()["commune_map"]
        fallback = preferred if preferred in choices else choices[0]
        default = params.get("ind") if params.get("ind") in choices else fallback
        indicator_id = left.selectbox(
            "Indicateur communal",
            choices,
            index=choices.index(default),
            format_func=lambda i: catalogue.get(i).short_label,  # the full label (cut on a phone) is in the caption
            key="commune_indicator",
        )
        years = cache.years(indicator_id, "commune")
        year = middle.selectbox("Année", years[::-1], key="commune_year")
        if params.get("ind") != indicator_id:
            st.query_params["ind"] = indicator_id
    else:
        st.info(NO_COMMUNE_DATA, icon=":material/info:")
        indicator_id, year = None, None
    method = right.selectbox("Classes", list(METHODS), format_func=METHODS.get, key="commune_method")
    k = last.slider("Nombre de classes", MIN_CLASSES, MAX_CLASSES, 5, key="commune_k")
    shapes = cache.commune_geojson_url(level, code)
    view = cache.commune_map(level, code, indicator_id, year, method, k, selected, shapes)
    map_col, table_col = st.columns([5, 3])
    with map_col:
        st.plotly_chart(view.figure, key="commune_map", config=config)
        if indicator_id:
            indicator = catalogue.get(indicator_id)
            label = plain(indicator.label)
            dated = label if f"({year})" in label else f"{label} ({year})"  # some labels carry their year
            st.caption(
                f"{dated}. Source : {plain(indicator.citation)}. Unité : "
                f"{plain(indicator.unit)}. Gris : n.d. (non disponible : secret statistique, dit au survol et dans "
                "le classement, ou absent de la source)."
                + (f" Contour rouge : {plain(names.get(selected, selected))}." if selected else "")
            )
        st.caption(
            "Contours : IGN Admin Express 2018, communes fusionnées depuis réunies (géographie 2026), simplifiés."
        )
    with table_col:
        st.markdown("**Classement des communes** (rang 1 = valeur la plus élevée, ou la plus difficile)")
        ranked.ranked_table(
            view.ranked,
            "/profil?com=",
            height=460,
            chosen=selected,
            file=view.file,
            file_name=f"radar-social-classement-communes-{code}-{indicator_id}-{year}.csv",
        )
