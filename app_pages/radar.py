"""Radar page: for one territory (?dep=93, ?com=59183, ?epci=…), the few things that stand out or are
changing, ranked and grouped by theme; for a département or an EPCI, its communes that stand out most."""

import streamlit as st

from indicators.core.formatting import plain
from indicators.radar import rules
from indicators.ui import cache, picker
from indicators.views import maps, radar_view

st.title("Radar")
st.caption(
    "Ce qui ressort d'un territoire : écarts nets à la France et aux territoires semblables, ruptures "
    "par rapport à la tendance, besoins qui croissent plus vite qu'ailleurs d'ici 2030."
)
chosen = picker.pick("radar_search", icon=":material/radar:")
if chosen is not None:
    st.query_params.from_dict(picker.profile_params(chosen))
    st.rerun()

where = next(((lv, p) for lv, p in radar_view.PARAMS.items() if st.query_params.get(p)), None)
if where is None:
    st.info("Cherchez un territoire ci-dessus, ou ouvrez un lien tel que `/radar?dep=93` ou `/radar?com=59183`.")
    st.stop()
level, param = where
code = st.query_params[param].strip().upper()
radar = cache.radar(level, code)
if radar is None:
    st.warning(f"Aucun territoire de code « {plain(code)} » dans les données.")
    st.stop()

st.header(f"{radar_view.LEVEL_WORDS[level]} : {radar.name} ({code})")
st.caption(f"Profil complet : [/profil?{param}={code}](/profil?{param}={code})")
if radar.compared_with is not None:
    st.caption(f"Version publiée n° {radar.version} ; « nouveau » = absent de la version {radar.compared_with}.")
if pending := radar_view.pending_sentence(radar):
    st.info(pending, icon=":material/hourglass_top:")

backtest = cache.radar_backtest()
if radar.signals.empty:
    st.subheader("Aucun signal net")
    st.markdown(
        "Sur les indicateurs disponibles pour ce territoire, aucun écart ni aucune évolution ne dépasse les "
        "seuils du radar. Les chiffres sont sur le profil."
    )
else:
    st.subheader("À retenir")
    for signal in radar.top:
        new = " · **nouveau**" if signal.get("new") else ""
        st.markdown(f"**{radar_view.label(signal)}**{new} — {plain(signal['sentence'])}")

    st.subheader("Tous les signaux, par thème")
    for theme_label, rows in radar.themes:
        with st.expander(f"{theme_label} ({len(rows)})", expanded=True):
            for signal in rows:
                new = " · **nouveau**" if signal.get("new") else ""
                st.markdown(
                    f"**{radar_view.label(signal)}**{new} — {plain(signal['sentence'])} "
                    f"[Voir le graphique]({radar_view.chart_link(signal)})"
                )
                st.caption(f"Source : {plain(signal['source'])}")

st.subheader("Ces signaux sont-ils fiables ?")
for kind in rules.KINDS:
    if kind in backtest:
        st.markdown(f"- **{rules.KIND_LABELS[kind]}** : {plain(backtest[kind])}")
st.caption(plain(radar_view.METHOD))

if level in ("departement", "epci"):
    st.subheader("Les communes qui ressortent")
    themes = {"": "Tous les thèmes", **rules.THEMES}
    theme = st.selectbox("Thème", list(themes), format_func=themes.get, key="radar_theme")
    ranked = cache.radar_communes(level, code, theme or None)
    if ranked.empty:
        st.info("Aucune commune de ce territoire n'a de signal net sur ce thème.")
    else:
        st.caption(
            f"{len(ranked)} communes avec au moins un signal d'une situation plus difficile, rangées par la "
            "somme des scores de ces signaux."
        )
        st.dataframe(radar_view.table_rows(ranked.head(50)), hide_index=True, width="stretch")
        figure = cache.radar_communes_map(level, code, theme or None)
        if figure is not None:
            st.plotly_chart(figure, config=maps.PLOT_CONFIG, key="radar_map")
        st.caption(
            "Sources : celles de chaque signal (Insee, recensement et état civil ; Etalab, populations légales)."
        )
