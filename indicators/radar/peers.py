"""Similar territories of a level, as the profiles choose them (indicators.models.similarity).

Départements: the profile's set (``similarity: {sets: [profile]}``), each indicator at its latest year
with at least ``similarity.MIN_COVERAGE`` départements, z-scores, the 5 nearest on the indicators the
département has. Communes and EPCI: the commune profile's set (``local``) among the territories of
comparable size (legal population within a factor ``SIZE_FACTOR``), as indicators.views.local_profile.
Many territories at once: distances by blocks of the population-sorted list, whose size window is a
contiguous slice, so the whole of France's communes takes seconds, not a 35 000² matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def neighbours(observed: pd.DataFrame, level: str, codes=None, k: int = N_SIMILAR) -> dict[str, list[str]]:
    """code -> its k most similar territories of the level (empty list when it cannot be placed)."""
    raw = matrix(observed, level)
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
    size = sizes(observed, level).reindex(index)
    return _nearest_sized(values, present, index, size.to_numpy(), wanted, k)


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
    """Nearest among the territories of comparable size, by blocks of the population-sorted list."""
    complete = present.all(axis=1) & np.isfinite(size)
    order = np.argsort(np.where(np.isfinite(size), size, np.inf), kind="stable")
    order = order[complete[order]]
    sorted_size = size[order]
    position = {index[i]: p for p, i in enumerate(order)}
    out: dict[str, list[str]] = {c: [] for c in wanted}
    rows = sorted(position[c] for c in wanted if c in position)
    for start in range(0, len(rows), BLOCK):
        block = np.array(rows[start : start + BLOCK])
        low = np.searchsorted(sorted_size, sorted_size[block].min() / SIZE_FACTOR, side="left")
        high = np.searchsorted(sorted_size, sorted_size[block].max() * SIZE_FACTOR, side="right")
        low, high = max(low, block.min() - WINDOW), min(high, block.max() + WINDOW + 1)
        window = order[low:high]
        mine = order[block]
        a, b = values[mine], values[window]
        d = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2 * a @ b.T
        fits = (size[window][None, :] >= size[mine][:, None] / SIZE_FACTOR) & (
            size[window][None, :] <= size[mine][:, None] * SIZE_FACTOR
        )
        d = np.where(fits, d, np.inf)
        d[mine[:, None] == window[None, :]] = np.inf
        take = min(k, d.shape[1])
        nearest = np.argpartition(d, take - 1, axis=1)[:, :take] if take else np.empty((len(mine), 0), int)
        for r, own in enumerate(mine):
            chosen = nearest[r][np.argsort(d[r, nearest[r]])]
            out[index[own]] = [index[window[j]] for j in chosen if np.isfinite(d[r, j])]
    return out
