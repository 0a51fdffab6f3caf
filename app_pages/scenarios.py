"""Scenarios page: population and social needs of a département to 2050 under the four prospective scenarios."""

import streamlit as st

from indicators.core import catalogue
from indicators.core.formatting import format_number
from indicators.models import age_outlook, scenarios, track_record
from indicators.models.needs import NEED_BY_ID
from indicators.storage.territories import departement_names, normalise_departement_code
from indicators.ui import cache, empty_states, picker
from indicators.views import age_charts, scenario_view

st.title("Projections et scénarios à 2050")
st.info(
    "Tous les chiffres après la dernière année observée sont des **projections** calculées par Radar social "
    "(elles ne viennent pas de l'Insee) : des ordres de grandeur selon des hypothèses, pas des prévisions."
)

names = departement_names()
picker.from_url("departement", "dep", "93", normalise_departement_code)  # /scenarios?dep=38&ind=pch_recipients
picker.departement_for("departement_search", "departement", "les projections et scénarios")
code = st.selectbox(
    "Département",
    list(names),
    format_func=lambda c: f"{c} – {names[c]}",
    key="departement",
)
picker.to_url(dep=code)
if not cache.can_project():  # the demo store: one year of estimates, nothing on this page can be computed
    st.info(empty_states.no_projection(sorted(cache.population()["year"].unique())))
    st.stop()
st.subheader("Population par âge : observée, puis projetée à 2050")
paths, _, last_year = cache.age_outlook(code)
pyramid_year = st.radio(
    "Année projetée de la pyramide", list(age_outlook.MILESTONES), horizontal=True, key="pyramid_year"
)
pyramid_chart, groups_chart = cache.age_figures(code, pyramid_year)
st.plotly_chart(pyramid_chart, key="chart_pyramid")
for column, (index, chart) in zip(st.columns(len(groups_chart)), enumerate(groups_chart), strict=True):
    column.plotly_chart(chart, key=f"chart_age_group_{index}")  # side by side; one per row on a phone
st.caption(age_charts.GROUPS_LEGEND)
st.table(cache.age_milestones(code))
st.caption(
    f"Source : {catalogue.get(catalogue.POPULATION).citation} (observé, {last_year} au 1er janvier) ; "
    f"projection Radar social, méthode Hamilton-Perry (rapports de cohortes {last_year - 5}-{last_year}, "
    f"écart à la moyenne nationale atténué et mêlé à celui de {last_year - 10}-{last_year - 5} ; "
    "jeunes enfants par femme rapprochés à mi-chemin de la moyenne nationale, sauf outre-mer), en habitants "
    "au 1er janvier. Intervalles à 50 % et 80 % tirés des erreurs des projections qu'aurait faites la même "
    "méthode chaque année depuis 1985, âge par âge (0-19, 20-64, 65-74, 75 ans et plus)."
)
st.markdown(f"#### Peut-on s'y fier ? La projection faite en {track_record.ORIGIN}, comparée à ce qui s'est passé")
past_chart, past_sentences = cache.past_projection(code, names[code])
if past_chart is not None:
    st.plotly_chart(past_chart, key="chart_past_projection")
    for sentence in past_sentences:
        st.markdown(sentence)
    st.caption(
        f"Source : {catalogue.get(catalogue.POPULATION).citation} ; projection refaite par Radar social avec la même "
        f"méthode et les seules estimations connues en {track_record.ORIGIN} (habitants au 1er janvier)."
    )

bases, groups = cache.scenario_inputs(code)
if not bases:
    st.warning("Aucune série de bénéficiaires observée pour ce département : pas de projection des besoins.")
    st.stop()

with st.expander("Méthode et qualité des projections"):
    st.markdown(catalogue.get(catalogue.POPULATION).method)
    for method in dict.fromkeys(catalogue.get(need_id).method for need_id in NEED_BY_ID):  # each method once
        st.markdown(method)
    st.markdown(
        "Dans les scénarios, chaque taux suit sa trajectoire centrale (celle de la fiche du territoire et de la "
        "page Tendances), dont il s'écarte chaque année du pourcentage choisi, amorti de 10 % par an ; le "
        "Tendanciel (écart nul) est donc la projection de la fiche. Le choc multiplie tous les taux à partir de "
        "son année. "
        "Dépense = bénéficiaires × dépense nette par bénéficiaire de la dernière année connue "
        "(euros courants de cette année, sans inflation ; l'AAH est versée par l'État)."
    )
    st.markdown(
        f"**Rétro-projection {track_record.ORIGIN} → {track_record.TARGET}** (écart absolu moyen sur les "
        "départements, calculé à chaque construction des données) :"
    )
    st.table(cache.method_errors())

RATE_STEPS = [round(x / 10, 1) for x in range(-50, 81)]
SHOCK_STEPS = [float(x) for x in range(-30, 51)]
RATE_LABELS = {v: format_number(v, 1) + "\u00a0%/an" for v in RATE_STEPS}  # once, not per slider and rerun
SHOCK_LABELS = {v: format_number(v, 0) + "\u00a0%" for v in SHOCK_STEPS}
defaults = scenarios.defaults(bases)
# The sliders are pre-filled with this territory's trends: another territory's values are forgotten on a change.
picker.follow("scenarios", code, [k for k in st.session_state if k.startswith(scenarios.KEY_PREFIXES)])
picker.from_url("need", "ind", next(iter(bases)), lambda n: n if n in bases else None)
st.subheader("Les quatre scénarios : vos hypothèses")
chosen = []
for column, scenario in zip(st.columns(4), defaults, strict=True):
    with column, st.container(border=True):
        st.markdown(f"**{scenario.name}**")
        st.caption(scenario.description)
        variant = st.selectbox(
            "Population",
            list(scenarios.VARIANT_LABELS),
            key=f"{scenario.key}_variant",
            index=list(scenarios.VARIANT_LABELS).index(scenario.variant),
            format_func=lambda v: f"variante {scenarios.VARIANT_LABELS[v]}",
        )
        changes = {
            need_id: st.select_slider(
                f"{NEED_BY_ID[need_id].label} : écart à la trajectoire centrale (%/an)",
                RATE_STEPS,
                min(max(round(float(value), 1), RATE_STEPS[0]), RATE_STEPS[-1]),
                format_func=RATE_LABELS.__getitem__,
                key=f"{scenario.key}_{need_id}",
            )
            for need_id, value in scenario.rate_change.items()
        }
        shock_year = st.slider("Année du choc", 2025, 2050, scenario.shock_year or 2030, key=f"{scenario.key}_year")
        shock = st.select_slider(
            "Ampleur du choc (% des taux)",
            SHOCK_STEPS,
            float(scenario.shock_size),
            format_func=SHOCK_LABELS.__getitem__,
            key=f"{scenario.key}_shock",
        )
        chosen.append(
            scenario.with_changes(
                variant=variant, rate_change=changes, shock_year=shock_year if shock else None, shock_size=shock
            )
        )

view = cache.scenario_view(code, chosen)  # trajectories, charts, tables, downloads: computed once
need_id = st.selectbox("Besoin affiché", list(bases), format_func=lambda n: NEED_BY_ID[n].label, key="need")
picker.to_url(ind=need_id)
base = bases[need_id]
if len(base.observed) < 8:
    st.warning(f"Série courte ({len(base.observed)} années observées) : la tendance est fragile.")
source = catalogue.get(need_id).citation
need_view = cache.scenario_need(code, chosen, need_id)
st.subheader(f"{NEED_BY_ID[need_id].label} au 31 décembre")
st.plotly_chart(need_view.chart, key="chart_recipients")
st.caption(scenario_view.need_caption(source, need_id, base))
if need_view.positions is not None:
    st.markdown(need_view.position)
    st.table(need_view.positions)
past_need_chart, past_need_sentence, _ = cache.past_forecast(code, need_id, names[code], kind="need")
if past_need_chart is not None:
    st.markdown(f"#### Ce qu'une projection faite en {track_record.NEED_ORIGIN} disait, et ce qui s'est passé")
    st.plotly_chart(past_need_chart, key="chart_past_need")
    if past_need_sentence:
        st.markdown(past_need_sentence)
    st.caption(
        f"Source : {source} (observé, trait plein) ; projection refaite par Radar social avec la même méthode "
        f"(taux prolongé depuis {track_record.NEED_ORIGIN} × population projetée depuis les seules estimations "
        "connues alors ; tirets, zones ombrées : intervalles à 50 % et 80 % calculés à l'époque, incertitude "
        "de la population et du taux)."
    )

st.subheader("Dépense nette des prestations départementales (APA, PCH, ASE, RSA), en millions d'euros")
if view.spending_chart is None:
    st.info(
        "Aucune dépense nette par bénéficiaire n'est observée pour les prestations de ce département dans "
        "l'enquête Aide sociale de la DREES : pas de projection de dépense."
    )
else:
    st.plotly_chart(view.spending_chart, key="chart_spending")
    _, _, spending_observed = cache.need_bands(code)
    cost_year = max((b.cost_year or 0) for b in bases.values())
    history = (
        f"observé {spending_observed.index.min()}-{spending_observed.index.max()} (trait plein), "
        if len(spending_observed)
        else ""
    )
    st.caption(
        f"Source : DREES, enquête Aide sociale, dépenses nettes des départements ({history}euros courants) ; "
        f"calcul Radar social : bénéficiaires projetés × dépense nette par bénéficiaire de {cost_year}, "
        "hors inflation. Bandes grises : somme des bandes de chaque prestation (hypothèse prudente : "
        "les écarts vont dans le même sens)."
    )
    if view.spending_position:
        st.markdown(view.spending_position)

st.subheader("Trajectoires à 2030, 2040, 2050")
st.table(need_view.table)

st.table(view.assumptions, hide_index=True)  # French numbers ("1,7"), wrapped headers
left, right = st.columns(2)
left.download_button(
    "Télécharger les hypothèses (CSV)",
    view.assumptions_csv,
    f"hypotheses_scenarios_{code}.csv",
    "text/csv",
    key="dl_assumptions",
)
right.download_button(
    "Télécharger les résultats (CSV)",
    view.results_csv,
    f"projections_scenarios_{code}.csv",
    "text/csv",
    key="dl_results",
)
