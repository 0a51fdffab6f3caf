"""Population density of the départements and France, from the areas the store holds.

Area of each département = area of its IGN Admin Express 2018 contour in an equal-area projection
(EPSG:6933), in km², computed by the pipeline (indicators/sources/admin_units.py) into ``admin_units.parquet``.
France = sum of the 101 départements. Density = population at 1 January / area, for every year of the
population estimates.
"""

from __future__ import annotations

import pandas as pd

from indicators.storage import territories

UNIT = "hab./km²"
SOURCE = "Insee, estimations de population ; superficie des contours IGN Admin Express 2018"


def areas_km2() -> dict[str, float]:
    """Area of each département of the store (km²), and of France (code 'FR', their sum)."""
    return territories.areas_km2()


def table(population: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year, value (inhabitants per km²) from population.parquet (sex × age rows)."""
    areas = areas_km2()
    totals = population.groupby(["territory_code", "year"], as_index=False)["population"].sum()
    totals = totals[totals["territory_code"].isin(areas)]
    totals["value"] = totals["population"] / totals["territory_code"].map(areas)
    return totals[["territory_code", "year", "value"]].reset_index(drop=True)
