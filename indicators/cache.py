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
