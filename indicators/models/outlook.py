"""What comes next: the 2030 and 2050 projections of one département, read from the store.

Population, share of the 75+ and APA recipients: last observed value, then the central projection
with its low and high variants (and the p10 / p90 interval when the store holds one). These are
projections computed by Radar social (method in the catalogue), never observations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.core import catalogue, formatting

# (key, label) of each ``outlook: LABEL`` row, read on first use (``outlook.OUTLOOK`` too, through __getattr__)
outlook_rows = catalogue.lazy(lambda entries: tuple((i, entries[i].outlook) for i in catalogue.outlook_ids(entries)))
__getattr__ = catalogue.lazy_constants(__name__, OUTLOOK=outlook_rows)
HORIZONS = (2030, 2050)
INTERVALS = (("low", "high"), ("p10", "p90"))


@dataclass(frozen=True)
class Projected:
    year: int
    central: float
    low: float | None
    high: float | None
    interval: str  # "variantes basse / haute" or "intervalle p10 – p90"


@dataclass(frozen=True)
class OutlookRow:
    key: str
    label: str
    unit: str
    decimals: int
    base_year: int | None
    base: float | None
    horizons: tuple[Projected, ...]
    method: str

    def fmt(self, value: float | None) -> str:
        return formatting.format_value(value, self.unit, self.decimals)

    def at(self, year: int) -> Projected | None:
        return next((p for p in self.horizons if p.year == year), None)


def _interval(by_variant: dict[str, float]) -> tuple[float | None, float | None, str]:
    for low, high in reversed(INTERVALS):  # the forecast interval when present, else the variants
        keys = [k for k in by_variant if k.endswith(low)], [k for k in by_variant if k.endswith(high)]
        if keys[0] and keys[1] and not keys[0][0].startswith("trend"):
            label = "intervalle p10 – p90" if low == "p10" else "variantes basse / haute"
            return by_variant[keys[0][0]], by_variant[keys[1][0]], label
    return None, None, ""


def build(table: pd.DataFrame, code: str) -> tuple[OutlookRow, ...]:
    rows = table[
        table["indicator_id"].isin([key for key, _ in outlook_rows()])
        & (table["territory_code"] == code)
        & (table["territory_level"] == "departement")
    ]
    out = []
    for key, label in outlook_rows():
        indicator = catalogue.get(key)
        own = rows[rows["indicator_id"] == key]
        observed = own[own["variant"] == "observed"].sort_values("year")
        base_year = int(observed["year"].iloc[-1]) if len(observed) else None
        horizons = []
        for year in HORIZONS:
            at = own[(own["year"] == year) & (own["variant"] != "observed")]
            by_variant = dict(zip(at["variant"], at["value"].astype(float), strict=True))
            if "central" not in by_variant:
                continue
            low, high, interval = _interval(by_variant)
            if low is not None and high is not None and low > high:  # the low-migration variant ages faster
                low, high = high, low
            horizons.append(Projected(year, by_variant["central"], low, high, interval))
        out.append(
            OutlookRow(
                key=key,
                label=label,
                unit=indicator.unit,
                decimals=indicator.decimals,
                base_year=base_year,
                base=float(observed["value"].iloc[-1]) if len(observed) else None,
                horizons=tuple(horizons),
                method=indicator.method or "",
            )
        )
    return tuple(out)
