"""INSEE, Taux de chômage localisés (CVS, quarterly mean, %), département sheet.

The annual rate is the mean of the four quarterly rates, only for years with all four
quarters (2025 has three: no annual value). The file publishes no national rate, and a rate
cannot be averaged honestly without the labour force, so there is no France row.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code
from indicators.sources.excel import find_header_row, open_workbook, sheet_rows

SOURCE_ID = "insee_chomage_localise"
FILES = ["insee-chomage-localise/sl_etc_2025T3.xls"]
SHEET = "Département"
QUARTER = re.compile(r"^T([1-4])_(\d{4})$")


def read_quarterly(raw_dir: Path) -> pd.DataFrame:
    """territory_code, year, quarter, rate."""
    path = raw_dir / FILES[0]
    rows = sheet_rows(open_workbook(path), path, SHEET)
    h = find_header_row(rows, path, SHEET, "Code")
    header = [str(c).strip() for c in rows[h]]
    if header[1] != "Libellé" or not QUARTER.match(header[2]):
        raise RawFileError(path, "header 'Code', 'Libellé', then quarters 'T1_1982' …", SHEET)
    quarters = [(int(m[2]), int(m[1])) for m in map(QUARTER.match, header[2:]) if m]
    for (year, quarter), (next_year, next_quarter) in itertools.pairwise(quarters):
        if (next_year, next_quarter) != ((year, quarter + 1) if quarter < 4 else (year + 1, 1)):
            expected = f"quarters in order without a gap: T{next_quarter}_{next_year} after T{quarter}_{year}"
            raise RawFileError(path, expected, SHEET)
    records = []
    for row in rows[h + 1 :]:
        code = normalise_departement_code(row[0])
        if code is None:
            continue
        for name, value in zip(header[2:], row[2:], strict=False):
            match = QUARTER.match(name)
            if match and isinstance(value, int | float):
                records.append((code, int(match[2]), int(match[1]), float(value)))
    table = pd.DataFrame(records, columns=["territory_code", "year", "quarter", "rate"])
    if table["territory_code"].nunique() < 96:
        raise RawFileError(path, "expected rows for at least the 96 metropolitan départements", SHEET)
    return table


def read(raw_dir: Path) -> pd.DataFrame:
    quarterly = read_quarterly(raw_dir)
    annual = quarterly.groupby(["territory_code", "year"]).agg(value=("rate", "mean"), n=("quarter", "count"))
    annual = annual[annual["n"] == 4].reset_index()
    annual["territory_level"] = "departement"
    annual["indicator_id"] = "unemployment_rate"
    return annual[["territory_level", "territory_code", "indicator_id", "year", "value"]]
