"""Population density from the IGN boundaries the project ships (data/raw/france-geojson).

Area of each département = area of its Admin Express 2018 contour in an equal-area projection
(EPSG:6933), in km². France = sum of the 101 départements. Density = population at 1 January /
area, for every year of the population estimates.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from indicators import territories
from indicators.paths import RAW_DIR

BOUNDARIES = RAW_DIR / "france-geojson" / "departements-avec-outre-mer.geojson"
EQUAL_AREA = "EPSG:6933"
UNIT = "hab./km²"
SOURCE = "Insee, estimations de population ; superficie des contours IGN Admin Express 2018"


@lru_cache(maxsize=1)
def areas_km2() -> dict[str, float]:
    """Area of each of the 101 départements (km²), and of France (code 'FR', their sum)."""
    import geopandas as gpd

    shapes = gpd.read_file(BOUNDARIES)
    area = shapes.to_crs(EQUAL_AREA).area / 1e6
    out = {
        code: float(a) for code, a in zip(shapes["code"], area, strict=True) if code in territories.departement_codes()
    }
    out[territories.FRANCE_CODE] = sum(out.values())
    return out


def table(population: pd.DataFrame) -> pd.DataFrame:
    """territory_code, year, value (inhabitants per km²) from population.parquet (sex × age rows)."""
    areas = areas_km2()
    totals = population.groupby(["territory_code", "year"], as_index=False)["population"].sum()
    totals = totals[totals["territory_code"].isin(areas)]
    totals["value"] = totals["population"] / totals["territory_code"].map(areas)
    return totals[["territory_code", "year", "value"]].reset_index(drop=True)
