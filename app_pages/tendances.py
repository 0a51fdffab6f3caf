"""Trends page: a rate of one département (or France) projected to 2050 by a damped trend, with its bands."""

import streamlit as st

from indicators.core import catalogue
from indicators.core.formatting import format_indicator, format_number, plain
from indicators.models import freshness, track_record, trends
from indicators.storage.territories import departement_names, normalise_departement_code
from indicators.ui import cache, empty_states, picker

st.title("Tendances des taux à 2050")
st.info(
    "Prolonger une tendance n'est pas prévoir : les projections ci-dessous (calculées par Radar social, "
    "pas par l'Insee) disent où mènerait le passé récent s'il se répétait, avec l'incertitude qui va avec."
)

names = {**departement_names(), "FR": "France"}
ids = list(catalogue.trend_ids())
picker.from_url("trend_territory", "dep", "93", lambda c: "FR" if c == "FR" else normalise_departement_code(c))
picker.from_url("trend_indicator", "ind", ids[0], lambda i: i if i in ids else None)  # ?dep=38&ind=poverty_rate
picker.departement_for("trend_territory_search", "trend_territory", "les tendances des taux")
left, right = st.columns(2)
code = left.selectbox(
    "Territoire",
    list(names),
    format_func=lambda c: c if c == "FR" else f"{c} – {names[c]}",
    key="trend_territory",
)
indicator_id = right.selectbox("Taux", ids, format_func=lambda i: catalogue.get(i).label, key="trend_indicator")
picker.to_url(dep=code, ind=indicator_id)
indicator = catalogue.get(indicator_id)
level = "france" if code == "FR" else "departement"
observed, path, backtest = cache.trend(code, indicator_id, level)

if observed.empty:
    st.warning(f"Pas de série observée de « {plain(indicator.label)} » pour {names[code]}.")
    st.stop()
if len(observed) < trends.MIN_YEARS:
    st.warning(
        f"**Série trop courte** : {len(observed)} années observées ({observed.index.min()}–"
        f"{observed.index.max()}), moins de {trends.MIN_YEARS}. Aucune tendance n'est projetée : "
        "quelques points ne disent rien de l'évolution à 2050.",
        icon=":material/warning:",
    )

st.subheader(f"{plain(indicator.label)} – {names[code]}")
age = freshness.of(indicator.id, int(observed.index.max()))  # a projected year may be one already published
st.plotly_chart(cache.trend_figure(code, indicator_id, level, age.not_imported), key="trend_chart")
caption = f"Source : {plain(indicator.citation)} (observé, trait plein, {observed.index.min()}–{observed.index.max()})."
if age.is_old:
    caption += (
        f" ⚠ {age.sentence.capitalize()} : les années {age.not_imported[0]}–{age.not_imported[-1]} (« non importé », "
        "zone orangée) sont sans doute publiées mais pas encore dans Radar social ; la tendance les projette."
    )
if len(path):
    at = path.set_index("year")
    fmt = lambda year, v: format_indicator(at.at[year, v], indicator)  # noqa: E731
    milestones = " ; ".join(
        f"{y} : {fmt(y, 'trend')} (80 % : {fmt(y, 'trend_p10')} à {fmt(y, 'trend_p90')})"
        for y in (2030, 2040, 2050)
        if y in at.index
    )
    caption += (
        f" Projection Radar social (tirets), zones ombrées : intervalles de prévision à 50 % et 80 %. {milestones}."
    )
st.caption(caption)

held = cache.track_record_held(track_record.RATES_FILE)
if not held:
    st.info(empty_states.no_track_record(track_record.RATES_FILE))
elif code != "FR":
    past_chart, past_sentence, origin = cache.past_forecast(code, indicator_id, names[code])
    if past_chart is not None:
        st.markdown(f"#### Ce qu'une projection faite en {origin} disait, et ce qui s'est passé")
        st.plotly_chart(past_chart, key="chart_past_trend")
        if past_sentence:
            st.markdown(past_sentence)
        st.caption(
            f"Source : {plain(indicator.citation)} (observé, trait plein) ; projection refaite par Radar social "
            f"avec la même méthode et les seules données connues en {origin} (tirets, zones ombrées : "
            "intervalles à 50 % et 80 % calculés à l'époque), recalculée à chaque construction des données."
        )

with st.expander("Méthode et fiabilité (rétro-prévision)"):
    st.markdown(indicator.method or "")
    st.markdown(f"Trajectoire centrale retenue pour ce taux : **{trends.setting_of(indicator_id).label}**.")
    if backtest:
        mine, every = backtest["series"], backtest["all"]
        pct = lambda v: format_number(v, 0) + "\u00a0%"  # noqa: E731
        st.markdown(
            f"**Peut-on s'y fier ?** Radar social a refait les projections qu'il aurait publiées par le passé "
            f"({track_record.tested_span(every)} ; intervalles calibrés uniquement sur ce qui "
            f"était connu à chaque date), puis les a comparées à ce qui s'est passé.\n\n"
            f"| | {names[code]} | Tous les territoires |\n|---|---|---|\n"
            f"| Valeurs observées dans l'intervalle à 80 % | {pct(mine['coverage_80'])} | "
            f"{pct(every['coverage_80'])} |\n"
            f"| Valeurs observées dans l'intervalle à 50 % | {pct(mine['coverage_50'])} | "
            f"{pct(every['coverage_50'])} |\n"
            f"| Erreur moyenne de la trajectoire centrale | {format_number(mine['mae_trend'], 2)} pt | "
            f"{format_number(every['mae_trend'], 2)} pt |\n"
            f"| Erreur moyenne de « dernière valeur » | {format_number(mine['mae_last_value'], 2)} pt | "
            f"{format_number(every['mae_last_value'], 2)} pt |\n\n"
            "Un intervalle à 80 % bien calibré contient environ 8 valeurs observées sur 10."
        )
        if note := track_record.extrapolation_note(every):
            st.markdown(note)
    elif held:
        st.markdown("Pas de rétro-prévision : la série est trop courte.")
