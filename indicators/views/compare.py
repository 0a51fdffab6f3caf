"""Side-by-side comparison of territories with France: values, years, ranks, gaps; CSV and XLSX exports.

A territory is a département ("38"), a commune ("com:95585") or an EPCI ("epci:200055655"): any mix of 2
to 8. A column holds only its own territory's numbers: an indicator without a value for a commune or an
EPCI says why (« secret statistique », « non publié pour les communes »), never its département's value
(the user adds the département's own column for that); a commune's population is its legal population.
Ranks are among départements, for départements only.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.core import catalogue, exports
from indicators.core.formatting import MISSING, NBSP, format_indicator, format_rank
from indicators.models import freshness, ranking
from indicators.storage import territories

DEFAULT_CODES = ("38", "44", "93")
MIN_CODES, MAX_CODES = 2, 8
SIGN = {"higher_is_worse": 1.0, "higher_is_better": -1.0, "neutral": 0.0}
RATE_UNITS = ("%", "‰", "€/hab.", "€/an")  # a count (foyers, k€) is not comparable with the France total


PREFIXES = {"com": "commune", "epci": "epci"}
# a commune's or EPCI's own figure for a département indicator of another source (same meaning)
OWN_SUBSTITUTES = {"population": "legal_population"}
SECRET = "secret statistique"
NOT_PUBLISHED = {"commune": "non publié pour les communes", "epci": "non publié pour les intercommunalités"}


def status(level: str, secret: bool) -> str:
    """Why a commune's or EPCI's cell is empty."""
    return SECRET if secret else NOT_PUBLISHED.get(level, "")


LEVEL_SHORT = {"departement": "département", "commune": "commune", "epci": "intercommunalité"}


@dataclass(frozen=True)
class Territory:
    key: str  # "38", "com:95585", "epci:200055655"
    level: str
    code: str
    name: str
    departement: str

    @property
    def label(self) -> str:
        """'Isère', 'Sarcelles (95)', 'CA Roissy Pays de France'."""
        return f"{self.name} ({self.departement})" if self.level == "commune" else self.name


def key_of(level: str, code: str) -> str:
    return code if level == "departement" else f"{'com' if level == 'commune' else 'epci'}:{code}"


def territory(key: str, index: pd.DataFrame | None = None) -> Territory | None:
    """The territory of a key (None when unknown); communes and EPCI need the territory index."""
    prefix, _, code = key.strip().partition(":")
    if not code:
        dep = territories.normalise_departement_code(prefix)
        return Territory(dep, "departement", dep, territories.departement_names()[dep], dep) if dep else None
    level = PREFIXES.get(prefix.lower())
    if level is None or index is None:
        return None
    found = index[(index["level"] == level) & (index["code"] == code.upper())]
    if found.empty:
        return None
    row = found.iloc[0]
    return Territory(key_of(level, row["code"]), level, row["code"], row["name"], row["departement"])


def parse_codes(raw: str | None, index: pd.DataFrame | None = None) -> list[str]:
    """'38,com:95585,epci:200055655' from the URL -> valid, distinct keys (at most MAX_CODES); the default
    départements only when the link names none (``?deps=38`` keeps 38 alone: the page asks for a second one
    rather than silently adding two). Without the territory index only département codes are recognised."""
    if not (raw or "").strip():
        return list(DEFAULT_CODES)
    found = [territory(k, index) for k in raw.split(",") if k.strip()]
    return list(dict.fromkeys(t.key for t in found if t is not None))[:MAX_CODES]


def compare_table(
    table: pd.DataFrame,
    codes: list[str],
    indicator_ids: list[str] | None = None,
    index: pd.DataFrame | None = None,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator with a value for at least one of ``codes`` (keys, see Territory; catalogue order).

    Columns: indicator_id, year (latest year common to the codes that have a value, or NaN), then per key
    ``{key}_value``, ``{key}_year``, ``{key}_rank``, ``{key}_total``, ``{key}_level`` (always the
    territory's own level), ``{key}_source``, ``{key}_status`` (why a commune's or EPCI's value is absent:
    « secret statistique » when ``notes`` has a ``secret`` note for it, else « non publié pour les
    communes »), and france_value, france_year. Without a common year each territory shows its own latest
    year. A commune or EPCI never gets its département's value.
    """
    ids = indicator_ids or list(catalogue.load())
    chosen = [territory(k, index) for k in codes]
    wanted = set(ids) | {OWN_SUBSTITUTES[i] for i in ids if i in OWN_SUBSTITUTES}
    table = table[table["indicator_id"].isin(wanted) & (table["variant"] == "observed")]
    empty = table.iloc[0:0]
    by_level = {level: part for level, part in table.groupby("territory_level", observed=True)}
    # Split once by indicator (and by chosen territory) and rank every indicator and year at once, not once per
    # indicator and territory: the first compare page after a publish reads every département row.
    ranks = ranking.rank_all(by_level.get("departement", empty))
    france = _by_indicator(by_level.get("france", empty))
    own_rows = {
        (t.level, t.code): _by_indicator(part[part["territory_code"] == t.code])
        for t in chosen
        if (part := by_level.get(t.level)) is not None
    }
    secret = set()
    if notes is not None and len(notes):
        flagged = notes[notes["kind"] == "secret"]
        secret = set(zip(flagged["territory_level"], flagged["territory_code"], flagged["indicator_id"], strict=True))
    rows = []
    for indicator_id in ids:
        mine = []
        for t in chosen:
            own_id = indicator_id
            if t.level != "departement" and indicator_id in OWN_SUBSTITUTES:
                own_id = OWN_SUBSTITUTES[indicator_id]
            mine.append(own_rows.get((t.level, t.code), {}).get(own_id, empty))
        if all(own.empty for own in mine):
            continue  # no chosen territory has a value of its own
        years = [set(own["year"]) for own in mine]
        common = set.intersection(*[y for y in years if y])
        year = max(common) if common else None
        row: dict = {"indicator_id": indicator_id, "year": year}
        for t, own, available in zip(chosen, mine, years, strict=True):
            used = year if year is not None else (max(available) if available else None)
            shown = own[own["year"] == used]
            value = shown["value"]
            rank = None
            if used is not None and len(value) and t.level == "departement":
                rank = ranks.get((indicator_id, used, t.code))
            absent = len(value) == 0 and t.level != "departement"
            row |= {
                f"{t.key}_value": float(value.iloc[0]) if len(value) else np.nan,
                f"{t.key}_year": used,
                f"{t.key}_rank": rank[0] if rank else np.nan,
                f"{t.key}_total": rank[1] if rank else np.nan,
                f"{t.key}_level": t.level,
                f"{t.key}_source": shown["source_id"].iloc[0] if len(shown) and "source_id" in shown else None,
                f"{t.key}_status": status(t.level, (t.level, t.code, indicator_id) in secret) if absent else "",
            }
        reference_year = year if year is not None else max(max(y) for y in years if y)
        ref = france.get(indicator_id, empty)
        ref = ref[ref["year"] == reference_year]
        row |= {"france_value": float(ref["value"].iloc[0]) if len(ref) else np.nan, "france_year": reference_year}
        rows.append(row)
    return pd.DataFrame(rows)


def _by_indicator(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {indicator_id: part for indicator_id, part in rows.groupby("indicator_id", observed=True, sort=False)}


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


def labels(codes: list[str], index: pd.DataFrame | None = None) -> dict[str, str]:
    """Column label of each key: 'Isère', 'Sarcelles (95)', 'CA Roissy Pays de France'."""
    return {k: territory(k, index).label for k in codes}


def display_table(wide: pd.DataFrame, codes: list[str], index: pd.DataFrame | None = None) -> pd.DataFrame:
    """French texts for the screen: Indicateur (with its unit), Année, France, then one column per territory.

    A territory's cell is its value, followed by its rank among the départements ("10,73 · 5ᵉ sur 101")
    when the indicator has a direction; a value of another year than the common one carries its year; a
    commune's or EPCI's cell without a value says why (« secret statistique », « non publié pour les
    communes »)."""
    names = labels(codes, index)
    out = pd.DataFrame(
        {
            "Indicateur": [row_label(i) for i in wide["indicator_id"]],
            "Année": [
                "variable" if pd.isna(y) else freshness.year_cell(i, int(y))
                for i, y in zip(wide["indicator_id"], wide["year"], strict=True)
            ],
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
            if text == MISSING and row.get(f"{code}_status"):
                text = row[f"{code}_status"]
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


# What a rank of each kind of key is among (a département among départements, a commune among its
# département's communes, an EPCI among all EPCI), for the export's headers.
RANKED_AMONG = {
    "dep": ("départements", "départements classés"),
    "com": ("communes du département", "communes classées"),
    "epci": ("intercommunalités", "intercommunalités classées"),
}


def export_table(wide: pd.DataFrame, codes: list[str], index: pd.DataFrame | None = None) -> pd.DataFrame:
    """Numbers (not texts) for CSV/XLSX, rounded to the catalogue's decimals, with French headers,
    units and sources; ranks only for indicators with a direction; the level of every value."""
    names = labels(codes, index)
    decimals = [catalogue.get(i).decimals for i in wide["indicator_id"]]
    ranked = wide["indicator_id"].map(is_ranked)

    def rounded(values: pd.Series) -> pd.Series:  # as displayed, never "-0"
        return pd.Series([exports.rounded(v, d) for v, d in zip(values, decimals, strict=True)], index=values.index)

    out = pd.DataFrame(
        {
            "Indicateur": [catalogue.get(i).label for i in wide["indicator_id"]],
            "Unité": [catalogue.get(i).unit for i in wide["indicator_id"]],
            "Année commune": wide["year"].astype("Int64"),
        }
    )
    for code in codes:
        name = names[code]
        out[name] = rounded(wide[f"{code}_value"]).astype(float)
        out[f"{name} : année"] = wide[f"{code}_year"].astype("Int64")
        among, ranked_label = RANKED_AMONG[code.partition(":")[0] if ":" in code else "dep"]
        out[f"{name} : rang parmi les {among}"] = wide[f"{code}_rank"].where(ranked).astype("Int64")
        out[f"{name} : {ranked_label}"] = wide[f"{code}_total"].where(ranked).astype("Int64")
        out[f"{name} : niveau de la valeur"] = wide[f"{code}_level"].map(LEVEL_SHORT)
        if ":" in code and f"{code}_status" in wide:  # communes and EPCI: why a value is absent
            out[f"{name} : statut"] = wide[f"{code}_status"].fillna("")
    out["France"] = rounded(wide["france_value"]).astype(float)
    out["Source"] = [_sources(row, codes) for _, row in wide.iterrows()]
    out["Identifiant"] = wide["indicator_id"].to_numpy()  # the catalogue's id, last: for a join, not for reading
    return out


def sources_sheet(wide: pd.DataFrame) -> pd.DataFrame:
    """The « Sources » sheet of the workbook: each indicator, its unit, definition and source."""
    entries = [catalogue.get(i) for i in wide["indicator_id"]]
    return pd.DataFrame(
        {
            "Indicateur": [e.label for e in entries],
            "Unité": [e.unit for e in entries],
            "Définition": [e.definition for e in entries],
            "Source": [e.citation for e in entries],
        }
    )


def _sources(row: pd.Series, codes: list[str]) -> str:
    """The citations of the rows actually shown (an imported file is cited as itself)."""
    indicator = catalogue.get(row["indicator_id"])
    ids = dict.fromkeys(row.get(f"{c}_source") for c in codes)
    citations = dict.fromkeys(catalogue.row_citation(indicator, i if isinstance(i, str) else None) for i in ids)
    return " ; ".join(citations)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """';' separated, decimal comma, UTF-8 with BOM (opens cleanly in a French Excel); missing = empty."""
    return exports.to_csv(frame)


def to_xlsx_bytes(frame: pd.DataFrame, wide: pd.DataFrame | None = None, sheet: str = "Comparaison") -> bytes:
    """The workbook: number formats with each indicator's decimals, frozen header, a « Sources » sheet."""
    if wide is None:
        return exports.to_xlsx(frame, sheet, widths={0: 55})
    decimals = [catalogue.get(i).decimals for i in wide["indicator_id"]]
    return exports.to_xlsx(frame, sheet, widths={0: 55}, row_decimals=decimals, sources=sources_sheet(wide))


@dataclass(frozen=True)
class View:
    """Everything the compare page shows of a wide table, computed once per choice and published version:
    the French table, its cell colours (CSS per cell, same shape) and the two downloads. The workbook is made
    when first asked for (the download button's click): 0,5 s of CPU that the first compare page after a
    publish, on every replica, no longer pays."""

    shown: pd.DataFrame
    styles: pd.DataFrame
    csv: bytes
    export: pd.DataFrame
    wide: pd.DataFrame

    @functools.cached_property
    def xlsx(self) -> bytes:
        return to_xlsx_bytes(self.export, self.wide)


def age_note(wide: pd.DataFrame, codes: list[str], today: dt.date | None = None) -> str:
    """« Données anciennes : RSA : donnée 2019 — l'édition 2024 est sans doute parue (DREES). » ('' when none)."""
    figures = [
        (row_label(row["indicator_id"]), row["indicator_id"], int(row[f"{code}_year"]))
        for _, row in wide.iterrows()
        for code in codes
        if not pd.isna(row.get(f"{code}_year"))
    ]
    lines = freshness.grouped(figures, today)
    return ("Données anciennes — " + " ; ".join(lines) + ".") if lines else ""


def view(wide: pd.DataFrame, codes: list[str], index: pd.DataFrame | None = None) -> View:
    names = labels(codes, index)
    shown = display_table(wide, codes, index)
    scores = gap_scores(wide, codes)
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for code in codes:
        styles[names[code]] = [cell_colour(s) for s in scores[code]]
    export = export_table(wide, codes, index)
    return View(shown, styles, to_csv_bytes(export), export, wide)
