"""Classes for choropleth maps (mapclassify): quantiles, equal intervals, natural breaks (Fisher-Jenks).

Missing values get no class (-1) and are drawn apart, never in the lowest class.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.formatting import format_value

METHODS = {
    "quantiles": "Quantiles (effectifs égaux)",
    "equal_interval": "Intervalles égaux",
    "jenks": "Seuils naturels (Jenks)",
}
MIN_CLASSES, MAX_CLASSES = 4, 7
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


def classify(values: pd.Series, method: str = "quantiles", k: int = 5) -> Classes:
    """Classes of the non-missing values; fewer than k when the data has fewer distinct values."""
    import mapclassify

    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}; one of {list(METHODS)}")
    if not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ValueError(f"k must be between {MIN_CLASSES} and {MAX_CLASSES}")
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


def class_labels(classes: Classes, unit: str, decimals: int) -> list[str]:
    """French legend labels: '5,2 % à 7,1 %', negative numbers with a true minus sign (U+2212)."""

    def text(x: float) -> str:
        return format_value(x, unit, decimals).replace("-", "\u2212")

    return [f"{text(lo)} à {text(hi)}" for lo, hi in classes.bounds()]
