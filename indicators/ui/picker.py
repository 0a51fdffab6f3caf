"""The one territory search box of every page: a text box over départements, EPCI and communes
(indicators.views.search) and one button per match. Streamlit only here; the matching is search.find.

And the page state that follows the territory and the URL:
- ``from_url``: on arrival (no valid state yet), a widget's value comes from the link (``?dep=38``), else a default;
- ``to_url``: the value shown is written back into the link, so that every page can be shared as it is seen;
- ``follow``: widget state computed for one territory (sliders pre-filled for it) is forgotten when the
  territory changes, so that the next territory's widgets start from its own defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from indicators.core.formatting import quoted
from indicators.ui import cache
from indicators.views import search

PLACEHOLDER = "Isère, 93, Sarcelles, CA du Pays Basque…"
LABEL = "Territoire : département, intercommunalité ou commune (nom ou code)"
PROFILE_PARAMS = {"departement": "dep", "commune": "com", "epci": "epci"}


def button_label(match: search.Match) -> str:
    """'Commune : Saint-Denis (93) — 149 077 habitants (population légale 2023)'."""
    text = f"{search.LEVEL_LABELS[match.level]} : {match.label}"
    if match.level != "departement" and match.population is not None:
        text += f" — {match.facts}"
    return text


def find(key: str, label: str = LABEL, levels: tuple[str, ...] | None = None, limit: int = 6) -> list[search.Match]:
    """The search box ``key`` and the territories that match what is typed in it (none when empty)."""
    query = st.text_input(label, key=key, placeholder=PLACEHOLDER if levels is None else "")
    if not query:
        return []
    matches = search.find(query, cache.territory_index(), limit=limit, levels=levels)
    if not matches:
        st.info(f"Aucun territoire ne correspond à {quoted(query)}. Essayez un nom (Sarcelles) ou un code (38, 95585).")
    return matches


def pick(
    key: str, label: str = LABEL, levels: tuple[str, ...] | None = None, limit: int = 6, icon: str = ""
) -> search.Match | None:
    """The search box and one button per match; the match whose button was pressed in this run, else None."""
    chosen = None
    for position, match in enumerate(find(key, label, levels, limit)):
        if st.button(button_label(match), key=f"{key}-{position}", icon=icon or None, type="tertiary"):
            chosen = match
    return chosen


def profile_params(match: search.Match) -> dict[str, str]:
    """The profile's query parameters of a territory: ?dep=38, ?com=95585, ?epci=200055655."""
    return {PROFILE_PARAMS[match.level]: match.code}


def departement_for(key: str, selectbox_key: str, what: str) -> None:
    """The search box above a département selectbox (``selectbox_key``, drawn after this call): a match
    selects its département; a commune or EPCI says that ``what`` exists for départements only."""
    chosen = pick(key, icon=":material/search:")
    if chosen is None:
        return
    st.session_state[selectbox_key] = chosen.departement
    if chosen.level != "departement":
        st.info(
            f"{search.LEVEL_LABELS[chosen.level]} {chosen.label} : {what} ne sont calculés que pour les "
            f"départements ; voici son département ({chosen.departement}).",
            icon=":material/info:",
        )


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
