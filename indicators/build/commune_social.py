"""The commune level as a social level: Filosofi 2021, census 2018 / 2012 (communes of 2 000+) and the
young people neither in employment nor in education (ANCT), on the latest commune geography.

``build()`` returns (rows, notes) like indicators/build/commune_indicators.py, whose note kinds it shares
and extends with ``secret`` (« secret statistique »: the publisher withheld the value) and
``not_published`` (« non publié à cette échelle »: no honest value exists at that level).

Rules:
- a rate, a median or a decile is never summed nor averaged: a current commune that holds several
  communes of a file (merged since) gets no value of that file (``merged`` note), an EPCI gets a
  publisher's value (NEET) or none (Filosofi: ``not_published``);
- census counts are summed into an EPCI only when its members with a value hold at least
  commune_indicators.COVERAGE of its population; otherwise the EPCI has no value and a
  ``not_published`` note says the extract's 2 000-inhabitant threshold leaves members out;
- the census shares of départements are not recomputed from the 2 000+ extract (it never covers 99 %
  of a département): ``share_75_plus`` keeps its département rows from the population estimates;
- arrondissements of Paris, Lyon and Marseille are dropped where the commune has its own row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.build.commune_indicators import COVERAGE, NOTE_COLUMNS, ROW_COLUMNS, _percent
from indicators.core.paths import RAW_DIR
from indicators.sources import anct_neet, etalab_communes, insee_filosofi_communes, insee_rp_communes

SECRET_NOTE = "Secret statistique : l'Insee ne publie pas cette valeur (trop peu de ménages fiscaux)."
NEET_SECRET_NOTE = "Secret statistique ou effectif trop faible : valeur non publiée par l'ANCT."
# census shares: indicator -> (numerator, denominator, scale); a count when the denominator is None
CENSUS = {
    "share_75_plus": ("pop_75p", "pop_tot"),
    "population_75_plus": ("pop_75p", None),
    "share_0_14": ("pop_0_14", "pop_tot"),
    "no_diploma_share": ("pop_dipl_aucun", "pop_non_scol_15p"),
    "hlm_tenants_share": ("log_hlm", "log_rp"),
}
INDICATORS = sorted({*insee_filosofi_communes.INDICATORS, *CENSUS, anct_neet.INDICATOR})


def _frame(level: str, codes, indicator_id: str, year, values, source_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territory_level": level,
            "territory_code": np.asarray(codes, dtype=object).astype(str),
            "indicator_id": indicator_id,
            "year": year,
            "value": np.asarray(values, dtype=float),
            "source_id": source_id,
        }
    )[ROW_COLUMNS]


def _notes(level: str, codes, indicator_ids, years, kind: str, note: str) -> pd.DataFrame:
    """Notes of one kind for many values (indicator_ids and years: one value or one per code)."""
    frame = pd.DataFrame({"territory_code": np.asarray(codes, dtype=object).astype(str)})
    frame["territory_level"] = level
    frame["indicator_id"] = indicator_ids if isinstance(indicator_ids, str) else np.asarray(indicator_ids, dtype=object)
    frame["year"] = years if isinstance(years, int) else np.asarray(years, dtype="int64")
    frame["kind"], frame["note"] = kind, note
    return frame[NOTE_COLUMNS]


def _current(codes: pd.Series, folder: Path) -> tuple[pd.Series, pd.Series]:
    """(current commune of each file code, True where that commune holds more than one code of the file).

    Arrondissements municipaux and codes outside the 101 départements map to nothing (NaN)."""
    current = codes.map(etalab_communes.successors(folder))
    current[codes.isin(set(etalab_communes.arrondissements(folder)["code"]))] = np.nan
    counts = current[~codes.duplicated()].value_counts()  # a code repeats once per year or indicator
    return current, current.map(counts).fillna(0) > 1


RATES_NOT_SUMMED = "un taux ne s'additionne pas"
CENSUS_NOT_SUMMED = "l'extrait ne couvrant que les communes de 2 000 habitants ou plus, leur somme n'est pas vérifiable"


def _merged_notes(
    codes: pd.Series, current: pd.Series, merged: pd.Series, indicators, years, what: str, why: str
) -> list:
    groups = codes[merged].groupby(current[merged]).agg(lambda c: ", ".join(sorted(c)))
    text = "Non publié pour la commune actuelle : {what} donne séparément {parts}, fusionnées depuis ; {why}."
    return [
        ("commune", code, i, y, "merged", text.format(what=what, parts=parts, why=why))
        for code, parts in groups.items()
        for i in indicators
        for y in years
    ]


def filosofi(raw_dir: Path, folder: Path) -> tuple[list[pd.DataFrame], list]:
    """Every Filosofi edition of the folder (data/raw's 2021 file, and a newer one an import put beside it)."""
    rows, notes = [], []
    for path in insee_filosofi_communes.editions(raw_dir):
        edition_rows, edition_notes = _filosofi_edition(insee_filosofi_communes.read(path), folder)
        rows += edition_rows
        notes += edition_notes
    return rows, notes


def _filosofi_edition(long: pd.DataFrame, folder: Path) -> tuple[list[pd.DataFrame], list]:
    current, merged = _current(long["code"], folder)
    keep = current.notna() & ~merged
    year, source = int(long["year"].iloc[0]), insee_filosofi_communes.SOURCE_ID
    rows, notes = [], []
    for indicator_id, part in long[keep & long["value"].notna()].groupby("indicator_id"):
        rows.append(_frame("commune", current[part.index], indicator_id, year, part["value"], source))
    secret = long[keep & long["secret"]]
    notes.append(_notes("commune", current[secret.index], secret["indicator_id"], year, "secret", SECRET_NOTE))
    firsts = long["indicator_id"] == insee_filosofi_communes.INDICATORS[0]
    notes += _merged_notes(
        long.loc[firsts, "code"],
        current[firsts],
        merged[firsts],
        insee_filosofi_communes.INDICATORS,
        [year],
        f"Filosofi {year}",
        RATES_NOT_SUMMED,
    )
    epci = etalab_communes.epci(folder)["code"]
    text = (
        f"Non publié à cette échelle : Filosofi {year} ne donne pas de valeur par EPCI dans nos fichiers, et un "
        "taux ou une médiane de communes ne s'additionne pas (communes sous secret statistique)."
    )
    notes += [("epci", c, i, year, "not_published", text) for c in epci for i in insee_filosofi_communes.INDICATORS]
    return rows, notes


def census(raw_dir: Path, folder: Path) -> tuple[list[pd.DataFrame], list]:
    communes = etalab_communes.communes(folder).set_index("code")
    latest = etalab_communes.read_json(etalab_communes.LATEST, "communes", folder)
    weight = pd.Series({c["code"]: c.get("population") or 0 for c in latest if c["type"] == "commune-actuelle"})
    weight = weight.reindex(communes.index).fillna(0).astype(float)  # legal population 2023, as the other totals
    epci_of = communes["epci"].replace("", np.nan)
    source = insee_rp_communes.SOURCE_ID
    rows, notes = [], []
    for year in insee_rp_communes.YEARS:
        table = insee_rp_communes.read(year, raw_dir / insee_rp_communes.FOLDER.relative_to(RAW_DIR))
        current, merged = _current(table["code"], folder)
        table = table.assign(current=current)[current.notna()]
        sums = table.groupby("current")[list(insee_rp_communes.COUNTS)].sum()
        notes += _merged_notes(
            table["code"],
            table["current"],
            merged[current.notna()],
            list(CENSUS),
            [year],
            f"le recensement {year}",
            CENSUS_NOT_SUMMED,
        )
        # a current commune that holds several communes of the census is not summed: the extract leaves out the
        # communes under 2 000 inhabitants, so a sum could describe a smaller territory without saying so
        whole = sums.index[~sums.index.isin(set(table.loc[merged[current.notna()], "current"]))]
        sums_whole = sums.loc[whole]
        for indicator_id, (num, den) in CENSUS.items():
            value = sums_whole[num] if den is None else sums_whole[num] / sums_whole[den] * 100
            rows.append(_frame("commune", value.index, indicator_id, year, value, source))
        # EPCI: summed counts when the members with a value hold >= COVERAGE of the population
        present = pd.Series(weight.index.isin(whole), index=weight.index)
        members = epci_of.notna()
        share = (
            weight[members].where(present[members], 0).groupby(epci_of[members]).sum()
            / weight[members].groupby(epci_of[members]).sum()
        )
        counts = sums_whole.reindex(weight.index)[members & present].groupby(epci_of[members & present]).sum()
        complete = share.index[share >= COVERAGE]
        for indicator_id, (num, den) in CENSUS.items():
            sel = counts.reindex(complete).dropna()
            value = sel[num] if den is None else sel[num] / sel[den] * 100
            rows.append(_frame("epci", value.index, indicator_id, year, value, source))
            for code in share.index[share < COVERAGE]:
                notes.append(
                    (
                        "epci",
                        code,
                        indicator_id,
                        year,
                        "not_published",
                        f"Non publié à cette échelle : l'extrait du recensement {year} ne couvre que les communes de "
                        f"2 000 habitants ou plus ({_percent(share[code])} de la population de l'EPCI, "
                        f"{_percent(COVERAGE)} requis).",
                    )
                )
    return rows, notes


def neet(raw_dir: Path, folder: Path) -> tuple[list[pd.DataFrame], list]:
    neet_folder = raw_dir / anct_neet.FOLDER.relative_to(RAW_DIR)
    source, indicator_id = anct_neet.SOURCE_ID, anct_neet.INDICATOR
    rows, notes = [], []
    communes = anct_neet.read("commune", neet_folder)
    current, merged = _current(communes["code"], folder)
    keep = current.notna() & ~merged
    published = communes[keep & communes["value"].notna()]
    for year, part in published.groupby("year"):
        rows.append(_frame("commune", current[part.index], indicator_id, year, part["value"], source))
    secret = communes[keep & communes["value"].isna()]
    notes.append(_notes("commune", current[secret.index], indicator_id, secret["year"], "secret", NEET_SECRET_NOTE))
    firsts = communes["year"] == anct_neet.YEARS[-1]
    notes += _merged_notes(
        communes.loc[firsts, "code"],
        current[firsts],
        merged[firsts],
        [indicator_id],
        anct_neet.YEARS,
        "le fichier de l'ANCT",
        RATES_NOT_SUMMED,
    )
    known = {
        "epci": set(etalab_communes.epci(folder)["code"]),
        "departement": set(etalab_communes.communes(folder)["departement"]),
        "region": set(etalab_communes.communes(folder)["region"]),
    }
    for level, codes in known.items():
        table = anct_neet.read(level, neet_folder)
        table = table[table["code"].isin(codes) & table["value"].notna()]
        for year, part in table.groupby("year"):
            rows.append(_frame(level, part["code"], indicator_id, year, part["value"], source))
    return rows, notes


def build(raw_dir: Path = RAW_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(store rows without variant, notes) of the commune social indicators."""
    folder = raw_dir / etalab_communes.FOLDER.name
    rows, notes = [], []
    for part in (filosofi, census, neet):
        part_rows, part_notes = part(raw_dir, folder)
        rows += part_rows
        notes += part_notes
    table = pd.concat(rows, ignore_index=True)
    table["year"] = table["year"].astype("int64")
    frames = [n for n in notes if isinstance(n, pd.DataFrame)]
    tuples = pd.DataFrame([n for n in notes if not isinstance(n, pd.DataFrame)], columns=NOTE_COLUMNS)
    frame = pd.concat([tuples, *frames], ignore_index=True)
    frame["year"] = frame["year"].astype("int64")
    return table, frame.sort_values(NOTE_COLUMNS[:4], ignore_index=True)
