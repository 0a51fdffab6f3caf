"""The only Streamlit caches: the store is read once per process and shared read-only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import store


@st.cache_resource(show_spinner=False)
def indicators() -> pd.DataFrame:
    """Shared by every session: never mutate it (copy before changing)."""
    return store.load_indicators()


@st.cache_resource(show_spinner=False)
def population() -> pd.DataFrame:
    return store.load_population()


@st.cache_resource(show_spinner=False)
def population_projection() -> pd.DataFrame:
    """Every département and France, three variants, from the last estimate to 2051 (needs at 31/12/2050
    use the population at 1/1/2051). Shared read-only."""
    from indicators import projections

    pop = population()
    return projections.project_population(pop, int(pop["year"].max()), until=2051)


@st.cache_data(show_spinner=False, max_entries=16)
def scenario_inputs(code: str):
    """(baselines, groups) of one département for the scenarios: see indicators.needs / scenarios."""
    from indicators import needs

    projected = population_projection()
    projected = projected[projected["territory_code"] == code]
    observed = population()[population()["territory_code"] == code]
    bases = needs.baselines(indicators(), population(), code)
    groups = {v: {n.id: needs.group_projection(projected[projected["variant"] == v], observed, n.ages)
                  for n in needs.NEEDS} for v in ("central", "low", "high")}
    return bases, groups


@st.cache_data(show_spinner=False, max_entries=1)
def backtest_table() -> pd.DataFrame:
    from indicators import backtest

    return backtest.mape_table(population(), 2013, 2023)


@st.cache_resource(show_spinner=False, max_entries=128)
def profile(code: str):
    """The territory profile of one département (immutable dataclasses; the pyramid frame is read-only)."""
    from indicators import profile as territory_profile

    return territory_profile.build(indicators(), population(), code)


@st.cache_data(show_spinner=False, max_entries=64)
def trend(code: str, indicator_id: str, level: str = "departement"):
    """(observed series, stored trend path year × variants, backtest summary or None) of one rate."""
    from indicators import trends

    table = indicators()
    observed = store.series(table, indicator_id, code, level)
    rows = table[(table["indicator_id"] == indicator_id) & (table["territory_code"] == code)
                 & (table["territory_level"] == level) & table["variant"].isin(trends.VARIANTS)]
    path = rows.pivot(index="year", columns="variant", values="value").reset_index()
    path = path.reindex(columns=["year", *trends.VARIANTS]) if len(path) else path
    backtest = None
    if len(observed) > trends.MIN_YEARS:
        backtest = trends.summarise(trends.series_backtest(observed, indicator_id, max_origins=trends.BACKTEST_ORIGINS))
    return observed, path, backtest
