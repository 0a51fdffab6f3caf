"""The only Streamlit caches: the store is read once per process and shared read-only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import store, versions


def indicators() -> pd.DataFrame:
    """The published table, shared by every session: never mutate it (copy before changing).

    Keyed on the published version (and the base's hash): a publish or a rollback is seen at the next rerun.
    """
    return _indicators(versions.token())


@st.cache_resource(show_spinner=False, max_entries=2)
def _indicators(token: str) -> pd.DataFrame:
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


def scenario_inputs(code: str):
    """(baselines, groups) of one département for the scenarios: see indicators.needs / scenarios."""
    return _scenario_inputs(code, versions.token())


@st.cache_data(show_spinner=False, max_entries=16)
def _scenario_inputs(code: str, token: str):
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


def profile(code: str):
    """The territory profile of one département (immutable dataclasses; the pyramid frame is read-only),
    rebuilt when a new version of the store is published."""
    return _profile(code, versions.token())


@st.cache_resource(show_spinner=False, max_entries=128)
def _profile(code: str, token: str):
    from indicators import profile as territory_profile

    return territory_profile.build(indicators(), population(), code)
