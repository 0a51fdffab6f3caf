"""Similar territories of a level, as the profiles choose them (indicators.models.similarity).

Départements: the profile's set (``similarity: {sets: [profile]}``), each indicator at its latest year
with at least ``similarity.MIN_COVERAGE`` départements, z-scores, the 5 nearest on the indicators the
département has. Communes and EPCI: the commune profile's set (``local``) among the territories of
comparable size (legal population within a factor ``SIZE_FACTOR``), as indicators.views.local_profile.
Many territories at once: distances by blocks of the population-sorted list, whose size window is a
contiguous slice, so the whole of France's communes takes seconds, not a 35 000² matrix.

Leave-one-out: a territory is never compared with territories chosen for resembling it on the very figure
tested. For each tested indicator, the distance leaves out that indicator and its close proxies (the
similarity indicators whose rank correlation with it across the level is at least ``PROXY_RHO`` in absolute
value: a commune's median living standard for its poverty rate). Otherwise a high-unemployment town's
« similar towns » are high-unemployment towns, and its unemployment never stands out (issue 28: Dunkerque,
Roubaix). ``Similar`` computes each distinct left-out set once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from indicators.core import catalogue
from indicators.models import similarity

N_SIMILAR = 5
SIZE_FACTOR = 2.0  # as the commune profile (local_profile.SIZE_FACTOR)
BLOCK = 200
# Among small communes thousands are within a factor 2 of each other: candidates are limited to the WINDOW
# territories closest in size on either side (still within the factor), which keeps France's 35 000
# communes to seconds; the commune profile (one commune at a time) searches the whole factor-2 range.
WINDOW = 1500
SIZE_INDICATOR = "legal_population"
PROXY_RHO = 0.7  # |Spearman ρ| from which a similarity indicator stands for the tested one


def similarity_set(level: str) -> str:
    return "profile" if level == "departement" else "local"


def matrix(observed: pd.DataFrame, level: str) -> pd.DataFrame:
    """Territory × similarity indicator (log10 where declared), each at its latest well-covered year."""
    entries = catalogue.load()
    ids = [i for i in catalogue.similarity_ids(similarity_set(level), entries) if i in entries]
    rows = observed[(observed["territory_level"] == level) & observed["indicator_id"].isin(ids)]
    rows = rows.dropna(subset=["value"])
    total = rows["territory_code"].nunique()
    needed = similarity.MIN_COVERAGE if level == "departement" else max(1, int(0.8 * total))
    columns = {}
    for indicator_id, own in rows.groupby("indicator_id"):
        counts = own.groupby("year")["territory_code"].nunique()
        covered = counts[counts >= needed]
        if covered.empty:
            continue
        column = own[own["year"] == covered.index.max()].set_index("territory_code")["value"].astype(float)
        if entries[indicator_id].similarity.log:
            column = np.log10(column.clip(lower=0.1))
        columns[indicator_id] = column
    return pd.DataFrame(columns).sort_index()


def sizes(observed: pd.DataFrame, level: str) -> pd.Series:
    """Latest legal population of each territory of the level (empty for départements)."""
    if level == "departement":
        return pd.Series(dtype=float)
    rows = observed[(observed["territory_level"] == level) & (observed["indicator_id"] == SIZE_INDICATOR)].dropna(
        subset=["value"]
    )
    if rows.empty:
        return pd.Series(dtype=float)
    return rows.sort_values("year").groupby("territory_code")["value"].last().astype(float)


def left_out(raw: pd.DataFrame, indicator_id: str, tested: pd.Series) -> frozenset[str]:
    """The similarity indicators left out of the distance when ``indicator_id`` is tested: itself and its
    close proxies (|Spearman ρ| ≥ PROXY_RHO with ``tested``, its values across the level)."""
    out = {indicator_id} & set(raw.columns)
    common = raw.index.intersection(tested.dropna().index)
    if len(common) >= 10:
        rho = raw.loc[common].corrwith(tested.loc[common].astype(float), method="spearman").abs()
        out |= set(rho[rho >= PROXY_RHO].index)
    return frozenset(out)


class Similar:
    """The similar territories of ``codes`` (level), per tested indicator, leave-one-out (module docstring)."""

    def __init__(self, observed: pd.DataFrame, level: str, codes, k: int = N_SIMILAR) -> None:
        self.level, self.codes, self.k = level, list(codes), k
        self.raw = matrix(observed, level)
        self.size = sizes(observed, level)
        self._found: dict[frozenset[str], dict[str, list[str]]] = {}

    def without(self, drop: frozenset[str] = frozenset()) -> dict[str, list[str]]:
        """code -> its k most similar territories on the similarity set minus ``drop``."""
        if drop not in self._found:
            self._found[drop] = nearest(self.raw.drop(columns=list(drop)), self.level, self.size, self.codes, self.k)
        return self._found[drop]

    def for_indicator(self, indicator_id: str, tested: pd.Series) -> dict[str, list[str]]:
        return self.without(left_out(self.raw, indicator_id, tested))


def neighbours(observed: pd.DataFrame, level: str, codes=None, k: int = N_SIMILAR) -> dict[str, list[str]]:
    """code -> its k most similar territories of the level on the whole similarity set (as the profiles)."""
    return nearest(matrix(observed, level), level, sizes(observed, level), codes, k)


def nearest(raw: pd.DataFrame, level: str, size: pd.Series, codes=None, k: int = N_SIMILAR) -> dict[str, list[str]]:
    """code -> its k most similar territories of ``raw`` (empty list when it cannot be placed)."""
    if raw.empty or raw.shape[1] < 2:
        return {}
    z = similarity.standardise(raw)  # NaN of a missing value -> 0 here, masked below
    present = raw.notna().to_numpy()
    values = z.to_numpy()
    index = z.index.to_numpy()
    known = set(index)
    wanted = index if codes is None else np.array([c for c in codes if c in known])
    if level == "departement":
        return {c: _nearest_dep(values, present, index, c, k) for c in wanted}
    return _nearest_sized(values, present, index, size.reindex(index).to_numpy(), wanted, k)


def _nearest_dep(values: np.ndarray, present: np.ndarray, index: np.ndarray, code: str, k: int) -> list[str]:
    row = int(np.flatnonzero(index == code)[0])
    own = present[row]
    if own.sum() < 2:
        return []
    usable = present[:, own].all(axis=1)
    usable[row] = False
    d = np.sqrt(((values[:, own] - values[row, own]) ** 2).sum(axis=1))
    d[~usable] = np.inf
    order = np.lexsort((index, d))
    return [index[i] for i in order[:k] if np.isfinite(d[i])]


def _nearest_sized(values, present, index, size, wanted, k) -> dict[str, list[str]]:
    """Nearest among the territories of comparable size, by blocks of the population-sorted list. Each row's
    comparable territories are a contiguous run of the sorted window (found by ``searchsorted``); distances
    are computed in place, once per block."""
    complete = present.all(axis=1) & np.isfinite(size)
    order = np.argsort(np.where(np.isfinite(size), size, np.inf), kind="stable")
    order = order[complete[order]]
    sorted_size = size[order]
    position = {index[i]: p for p, i in enumerate(order)}
    out: dict[str, list[str]] = {c: [] for c in wanted}
    rows = sorted(position[c] for c in wanted if c in position)
    with threadpool_limits(1, user_api="blas"):  # small products: BLAS threads only spin (same values)
        for start in range(0, len(rows), BLOCK):
            _block(values, index, order, sorted_size, size, np.array(rows[start : start + BLOCK]), k, out)
    return out


def _block(values, index, order, sorted_size, size, block, k, out) -> None:
    """The nearest of one block of rows (positions in the size order), written into ``out``."""
    low = np.searchsorted(sorted_size, sorted_size[block].min() / SIZE_FACTOR, side="left")
    high = np.searchsorted(sorted_size, sorted_size[block].max() * SIZE_FACTOR, side="right")
    low, high = max(low, block.min() - WINDOW), min(high, block.max() + WINDOW + 1)
    window = order[low:high]
    mine = order[block]
    a, b = values[mine], values[window]
    product = (2 * a) @ b.T
    d = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :]  # as a² + b² − 2ab, the same rounding
    d -= product
    # comparable size: [size / F, size × F], a contiguous run of the window (sorted by size)
    window_size = sorted_size[low:high]
    first = np.searchsorted(window_size, size[mine] / SIZE_FACTOR, side="left")
    last = np.searchsorted(window_size, size[mine] * SIZE_FACTOR, side="right")
    for row, (start_at, stop_at) in enumerate(zip(first.tolist(), last.tolist(), strict=True)):
        d[row, :start_at] = np.inf
        d[row, stop_at:] = np.inf
    d[np.arange(len(block)), block - low] = np.inf  # not itself
    take = min(k, d.shape[1])
    nearest = np.argpartition(d, take - 1, axis=1)[:, :take] if take else np.empty((len(mine), 0), int)
    near_d = np.take_along_axis(d, nearest, axis=1)
    closest = np.argsort(near_d, axis=1)
    chosen = index[window[np.take_along_axis(nearest, closest, axis=1)]]
    finite = np.isfinite(np.take_along_axis(near_d, closest, axis=1))
    for own, codes, keep in zip(index[mine], chosen, finite, strict=True):
        out[own] = codes[keep].tolist()
