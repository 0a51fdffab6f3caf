"""DREES, enquête Aide sociale: the départements' social and medico-social staff by category, 2014-2020.

One sheet per category and measure in the staff workbook (``etp - <category>``: full-time equivalents at
31 December; ``eff - pers ass fam``: headcount, the only measure published for assistants familiaux).
Each sheet has the layout of the ``etp - total general hors AF`` sheet the pipeline already reads, so the
parsing rules of ``drees_aide_sociale`` apply unchanged: ``ND`` and published zeros give no row (missing,
never zero), Rhône is one ``69`` series, Corse has no 2A/2B rows from 2018, Mayotte is dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.paths import RAW_DIR
from indicators.sources import drees_aide_sociale as das
from indicators.sources.excel import open_workbook, sheet_rows

COLUMNS = ["territory_code", "year", "category", "value"]

# category id -> (sheet, title fragment of A1, unit)
SHEETS = {
    "medical": ("etp - pers medical", "exprimés en etp - personnel médical", "ETP"),
    "psychologists": ("etp - psychologues", "exprimés en etp - psychologues", "ETP"),
    "paramedical": ("etp - pers paramed", "exprimés en etp - personnel paramédical", "ETP"),
    "social_educational": ("etp - pers social et educatif", "exprimés en etp - personnel social et éducatif", "ETP"),
    "medico_technical": ("etp - pers medico-tech", "exprimés en etp - personnel médico-technique", "ETP"),
    "admin_technical": ("etp - pers admin et tech", "exprimés en etp - personnel administratif et technique", "ETP"),
    "foster_carers": ("eff - pers ass fam", "effectifs au 31/12 - assistants familiaux", "agents"),
    "total_excluding_foster_carers": ("etp - total general hors AF", "exprimés en etp - total général", "ETP"),
}
YEARS = (2014, 2020)  # the 2020 edition's; the sheets are read to their last year column


def read(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """territory_code, year, category, value: the départements (and France, code of FRANCE_CODE) by category."""
    path = raw_dir / das.STAFF_FILE
    workbook = open_workbook(path)
    records = []
    for category, (sheet, title, _) in SHEETS.items():
        table = das.Table(das.STAFF_FILE, sheet, category, title, YEARS[0], header="Numéro de département", code_col=0)
        name = das._resolve_sheet(workbook.sheet_names, sheet)
        for _, code, cat, year, value in das._read_table(sheet_rows(workbook, path, name), path, table, name):
            records.append((code, year, cat, value))
    return pd.DataFrame(records, columns=COLUMNS)
