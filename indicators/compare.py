"""Side-by-side comparison of départements with France: values, years, ranks, gaps; CSV and XLSX exports."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import catalogue, exports, ranking, territories
from indicators.formatting import MISSING, NBSP, format_indicator, format_rank

DEFAULT_CODES = ("38", "44", "93")
MIN_CODES, MAX_CODES = 2, 8
SIGN = {"higher_is_worse": 1.0, "higher_is_better": -1.0, "neutral": 0.0}
RATE_UNITS = ("%", "‰", "€/hab.", "€/an")  # a count (foyers, k€) is not comparable with the France total


def parse_codes(raw: str | None) -> list[str]:
    """'38,44,93' from the URL -> valid, distinct département codes (at most MAX_CODES), else the default."""
    names = territories.departement_names()
    codes = list(dict.fromkeys(c.strip().upper() for c in (raw or "").split(",") if c.strip().upper() in names))
    return codes[:MAX_CODES] if len(codes) >= MIN_CODES else list(DEFAULT_CODES)


def _observed(table: pd.DataFrame, level: str) -> pd.DataFrame:
    return table[(table["territory_level"] == level) & (table["variant"] == "observed")]


def compare_table(table: pd.DataFrame, codes: list[str], indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per indicator with a value for at least one of ``codes`` (catalogue order).

    Columns: indicator_id, year (latest year common to all codes, or NaN), then per code
    ``{code}_value``, ``{code}_year``, ``{code}_rank``, ``{code}_total``, and france_value, france_year.
    Without a common year each territory shows its own latest year.
    """
    ids = indicator_ids or list(catalogue.load())
    deps = _observed(table, "departement")
    deps = deps[deps["indicator_id"].isin(ids)]
    france = _observed(table, "france")
    rows = []
    for indicator_id in ids:
        own = deps[(deps["indicator_id"] == indicator_id) & deps["territory_code"].isin(codes)]
        if own.empty:
            continue
        years = [set(own.loc[own["territory_code"] == c, "year"]) for c in codes]
        common = set.intersection(*years)
        year = max(common) if common else None
        row: dict = {"indicator_id": indicator_id, "year": year}
        ranks: dict[int, pd.DataFrame] = {}
        for code, available in zip(codes, years, strict=True):
            used = year if year is not None else (max(available) if available else None)
            value = own.loc[(own["territory_code"] == code) & (own["year"] == used), "value"]
            rank = None
            if used is not None and len(value):
                if used not in ranks:
                    ranks[used] = ranking.rank_departements(deps, indicator_id, used).set_index("territory_code")
                rank = ranks[used].loc[code, ["rank", "total"]].tolist() if code in ranks[used].index else None
            row |= {
                f"{code}_value": float(value.iloc[0]) if len(value) else np.nan,
                f"{code}_year": used,
                f"{code}_rank": rank[0] if rank else np.nan,
                f"{code}_total": rank[1] if rank else np.nan,
            }
        reference_year = year if year is not None else max(max(y) for y in years if y)
        ref = france[(france["indicator_id"] == indicator_id) & (france["year"] == reference_year)]
        row |= {"france_value": float(ref["value"].iloc[0]) if len(ref) else np.nan, "france_year": reference_year}
        rows.append(row)
    return pd.DataFrame(rows)


def gap_scores(wide: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Relative gap to France signed by polarity, clipped to [-1, 1]: +1 = much more difficult than France.

    0 for neutral indicators; NaN when the value or France is missing, or for counts (not rates).
    """
    sign = wide["indicator_id"].map(
        lambda i: SIGN[catalogue.get(i).polarity] if catalogue.get(i).unit in RATE_UNITS else np.nan
    )
    reference = wide["france_value"].where(wide["france_value"] != 0)
    scores = {code: ((wide[f"{code}_value"] - reference) / reference.abs() * sign).clip(-1, 1) for code in codes}
    return pd.DataFrame(scores, index=wide.index)


def is_ranked(indicator_id: str) -> bool:
    """Ranks mean "1 = most difficult": only for indicators whose catalogue polarity gives a direction."""
    return catalogue.get(indicator_id).polarity != "neutral"


def row_label(indicator_id: str) -> str:
    """'Couverture RSA (%)': the unit goes with the label, so that value cells stay short."""
    indicator = catalogue.get(indicator_id)
    return f"{indicator.short_label} ({indicator.unit})" if indicator.unit else indicator.short_label


def display_table(wide: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """French texts for the screen: Indicateur (with its unit), Année, France, then one column per territory.

    A territory's cell is its value, followed by its rank among the départements ("10,73 · 5ᵉ sur 101")
    when the indicator has a direction; a value of another year than the common one carries its year."""
    names = territories.departement_names()
    out = pd.DataFrame(
        {
            "Indicateur": [row_label(i) for i in wide["indicator_id"]],
            "Année": ["variable" if pd.isna(y) else str(int(y)) for y in wide["year"]],
            "France": [
                format_indicator(v, catalogue.get(i), with_unit=False)
                for v, i in zip(wide["france_value"], wide["indicator_id"], strict=True)
            ],
        }
    )
    for code in codes:
        cells = []
        for _, row in wide.iterrows():
            indicator = catalogue.get(row["indicator_id"])
            text = format_indicator(row[f"{code}_value"], indicator, with_unit=False)
            if pd.isna(row["year"]) and not pd.isna(row[f"{code}_year"]) and text != MISSING:
                text += f" ({int(row[f'{code}_year'])})"
            if is_ranked(indicator.id) and not pd.isna(row[f"{code}_rank"]):
                rank = format_rank(int(row[f"{code}_rank"]), int(row[f"{code}_total"]))
                text += f" · {rank.replace(' ', NBSP)}"  # the rank never breaks across lines
            cells.append(text)
        out[names[code]] = cells
    return out


def cell_colour(score: float) -> str:
    """Background for a value cell: red when more difficult than France, blue when easier (RdBu)."""
    if pd.isna(score) or score == 0:
        return ""
    alpha = 0.12 + 0.5 * min(abs(score), 1.0)
    rgb = "202, 0, 32" if score > 0 else "5, 113, 176"
    return f"background-color: rgba({rgb}, {alpha:.2f})"


def export_table(wide: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Numbers (not texts) for CSV/XLSX, rounded to the catalogue's decimals, with French headers,
    units and sources; ranks only for indicators with a direction."""
    names = territories.departement_names()
    decimals = [catalogue.get(i).decimals for i in wide["indicator_id"]]
    ranked = wide["indicator_id"].map(is_ranked)

    def rounded(values: pd.Series) -> pd.Series:
        return pd.Series([round(v, d) for v, d in zip(values, decimals, strict=True)], index=values.index, dtype=float)

    out = pd.DataFrame(
        {
            "Indicateur": [catalogue.get(i).label for i in wide["indicator_id"]],
            "Identifiant": wide["indicator_id"],
            "Unité": [catalogue.get(i).unit for i in wide["indicator_id"]],
            "Année commune": wide["year"].astype("Int64"),
        }
    )
    for code in codes:
        out[f"{names[code]} ({code})"] = rounded(wide[f"{code}_value"])
        out[f"Année {code}"] = wide[f"{code}_year"].astype("Int64")
        out[f"Rang {code}"] = wide[f"{code}_rank"].where(ranked).astype("Int64")
        out[f"Classés {code}"] = wide[f"{code}_total"].where(ranked).astype("Int64")
    out["France"] = rounded(wide["france_value"])
    out["Source"] = [catalogue.get(i).citation for i in wide["indicator_id"]]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """';' separated, decimal comma, UTF-8 with BOM (opens cleanly in a French Excel); missing = empty."""
    return exports.to_csv(frame)


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Comparaison") -> bytes:
    return exports.to_xlsx(frame, sheet, widths={0: 55})


@dataclass(frozen=True)
class View:
    """Everything the compare page shows of a wide table, computed once per choice and published version:
    the French table, its cell colours (CSS per cell, same shape) and the two downloads."""

    shown: pd.DataFrame
    styles: pd.DataFrame
    csv: bytes
    xlsx: bytes


def view(wide: pd.DataFrame, codes: list[str]) -> View:
    names = territories.departement_names()
    shown = display_table(wide, codes)
    scores = gap_scores(wide, codes)
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for code in codes:
        styles[names[code]] = [cell_colour(s) for s in scores[code]]
    export = export_table(wide, codes)
    return View(shown, styles, to_csv_bytes(export), to_xlsx_bytes(export))
