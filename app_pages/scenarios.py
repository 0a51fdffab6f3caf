"""Scenarios page: population and social needs of a département to 2050 under the four prospective scenarios."""

import pandas as pd
import streamlit as st

from indicators import cache, catalogue, exports, picker, scenario_charts, scenarios
from indicators.formatting import format_number
from indicators.needs import AGE_LABELS, NEED_BY_ID
from indicators.territories import departement_names

st.title("Projections et scénarios à 2050")
st.info(
    "Tous les chiffres après la dernière année observée sont des **projections** calculées par Radar social "
    "(elles ne viennent pas de l'Insee) : des ordres de grandeur selon des hypothèses, pas des prévisions."
)

st.session_state.setdefault("departement", "93")
picker.departement_for("departement_search", "departement", "les projections et scénarios")
names = departement_names()
code = st.selectbox(
    "Département",
    list(names),
    format_func=lambda c: f"{c} – {names[c]}",
    key="departement",
)
bases, groups = cache.scenario_inputs(code)
if not bases:
    st.warning("Aucune série de bénéficiaires observée pour ce département : pas de projection des besoins.")
    st.stop()

with st.expander("Méthode et qualité des projections"):
    st.markdown(catalogue.get("population").method)
    st.markdown(catalogue.get("apa_recipients").method)
    st.markdown(
        "Dans les scénarios, chaque taux change chaque année du pourcentage choisi, "
        "amorti de 10 % par an (tendance amortie) ; le choc multiplie tous les taux à partir de son année. "
        "Dépense = bénéficiaires × dépense nette par bénéficiaire de la dernière année connue "
        "(euros courants de cette année, sans inflation ; l'AAH est versée par l'État)."
    )
    backtest = cache.backtest_table()
    shown = (
        backtest[["total", "65+", "75+"]]
        .rename(
            index={
                "hamilton_perry": "Radar social (Hamilton-Perry, centrale)",
                "constant": "Population constante 2013",
                "linear_trend": "Tendance linéaire 2003-2013",
            }
        )
        .map(lambda v: format_number(v, 1) + "\u00a0%")
    )
    st.markdown("**Rétro-projection 2013 → 2023** (écart absolu moyen sur les départements) :")
    st.table(shown.rename(columns={"total": "Population totale", "65+": "65 ans et plus", "75+": "75 ans et plus"}))

RATE_STEPS = [round(x / 10, 1) for x in range(-50, 81)]
SHOCK_STEPS = [float(x) for x in range(-30, 51)]
defaults = scenarios.defaults(bases)
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
                f"{NEED_BY_ID[need_id].label} : évolution du taux (%/an)",
                RATE_STEPS,
                min(max(round(float(value), 1), RATE_STEPS[0]), RATE_STEPS[-1]),
                format_func=lambda v: format_number(v, 1) + "\u00a0%/an",
                key=f"{scenario.key}_{need_id}",
            )
            for need_id, value in scenario.rate_change.items()
        }
        shock_year = st.slider("Année du choc", 2025, 2050, scenario.shock_year or 2030, key=f"{scenario.key}_year")
        shock = st.select_slider(
            "Ampleur du choc (% des taux)",
            SHOCK_STEPS,
            float(scenario.shock_size),
            format_func=lambda v: format_number(v, 0) + "\u00a0%",
            key=f"{scenario.key}_shock",
        )
        chosen.append(
            scenario.with_changes(
                variant=variant, rate_change=changes, shock_year=shock_year if shock else None, shock_size=shock
            )
        )

results = pd.concat([scenarios.run(s, bases, groups) for s in chosen], ignore_index=True)
labels = {s.key: s.name for s in chosen}
need_id = st.selectbox("Besoin affiché", list(bases), format_func=lambda n: NEED_BY_ID[n].label, key="need")
base = bases[need_id]
if len(base.observed) < 8:
    st.warning(f"Série courte ({len(base.observed)} années observées) : la tendance est fragile.")
source = catalogue.get(need_id).citation
st.subheader(f"{NEED_BY_ID[need_id].label} au 31 décembre")
st.plotly_chart(
    scenario_charts.trajectories(
        base.observed, results[results["need"] == need_id], labels, "recipients", "bénéficiaires"
    ),
    key="chart_recipients",
)
st.caption(
    f"Source : {source} (observé, trait plein) ; projections Radar social (tirets) : taux rapporté aux "
    f"{AGE_LABELS[need_id]} × population projetée. Zone ombrée : variantes basse et haute de population. "
    f"Dernière observation : {base.last_year} ; tendance récente du taux : {format_number(base.trend, 1)} %/an."
)

spending = scenarios.total_spending(results)
st.subheader("Dépense nette des prestations départementales (APA, PCH, ASE, RSA), en millions d'euros")
st.plotly_chart(
    scenario_charts.trajectories(pd.Series(dtype=float), spending, labels, "spending", "M€", 1e6), key="chart_spending"
)
cost_year = max((b.cost_year or 0) for b in bases.values())
st.caption(
    f"Source : DREES, enquête Aide sociale (dépenses nettes {cost_year}) ; calcul Radar social : bénéficiaires "
    "projetés × dépense nette par bénéficiaire de la dernière année connue, euros courants, hors inflation."
)

st.subheader("Trajectoires à 2030, 2040, 2050")
mile = scenarios.milestones(results[results["need"] == need_id]).assign(scenario=lambda d: d["scenario"].map(labels))
table = mile.pivot(index="scenario", columns="year", values="recipients").map(format_number)
spend = spending[spending["year"].isin([2030, 2040, 2050])].assign(scenario=lambda d: d["scenario"].map(labels))
spend_table = spend.pivot(index="scenario", columns="year", values="spending").map(
    lambda v: format_number(v / 1e6, 0) + "\u00a0M€"
)
st.table(
    table.add_prefix(f"{NEED_BY_ID[need_id].label} ")
    .join(spend_table.add_prefix("Dépense "))
    .rename_axis("scénario")
    .rename_axis(None, axis=1)
)

assumptions = scenarios.assumptions_table(chosen)
shown_assumptions = assumptions.map(lambda v: format_number(v, 1) if isinstance(v, int | float) else v)
st.table(shown_assumptions, hide_index=True)  # French numbers ("1,7"), wrapped headers
left, right = st.columns(2)
left.download_button(
    "Télécharger les hypothèses (CSV)",
    exports.to_csv(assumptions),  # ';' and decimal comma, as a French spreadsheet reads it
    f"hypotheses_scenarios_{code}.csv",
    "text/csv",
    key="dl_assumptions",
)
right.download_button(
    "Télécharger les résultats (CSV)",
    scenarios.results_csv(results.assign(territory_code=code), labels),
    f"projections_scenarios_{code}.csv",
    "text/csv",
    key="dl_results",
)
