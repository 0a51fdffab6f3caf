"""Map classes: exact breaks for a small known series; missing values never get a class."""

import math

import pandas as pd
import pytest

from indicators.models.classify import NO_CLASS, class_labels, classify, classify_around_zero, extreme_tail
from indicators.views import maps

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


def test_an_extreme_tail_is_a_class_of_its_own():
    # three values far beyond the rest of the side (jump 10 > spread 4,9 of the rest, 3 of 13 values)
    side = pd.Series([0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 15.0, 17.0, 20.0])
    assert sorted(extreme_tail(side).tolist()) == [15.0, 17.0, 20.0]
    assert sorted(extreme_tail(side.replace(15.0, 8.0)).tolist()) == [17.0, 20.0]  # 8 joins the rest
    assert extreme_tail(pd.Series([0.1, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])).empty  # evenly spread: no tail
    assert extreme_tail(pd.Series([0.1, 0.2, 9.0, 10.0])).empty  # half the side is not a tail


def test_gap_classes_of_the_rsa_rate_2019_set_seine_saint_denis_apart_from_the_drom(table):
    """Real data: RSA coverage 2019, gaps to France (7,14 %). Quantiles alone made one class of +1,05 to
    +20,74 pt (93 at +4,99 with La Réunion at +20,74); the DROM tail (+11,73 to +20,74) is now its own class."""
    frame = maps.map_frame(table, "rsa_coverage_rate", 2019, gap=True).set_index("code")
    classes = classify_around_zero(frame["shown"], "quantiles", 6)
    assert [round(b, 3) for b in classes.breaks] == [-2.289, -1.615, -0.809, 0.0, 4.991, 20.739]
    assert round(classes.lower, 3) == -3.9
    assert classes.bins["93"] == 4 and {classes.bins[c] for c in ("971", "972", "973", "974")} == {5}
    assert classes.bins.value_counts().sort_index().tolist() == [18, 17, 18, 18, 26, 4]
    assert class_labels(classes, "pt", 2)[-2:] == ["0,00\u00a0pt à 4,99\u00a0pt", "4,99\u00a0pt à 20,74\u00a0pt"]
    five = classify_around_zero(frame["shown"], "quantiles", 5)
    assert [round(b, 3) for b in five.breaks] == [-1.934, -1.054, 0.0, 4.991, 20.739]
