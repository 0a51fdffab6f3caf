"""Page state that follows the territory and the URL (Streamlit only; the choices themselves are plain values).

- ``from_url``: on arrival (no state yet), a widget's value comes from the link (``?dep=38``), else a default;
- ``to_url``: the value shown is written back into the link, so that every page can be shared as it is seen;
- ``follow``: widget state computed for one territory (sliders pre-filled with its trends) is forgotten
  when the territory changes, so that the next territory's widgets start from its own defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st


def from_url(state_key: str, param: str, default: str, normalise: Callable[[str], str | None]) -> None:
    """Set ``state_key`` from the link's ``param`` (normalised; invalid -> ``default``) when it has no valid
    state yet (a choice another territory does not offer is replaced)."""
    current = st.session_state.get(state_key)
    if current is not None and normalise(current) == current:
        return
    raw = st.query_params.get(param)
    st.session_state[state_key] = (normalise(raw) if raw else None) or default


def to_url(**params: str) -> None:
    """Write ``params`` into the link (only what changed: each write is a message to the browser)."""
    for param, value in params.items():
        if st.query_params.get(param) != value:
            st.query_params[param] = value


def follow(owner: str, territory: str, keys: Iterable[str]) -> bool:
    """Forget ``keys`` (their widgets then start from their defaults) when ``territory`` is not the one they were
    set for; True when they were forgotten. ``owner`` names the page, so that pages do not reset each other."""
    marker = f"_territory_of_{owner}"
    if st.session_state.get(marker) == territory:
        return False
    for key in keys:
        st.session_state.pop(key, None)
    st.session_state[marker] = territory
    return True
