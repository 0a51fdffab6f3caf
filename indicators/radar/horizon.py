"""Horizon (départements): a need (catalogue ``need:``, e.g. APA recipients) whose stored projection
grows by HORIZON_YEAR clearly faster than France's: (growth − France's growth) / (1.4826 × MAD of that
difference among départements) at least the threshold, AND the low end of its 80 % band (p10) still above
France's central growth. Growth from the last observed year to HORIZON_YEAR, central variant."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.radar import rules
from indicators.radar.ecart import robust_scale


def raise_horizons(table: pd.DataFrame, level: str, codes, threshold: float, only=None) -> list[dict]:
    if level != "departement":
        return []
    found = []
    needed = table[table["indicator_id"].isin(catalogue.need_ids()) & table["territory_level"].isin([level, "france"])]
    for need_id in (n for n in catalogue.need_ids() if only is None or n in only):
        rows = needed[needed["indicator_id"] == need_id]
        observed = rows[rows["variant"] == "observed"].dropna(subset=["value"])
        if observed.empty:
            continue
        base = int(observed["year"].max())
        start = observed[observed["year"] == base].set_index(["territory_level", "territory_code"])["value"]
        ahead = rows[(rows["year"] == rules.HORIZON_YEAR) & rows["variant"].isin(["central", "p10", "p90"])]
        if ahead.empty:
            continue
        wide = ahead.pivot_table(index=["territory_level", "territory_code"], columns="variant", values="value")
        if "central" not in wide or ("france", "FR") not in wide.index or ("france", "FR") not in start.index:
            continue
        growth = wide.div(start.reindex(wide.index), axis=0) - 1
        france = float(growth.at[("france", "FR"), "central"])
        deps = growth.loc[level]
        difference = deps["central"] - france
        scale = robust_scale(difference)
        if not np.isfinite(scale):
            continue
        for code in set(codes).intersection(deps.index):
            score = float(difference[code] / scale)
            low = deps.at[code, "p10"] if "p10" in deps else np.nan
            if not np.isfinite(score) or score < threshold or not (low > france):
                continue
            found.append(
                rules.signal_row(
                    level,
                    code,
                    need_id,
                    "horizon",
                    "need",
                    "worse",
                    rules.HORIZON_YEAR,
                    score,
                    deps.at[code, "central"],
                    observed["source_id"].iloc[-1],
                    since=base,
                    previous=float(start[(level, code)]),
                    reference=france,
                    low=float(low),
                    high=float(deps.at[code, "p90"]) if "p90" in deps else None,
                )
            )
    return found
