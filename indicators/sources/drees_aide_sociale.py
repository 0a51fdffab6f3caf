"""DREES, enquête Aide sociale: départemental social-aid beneficiaries, spending and staff.

Three original DREES workbooks, each holding one wide table per sheet: a header row
(``Code région``, ``Code département``, ``Département``, one column per year; the staff file has
``Numéro de département``, ``Département``, years), one row per département, then the published
national totals, a blank row, and region tables that we ignore.

Conventions applied to every table:
- counts at 31 December (or paid for December) of year N and spending of year N are stored with year N;
- secrecy / missing markers ("ND", "-", empty, any text) yield no row; so does a published 0:
  the spending file uses 0 as a placeholder (2A/2B after 2017, 69D/69M before 2015), and the few
  zero counts elsewhere are first-year artefacts (PCH at end 2006, APA in establishment not yet
  counted in 2B/43 in 2002-2003) that would read as a real "no beneficiary" on a map;
- Rhône: the files give ``69`` (whole département, Métropole de Lyon included) and, from 2015,
  ``69D`` (Rhône hors Métropole) and ``69M`` (Métropole de Lyon). We emit ``69`` only; when ``69``
  is missing for a year we use 69D + 69M if both are published, otherwise nothing;
- Corse: from 2018 only the ``20`` (Collectivité de Corse) row is filled; it is not an INSEE
  département code, so it is skipped and 2A/2B have no rows from 2018;
- Mayotte (976) is outside the field of the beneficiaries and spending files; the staff file
  publishes it for 2019-2020 but we drop it too, so every indicator has the same field;
- the France row is the published national total named in ``NATIONAL_LABELS`` (France
  métropolitaine + DROM hors Mayotte), never a sum of départements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.core.codes import FRANCE_CODE
from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code
from indicators.sources.excel import find_header_row, open_workbook, sheet_rows

SOURCE_ID = "drees_aide_sociale"
FOLDER = "drees-aide-sociale"
BENEFICIARIES_FILE = f"{FOLDER}/Les bénéficiaires de l'aide sociale départementale - séries longues (1996-2020).xlsx"
SPENDING_FILE = f"{FOLDER}/Les dépenses d'aide sociale départementale - séries longues (1999 - 2020).xlsx"
STAFF_FILE = f"{FOLDER}/Le personnel départemental de l'action sociale et médico-sociale de 2014 à 2020.xlsx"
FILES = [BENEFICIARIES_FILE, SPENDING_FILE, STAFF_FILE]
COLUMNS = ["territory_level", "territory_code", "indicator_id", "year", "value"]

# Published national totals (first cell of the row, lower-cased): France métropolitaine + DROM
# hors Mayotte. Some ASE sheets drop the "(hors Mayotte)" suffix, their field note says the same.
NATIONAL_LABELS = (
    "total estimé france entière (hors mayotte)",
    "total estimé france entière",
    "total estimé france métropolitaine et drom (hors mayotte)",
)
RHONE, RHONE_PARTS = "69", ("69D", "69M")
MIN_METRO_DEPARTEMENTS = 94  # 96 minus 2A/2B, which are absent from 2018


@dataclass(frozen=True)
class Table:
    """One sheet: which indicator it feeds and what its layout must look like."""

    file: str
    sheet: str
    indicator_id: str
    title: str  # lower-case fragment expected in the sheet title (cell A1, spaces collapsed)
    first_year: int  # the first year column; the last is the file's (a newer edition has more years)
    header: str = "Code"  # first header cell
    code_col: int = 1  # column of the département code; the name follows, then the years


TABLES = (
    # Beneficiaries (counts at 31 December / paid for December).
    Table(
        BENEFICIARIES_FILE,
        "Tab4-pa",
        "apa_recipients",
        "bénéficiaires de l'apa (à domicile et en établissement)",
        2002,
    ),
    Table(
        BENEFICIARIES_FILE,
        "Tab5-pa",
        "apa_home_recipients",
        "bénéficiaires de l'apa à domicile",
        2002,
    ),
    Table(
        BENEFICIARIES_FILE,
        "Tab6-pa",
        "apa_establishment_recipients",
        "bénéficiaires de l'apa en établissement",
        2002,
    ),
    Table(
        BENEFICIARIES_FILE,
        "Tab7-ph",
        "pch_recipients",
        "bénéficiaires de la pch, depuis 2006",
        2006,
    ),
    Table(
        BENEFICIARIES_FILE,
        "Tab1-ase",
        "ase_children_placed",
        "total des enfants accueillis à l'ase",
        2002,
    ),
    Table(
        BENEFICIARIES_FILE,
        "Tab6-ase",
        "ase_educational_actions",
        "total des actions éducatives (aed et aemo)",
        2002,
    ),
    # Spending, k€ (the file name says 2020 but the year columns stop at 2019).
    Table(
        SPENDING_FILE,
        "Tot-tab1",
        "social_spending_net",
        "dépenses totales nettes d'aide sociale",
        1999,
    ),
    Table(
        SPENDING_FILE,
        "PA-tab1",
        "social_spending_net_elderly",
        "dépenses nettes totales d’aide aux personnes âgées",
        1999,
    ),
    Table(
        SPENDING_FILE,
        "PH-tab1",
        "social_spending_net_disability",
        "dépenses nettes totales d’aide aux personnes handicapées",
        2001,
    ),
    # Excludes staff costs other than assistants familiaux (sheet title).
    Table(
        SPENDING_FILE,
        "ASE-tab1",
        "social_spending_net_child_welfare",
        "dépenses nettes totales d’aide sociale à l’enfance",
        1999,
    ),
    # RSA, RSO, RMI, CUI, CI-RMA, contrats d'avenir, RSA expérimental (the sheet name has a leading space).
    Table(
        SPENDING_FILE,
        "RSA-RMI tab1",
        "social_spending_net_rsa_insertion",
        "dépenses totales nettes liées au rsa",
        2009,
    ),
    # Only GROSS spending is published for APA and PCH.
    Table(SPENDING_FILE, "PA-tab3", "spending_gross_apa", "dépenses totales brutes d’apa", 2002),
    Table(SPENDING_FILE, "PH-tab5", "spending_gross_pch", "dépenses brutes de pch", 2006),
    # Staff, full-time equivalents at 31 December, excluding assistants familiaux (no FTE published for them).
    Table(
        STAFF_FILE,
        "etp - total general hors AF",
        "social_staff_fte",
        "effectifs au 31/12 exprimés en etp - total général (hors assistants familiaux)",
        2014,
        header="Numéro de département",
        code_col=0,
    ),
)
# Derived here because both parts come from the same file and field: children accueillis + AED/AEMO.
ASE_CHILDREN = ("ase_children", ("ase_children_placed", "ase_educational_actions"))


def _value(cell: object) -> float | None:
    """A published number, or None for markers ('ND', '-', '', 's' ...) and placeholder zeros."""
    if isinstance(cell, bool) or not isinstance(cell, int | float) or pd.isna(cell) or cell == 0:
        return None
    return float(cell)


def _year(cell: object) -> int | None:
    text = str(cell).strip()
    text = text[:-2] if text.endswith(".0") else text
    return int(text) if text.isdigit() and len(text) == 4 else None


def _resolve_sheet(workbook_sheets: list[str], wanted: str) -> str:
    """Sheet names sometimes carry stray spaces (' RSA-RMI tab1')."""
    return next((name for name in workbook_sheets if name.strip() == wanted), wanted)


def _year_columns(rows: list[list], path: Path, table: Table, sheet: str) -> tuple[int, int, int]:
    """(header row, first year column, number of years): the header holds one column per year from the table's
    first year, in order and without a gap, up to the file's last year (nothing but blanks after it)."""
    h = find_header_row(rows, path, sheet, table.header)
    first_col = table.code_col + 2
    labels = rows[h][first_col:]
    years = [_year(c) for c in labels]
    n_years = next((k for k, year in enumerate(years) if year is None), len(years))
    if not n_years or years[:n_years] != list(range(table.first_year, years[n_years - 1] + 1)) or any(years[n_years:]):
        raise RawFileError(
            path,
            f"header row {h + 1} should hold one column per year from {table.first_year}, in order, "
            f"from column {first_col + 1}, found {labels}",
            sheet,
        )
    return h, first_col, n_years


def last_years(raw_dir: Path, file: str = BENEFICIARIES_FILE) -> dict[str, int]:
    """{indicator: its last year column} for the sheets of ``file`` (header rows only)."""
    path = raw_dir / file
    workbook = open_workbook(path)
    last = {}
    for table in (t for t in TABLES if t.file == file):
        sheet = _resolve_sheet(workbook.sheet_names, table.sheet)
        _, _, n_years = _year_columns(sheet_rows(workbook, path, sheet), path, table, sheet)
        last[table.indicator_id] = table.first_year + n_years - 1
    return last


def _read_table(rows: list[list], path: Path, table: Table, sheet: str) -> list[tuple]:
    title = " ".join(str(rows[0][0]).lower().split()) if rows and rows[0] else ""
    if table.title not in title:
        raise RawFileError(path, f"title (A1) should contain '{table.title}', found '{title[:120]}'", sheet)
    h, first_col, n_years = _year_columns(rows, path, table, sheet)
    header = rows[h]
    dept_label = str(header[table.code_col + 1]).strip().lower()
    if not dept_label.startswith("département"):
        raise RawFileError(path, f"header row {h + 1}: column {table.code_col + 2} should be 'Département'", sheet)

    by_code: dict[str, list[float | None]] = {}
    national: list[float | None] | None = None
    for row in rows[h + 1 :]:
        if not any(str(c).strip() for c in row):
            break  # end of the département block; region tables follow
        values = [_value(c) for c in row[first_col : first_col + n_years]]
        label = str(row[0]).strip().lower()
        if label in NATIONAL_LABELS:
            national = values
            continue
        raw_code = str(row[table.code_col]).strip().upper().removesuffix(".0")
        code = raw_code if raw_code in RHONE_PARTS else normalise_departement_code(raw_code)
        if code is None or code == "976":
            continue  # totals of other scopes, 20 (Collectivité de Corse), Mayotte
        if code in by_code:
            raise RawFileError(path, f"département {code} appears twice in the first table", sheet)
        by_code[code] = values

    metro = [c for c in by_code if c not in RHONE_PARTS and len(c) == 2]
    if len(metro) < MIN_METRO_DEPARTEMENTS or national is None:
        raise RawFileError(
            path,
            f"expected ≥{MIN_METRO_DEPARTEMENTS} metropolitan départements and a national total row "
            f"({' | '.join(NATIONAL_LABELS)}), found {len(metro)} départements, "
            f"national row {'present' if national else 'missing'}",
            sheet,
        )
    _merge_rhone(by_code, n_years)

    records = [
        ("departement", code, table.indicator_id, table.first_year + k, v)
        for code, values in by_code.items()
        for k, v in enumerate(values)
        if v is not None
    ]
    records += [
        ("france", FRANCE_CODE, table.indicator_id, table.first_year + k, v)
        for k, v in enumerate(national)
        if v is not None
    ]
    return records


def _merge_rhone(by_code: dict[str, list[float | None]], n_years: int) -> None:
    """Keep one '69' series: the published whole Rhône, else 69D + 69M when both are published."""
    whole = by_code.get(RHONE) or [None] * n_years
    d, m = (by_code.pop(p, None) or [None] * n_years for p in RHONE_PARTS)
    merged = [
        w if w is not None else (a + b if a is not None and b is not None else None)
        for w, a, b in zip(whole, d, m, strict=True)
    ]
    if any(v is not None for v in merged):
        by_code[RHONE] = merged
    else:
        by_code.pop(RHONE, None)


def read(raw_dir: Path) -> pd.DataFrame:
    records: list[tuple] = []
    workbooks = {}
    for table in TABLES:
        path = raw_dir / table.file
        if table.file not in workbooks:
            workbooks[table.file] = open_workbook(path)
        workbook = workbooks[table.file]
        sheet = _resolve_sheet(workbook.sheet_names, table.sheet)
        records += _read_table(sheet_rows(workbook, path, sheet), path, table, sheet)
    df = pd.DataFrame(records, columns=COLUMNS)
    return with_ase_children(df)


def with_ase_children(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds children accueillis + educational actions, only where both are published (as the workbook)."""
    target, (placed, actions) = ASE_CHILDREN
    keys = ["territory_level", "territory_code", "year"]
    both = frame[frame["indicator_id"] == placed].merge(
        frame[frame["indicator_id"] == actions], on=keys, suffixes=("_placed", "_actions")
    )
    both["value"] = both["value_placed"] + both["value_actions"]
    both["indicator_id"] = target
    return pd.concat([frame, both[COLUMNS]], ignore_index=True)
