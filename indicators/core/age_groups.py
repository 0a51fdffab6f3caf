"""Age groups of the population table (5-year bands "0-4" … "95+"): shared by the build (derive) and the
models (needs, age outlook, backtest), so that a model never imports a build step."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class AgeGroup:
    low: int
    high: int | None  # inclusive upper age, None = open

    def contains(self, band: str) -> bool:
        start = int(band.split("-")[0].rstrip("+"))
        end = 200 if band.endswith("+") else int(band.split("-")[1])
        return start >= self.low and (self.high is None or end <= self.high)


ALL_AGES = AgeGroup(0, None)


def age_group_population(age_sex: pd.DataFrame, ages: AgeGroup) -> pd.DataFrame:
    """territory_code, year, population of the age group (both sexes)."""
    bands = [b for b in age_sex["age_band"].unique() if ages.contains(b)]
    rows = age_sex[age_sex["age_band"].isin(bands)]
    return rows.groupby(["territory_code", "year"], as_index=False)["population"].sum()
