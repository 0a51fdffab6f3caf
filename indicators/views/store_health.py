"""What a page says when the store is damaged (docs/store-faults.md): a French sentence, never a path or
an exception's text; the precise message goes to the server's log."""

from __future__ import annotations

import logging

import streamlit as st

from indicators.core.errors import StoreDamaged, StoreMissing
from indicators.storage import versions

log = logging.getLogger(__name__)

FAULTS = (StoreDamaged, StoreMissing)
MISSING = "Les données ne sont pas encore construites : un administrateur doit lancer « make data »."


def banner() -> None:
    """A warning above every page while versions/CURRENT is damaged (the recovered version is served)."""
    damage = versions.pointer().damage
    if damage:
        st.warning(damage, icon=":material/warning:")


def message(exc: Exception) -> str:
    """The French sentence for a store fault (logged with its detail)."""
    log.error("store fault shown to a visitor: %s", exc)
    return exc.user_message if isinstance(exc, StoreDamaged) else MISSING


def explain(exc: Exception) -> None:
    st.error(message(exc), icon=":material/error:")
