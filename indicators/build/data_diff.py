"""What a rebuild changed in the served table: rows added, removed and changed per indicator.

The pipeline prints it after a build, like a data diff, so that a changed raw file shows its effect
(e.g. a new DREES release: "apa_recipients: +101 added, 3 changed").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.schema import KEY

COLUMNS = ["indicator_id", "added", "removed", "changed"]


def diff(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with any added, removed or changed row (values compared to 1e-9 relative)."""
    if old is None:
        old = new.iloc[0:0]
    merged = old[[*KEY, "value"]].merge(
        new[[*KEY, "value"]], on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True
    )
    added = merged["_merge"] == "right_only"
    removed = merged["_merge"] == "left_only"
    both = merged["_merge"] == "both"
    changed = both & ~np.isclose(merged["value_old"], merged["value_new"], rtol=1e-9, atol=0.0, equal_nan=True)
    counts = pd.DataFrame(
        {"indicator_id": merged["indicator_id"], "added": added, "removed": removed, "changed": changed}
    )
    out = counts.groupby("indicator_id", observed=True)[["added", "removed", "changed"]].sum().reset_index()
    out = out[(out[["added", "removed", "changed"]] > 0).any(axis=1)]
    return out.astype({"added": int, "removed": int, "changed": int}).sort_values("indicator_id").reset_index(drop=True)


def describe(changes: pd.DataFrame) -> str:
    """The diff as lines of text ("no change in the served table" when empty)."""
    if changes.empty:
        return "no change in the served table"
    lines = [
        f"  {row.indicator_id}: +{row.added} added, -{row.removed} removed, {row.changed} changed"
        for row in changes.itertuples()
    ]
    total = changes[["added", "removed", "changed"]].sum()
    head = f"served table: +{total['added']} added, -{total['removed']} removed, {total['changed']} changed rows"
    return "\n".join([head, *lines])
