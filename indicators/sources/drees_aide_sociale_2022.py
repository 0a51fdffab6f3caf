"""DREES, bénéficiaires de l'aide sociale départementale, séries longues 1996-2022 (2021 and 2022 only).

The 2020 workbooks (drees_aide_sociale) stop at 2020. The DREES 1996-2022 release, which we could not
obtain as xlsx, is in the project as the tidy table of the R package asdep (patrickaubert/asdep, exported
to CSV: ``asdep-tidy/ASDEPslbenef.csv``). This step takes from it only the years the workbook lacks
(``YEARS``), so every row up to 2020 stays credited to the workbook and 2021-2022 to this edition;
tests/test_source_drees_aide_sociale_2022.py checks that the table equals the workbook on every overlapping
département, year and series.

The table's traps, handled like the workbook's:
- région and France rows are mixed in (``TypeTerritoire``): départements are the ``Département`` rows,
  France is the published « TOTAL estimé France entière (hors Mayotte) » row (two spellings, one for
  APA / PCH, one for ASE), never a sum;
- ``20`` (Collectivité de Corse) is a ``Département`` row from 2018, ``2A`` / ``2B`` are absent then: 20 is
  not an INSEE département code and is skipped;
- ``69``, ``69D`` and ``69M`` are all present: ``69`` only is emitted (69D + 69M when 69 is missing);
- a published 0 or an empty cell yields no row (as in the workbook reader).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.codes import FRANCE_CODE
from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code
from indicators.sources.drees_aide_sociale import ASE_CHILDREN, BENEFICIARIES_FILE, last_years, with_ase_children

SOURCE_ID = "drees_aide_sociale_2022"
FILE = "drees-aide-sociale/asdep-tidy/ASDEPslbenef.csv"
FILES = [FILE, BENEFICIARIES_FILE]  # the workbook's last years decide which years are taken here
YEARS = (2021, 2022)  # the years the 2020 workbook lacks (a newer workbook's years are left to it)
COLUMNS = ["territory_level", "territory_code", "indicator_id", "year", "value"]
# Table column -> store indicator (the same series as the workbook's sheets Tab4/5/6-pa, Tab7-ph, Tab1/6-ase).
SERIES = {
    "NbBenefAPA": "apa_recipients",
    "NbBenefAPADomicile": "apa_home_recipients",
    "NbBenefAPAEtab": "apa_establishment_recipients",
    "NbBenefPCH": "pch_recipients",
    "TotEnfAccueillisASE": "ase_children_placed",
    "TotBenefAE": "ase_educational_actions",
}
NATIONAL_LABELS = ("total estimé france entière, hors mayotte", "total estimé france entière (hors mayotte)")
RHONE, RHONE_PARTS = "69", ("69D", "69M")
# Where the 1996-2022 edition differs from the 2020 workbook on the years both hold, beyond the rounding of the
# workbook's estimated (non-integer) values: (indicator, territory, year) -> (workbook, this edition). DREES
# revised Hauts-de-Seine's APA (2018-2020) and the children placed of Ariège, Lot and Essonne (2019-2020); the
# store keeps the workbook's values for those years (the workbook wins), so these series step at 2020 -> 2021
# by the revision as well as by the change (catalogue notes). Checked cell by cell by the source test.
REVISED = {
    ("apa_establishment_recipients", "92", 2018): (8882, 7721),
    ("apa_establishment_recipients", "92", 2019): (8884, 6424),
    ("apa_establishment_recipients", "92", 2020): (8707, 6114),
    ("apa_establishment_recipients", "FR", 2018): (546757, 545596),
    ("apa_establishment_recipients", "FR", 2019): (549329, 546869),
    ("apa_establishment_recipients", "FR", 2020): (536247, 533654),
    ("apa_home_recipients", "92", 2019): (7726, 8290),
    ("apa_home_recipients", "FR", 2019): (788492, 789056),
    ("apa_recipients", "92", 2018): (17212, 16051),
    ("apa_recipients", "92", 2019): (16610, 14714),
    ("apa_recipients", "92", 2020): (16957, 14364),
    ("apa_recipients", "FR", 2018): (1325465, 1324304),
    ("apa_recipients", "FR", 2019): (1337821, 1335925),
    ("apa_recipients", "FR", 2020): (1318168, 1315575),
    ("ase_children", "09", 2020): (937, 996),
    ("ase_children", "46", 2019): (777, 827),
    ("ase_children", "46", 2020): (747, 800),
    ("ase_children", "91", 2019): (6235, 7064),
    ("ase_children", "FR", 2019): (367223, 368102),
    ("ase_children", "FR", 2020): (370200, 370312),
    ("ase_children_placed", "09", 2020): (430, 489),
    ("ase_children_placed", "46", 2019): (360, 410),
    ("ase_children_placed", "46", 2020): (354, 407),
    ("ase_children_placed", "91", 2019): (2681, 3510),
    ("ase_children_placed", "FR", 2019): (196014, 196893),
    ("ase_children_placed", "FR", 2020): (199530, 199642),
}
KEY_COLUMNS = ("Code.departement", "Territoire", "TypeTerritoire", "Annee")
MIN_DEPARTEMENTS = 98  # 2018-2022: 94 metropolitan (no 2A/2B) + 4 DROM (Mayotte is outside the field)


def table(raw_dir: Path) -> pd.DataFrame:
    """Every year of the six series, one row per (territory, indicator, year), 69D/69M kept as published:
    territory_level ('departement' / 'france'), territory_code, indicator_id, year, value."""
    path = raw_dir / FILE
    try:
        raw = pd.read_csv(path, dtype={"Code.departement": str, "Code.region": str})
    except (OSError, ValueError) as error:
        raise RawFileError(path, f"unreadable CSV: {error}") from error
    missing = [c for c in (*KEY_COLUMNS, *SERIES) if c not in raw.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    raw["year"] = pd.to_numeric(raw["Annee"], errors="coerce")
    kind = raw["TypeTerritoire"].astype(str).str.strip()

    dep = raw[kind == "Département"].copy()
    code = dep["Code.departement"].astype(str).str.strip().str.upper()
    dep["territory_code"] = [c if c in RHONE_PARTS else normalise_departement_code(c) for c in code]
    dep = dep[dep["territory_code"].notna() & (dep["territory_code"] != "976")].assign(territory_level="departement")

    label = raw["Territoire"].astype(str).str.strip().str.lower()
    france = raw[(kind == "France") & label.isin(NATIONAL_LABELS)].assign(
        territory_level="france", territory_code=FRANCE_CODE
    )
    long = pd.concat([dep, france]).melt(
        id_vars=["territory_level", "territory_code", "year"], value_vars=list(SERIES), var_name="column"
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    long = long[long["value"].notna() & (long["value"] != 0) & long["year"].notna()]
    long["indicator_id"] = long["column"].map(SERIES)
    long["year"] = long["year"].astype(int)
    out = long[COLUMNS].reset_index(drop=True)
    duplicated = out.duplicated(["territory_level", "territory_code", "indicator_id", "year"])
    if duplicated.any():
        first = out[duplicated].iloc[0]
        raise RawFileError(path, f"{first['territory_code']} {first['indicator_id']} {first['year']} appears twice")
    return out


def _merge_rhone(frame: pd.DataFrame) -> pd.DataFrame:
    """One '69' series: the published whole Rhône, else 69D + 69M when both are published."""
    key = ["indicator_id", "year"]
    parts = frame[frame["territory_code"].isin(RHONE_PARTS)]
    rest = frame[~frame["territory_code"].isin(RHONE_PARTS)]
    both = parts.groupby(key).filter(lambda g: len(g) == 2).groupby(key, as_index=False)["value"].sum()
    whole = rest[rest["territory_code"] == RHONE].set_index(key).index
    fill = both[~both.set_index(key).index.isin(whole)].assign(territory_level="departement", territory_code=RHONE)
    return pd.concat([rest, fill[COLUMNS]], ignore_index=True)


def tidy(raw_dir: Path) -> pd.DataFrame:
    """Every year, in the store's shape (69 only, ase_children added)."""
    return with_ase_children(_merge_rhone(table(raw_dir)))


def read(raw_dir: Path) -> pd.DataFrame:
    """The rows of the years after the workbook's last year column, per series (a newer workbook edition with
    one more year takes that year over: every key has one source)."""
    rows = tidy(raw_dir)
    last = last_years(raw_dir)
    target, parts = ASE_CHILDREN
    last[target] = min(last[p] for p in parts)  # the workbook sums the years holding both parts
    rows = rows[rows["year"] > rows["indicator_id"].map(last)].reset_index(drop=True)
    path = raw_dir / FILE
    for (indicator, year), part in rows.groupby(["indicator_id", "year"]):
        n_dep = (part["territory_level"] == "departement").sum()
        if n_dep < MIN_DEPARTEMENTS or not (part["territory_level"] == "france").any():
            raise RawFileError(
                path,
                f"{indicator} {year}: expected ≥{MIN_DEPARTEMENTS} départements and the France row, "
                f"found {n_dep} départements",
            )
    return rows
