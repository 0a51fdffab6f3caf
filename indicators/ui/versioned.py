"""One way to cache: ``@by_version()`` keeps a function's result per arguments and per published store version.

The key is the store version (``versions.token()``: the CURRENT pointer and the base's hash), so a publish, a
rollback or a rebuilt base is seen at the next rerun and nothing has to be cleared by hand. The version is read
once per script run (``pin``, called by app.py before any page), not once per cached call: a page makes a dozen
cached calls and each read of the pointer costs a few file reads.

Results are shared read-only between sessions (Streamlit's ``cache_resource``): a caller must not change them;
their plotly figures are frozen (indicators.ui.frozen: drawn again without plotly's deep copy).
``copy=True`` gives each caller its own copy (``cache_data``, a pickle round trip per call) for the few callers
that need one.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from indicators.core.errors import STORE_FAULTS
from indicators.storage import versions
from indicators.ui import frozen

F = TypeVar("F", bound=Callable[..., Any])

_RUN_VERSION: contextvars.ContextVar[str | None] = contextvars.ContextVar("radar_store_version", default=None)


def pin() -> str | None:
    """Read the store version for this script run (each run of app.py starts with it); returns it. A missing or
    damaged store pins nothing: the page's first cached call raises the fault, which app.py says in French."""
    try:
        token = versions.token()
    except STORE_FAULTS:
        token = None
    _RUN_VERSION.set(token)
    return token


def current() -> str:
    """The version pinned for this run, or read now (outside a run of app.py: tests, benchmarks)."""
    return _RUN_VERSION.get() or versions.token()


def by_version(
    max_entries: int | None = None, *, copy: bool = False, key: Callable[..., Any] | None = None
) -> Callable[[F], F]:
    """Cache the decorated function per (store version, arguments).

    ``key(*args, **kwargs)`` replaces the arguments in the cache key when they are not hashable by Streamlit
    (e.g. a list of scenarios: their ``repr``). The decorated function gets ``.clear()``."""

    def decorate(fn: F) -> F:
        def cached(version: str, arguments: Any, _call: tuple) -> Any:  # _call: not hashed (leading underscore)
            args, kwargs = _call
            result = fn(*args, **kwargs)
            return result if copy else frozen.freeze(result)

        # Streamlit names a cache by module, qualified name and source: one cache per decorated function.
        cached.__module__, cached.__qualname__, cached.__name__ = fn.__module__, fn.__qualname__, fn.__name__
        store = (st.cache_data if copy else st.cache_resource)(show_spinner=False, max_entries=max_entries)(cached)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            arguments = key(*args, **kwargs) if key else (args, tuple(sorted(kwargs.items())))
            return store(current(), arguments, (args, kwargs))

        call.clear = store.clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate
