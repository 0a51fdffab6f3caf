"""INSEE, Estimation de population au 1er janvier par département, sexe et âge quinquennal.

One sheet per year (1975 ... 2023; a newer edition adds sheets: every year sheet from 1975 on is read).
Each has 65 columns: code, name, then three blocks of
21 columns (Ensemble, Hommes, Femmes), each ``0 à 4 ans`` ... ``95 ans et plus`` + ``Total``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.schema import AGE_BANDS
from indicators.sources.admin_units import departement_codes
from indicators.sources.excel import open_workbook, sheet_rows

SOURCE_ID = "insee_estimations_population"
FILES = ["insee-estimations-population/estim-pop-dep-sexe-aq-1975-2023.xls"]
FIRST_YEAR = 1975
N_COLUMNS = 65
FRANCE_LABEL = "france métropolitaine et dom"
BLOCKS = {"M": 23, "F": 44}  # first column of the Hommes / Femmes blocks


def _check_header(rows: list[list], path: Path, sheet: str) -> None:
    header = [str(c).strip() for c in rows[4]] if len(rows) > 4 else []
    if len(header) < N_COLUMNS or header[2] != "0 à 4 ans" or header[22] != "Total":
        raise RawFileError(path, f"row 5 should hold {N_COLUMNS} columns: code, name, '0 à 4 ans' … 'Total' ×3", sheet)


def read_age_sex(raw_dir: Path) -> pd.DataFrame:
    """Long table: territory_code (département or FR), year, sex, age_band, population."""
    path = raw_dir / FILES[0]
    workbook = open_workbook(path)
    codes = set(departement_codes())
    records: list[tuple] = []
    years = sorted(int(s) for s in workbook.sheet_names if s.strip().isdigit() and int(s) >= FIRST_YEAR)
    if not years or years[0] != FIRST_YEAR or years != list(range(FIRST_YEAR, years[-1] + 1)):
        raise RawFileError(path, f"one sheet per year from {FIRST_YEAR}, without gaps; sheets: {workbook.sheet_names}")
    for year in years:
        sheet = str(year)
        rows = sheet_rows(workbook, path, sheet)
        _check_header(rows, path, sheet)
        found = 0
        for row in rows[5:]:
            raw_code = str(row[0]).strip()
            code = raw_code[:-2] if raw_code.endswith(".0") else raw_code
            if code in codes:
                found += 1
            elif code.lower() == FRANCE_LABEL:
                code = "FR"
            else:
                continue
            for sex, start in BLOCKS.items():
                for k, band in enumerate(AGE_BANDS):
                    value = row[start + k]
                    if value == "" or value is None:
                        continue
                    records.append((code, year, sex, band, float(value)))
        if found < 96:
            raise RawFileError(path, f"expected at least the 96 metropolitan départements, found {found}", sheet)
    return pd.DataFrame(records, columns=["territory_code", "year", "sex", "age_band", "population"])


def read(raw_dir: Path, age_sex: pd.DataFrame | None = None) -> pd.DataFrame:
    """Total population at 1 January, by département and for France (published total)."""
    table = read_age_sex(raw_dir) if age_sex is None else age_sex
    totals = table.groupby(["territory_code", "year"], as_index=False)["population"].sum()
    totals["territory_level"] = totals["territory_code"].map(lambda c: "france" if c == "FR" else "departement")
    totals["indicator_id"] = "population"
    return totals.rename(columns={"population": "value"})[
        ["territory_level", "territory_code", "indicator_id", "year", "value"]
    ]
