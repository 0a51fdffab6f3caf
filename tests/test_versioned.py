"""The one cache decorator (indicators/ui/versioned.py): keyed on the store version, read once per run."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from indicators.storage import versions
from indicators.ui import frozen, versioned


@pytest.fixture
def version(monkeypatch):
    state = {"token": "1-aaaa", "reads": 0}

    def token(store_dir=None):
        state["reads"] += 1
        return state["token"]

    monkeypatch.setattr(versions, "token", token)
    yield state
    versioned._RUN_VERSION.set(None)


def test_a_new_store_version_recomputes_and_the_same_version_does_not(version):
    calls = []

    @versioned.by_version()
    def double(x: int) -> list[int]:
        calls.append(x)
        return [x * 2]

    double.clear()
    assert double(2) == [4] and double(2) == [4] and calls == [2]
    version["token"] = "2-aaaa"  # a publish
    assert double(2) == [4] and calls == [2, 2]
    assert double(3) == [6] and calls == [2, 2, 3]


def test_the_version_is_read_once_per_run(version):
    @versioned.by_version()
    def one(x: int) -> int:
        return x

    one.clear()
    assert versioned.pin() == "1-aaaa"
    reads = version["reads"]
    for x in range(5):
        one(x)
    assert version["reads"] == reads  # pinned: no read per call
    versioned._RUN_VERSION.set(None)
    one(1)
    assert version["reads"] == reads + 1  # outside a run of app.py: read at each call


def test_shared_results_are_the_same_object_copies_are_not(version):
    @versioned.by_version()
    def shared() -> dict:
        return {"a": 1}

    @versioned.by_version(copy=True)
    def copied() -> dict:
        return {"a": 1}

    shared.clear()
    copied.clear()
    assert shared() is shared()
    assert copied() == copied() and copied() is not copied()


def test_a_key_stands_for_arguments_streamlit_cannot_hash(version):
    seen = []

    @versioned.by_version(key=lambda items: repr(items))
    def count(items: list) -> int:
        seen.append(items)
        return len(items)

    count.clear()
    assert count([object, 1]) == 2 and count([object, 1]) == 2 and len(seen) == 1


def test_a_frozen_figure_gives_the_same_dict_as_plotly_once(version):
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    expected = figure.to_dict()

    @versioned.by_version()
    def chart() -> tuple:
        return figure, "caption"

    chart.clear()
    got, _ = chart()
    assert isinstance(got, frozen.FrozenFigure)
    assert got.to_dict() == expected and got.to_dict() is got.to_dict()
