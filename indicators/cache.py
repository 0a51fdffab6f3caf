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
    groups = {
        v: {n.id: needs.group_projection(projected[projected["variant"] == v], observed, n.ages) for n in needs.NEEDS}
        for v in ("central", "low", "high")
    }
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


@st.cache_resource(show_spinner=False)
def geojson() -> dict:
    """The map geometry as a GeoJSON dict (feature id = département code), built once per process."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry())


@st.cache_resource(show_spinner=False)
def geojson_detail() -> dict:
    """Finer shapes of Paris and the petite couronne, for the zoom beside the map."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry(), column="detail")


def compare_table(codes: tuple[str, ...]) -> pd.DataFrame:
    """The side-by-side table for a choice of départements (bounded: 32 choices kept)."""
    return _compare_table(codes, versions.token())


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_table(codes: tuple[str, ...], token: str) -> pd.DataFrame:
    from indicators import compare

    return compare.compare_table(indicators(), list(codes))


def similarity_z(indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(raw matrix, z-scores, year per indicator) for a set of indicators."""
    return _similarity_z(indicator_ids, versions.token())


@st.cache_data(show_spinner=False, max_entries=16)
def _similarity_z(indicator_ids: tuple[str, ...], token: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    from indicators import similarity

    matrix, years = similarity.indicator_matrix(indicators(), list(indicator_ids))
    return matrix, similarity.standardise(matrix), years


@st.cache_resource(show_spinner=False)
def geojson_codes() -> list[str]:
    """The 101 département codes, in code order."""
    from indicators import maps

    return maps.the_101()["code"].tolist()


def by_indicator() -> dict[str, pd.DataFrame]:
    """The store split by indicator_id (read-only): pages filter a few hundred rows, not the whole table."""
    return _by_indicator(versions.token())


@st.cache_resource(show_spinner=False, max_entries=2)
def _by_indicator(token: str) -> dict[str, pd.DataFrame]:
    return {key: rows for key, rows in indicators().groupby("indicator_id", sort=False)}


def indicator_rows(indicator_id: str) -> pd.DataFrame:
    return by_indicator().get(indicator_id, indicators().iloc[0:0])


def mappable_indicators(min_departements: int = 50) -> list[str]:
    """Catalogue indicators published for at least ``min_departements`` départements in some year."""
    return _mappable_indicators(min_departements, versions.token())


@st.cache_resource(show_spinner=False, max_entries=2)
def _mappable_indicators(min_departements: int, token: str) -> list[str]:
    from indicators import maps

    return maps.mappable_indicators(indicators(), min_departements)


def trend(code: str, indicator_id: str, level: str = "departement"):
    """(observed series, stored trend path year × variants, backtest summary or None) of one rate."""
    return _trend(code, indicator_id, level, versions.token())


@st.cache_data(show_spinner=False, max_entries=64)
def _trend(code: str, indicator_id: str, level: str, token: str):
    from indicators import trends

    table = indicators()
    observed = store.series(table, indicator_id, code, level)
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["territory_level"] == level)
        & table["variant"].isin(trends.VARIANTS)
    ]
    path = rows.pivot(index="year", columns="variant", values="value").reset_index()
    path = path.reindex(columns=["year", *trends.VARIANTS]) if len(path) else path
    backtest = None
    if len(observed) > trends.MIN_YEARS:
        from indicators import backtest as harness

        held = harness.rate_held_out(table[table["variant"] == "observed"], (indicator_id,))
        mine = held[held["territory_code"] == code]
        if len(mine):
            backtest = {
                "all": harness.rate_table(held).iloc[0].to_dict(),
                "series": harness.rate_table(mine).iloc[0].to_dict(),
            }
    return observed, path, backtest
