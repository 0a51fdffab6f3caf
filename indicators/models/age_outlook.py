"""Population by age of one département: observed, then projected to 2050 with its prediction interval.

Reads the outputs of ``projections.project_population`` (Hamilton–Perry, variants ``central`` and the
interval ``p10`` … ``p90``) and the Insee estimates (population.parquet). Two views for the page:
- ``group_paths``: the 0–19, 20–64, 65+ and 75+ counts by year (observed years, then projected ones);
- ``pyramid``: men and women by 5-year band, the last observed year beside a projected year.
The interval of a group comes from the past errors of that group (``projections.project_groups``), not from
the sum of the rows' interval (that one is the total's, spread over the ages).
"""

from __future__ import annotations

import pandas as pd

from indicators.core.age_groups import AgeGroup, age_group_population
from indicators.core.formatting import NBSP, format_number
from indicators.core.schema import AGE_BANDS

GROUPS = {"0-19": AgeGroup(0, 19), "20-64": AgeGroup(20, 64), "65+": AgeGroup(65, None), "75+": AgeGroup(75, None)}
GROUP_LABELS = {"0-19": "0-19 ans", "20-64": "20-64 ans", "65+": "65 ans et plus", "75+": "75 ans et plus"}
BANDS = ("central", "p10", "p25", "p75", "p90")
MILESTONES = (2030, 2040, 2050)
SEX_LABELS = {"F": "Femmes", "M": "Hommes"}


def group_paths(observed: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """observed: population.parquet rows of one département; bands: ``projections.project_groups`` rows of
    the same département (each age group with the interval of its own past errors). Returns group, year,
    observed, central, p10, p25, p75, p90 (observed years have only ``observed``, projected years only the
    variants)."""
    out = []
    for group, ages in GROUPS.items():
        seen = age_group_population(observed, ages).set_index("year")["population"].rename("observed")
        ahead = bands[(bands["group"] == group) & ~bands["year"].isin(seen.index)]
        ahead = ahead.pivot_table(index="year", columns="variant", values="population").reindex(columns=list(BANDS))
        frame = pd.concat([seen, ahead], axis=1).sort_index().rename_axis("year").reset_index()
        out.append(frame.assign(group=group))
    return pd.concat(out, ignore_index=True)[["group", "year", "observed", *BANDS]]


def pyramid(observed: pd.DataFrame, projected: pd.DataFrame, year: int) -> pd.DataFrame:
    """sex, age_band (in AGE_BANDS order), observed (last observed year), projected (central, ``year``)."""
    last = int(observed["year"].max())
    seen = observed[observed["year"] == last].groupby(["sex", "age_band"])["population"].sum()
    rows = projected[(projected["variant"] == "central") & (projected["year"] == year)]
    ahead = rows.groupby(["sex", "age_band"])["population"].sum()
    index = pd.MultiIndex.from_product([list(SEX_LABELS), AGE_BANDS], names=["sex", "age_band"])
    return pd.DataFrame({"observed": seen.reindex(index), "projected": ahead.reindex(index)}).reset_index()


def _interval(row: pd.Series) -> str:
    return f"{format_number(row['central'])} (80{NBSP}% : {format_number(row['p10'])} à {format_number(row['p90'])})"


def milestone_table(paths: pd.DataFrame, years=MILESTONES) -> pd.DataFrame:
    """Rows: age groups (French labels); columns: the last observed year, then each milestone year as
    'central (80 % : p10 à p90)', French numbers."""
    last = int(paths.dropna(subset=["observed"])["year"].max())
    table = {}
    for group, rows in paths.groupby("group", sort=False):
        at = rows.set_index("year")
        cells = {f"{last} (observé)": format_number(at.at[last, "observed"])}
        for year in years:
            cells[f"{year} (projection)"] = _interval(at.loc[year]) if year in at.index else "n.d."
        table[GROUP_LABELS[group]] = cells
    return pd.DataFrame.from_dict(table, orient="index").rename_axis("Âge")
