"""DREES, Minima sociaux: données départementales par dispositif (sources CNAF, MSA, Pôle emploi, FSV).

Recipients counted at 31 December of year N, stored with ``year`` N. Sheets read (years of the 2021 edition;
a newer edition's extra years are read too: each sheet's year columns must run from its first year, in order,
without a gap, and the published rate must be of the last one):

- ``Tableau 1``  AAH allocataires, 1995-2019                        -> ``aah_recipients``
- ``Tableau 6``  ASS allocataires (Pôle emploi), 1995-2019          -> ``ass_recipients``
- ``Tableau 7``  ASV/ASPA (minimum vieillesse), 1996-2019           -> ``aspa_recipients``
- ``Tableau 11`` RSA allocataires (= foyers), 2009-2019             -> ``rsa_households``
- ``Tableau 14`` population covered by the RSA (allocataire + conjoint + personnes à charge),
  2009-2019 -> ``rsa_covered_people``; its last column, "Proportion de personnes couvertes par le
  RSA pour 100 habitants (3)", is the 2019 count over the INSEE population at 01/01/2020 (footnote 3)
  -> ``rsa_coverage_rate_published`` (year 2019, percent).

Tableaux 11 and 14 label 2009-2015 "RSA socle" and 2016+ "RSA": before the prime d'activité
(1 January 2016) the RSA also had an in-work top-up (RSA activité), which is excluded here, so
the series is the minimum-income part throughout. "2010 (1)" is a 2010 column whose footnote only
says that the RSA was opened to under-25s in September 2010 (under 1 % of recipients).

2016 series break (CNAF data: Tableaux 1, 11, 14). Footnote, e.g. Tableau 11 "(2)":
    "Attention rupture de série. En 2016, la CNAF a amélioré son système de production statistique
    sur les bénéficiaires de prestations légales. Les données à partir de 2016 ne sont pas
    comparables avec les données des années précédentes. Toutefois, pour assurer la comparabilité
    dans le temps, nous présentons également des données 2016 comparables à l'ancien système de
    production statistique. Il y a donc deux séries pour l'année 2016."
The column carrying that footnote number ("2016 (1)" in Tableau 1, "2016 (2)" in 11 and 14) is the
new method; the plain "2016" column is the old method. Rule: the new-method value is year 2016 of
the main indicator (consistent with 2017+); the old-method value is emitted once, year 2016, under
``<indicator>_old_method`` so that the break can be measured against 2016 of the main indicator.

Territories: rows keyed by a département code (Corsica written "20A"/"20B", DOM as numbers) ->
"departement"; CNAF counts are located by the département of the managing CAF (ASPA: by residence;
Corsica ASPA is the regional count divided by 2). Guadeloupe includes Saint-Barthélemy and
Saint-Martin. Mayotte is published only for some years (none in Tableau 7). The row labelled
"France" (metropolitan France + DOM, including Mayotte where published, rounded to hundreds, and
published only for the years when every DOM is covered) -> "france"/"FR". "France métropolitaine",
"DOM", Saint-Pierre-et-Miquelon, "Autres COM", "Résident à l'étranger", "Non ventilés" and the
"lieu de gestion" block of Tableau 7 are skipped. Markers ("-", empty...) give no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.core.codes import FRANCE_CODE
from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code
from indicators.sources.excel import find_header_row, open_workbook, sheet_rows

SOURCE_ID = "drees_minima_sociaux"
FILES = ["drees-minima-sociaux/Minima sociaux - donnees departementales par dispositif.xlsx"]
COLUMNS = ["territory_level", "territory_code", "indicator_id", "year", "value"]

BREAK_YEAR = 2016
OLD_METHOD_SUFFIX = "_old_method"
CORSICA = {"20A": "2A", "20B": "2B"}
FRANCE_LABEL = "france"
RATE_ID = "rsa_coverage_rate_published"
RATE_HEADER = "proportion de personnes couvertes"
# Tableau 11's last column (allocataires per 100 people aged 15-69 at 01/01/2020) is not read.
IGNORED_HEADER = "proportion d'allocataires du rsa parmi la population âgée de 15 à 69 ans"
YEAR_LABEL = re.compile(r"^(\d{4})\**\s*(?:\((\d+)\))?$")  # 2014, "2009**", "2016 (2)"
FOOTNOTE = re.compile(r"^\s*\((\d+)\)")


@dataclass(frozen=True)
class Table:
    sheet: str
    indicator_id: str
    title: str  # expected in the sheet title (guards against renumbered sheets)
    first_year: int  # the series' first year; the last is the file's (a newer edition has one more year)


TABLES = [
    Table("Tableau 1", "aah_recipients", "allocataires de l'aah", 1995),
    Table("Tableau 6", "ass_recipients", "allocataires de l'ass", 1995),
    Table("Tableau 7", "aspa_recipients", "allocation de solidarité aux personnes âgées", 1996),
    Table("Tableau 11", "rsa_households", "allocataires du rsa", 2009),
    Table("Tableau 14", "rsa_covered_people", "population couverte", 2009),
]


def _year_label(cell: object) -> tuple[int, int | None] | None:
    """(year, footnote number) for a year header cell, None for anything else."""
    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell).strip()
    match = YEAR_LABEL.match(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def _break_footnote(rows: list[list]) -> int | None:
    """Number of the footnote announcing the CNAF 2016 series break, if the sheet has one."""
    for row in rows:
        text = str(row[1]).strip() if len(row) > 1 else ""
        match = FOOTNOTE.match(text)
        if match and "rupture de série" in text.lower() and str(BREAK_YEAR) in text:
            return int(match.group(1))
    return None


def _rate_year(rows: list[list], footnote: int, path: Path, sheet: str) -> int:
    """Year of the counts behind the published rate: the footnote names the population date."""
    for row in rows:
        text = str(row[1]).strip() if len(row) > 1 else ""
        match = FOOTNOTE.match(text)
        if match and int(match.group(1)) == footnote:
            date = re.search(r"01/01/(\d{4})", text)
            if date:
                return int(date.group(1)) - 1
    expected = f"footnote ({footnote}) giving the population date 01/01/YYYY of the rate"
    raise RawFileError(path, expected, sheet)


def _columns(rows: list[list], table: Table, path: Path) -> tuple[int, dict[int, tuple[str, int]]]:
    """First data row and {column index: (indicator id, year)} for one sheet, layout checked."""
    sheet = table.sheet
    title = " ".join(str(c) for c in rows[0]).lower() if rows else ""
    if table.title not in title:
        raise RawFileError(path, f"sheet title mentioning '{table.title}'", sheet)
    head = find_header_row(rows, path, sheet, "N° Dep")
    if [str(c).strip() for c in rows[head][1:3]] != ["N° Dep", "Libelle Dep"]:
        raise RawFileError(path, "header 'N° Dep', 'Libelle Dep' in columns B-C", sheet)
    # Years sit on the header row (Tableaux 1, 6, 7) or on the row below it (11, 14).
    year_row = head if _year_label(rows[head][3]) else head + 1
    labels = rows[year_row]
    break_note = _break_footnote(rows)
    columns: dict[int, tuple[str, int]] = {}
    plain_break: list[int] = []
    new_break: list[int] = []
    for j, cell in enumerate(labels[3:], start=3):
        parsed = _year_label(cell)
        if parsed is None:
            if str(cell).strip().lower().startswith(RATE_HEADER):
                note = re.search(r"\((\d+)\)\s*$", str(cell))
                if note is None:
                    raise RawFileError(path, "rate header ending with its footnote number '(n)'", sheet)
                columns[j] = (RATE_ID, _rate_year(rows, int(note.group(1)), path, sheet))
            elif str(cell).strip() and not str(cell).strip().lower().startswith(IGNORED_HEADER):
                raise RawFileError(path, f"year labels after 'Libelle Dep', found {cell!r}", sheet)
            continue
        year, note = parsed
        if year == BREAK_YEAR and break_note is not None:
            (new_break if note == break_note else plain_break).append(j)
        columns[j] = (table.indicator_id, year)
    if break_note is not None:
        if len(plain_break) != 1 or len(new_break) != 1:
            expected = f"two 2016 columns: '2016' (old method) and '2016 ({break_note})' (new method)"
            raise RawFileError(path, expected, sheet)
        columns[plain_break[0]] = (table.indicator_id + OLD_METHOD_SUFFIX, BREAK_YEAR)
    years = [columns[j][1] for j in sorted(columns) if columns[j][0] == table.indicator_id]  # in column order
    if not years or years != list(range(table.first_year, years[-1] + 1)):
        expected = f"one column per year from {table.first_year}, in order and without a gap, found {years}"
        raise RawFileError(path, expected, sheet)
    rate_years = {y for ind, y in columns.values() if ind == RATE_ID}
    if rate_years - {years[-1]}:
        expected = f"a rate for the last year {years[-1]}, found {sorted(rate_years)}"
        raise RawFileError(path, expected, sheet)
    return year_row + 1, columns


def _read_table(rows: list[list], table: Table, path: Path) -> list[tuple]:
    start, columns = _columns(rows, table, path)
    records: list[tuple] = []
    departements: set[str] = set()
    for row in rows[start:]:
        raw_code = str(row[1]).strip()
        code = normalise_departement_code(CORSICA.get(raw_code, raw_code)) if raw_code else None
        is_france = not raw_code and str(row[2]).strip().lower() == FRANCE_LABEL
        if code is None and not is_france:
            continue
        level, code = ("france", FRANCE_CODE) if is_france else ("departement", code)
        if level == "departement":
            if code in departements:
                raise RawFileError(path, f"one row per département, '{code}' repeated", table.sheet)
            departements.add(code)
        for j, (indicator_id, year) in columns.items():
            value = row[j] if j < len(row) else None
            if isinstance(value, bool) or not isinstance(value, int | float) or pd.isna(value):
                continue  # "-", "nd", "s", empty: not published
            records.append((level, code, indicator_id, year, float(value)))
        if is_france:
            break  # the national total closes the block (Tableau 7 has a second block below)
    metro = {c for c in departements if len(c) == 2}
    if len(metro) != 96:
        raise RawFileError(path, f"the 96 metropolitan départements, found {len(metro)}", table.sheet)
    if not any(r[0] == "france" for r in records):
        raise RawFileError(path, "a 'France' total row after the départements", table.sheet)
    return records


def read(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / FILES[0]
    workbook = open_workbook(path)
    records: list[tuple] = []
    for table in TABLES:
        records += _read_table(sheet_rows(workbook, path, table.sheet), table, path)
    df = pd.DataFrame(records, columns=COLUMNS)
    df["year"] = df["year"].astype(int)
    return df
