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
def geojson() -> dict:
    """The map geometry as a GeoJSON dict (feature id = département code), built once per process."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry())


@st.cache_resource(show_spinner=False)
def geojson_detail() -> dict:
    """Finer shapes of Paris and the petite couronne, for the zoom beside the map."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry(), column="detail")


@st.cache_data(show_spinner=False, max_entries=32)
def compare_table(codes: tuple[str, ...]) -> pd.DataFrame:
    """The side-by-side table for a choice of départements (bounded: 32 choices kept)."""
    from indicators import compare

    return compare.compare_table(indicators(), list(codes))


@st.cache_data(show_spinner=False, max_entries=16)
def similarity_z(indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(raw matrix, z-scores, year per indicator) for a set of indicators."""
    from indicators import similarity

    matrix, years = similarity.indicator_matrix(indicators(), list(indicator_ids))
    return matrix, similarity.standardise(matrix), years


@st.cache_resource(show_spinner=False)
def geojson_codes() -> list[str]:
    """The 101 département codes, in code order."""
    from indicators import maps

    return maps.the_101()["code"].tolist()


@st.cache_resource(show_spinner=False)
def by_indicator() -> dict[str, pd.DataFrame]:
    """The store split by indicator_id (read-only): pages filter a few hundred rows, not the whole table."""
    return {key: rows for key, rows in indicators().groupby("indicator_id", sort=False)}


def indicator_rows(indicator_id: str) -> pd.DataFrame:
    return by_indicator().get(indicator_id, indicators().iloc[0:0])


@st.cache_resource(show_spinner=False)
def mappable_indicators(min_departements: int = 50) -> list[str]:
    """Catalogue indicators published for at least ``min_departements`` départements in some year."""
    from indicators import maps

    return maps.mappable_indicators(indicators(), min_departements)
