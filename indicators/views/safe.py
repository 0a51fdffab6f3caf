"""What a visitor typed or put in the URL, said back on a page: quoted, shortened, never Markdown or HTML.

Every page echoes user input (a URL parameter such as ``?dep=``, ``?com=``, ``?epci=``, ``?deps=``, a search
query, a column name of an uploaded file, an error that carries a value) through :func:`quoted` or
:func:`plain`; both escape with ``indicators.core.formatting.plain``, the one escape of the project.
"""

from __future__ import annotations

from indicators.core.formatting import plain

__all__ = ["plain", "quoted"]

MAX_ECHO = 80  # a URL can carry kilobytes: said back shortened


def quoted(raw: object, limit: int = MAX_ECHO) -> str:
    """'« 38x »' for a message: the text as typed (shortened to ``limit`` characters), inert in Markdown."""
    text = " ".join(str(raw or "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {plain(text)} »"
