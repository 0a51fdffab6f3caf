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


@st.cache_resource(show_spinner=False, max_entries=128)
def profile(code: str):
    """The territory profile of one département (immutable dataclasses; the pyramid frame is read-only)."""
    from indicators import profile as territory_profile

    return territory_profile.build(indicators(), population(), code)
