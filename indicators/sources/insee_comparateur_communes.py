"""INSEE's comparateur de territoires by commune (extract): census 2021, civil status 2022, area.

Raw file: data/raw/insee-comparateur-communes/communes.csv (one row per postal code, COG 2024).

Traps handled here:
- rows repeat per postal code: one row per ``insee_com``;
- ``COMD`` rows (communes déléguées) repeat their parent's figures under the parent's code: dropped;
- Paris, Lyon and Marseille appear only as their arrondissements (``ARM``, parent in
  ``insee_parente``): their counts are summed into the commune (75056, 69123, 13055);
- Mayotte had no census in 2021: its census columns are 0 in the file, which means "not
  published", never zero inhabitants; they become missing (births and deaths 2022 are real);
- the file's geography (COG 2024) is moved to the latest one of the Etalab package, merged
  communes summed.
The unemployment counts are the census definition (people who declare themselves unemployed), not
the ILO rate of the département pages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR
from indicators.sources import etalab_communes

PATH = RAW_DIR / "insee-comparateur-communes" / "communes.csv"
COUNTS = {
    "superficie_km2": "area_km2",
    "population_2021": "population_2021",
    "menages_2021": "households_2021",
    "naissances_2022": "births_2022",
    "deces_2022": "deaths_2022",
    "pop_15_64_totale_2021": "population_15_64_2021",
    "pop_15_64_chomage_2021": "unemployed_15_64_2021",
    "pop_15_64_active_2021": "active_15_64_2021",
}
CENSUS_2021 = [c for c in COUNTS.values() if c.endswith("_2021")]
NO_CENSUS_2021 = ("976",)  # Mayotte: census columns published as 0


def _rows(path: Path) -> pd.DataFrame:
    """The file's communes and arrondissements, once each, with ``code`` (the commune for an arrondissement)."""
    try:
        raw = pd.read_csv(path, dtype=str)
    except (OSError, ValueError) as error:
        raise RawFileError(path, f"a readable CSV ({error})") from error
    needed = ["insee_com", "insee_dep", "commune_type", "insee_parente", *COUNTS]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise RawFileError(path, f"columns {missing}")
    rows = raw[raw["commune_type"].isin(["COM", "ARM"])].drop_duplicates("insee_com")
    return rows.assign(code=np.where(rows["commune_type"] == "ARM", rows["insee_parente"], rows["insee_com"]))


def merged_codes(path: Path = PATH, folder: Path = etalab_communes.FOLDER) -> dict[str, str]:
    """Current commune -> the file's communes (COG 2024) summed into it, when more than one ("27058,27647")."""
    rows = _rows(path).drop_duplicates("code")
    rows = rows.assign(holder=rows["code"].map(etalab_communes.successors(folder)))
    several = rows[rows["holder"].duplicated(keep=False)].sort_values("code")
    return several.groupby("holder")["code"].agg(",".join).to_dict()


def read(path: Path = PATH, folder: Path = etalab_communes.FOLDER) -> pd.DataFrame:
    """One row per current commune: code, then the counts of COUNTS (float; NaN = not published)."""
    rows = _rows(path)
    values = rows[list(COUNTS)].apply(pd.to_numeric, errors="coerce").rename(columns=COUNTS)
    values.loc[rows["insee_dep"].isin(NO_CENSUS_2021).to_numpy(), CENSUS_2021] = np.nan
    values["code"] = rows["code"].map(etalab_communes.successors(folder))
    lost = rows.loc[values["code"].isna().to_numpy(), "insee_com"]
    if len(lost):
        raise RawFileError(path, f"codes known to the Etalab package: {lost.tolist()[:5]}")
    # a sum that includes a missing value is missing, never a silent zero
    by_code = values.groupby("code")
    grouped = by_code.sum().mask(values.drop(columns="code").isna().groupby(values["code"]).any())
    return grouped.astype(float).reset_index()
