"""Classes for choropleth maps (mapclassify): quantiles, equal intervals, natural breaks (Fisher-Jenks).

Missing values get no class (-1) and are drawn apart, never in the lowest class.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.core.formatting import format_value

METHODS = {
    "quantiles": "Quantiles (effectifs égaux)",
    "equal_interval": "Intervalles égaux",
    "jenks": "Seuils naturels (Jenks)",
}
MIN_CLASSES, MAX_CLASSES = 4, 7
DEFAULT_CLASSES = 5  # the map pages' default number of classes
NO_CLASS = -1


@dataclass(frozen=True)
class Classes:
    lower: float  # minimum of the data
    breaks: tuple[float, ...]  # upper bound of each class, the last one is the maximum
    bins: pd.Series  # class index per value (same index as the input), NO_CLASS when missing

    @property
    def k(self) -> int:
        return len(self.breaks)

    def bounds(self) -> list[tuple[float, float]]:
        lows = (self.lower, *self.breaks[:-1])
        return list(zip(lows, self.breaks, strict=True))


def _check(method: str, k: int) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}; one of {list(METHODS)}")
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ValueError(f"k must be between {MIN_CLASSES} and {MAX_CLASSES}")


def classify(values: pd.Series, method: str = "quantiles", k: int = DEFAULT_CLASSES) -> Classes:
    """Classes of the non-missing values; fewer than k when the data has fewer distinct values."""
    _check(method, k)
    return _classes(values, method, k)


def _classes(values: pd.Series, method: str, k: int) -> Classes:
    import mapclassify

    present = values.dropna().astype(float)
    bins = pd.Series(NO_CLASS, index=values.index, dtype=int)
    if present.empty:
        return Classes(np.nan, (), bins)
    k = min(k, present.nunique())
    if k < 2:
        bins[present.index] = 0
        return Classes(float(present.min()), (float(present.max()),), bins)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = present.to_numpy()
        if method == "quantiles":
            result = mapclassify.Quantiles(y, k=k)
        elif method == "equal_interval":
            result = mapclassify.EqualInterval(y, k=k)
        else:
            result = mapclassify.FisherJenks(y, k=k)
    bins[present.index] = result.yb.astype(int)
    return Classes(float(y.min()), tuple(float(b) for b in result.bins), bins)


def classify_around_zero(values: pd.Series, method: str = "quantiles", k: int = DEFAULT_CLASSES) -> Classes:
    """Classes of gaps to a reference (e.g. to France) with 0 always a class limit: the values below and
    above are classed apart, each side getting classes in proportion to its count (at least 2 when it has
    2 distinct values), so no class straddles the reference.

    On each side, an extreme group (see extreme_tail: the DROM's RSA rates, +11,7 to +20,7 points above
    France, far beyond Seine-Saint-Denis's +5,0) is a class of its own; the chosen method classes the rest.
    Quantiles alone put +5,0 and +20,7 in one class, hiding the gap between them."""
    _check(method, k)
    present = values.dropna().astype(float)
    below, above = present[present < 0], present[present >= 0]
    if below.empty or above.empty:
        return _classes(values, method, k)
    k_below = round(k * len(below) / len(present))
    k_below = min(max(k_below, min(2, below.nunique())), k - min(2, above.nunique()))
    low, high = _side(-below, method, k_below), _side(above, method, k - k_below)
    bins = pd.Series(NO_CLASS, index=values.index, dtype=int)
    bins[below.index] = low.k - 1 - low.bins  # classed on distances to 0: reverse the order
    bins[above.index] = high.bins + low.k
    low_breaks = tuple(-b for b in low.breaks[:-1])[::-1]  # upper limits of the classes below 0, then 0
    return Classes(-low.breaks[-1], (*low_breaks, 0.0, *high.breaks), bins)


def extreme_tail(distances: pd.Series) -> pd.Series:
    """The values of one side (distances to 0, all >= 0) that stand apart from the rest: the upper group of
    a two-class Fisher-Jenks split, kept only when it is small (at most a quarter of the side) and separated
    from the rest by a jump wider than the rest's whole spread. Empty when there is no such group."""
    import mapclassify

    if distances.nunique() < 4:
        return distances.iloc[:0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cut = float(mapclassify.FisherJenks(distances.to_numpy(), k=2).bins[0])
    tail, rest = distances[distances > cut], distances[distances <= cut]
    if len(tail) > len(distances) / 4 or tail.min() - rest.max() <= rest.max() - rest.min():
        return distances.iloc[:0]
    return tail


def _side(distances: pd.Series, method: str, k: int) -> Classes:
    """Classes of one side's distances to 0: the extreme tail apart (when k allows), the method for the rest."""
    tail = extreme_tail(distances) if k >= 2 else distances.iloc[:0]
    if tail.empty:
        return _classes(distances, method, k)
    rest = _classes(distances.drop(tail.index), method, k - 1)
    bins = pd.Series(rest.k, index=distances.index, dtype=int)
    bins[rest.bins.index] = rest.bins
    return Classes(rest.lower, (*rest.breaks, float(tail.max())), bins)


def class_labels(classes: Classes, unit: str, decimals: int) -> list[str]:
    """French legend labels: '5,2 % à 7,1 %', negative numbers with a true minus sign (U+2212)."""

    def text(x: float) -> str:
        return format_value(x, unit, decimals).replace("-", "\u2212")

    return [f"{text(lo)} à {text(hi)}" for lo, hi in classes.bounds()]
