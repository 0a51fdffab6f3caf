"""Side-by-side comparison of départements with France: values, years, ranks, gaps; CSV and XLSX exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import catalogue, exports, ranking, territories
from indicators.formatting import MISSING, format_indicator, format_rank

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


def display_table(wide: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """French texts for the screen: Indicateur, Année, France, then a value and a rank column per territory."""
    names = territories.departement_names()
    out = pd.DataFrame(
        {
            "Indicateur": [catalogue.get(i).short_label for i in wide["indicator_id"]],
            "Année": ["variable" if pd.isna(y) else str(int(y)) for y in wide["year"]],
            "France": [
                format_indicator(v, catalogue.get(i))
                for v, i in zip(wide["france_value"], wide["indicator_id"], strict=True)
            ],
        }
    )
    for code in codes:
        values, ranks = [], []
        for _, row in wide.iterrows():
            indicator = catalogue.get(row["indicator_id"])
            text = format_indicator(row[f"{code}_value"], indicator)
            if pd.isna(row["year"]) and not pd.isna(row[f"{code}_year"]) and text != MISSING:
                text += f" ({int(row[f'{code}_year'])})"
            values.append(text)
            ranks.append(
                MISSING
                if pd.isna(row[f"{code}_rank"])
                else format_rank(int(row[f"{code}_rank"]), int(row[f"{code}_total"]))
            )
        out[names[code]] = values
        out[f"Rang {names[code]}"] = ranks
    return out


def cell_colour(score: float) -> str:
    """Background for a value cell: red when more difficult than France, blue when easier (RdBu)."""
    if pd.isna(score) or score == 0:
        return ""
    alpha = 0.12 + 0.5 * min(abs(score), 1.0)
    rgb = "202, 0, 32" if score > 0 else "5, 113, 176"
    return f"background-color: rgba({rgb}, {alpha:.2f})"


def export_table(wide: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Numbers (not texts) for CSV/XLSX, with French headers, units and sources."""
    names = territories.departement_names()
    out = pd.DataFrame(
        {
            "Indicateur": [catalogue.get(i).label for i in wide["indicator_id"]],
            "Identifiant": wide["indicator_id"],
            "Unité": [catalogue.get(i).unit for i in wide["indicator_id"]],
            "Année commune": wide["year"].astype("Int64"),
        }
    )
    for code in codes:
        out[f"{names[code]} ({code})"] = wide[f"{code}_value"]
        out[f"Année {code}"] = wide[f"{code}_year"].astype("Int64")
        out[f"Rang {code}"] = wide[f"{code}_rank"].astype("Int64")
        out[f"Classés {code}"] = wide[f"{code}_total"].astype("Int64")
    out["France"] = wide["france_value"]
    out["Source"] = [catalogue.get(i).citation for i in wide["indicator_id"]]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """';' separated, decimal comma, UTF-8 with BOM (opens cleanly in a French Excel); missing = empty."""
    return exports.to_csv(frame)


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Comparaison") -> bytes:
    return exports.to_xlsx(frame, sheet, widths={0: 55})
