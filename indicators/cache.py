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
