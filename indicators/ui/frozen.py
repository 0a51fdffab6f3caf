"""Figures built once and only read after: what the version caches hand out to every session.

``st.plotly_chart`` calls ``figure.to_dict()`` on every rerun, and plotly answers with a deep copy of the whole
figure (18 ms for the département map, the larger part of drawing it again). A frozen figure makes that dict
once. It must not be changed after freezing (the caches' results are read-only anyway).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import plotly.graph_objects as go


class FrozenFigure(go.Figure):
    """A go.Figure whose ``to_dict`` is computed once (see the module)."""

    def to_dict(self) -> dict:
        try:
            return self._frozen_dict
        except AttributeError:
            self._frozen_dict = super().to_dict()
            return self._frozen_dict


def freeze(value: Any, depth: int = 3) -> Any:
    """Freeze the figures in ``value`` (a figure, or a tuple, list, dict or dataclass holding some, ``depth``
    levels down) in place; returns ``value``."""
    if isinstance(value, go.Figure):
        if not isinstance(value, FrozenFigure):
            value.__class__ = FrozenFigure  # same object, same data: no copy, no validation again
        return value
    if depth == 0 or isinstance(value, (str, bytes, int, float)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        items = value
    elif isinstance(value, dict):
        items = value.values()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return value
    for item in items:
        freeze(item, depth - 1)
    return value
