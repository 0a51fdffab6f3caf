"""Map classes: exact breaks for a small known series; missing values never get a class."""

import math

import pandas as pd
import pytest

from indicators.classify import NO_CLASS, class_labels, classify, classify_around_zero

SERIES = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, math.nan], dtype=float)


@pytest.mark.parametrize(
    ("method", "breaks", "first_bins"),
    [
        ("quantiles", (3.75, 6.5, 9.25, 30.0), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]),
        ("equal_interval", (8.25, 15.5, 22.75, 30.0), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3]),
        ("jenks", (5.0, 10.0, 20.0, 30.0), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 3]),
    ],
)
def test_exact_breaks(method, breaks, first_bins):
    classes = classify(SERIES, method, 4)
    assert classes.breaks == pytest.approx(breaks)
    assert classes.lower == 1.0
    assert classes.bins.tolist() == [*first_bins, NO_CLASS]


def test_labels_are_french():
    labels = class_labels(classify(SERIES, "equal_interval", 4), "%", 1)
    assert labels[0] == "1,0\u00a0% à 8,2\u00a0%"
    assert labels[-1] == "22,8\u00a0% à 30,0\u00a0%"


def test_k_is_bounded_and_method_known():
    with pytest.raises(ValueError):
        classify(SERIES, "quantiles", 8)
    with pytest.raises(ValueError):
        classify(SERIES, "kmeans", 5)


def test_all_missing_gives_no_class():
    classes = classify(pd.Series([math.nan, math.nan]), "jenks", 5)
    assert classes.k == 0 and classes.bins.tolist() == [NO_CLASS, NO_CLASS]


def test_gaps_are_classed_on_each_side_of_zero():
    gaps = pd.Series([-3.0, -2.0, -1.0, -0.5, -0.2, 0.3, 1.0, 5.0, 20.0, None])
    classes = classify_around_zero(gaps, "jenks", 5)
    assert 0.0 in classes.breaks  # the reference is a class limit: no class straddles it
    assert all(hi <= 0 or lo >= 0 for lo, hi in classes.bounds())
    assert classes.bins.iloc[7] != classes.bins.iloc[8]  # +5 and +20 are told apart
    assert classes.bins.iloc[9] == NO_CLASS
    assert classify_around_zero(pd.Series([1.0, 2.0, 3.0, 4.0]), "quantiles", 4).breaks == (
        1.75,
        2.5,
        3.25,
        4.0,
    )
