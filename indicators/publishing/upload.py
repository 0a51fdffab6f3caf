"""Analyst uploads: a CSV/XLSX file as published -> tidy store rows, or an UploadError listing every problem.

``parse_upload(data, filename, indicator=..., column=..., year=...)`` accepts
- CSV (separator ``;`` ``,`` or tab, decimal comma or point, UTF-8 with or without BOM, cp1252/Latin-1,
  all detected) and XLSX (first sheet, header row found among the first rows);
- the tidy long layout (``territory_code, indicator_id, year, value`` + optional ``territory_level``,
  ``variant``; ``indicator_id``/``year`` may come from the arguments instead) and the INSEE wide layout
  (a ``CODGEO`` column and indicator columns whose names end with the year, e.g. ``TP6020``).
Secrecy/missing markers (``s``, ``nd``, ``n.d.``, empty...) are missing values: counted, not imported.
Numbers are read as their column writes them (read_numbers): « 76.954 » is 76 954 only where the column
shows the point grouping thousands, else a decimal where it shows one, else asked (refused as ambiguous).

Bounded: the size is checked before anything is read (MAX_BYTES), a header over MAX_COLUMNS fields is
refused before pandas builds it, every step is linear in the size (tests/test_upload_scaling.py), and a
file's table is read once per content (read_table keeps the last ones by sha256).
Département codes written as numbers (``1``) are repaired with a warning.

Levels: a ``territory_level`` column, else the ``level`` argument (``--level``), else the level the codes
show: 5-character commune codes (``95585``, ``2A004``; ``1001`` repaired to ``01001``) -> commune,
9-digit SIREN -> epci, otherwise département. Commune codes are checked against the current communes
(Etalab package, see indicators/storage/reference_codes.py): an old code names the commune it merged into
(« 93059 a fusionné dans 93066 Saint-Denis »), an arrondissement of Paris, Lyon or Marseille names its
commune (the store has them as one commune each).

Problems and warnings are DataFrames with columns row, column, value, message (row = line number in
the file, header = line 1). The last guard is the shared pandera schema (lazy validation).

Command line: ``python -m indicators.upload FILE --indicator ID [--column COL] [--year YEAR] [--store DIR]
[--level LEVEL] [--dry-run] [--rollback VERSION] [--versions]``.
"""

from __future__ import annotations

import collections
import csv
import datetime
import hashlib
import io
import re
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from indicators.core import catalogue
from indicators.core.schema import COLUMNS, KEY, validate_indicators
from indicators.publishing import workbook
from indicators.storage import territories

MAX_BYTES = 48 * 1024 * 1024
MISSING_MARKERS = {"", "s", "nd", "n.d.", "n.d", "nd.", "ns", "n.s.", "nc", "n.c.", "na", "n/a", "secret", "-"}
CODE_COLUMNS = (
    "territory_code",
    "codgeo",
    "code",
    "code_dep",
    "code_departement",
    "dep",
    "departement",
    "code_commune",
    "code_insee",
    "insee_com",
    "siren",
    "code_epci",
)
PROBLEM_COLUMNS = ["row", "column", "value", "message"]
LEVEL_ALIASES = {
    "departement": "departement",
    "département": "departement",
    "dep": "departement",
    "region": "region",
    "région": "region",
    "reg": "region",
    "france": "france",
    "fr": "france",
    "commune": "commune",
    "com": "commune",
    "epci": "epci",
    "intercommunalite": "epci",
    "intercommunalité": "epci",
}
LEVELS_TEXT = "departement, region, france, commune, epci"
XLSX_MAGIC = b"PK\x03\x04"
UNKNOWN_CODE = "code de territoire inconnu (attendu : un département 01 à 95, 2A, 2B, 971 à 976, une région ou FR)"
CORSICA = "code de territoire inconnu : 20 est l'ancien code de la Corse (attendu : 2A ou 2B)"
NOT_A_NUMBER = "valeur non numérique (attendu : un nombre, ex. 12,5 ; s ou nd pour une valeur secrète)"
WHOLE_LINE = "(toute la ligne)"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
UNKNOWN_COMMUNE = (
    "code commune inconnu (attendu : le code Insee à 5 caractères d'une commune actuelle, ex. 95585, 2A004)"
)
UNKNOWN_EPCI = "SIREN d'EPCI inconnu (attendu : les 9 chiffres d'un EPCI à fiscalité propre, ex. 200055655)"
COMMUNE_SHAPE = re.compile(r"^(\d{4,5}|2[AB]\d{3})$")
EPCI_SHAPE = re.compile(r"^\d{9}$")


class UploadError(Exception):
    """Every problem of a file at once: ``problems`` has columns row, column, value, message."""

    def __init__(self, problems: pd.DataFrame, warnings: pd.DataFrame | None = None) -> None:
        self.problems = problems.reset_index(drop=True)
        self.warnings = warnings if warnings is not None else _problems([])
        super().__init__(f"{len(self.problems)} problème(s) dans le fichier")


@dataclass
class ParsedUpload:
    rows: pd.DataFrame  # store columns, validated by the shared schema
    warnings: pd.DataFrame
    filename: str
    sha256: str
    layout: str  # "long" | "wide"
    missing: int = 0  # cells marked secret / not available, not imported
    columns_used: list[str] = field(default_factory=list)
    missing_markers: dict[str, int] = field(default_factory=dict)  # how many of each marker ("s", "nd", "vide")
    risks: list[str] = field(default_factory=list)  # a workbook's macros, external links, web formulas: to confirm

    @property
    def levels(self) -> dict[str, int]:
        """Rows to import by territory level."""
        return self.rows["territory_level"].value_counts().to_dict()

    def missing_text(self) -> str:
        """'42 valeur(s) manquante(s) ou secrètes non importées (s : 30, nd : 2, vide : 10)'."""
        detail = ", ".join(f"{marker} : {count}" for marker, count in self.missing_markers.items())
        return f"{self.missing} valeur(s) manquante(s) ou secrètes non importées" + (f" ({detail})" if detail else "")


def _problems(items: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(items, columns=PROBLEM_COLUMNS).astype({"row": "Int64", "column": str, "value": str})


def _frame(rows: pd.Series, column: str, values: pd.Series, message: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"row": rows.astype("Int64"), "column": column, "value": values.astype(str), "message": message}
    ).reset_index(drop=True)


class _Stop(Exception):
    """A file-level problem (or several, e.g. every line with a wrong number of fields): nothing more is checked."""

    def __init__(self, message: str, column: str = "", value: str = "", row=pd.NA) -> None:
        super().__init__(message)
        self.problems = [(row, column, value, message)]

    def again(self) -> _Stop:
        """A fresh exception with the same problems (a kept refusal raised once more)."""
        stop = _Stop("")
        stop.problems = list(self.problems)
        return stop


# --- reading -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-16 (BOM, or NUL bytes every other byte), UTF-8 (with or without BOM), else cp1252, else Latin-1."""
    utf16 = _utf16(data)
    if utf16:
        try:
            return data.decode(utf16).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise _Stop("le fichier semble encodé en UTF-16 mais il est tronqué ou abîmé") from None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


def _utf16(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 8:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def sniff_separator(text: str) -> str:
    """The separator among ; , tab that splits the header line most (``;`` on a tie)."""
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*')
LEADING_SPACE = re.compile(r"\s*")  # a single repeated class: no per-repeat state, no copy of the text
MAX_COLUMNS = 2_000  # pandas builds each column apart (about 1 ms each): 2 000 columns stay within seconds


def _check_header_width(text: str, line: int) -> None:
    """Refuse a header of more than MAX_COLUMNS fields before any parser builds them (a 10 MB header line
    of 10⁶ names costs minutes in pandas). Counted on the first line, the most frequent separator."""
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)]
    fields = max(first.count(sep) for sep in (";", ",", "\t")) + 1
    if fields > MAX_COLUMNS:
        raise _Stop(
            f"l'en-tête a {_count(fields)} colonnes (limite {_count(MAX_COLUMNS)}) : "
            "ce n'est pas un tableau d'indicateurs, vérifiez le séparateur ou découpez le fichier",
            row=line,
        )


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _read_csv(data: bytes) -> pd.DataFrame:
    """A table of strings indexed by the physical line number of each record (header = its own line)."""
    text = decode(data)
    if "\x00" in text[:4096]:
        raise _Stop("le fichier n'est pas un tableau (contenu binaire) : déposez un CSV ou un XLSX")
    rest = LEADING_SPACE.match(text).end()  # blank lines before the header: one pass, not a split per line
    blank = text.rfind("\n", 0, rest) + 1  # the header line starts after the last line break in the blanks
    lines_before, text = text.count("\n", 0, blank), text[blank:]
    _check_header_width(text, lines_before + 1)
    first = text.split("\n", 1)[0].rstrip("\r")
    declared = SEP_LINE.fullmatch(first)
    if declared:  # Excel's "sep=;" first line
        sep = declared.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines_before += 1
    else:
        sep = sniff_separator(text)
    if not text.strip():
        raise _Stop("le fichier est vide")
    header_line = lines_before + 1
    return _read_quoted(text, sep, header_line) if '"' in text else _read_plain(text, sep, header_line)


MAX_LISTED_LINES = 10_000  # malformed lines listed one by one; the rest counted in one more problem


def _field_count_problems(lines, counts, expected: int) -> list[tuple]:
    """One problem per line whose number of fields differs from the header's (0 = a blank line), the first
    MAX_LISTED_LINES of them, then one that counts the others (a 48 MB file of bad lines is 1.6 M lines)."""
    lines, counts = np.asarray(lines, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    bad = np.flatnonzero((counts != 0) & (counts != expected))
    message = f"nombre de colonnes différent de l'en-tête ({expected} attendues)"
    listed = [(int(lines[i]), WHOLE_LINE, f"{int(counts[i])} colonne(s)", message) for i in bad[:MAX_LISTED_LINES]]
    if len(bad) > MAX_LISTED_LINES:
        others = len(bad) - MAX_LISTED_LINES
        listed.append(
            (
                int(lines[bad[MAX_LISTED_LINES]]),
                WHOLE_LINE,
                f"{_count(others)} autre(s) ligne(s)",
                f"{message} : {_count(others)} autre(s) ligne(s) non listée(s)",
            )
        )
    return listed


def _field_counts(lines: list[str], sep: str) -> np.ndarray:
    """Fields per line; 0 for a blank line, or a line of separators only with the header's count (an empty
    spreadsheet row). ``;;;`` under a two-column header is a malformed line, not a blank one."""
    if not lines:
        return np.zeros(0, dtype=np.int64)
    array = pa.array(lines, type=pa.large_string())  # Arrow's kernels: one C pass per rule, not a Python loop
    count = pc.add(pc.count_substring(array, sep), 1).to_numpy(zero_copy_only=False).astype(np.int64)
    # A line with an ASCII letter or digit (not the separator) is neither blank nor separators only: the
    # trimming rules below, which copy every line, run on the others only (usually none).
    maybe = np.ones(len(lines), dtype=bool) if sep.isalnum() else ~_has_alnum(array)
    if not maybe.any():
        return count
    rest = array.filter(pa.array(maybe))
    blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(rest)), 0)
    empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(pc.replace_substring(rest, sep, ""))), 0)
    zero = pc.or_(blank, pc.and_(empty, pc.equal(pa.array(count[maybe]), count[0]))).to_numpy(zero_copy_only=False)
    count[np.flatnonzero(maybe)[zero]] = 0
    return count


def _has_alnum(array: pa.Array) -> np.ndarray:
    return pc.match_substring_regex(array, "[0-9A-Za-z]").to_numpy(zero_copy_only=False)


def _read_plain(text: str, sep: str, header_line: int) -> pd.DataFrame:
    """No quotes: one record per physical line, field counts checked line by line (a malformed line is
    a problem listed with the others and left out), then pandas' fast reader."""
    lines = text.split("\n")
    if lines and lines[-1].strip() == "":
        lines = lines[:-1]
    counts = np.asarray(_field_counts(lines, sep), dtype=np.int64)
    numbers = np.arange(header_line, header_line + len(lines))
    malformed = _field_count_problems(numbers[1:], counts[1:], int(counts[0])) if len(lines) else []
    if malformed:
        keep = np.flatnonzero((counts == 0) | (counts == counts[0]))  # the header always
        lines, counts, numbers = [lines[i] for i in keep], counts[keep], numbers[keep]
        text = "\n".join(lines) + "\n"
    try:
        table = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),  # pandas' reader encodes a text stream chunk by chunk: a third slower
            encoding="utf-8",
            sep=sep,
            dtype=str,
            keep_default_na=False,
            index_col=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
            engine="c" if len(sep) == 1 else "python",
        )
    except pd.errors.EmptyDataError as exc:
        raise _Stop("le fichier est vide") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise _Stop(f"le fichier n'est pas un tableau régulier : {str(exc)[:200]}") from exc
    if len(table) != len(lines) - 1:  # e.g. a lone carriage return as line end: fall back to the csv module
        return _read_quoted(text, sep, header_line)
    table.index = numbers[1:]
    blank = counts[1:] == 0
    table = table[~blank] if blank.any() else table
    table.attrs["problems"] = malformed
    return table


def _read_quoted(text: str, sep: str, header_line: int) -> pd.DataFrame:
    """Quotes present (a cell may span lines): the csv module, keeping the first physical line of each record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True, strict=False)
    records, starts, previous = [], [], 0
    try:
        for record in reader:
            if any(field.strip() for field in record) or (record and records and len(record) != len(records[0])):
                records.append(record)  # a row of empty fields only is blank if it has the header's width
                starts.append(header_line + previous)
            previous = reader.line_num
    except csv.Error as exc:
        raise _Stop(
            f"le fichier n'est pas un tableau régulier : {exc}", row=header_line + reader.line_num - 1
        ) from None
    if not records:
        raise _Stop("le fichier est vide")
    header = records[0]
    malformed = _field_count_problems(starts[1:], [len(r) for r in records[1:]], len(header))
    keep = [i for i, r in enumerate(records[1:], start=1) if len(r) == len(header)]
    body = [records[i] for i in keep]
    table = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    table.index = [starts[i] for i in keep]
    table.attrs["problems"] = malformed
    return table


def _read_excel(data: bytes, sheet: str | None) -> pd.DataFrame:
    """The chosen sheet (workbook.read: bounded worker), from its header row; index = row number in the sheet."""
    try:
        read = workbook.read(data, sheet)
    except workbook.WorkbookError as exc:
        raise _Stop(str(exc)) from None
    rows = read.rows
    header_row = 0
    for i, row in enumerate(rows[:30]):
        if any(str(v).strip().lower() in CODE_COLUMNS for v in row):
            header_row = i
            break
    if not rows:
        raise _Stop(f"la feuille « {read.name} » est vide")
    header = [str(v).strip() for v in rows[header_row]]
    body = rows[header_row + 1 :]
    table = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    table.index = range(read.first_row + header_row + 1, read.first_row + header_row + 1 + len(body))
    table = table.loc[:, [bool(h) for h in header]] if any(header) else table
    blank = (table == "").all(axis=1) if len(table) else pd.Series(dtype=bool)
    table = table[~blank]
    table.attrs["sheet"] = read.name
    table.attrs["percent_cells"] = read.percent_cells
    table.attrs["risks"] = read.risks
    return table


TABLES_KEPT = 2
_tables: collections.OrderedDict[tuple, pd.DataFrame | _Stop] = collections.OrderedDict()
_tables_lock = threading.Lock()


def read_table(data: bytes, filename: str, sheet: str | None = None, sha: str | None = None) -> pd.DataFrame:
    """Any accepted file -> a table of strings indexed by physical line (row) number in the file.

    Read once per content: the import page asks for the columns, then for the whole check, and again on
    every rerun; the last TABLES_KEPT tables (or refusals) are kept by sha256. The table is shared: never
    modify it."""
    key = (sha or hashlib.sha256(data).hexdigest(), filename.lower().rsplit(".", 1)[-1], sheet)
    with _tables_lock:
        kept = _tables.get(key)
        if kept is not None:
            _tables.move_to_end(key)
    if kept is None:
        try:
            kept = _read_table(data, filename, sheet)
        except _Stop as stop:
            kept = stop
        with _tables_lock:
            _tables[key] = kept
            while len(_tables) > TABLES_KEPT:
                _tables.popitem(last=False)
    if isinstance(kept, _Stop):
        raise kept.again()
    return kept


def _read_table(data: bytes, filename: str, sheet: str | None) -> pd.DataFrame:
    if not data or not data.strip():
        raise _Stop("le fichier est vide")
    if data[:4] == OLE_MAGIC or filename.lower().endswith(".xls"):
        raise _Stop("ancien format Excel (.xls) : enregistrez le classeur en XLSX ou en CSV")
    if data[:4] == XLSX_MAGIC or filename.lower().endswith((".xlsx", ".xlsm", ".ods")):
        table = _read_excel(data, sheet)
    else:
        table = _read_csv(data)
    table.columns = [str(c).strip().lstrip("\ufeff") for c in table.columns]
    if table.empty and table.attrs.get("problems"):
        stop = _Stop("aucune ligne lisible")
        stop.problems = table.attrs["problems"]
        raise stop
    if table.empty:
        raise _Stop("le fichier ne contient aucune ligne de données")
    if len(table.columns) < 2:
        raise _Stop(
            "le fichier n'est pas un tableau : une seule colonne trouvée (séparateur ; , ou tabulation)",
            value=str(table.columns[0])[:80] if len(table.columns) else "",
        )
    names = pd.Index(list(table.columns), dtype=object)  # plain Python strings: one pass, not element by element
    if names.has_duplicates:
        twice = sorted(set(names[names.duplicated()]))
        raise _Stop("colonnes en double dans l'en-tête", value=", ".join(twice)[:120])
    return table


# --- values --------------------------------------------------------------------------------------


def to_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers, is_missing_marker): decimal comma or point, spaces as thousands separators; a value that
    may be read two ways (« 76.954 ») is read as its column shows (see read_numbers), else as a decimal."""
    numbers, missing, _ = read_numbers(text)
    return numbers, missing


# one mark followed by exactly three digits, 1-3 digits before (not 0): « 76.954 », « 1,234 »
TWO_WAYS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")


def read_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, is_missing_marker, thousands_reading): ``thousands_reading`` is NaN except where a value
    can be read two ways and its column does not tell which: « 76.954 » is 76,954 or 76 954.

    The column tells when it shows the mark as a decimal one elsewhere (« 12,5 », « 0,954 », « 1.234,5 »
    for the comma) or as a thousands separator (« 1.234.567 », « 1.234,5 » for the point); a mark is a
    thousands separator where the other one is the decimal mark. Spaces as thousands separators
    (« 674 624 ») tell nothing about the point or the comma: such a value stays a question."""
    clean = text.astype(str).str.strip()
    missing = clean.str.lower().isin(MISSING_MARKERS)
    numbers = _decimals(clean.str.replace(",", ".", regex=False).where(~missing))
    slow = numbers.isna() & ~missing  # only these need the thousands-separator rules
    if slow.any():
        numbers[slow] = _to_numbers_slow(clean[slow])
    numbers = numbers.astype(float)
    thousands = pd.Series(np.nan, index=text.index)
    uniques = pd.Series(clean[~missing].unique(), dtype=object)
    two_ways = uniques.str.match(TWO_WAYS)
    if not two_ways.any():
        return numbers, missing, thousands
    other = uniques[~two_ways]
    shows = {mark: _shows(other, mark) for mark in ".,"}
    resolved, questions = {}, []
    for value in uniques[two_ways]:
        mark = "." if "." in value else ","
        decimal = shows[mark]["decimal"] or shows["," if mark == "." else "."]["thousands"]
        grouping = shows[mark]["thousands"] or shows["," if mark == "." else "."]["decimal"]
        if grouping and not decimal:
            resolved[value] = float(value.replace(mark, ""))
        elif not decimal:
            questions.append(value)
    if resolved:
        grouped = clean.isin(list(resolved))
        numbers[grouped] = clean[grouped].map(resolved).astype(float)
    if questions:
        asked = clean.isin(questions)
        thousands[asked] = clean[asked].str.replace(r"[.,]", "", regex=True).astype(float)
    return numbers, missing, thousands


PLAIN_DECIMAL = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _decimals(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as floats, the same numbers: plain decimals (« -12.5 »,
    « 3e5 ») by Arrow's parser in one C pass (pandas' own parses 1 M strings 15× slower), the rest by pandas."""
    array = pa.array(pd.array(text, dtype="str"))
    plain = pc.fill_null(pc.match_substring_regex(array, PLAIN_DECIMAL), False)
    parsed = pc.if_else(plain, pc.cast(pc.if_else(plain, array, "0"), pa.float64()), np.nan)
    numbers = pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype=float)
    other = ~plain.to_numpy(zero_copy_only=False) & text.notna().to_numpy()
    if other.any():  # « inf », « nan », or not a number: pandas decides, as before
        numbers[other] = pd.to_numeric(text[other], errors="coerce").astype(float)
    return numbers


def _shows(values: pd.Series, mark: str) -> dict[str, bool]:
    """Whether the column's other values use ``mark`` as a decimal mark or as a thousands separator."""
    m, o = re.escape(mark), re.escape("," if mark == "." else ".")
    decimal = values.str.match(rf"^[+-]?\d*{m}\d+$") | values.str.match(rf"^[+-]?\d{{1,3}}(?:{o}\d{{3}})+{m}\d+$")
    grouping = values.str.match(rf"^[+-]?\d{{1,3}}(?:{m}\d{{3}}){{2,}}(?:{o}\d+)?$")
    grouping |= values.str.match(rf"^[+-]?\d{{1,3}}(?:{m}\d{{3}})+{o}\d+$")
    return {"decimal": bool(decimal.any()), "thousands": bool(grouping.any())}


def _to_numbers_slow(clean: pd.Series) -> pd.Series:
    clean = clean.str.replace(r"[ \u00a0\u202f]", "", regex=True)  # thousands separators (not line breaks)
    groups = clean.str.match(r"^[+-]?\d{1,3}(?:(?:\.\d{3}){2,}|(?:,\d{3}){2,})$")  # « 1.234.567 »: one mark, twice
    clean = clean.where(~groups, clean.str.replace(r"[.,]", "", regex=True))
    both = clean.str.contains(",", regex=False) & clean.str.contains(".", regex=False)
    if both.any():  # "1.234,5" or "1,234.5": the last mark is the decimal one
        comma_last = clean[both].str.rfind(",") > clean[both].str.rfind(".")
        clean.loc[both[both].index[comma_last]] = clean[both][comma_last].str.replace(".", "", regex=False)
        clean.loc[both[both].index[~comma_last]] = clean[both][~comma_last].str.replace(",", "", regex=False)
    return pd.to_numeric(clean.str.replace(",", ".", regex=False), errors="coerce")


def year_from_column(name: str, this_year: int | None = None) -> int | None:
    """'TP6020' -> 2020, 'POP2019' -> 2019, 'Q220' -> 2020; None without a trailing year.

    Two trailing digits are a year only from 2000 to next year ('TP60', the poverty rate at 60 %, is
    not 1960); four trailing digits from 1900 to 2100.
    """
    four = re.search(r"(\d{4})$", name)
    if four and 1900 <= int(four.group(1)) <= 2100:
        return int(four.group(1))
    census = re.match(r"^[PC](\d{2})_", name)  # INSEE census columns: P21_POP, C21_ACT1564 (15-64)
    if census:
        return 2000 + int(census.group(1))
    two = re.search(r"(\d{2})$", name)
    if two:
        this_year = this_year or datetime.date.today().year
        year = 2000 + int(two.group(1))
        return year if year <= this_year + 1 else None
    return None


def _unit(indicator_id: str, declared: dict[str, str]) -> str | None:
    """The catalogue's unit first: a declaration never overrides an existing indicator's unit."""
    entry = catalogue.load().get(indicator_id)
    if entry:
        return entry.unit
    return declared.get(indicator_id)


def _codes(level: pd.Series, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(normalised code or NA, repaired?) for each row, by level; région codes never confused with départements.

    Only the 101 départements (metropolitan + DROM) are accepted, not the overseas collectivities.
    """
    accepted = set(territories.departement_codes())
    regions = set(territories.regions()["code"])

    def one(lev: str, code: str) -> str | None:
        text = str(code).strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if lev == "departement":
            normalised = territories.normalise_departement_code(text)
            return normalised if normalised in accepted else None
        if lev == "region":
            text = "0" + text if text.isdigit() and len(text) == 1 else text
            return text if text in regions else None
        if lev == "commune":
            text = text.zfill(5) if text.isdigit() and len(text) == 4 else text
            return text if ref.commune(text) else None
        if lev == "epci":
            return text if text in ref.epci else None
        return "FR" if text in ("FR", "FRANCE", "FRA", "FXX") else None

    level_codes, levels = pd.factorize(level.astype(str))
    raw_codes, raws = pd.factorize(raw.astype(str))
    group, combined = pd.factorize(level_codes * len(raws) + raw_codes)
    levels, raws = levels.tolist(), raws.tolist()  # Python strings: indexing a pandas Index costs µs per item
    ref = reference() if {"commune", "epci"} & set(levels) else None  # read once, not once per distinct code
    uniques = [(levels[c // len(raws)], raws[c % len(raws)]) for c in combined.tolist()]
    normalised = [one(lev, code) for lev, code in uniques]
    codes = pd.Series(pd.array(normalised, dtype="str").take(group), index=raw.index)
    was_repaired = [n is not None and n != code.strip() for (_, code), n in zip(uniques, normalised, strict=True)]
    repaired = pd.Series(pd.array(was_repaired, dtype=bool).take(group), index=raw.index)
    return codes, repaired


def reference():
    from indicators.storage import reference_codes

    return reference_codes.load()


def code_problem(level: str, raw: str) -> str:
    """Why a code is refused at ``level`` (commune: the successor of an old code is named)."""
    text = str(raw).strip().upper()
    text = text[:-2] if text.endswith(".0") else text
    if level == "epci":
        return UNKNOWN_EPCI
    if level != "commune":
        return UNKNOWN_CODE
    text = text.zfill(5) if text.isdigit() and len(text) == 4 else text
    ref = reference()
    holder = ref.successor(text)
    if holder is None:
        return UNKNOWN_COMMUNE
    if text in ref.arrondissements:
        name = ref.commune(holder)
        return f"{text} est un arrondissement municipal de {holder} {name} : importez la commune {holder}"
    return f"{text} a fusionné dans {holder} {ref.commune(holder)} : utilisez le code {holder}"


def infer_level(codes: pd.Series) -> str:
    """The level most codes of a file show: commune (5 characters), epci (9 digits), else departement."""
    rows, uniques = pd.factorize(codes.astype(str), use_na_sentinel=False)  # the rules once per distinct code
    weight = np.bincount(rows, minlength=len(uniques))
    text = pd.Series(uniques, dtype="str").str.strip().str.upper().str.replace(r"\.0$", "", regex=True)
    kept = ~text.str.lower().isin(MISSING_MARKERS).to_numpy()
    total = weight[kept].sum()
    if not total:
        return "departement"
    if weight[kept & text.str.match(EPCI_SHAPE).to_numpy()].sum() / total > 0.5:
        return "epci"
    if weight[kept & text.str.match(COMMUNE_SHAPE).to_numpy()].sum() / total > 0.5:
        return "commune"
    return "departement"


def _column(table: pd.DataFrame, *names: str) -> str | None:
    lower = {c.lower(): c for c in table.columns}
    return next((lower[n] for n in names if n in lower), None)


# --- parse ---------------------------------------------------------------------------------------


def parse_upload(
    data: bytes,
    filename: str,
    indicator: str | None = None,
    column: str | None = None,
    year: int | None = None,
    source_id: str | None = None,
    variant: str = "observed",
    declared: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    sheet: str | None = None,
    level: str | None = None,
) -> ParsedUpload:
    """Bytes of an uploaded file -> ParsedUpload (validated rows), or raise UploadError with every problem.

    ``declared`` maps the id of a new indicator declared by the analyst to its unit (it is not yet in
    the catalogue; an id the catalogue already has is refused). ``source_id`` defaults to the indicator's
    first catalogue source, or ``import_<id>``. ``sheet`` names the sheet of a workbook to read.
    ``level`` is the territory level of every row when the file has no territory_level column (default:
    the level the codes show, see infer_level).
    """
    declared = declared or {}
    taken = sorted(set(declared) & set(catalogue.load()))
    if taken:
        raise UploadError(
            _problems(
                [
                    (
                        pd.NA,
                        "",
                        ", ".join(taken),
                        "cet identifiant existe déjà au catalogue : choisissez-le dans « Indicateur du catalogue » "
                        "ou déclarez un autre identifiant",
                    )
                ]
            )
        )
    if len(data) > max_bytes:
        raise UploadError(too_large(len(data), max_bytes))
    sha = hashlib.sha256(data).hexdigest()
    malformed: list[tuple] = []
    try:
        table = read_table(data, filename, sheet, sha)
        malformed = table.attrs.get("problems") or []  # malformed lines: listed with every other problem
        frame, layout, used, problems = _to_long(table, indicator, column, year, level)
    except _Stop as stop:
        raise UploadError(_problems(malformed + stop.problems)) from None
    if malformed:
        problems.insert(0, _problems(malformed))
    parsed = _check(frame, layout, used, problems, filename, sha, source_id, variant, declared)
    if table.attrs.get("percent_cells"):
        note = (
            pd.NA,
            "",
            table.attrs.get("sheet", ""),
            f"{table.attrs['percent_cells']} cellule(s) au format "
            "pourcentage lues comme des pourcentages (0,113 affiché 11,3 % -> 11,3)",
        )
        parsed.warnings = pd.concat([_problems([note]), parsed.warnings], ignore_index=True)
    parsed.risks = list(table.attrs.get("risks") or [])
    return parsed


def _to_long(
    table: pd.DataFrame, indicator: str | None, column: str | None, year: int | None, level: str | None = None
) -> tuple[pd.DataFrame, str, list[str], list[pd.DataFrame]]:
    """Either layout -> columns territory_level, territory_code, indicator_id, year, variant, value (strings)."""
    code_col = _column(table, *CODE_COLUMNS)
    if code_col is None:
        raise _Stop(
            "colonne des codes de territoire introuvable (territory_code ou CODGEO)",
            value=", ".join(map(str, table.columns[:8]))[:120],
        )
    value_col = _column(table, "value", "valeur")
    problems: list[pd.DataFrame] = []
    out = pd.DataFrame(index=table.index)
    out["territory_code"] = table[code_col]
    level_col = _column(table, "territory_level", "niveau")
    out["territory_level"] = table[level_col] if level_col else (level or infer_level(table[code_col]))
    out.attrs["inferred_level"] = "" if level_col or level else out["territory_level"].iloc[0] if len(out) else ""
    out["variant"] = table[_column(table, "variant")] if _column(table, "variant") else None
    if value_col is not None and column is None:
        layout, used = "long", [code_col, value_col]
        out["value"] = table[value_col]
        ind_col, year_col = _column(table, "indicator_id", "indicateur"), _column(table, "year", "annee", "année")
        if ind_col:
            out["indicator_id"] = table[ind_col]
        elif indicator:
            out["indicator_id"] = indicator
        else:
            raise _Stop("indicateur non précisé : ajoutez une colonne indicator_id ou choisissez un indicateur")
        if year_col:
            out["year"] = table[year_col]
        elif year is not None:
            out["year"] = str(year)
        else:
            raise _Stop("année non précisée : ajoutez une colonne year ou indiquez l'année")
        used += [c for c in (ind_col, year_col) if c]
    else:
        layout = "wide"
        candidates = [c for c in table.columns if c != code_col and c != level_col and year_from_column(c)]
        if column is None:
            if len(candidates) != 1:
                raise _Stop(
                    "plusieurs colonnes possibles : choisissez la colonne à importer",
                    value=", ".join(candidates[:12])[:200],
                )
            column = candidates[0]
        if column not in table.columns:
            raise _Stop("colonne absente du fichier", column=column, value=", ".join(candidates[:12])[:200])
        if not indicator:
            raise _Stop("indicateur non précisé : choisissez l'indicateur du catalogue de la colonne", column=column)
        the_year = year if year is not None else year_from_column(column)
        if the_year is None:
            raise _Stop("année non précisée : le nom de la colonne ne finit pas par une année", column=column)
        out["value"], out["indicator_id"], out["year"] = table[column], indicator, str(the_year)
        used = [code_col, column]
    inferred = out.attrs.get("inferred_level", "")
    out.attrs["columns"] = {
        "territory_code": code_col,
        "value": used[1],
        "territory_level": level_col or "",
        "indicator_id": _column(table, "indicator_id") or "",
        "year": _column(table, "year") or "",
    }
    out.attrs["inferred_level"] = inferred
    return out, layout, used, problems


def _check(
    frame: pd.DataFrame,
    layout: str,
    used: list[str],
    problems: list[pd.DataFrame],
    filename: str,
    sha: str,
    source_id: str | None,
    variant: str,
    declared: dict[str, str],
) -> ParsedUpload:
    names = frame.attrs["columns"]
    rows = frame.index.to_series()
    bad = pd.Series(False, index=frame.index)
    warnings: list[pd.DataFrame] = []

    def flag(mask: pd.Series, col: str, values: pd.Series, message: str) -> None:
        nonlocal bad
        if mask.any():
            problems.append(_frame(rows[mask], names.get(col) or col, values[mask], message))
            bad |= mask

    level = _on_uniques(frame["territory_level"], lambda u: u.astype(str).str.strip().str.lower().map(LEVEL_ALIASES))
    flag(level.isna(), "territory_level", frame["territory_level"], f"niveau inconnu ({LEVELS_TEXT})")
    codes, repaired = _codes(level.fillna("departement"), frame["territory_code"])
    unknown_code = codes.isna() & level.notna()
    corsica = unknown_code & frame["territory_code"].astype(str).str.strip().isin(["20", "20.0"])
    corsica &= level == "departement"
    flag(corsica, "territory_code", frame["territory_code"], CORSICA)
    local = unknown_code & ~corsica & level.isin(["commune", "epci"])
    flag(unknown_code & ~corsica & ~local, "territory_code", frame["territory_code"], UNKNOWN_CODE)
    if local.any():
        why = pd.Series(
            [code_problem(lev, raw) for lev, raw in zip(level[local], frame["territory_code"][local], strict=True)],
            index=frame.index[local],
        )
        for message in why.unique():
            flag(why.reindex(frame.index).eq(message), "territory_code", frame["territory_code"], message)
    if frame.attrs.get("inferred_level") in ("commune", "epci"):
        warnings.append(
            _problems(
                [(pd.NA, names["territory_code"], frame.attrs["inferred_level"], "niveau déduit de la forme des codes")]
            )
        )
    if repaired.any():
        fixed = (
            pd.DataFrame({"raw": frame["territory_code"][repaired], "code": codes[repaired], "row": rows[repaired]})
            .groupby(["raw", "code"], sort=False)["row"]
            .agg(["first", "size"])
        )
        for (raw, code), (first, size) in fixed.iterrows():
            warnings.append(
                _problems([(first, names["territory_code"], raw, f"code réparé en « {code} » ({size} ligne(s))")])
            )
    indicator_ids = _on_uniques(frame["indicator_id"], lambda u: u.astype(str).str.strip())
    known = set(catalogue.load()) | set(declared)
    flag(
        ~indicator_ids.isin(known),
        "indicator_id",
        indicator_ids,
        "indicateur inconnu du catalogue : choisissez-en un ou déclarez un nouvel indicateur",
    )
    years = _on_uniques(frame["year"], _years)
    years = years.astype(float)
    flag(years.isna(), "year", frame["year"], "année illisible (quatre chiffres attendus, ex. 2021)")
    flag((years < 1900) | (years > 2100), "year", frame["year"], "année hors de 1900–2100")
    values, missing, thousands = read_numbers(frame["value"])
    flag(values.isna() & ~missing, "value", frame["value"], NOT_A_NUMBER)
    flag(values.notna() & ~np.isfinite(values), "value", frame["value"], "valeur non finie")
    entries = catalogue.load()
    bounds = {i: catalogue.value_range(entries.get(i), _unit(i, declared) or "") for i in indicator_ids.unique()}
    messages = {i: catalogue.range_text(*b, _unit(i, declared) or "") for i, b in bounds.items()}
    low = _map_on_uniques(indicator_ids, {i: b[0] for i, b in bounds.items()}, float)
    high = _map_on_uniques(indicator_ids, {i: b[1] for i, b in bounds.items()}, float)
    question = thousands.notna()
    if question.any():  # « 76.954 »: one reading out of the indicator's range settles it, else it is asked
        decimal_fits = values.between(low, high)
        thousands_fits = thousands.between(low, high)
        values = values.where(~(question & thousands_fits & ~decimal_fits), thousands)
        flag(
            question & decimal_fits & thousands_fits,
            "value",
            frame["value"],
            "nombre ambigu : le point ou la virgule suivi de 3 chiffres peut séparer les milliers ou les décimales, "
            "et la colonne ne dit pas lequel (« 76.954 » : 76 954 ou 76,954 ?) ; écrivez 76954 ou 76,954",
        )
    outside = np.isfinite(values) & ((values < low) | (values > high))
    if outside.any():
        said = _map_on_uniques(indicator_ids, messages, "str")
        for message in said[outside].unique():
            flag(outside & (said == message), "value", frame["value"], message)
    variants_given = frame["variant"].notna().any()
    variants = (
        frame["variant"].fillna(variant).astype(str).str.strip()
        if variants_given
        else pd.Series(variant, index=frame.index)
    )
    known_variants = allowed_variants()
    flag(
        ~variants.isin(known_variants),
        "variant",
        variants,
        f"variante inconnue (connues : {', '.join(known_variants)})",
    )
    keep = ~bad & ~missing
    default_source = _default_source(indicator_ids[keep].unique(), source_id)
    out = pd.DataFrame(
        {
            "territory_level": level,
            "territory_code": codes,
            "indicator_id": indicator_ids,
            "year": years,
            "variant": variants,
            "value": values,
        }
    )[keep]
    out["year"] = out["year"].astype("int64")
    out["source_id"] = _map_on_uniques(out["indicator_id"], default_source, "str")
    keys = pd.DataFrame({k: pd.factorize(out[k])[0] for k in KEY}, index=out.index)
    duplicated = keys.duplicated(keep=False)
    if duplicated.any():  # the first MAX_LISTED_LINES lines listed with their key's first lines, the rest counted
        group = keys[duplicated].groupby(KEY, sort=False).ngroup()
        listed = group[group.isin(group.iloc[:MAX_LISTED_LINES].unique())]
        lines = (
            pd.Series(listed.index, index=listed.index)
            .groupby(listed.to_numpy())
            .transform(lambda g: ", ".join(map(str, g[:5])))
        )
        lines = lines.iloc[:MAX_LISTED_LINES]
        problems.append(
            _frame(lines.index.to_series(), names["territory_code"], out.loc[lines.index, "territory_code"], "").assign(
                message=("clé en double (lignes " + lines.astype(str) + ")").to_numpy()
            )
        )
        others = int(duplicated.sum()) - len(lines)
        if others:
            first = group.index[len(lines)]
            problems.append(
                _problems(
                    [
                        (
                            first,
                            names["territory_code"],
                            f"{_count(others)} autre(s) ligne(s)",
                            f"clé en double : {_count(others)} autre(s) ligne(s) non listée(s)",
                        )
                    ]
                )
            )
        out = out[~duplicated]
    try:
        validated = validate_indicators(out, lazy=True) if len(out) else out[COLUMNS]
    except SchemaErrors as errors:
        problems.append(_schema_problems(errors, out, names))
        validated = None
    all_problems = pd.concat(problems, ignore_index=True) if problems else _problems([])
    all_warnings = pd.concat(warnings, ignore_index=True) if warnings else _problems([])
    if len(all_problems):
        raise UploadError(all_problems.sort_values(["row", "column"], na_position="first"), all_warnings)
    if validated is None or validated.empty:
        raise UploadError(
            _problems([(pd.NA, names["value"], "", "aucune valeur à importer (toutes manquantes)")]), all_warnings
        )
    markers = frame["value"][missing].astype(str).str.strip().str.lower().replace("", "vide").value_counts()
    counted = {k: int(v) for k, v in markers.items()}
    return ParsedUpload(validated, all_warnings, filename, sha, layout, int(missing.sum()), used, counted)


YEAR_TEXT = re.compile(r"^\d{4}(?:[.,]0+)?$")


def _years(uniques: pd.Series) -> pd.Series:
    """Four digits (``2021``, or ``2021.0`` from a spreadsheet); ``2e3`` or ``20 21`` are not years."""
    text = uniques.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.match(YEAR_TEXT)).str.replace(",", ".", regex=False), errors="coerce")


def allowed_variants() -> tuple[str, ...]:
    """Variants the pages show: observed values, the projection variants and the trend paths."""
    from indicators.models.projections import VARIANTS as PROJECTION_VARIANTS
    from indicators.models.trends import VARIANTS as TREND_VARIANTS

    return ("observed", *PROJECTION_VARIANTS, *TREND_VARIANTS)


def _on_uniques(series: pd.Series, func) -> pd.Series:
    """``func`` applied to the distinct values only (columns of a 1M-row file have few), spread back."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    result = func(pd.Series(uniques, dtype=object))
    if result.dtype == object:  # strings: an Arrow-backed take is much faster than 1M Python objects
        return pd.Series(pd.array(result.to_numpy(), dtype="str").take(codes), index=series.index)
    return pd.Series(result.to_numpy()[codes], index=series.index)


def _map_on_uniques(series: pd.Series, mapping: dict, dtype) -> pd.Series:
    """``series.map(mapping).astype(dtype)``, looked up once per distinct value (``map`` on 1 M Arrow strings
    converts each to a Python object and back)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = pd.array(pd.Series(uniques, dtype=object).map(mapping).to_numpy(), dtype=dtype)
    return pd.Series(mapped.take(codes), index=series.index)


def _default_source(indicator_ids, source_id: str | None) -> dict[str, str]:
    entries = catalogue.load()
    return {i: source_id or (entries[i].sources[0].id if i in entries else f"import_{i}") for i in indicator_ids}


def _schema_problems(errors: SchemaErrors, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """pandera failure cases -> problem rows (the index of ``frame`` is the line number in the file)."""
    cases = errors.failure_cases
    messages = {
        "unique": "clé en double (même territoire, indicateur, année, variante)",
        "greater_than_or_equal_to(1900)": "année hors de 1900–2100",
        "less_than_or_equal_to(2100)": "année hors de 1900–2100",
    }
    out = []
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else ""
        index = case.index if pd.notna(case.index) else pd.NA
        if str(case.check).startswith("unique") or column in ("", "None"):
            message = messages["unique"] if "unique" in str(case.check) else str(case.check)
        else:
            message = messages.get(str(case.check), f"refusé par le schéma du store ({case.check})")
        out.append((index, names.get(column) or column, str(case.failure_case), message))
    problems = _problems(out).drop_duplicates()
    return problems


def too_large(size: int, max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """The one problem of a file over the size limit (said before anything is read)."""
    return _problems(
        [
            (
                pd.NA,
                "",
                f"{_count(size)} octets",
                f"le fichier dépasse la taille maximale ({max_bytes // 1024 // 1024} Mo) : rien n'a été lu",
            )
        ]
    )


def candidate_columns(data: bytes, filename: str) -> list[str]:
    """Columns of a wide file that end with a year (what the analyst can map to an indicator)."""
    if len(data) > MAX_BYTES:
        return []
    try:
        table = read_table(data, filename)
    except _Stop:
        return []
    if _column(table, "value", "valeur") is not None:
        return []
    return [c for c in table.columns if c.lower() not in CODE_COLUMNS and year_from_column(c)]


def problems_text(problems: pd.DataFrame, limit: int = 50) -> str:
    lines = [
        f"  ligne {r.row if pd.notna(r.row) else '-'} | {r.column or '-'} | {r.value!s:.40} | {r.message}"
        for r in problems.head(limit).itertuples()
    ]
    more = f"\n  … et {len(problems) - limit} autre(s)" if len(problems) > limit else ""
    return "\n".join(lines) + more


def declaration(
    indicator_id: str,
    label: str,
    unit: str,
    polarity: str,
    definition: str,
    producer: str,
    licence: str,
    filename: str | None,
    *,
    section: str | None = None,
    trend: bool = False,
) -> dict:
    """The catalogue entry (with its own source) of an indicator an analyst declares with a file.

    ``section``: a profile section id (catalogue ``profile_sections``) where the département profile shows
    it, after the built-in figures, with its rank and series; ``trend``: project it like the built-in rates
    (page Tendances)."""
    placement = {"profile": {"section": section, "order": 100, "rank": True, "history": True}} if section else {}
    return {
        "id": indicator_id,
        "label": label,
        "short_label": label,
        "theme": "import",
        "unit": unit,
        "decimals": 1,
        "definition": definition,
        "polarity": polarity,
        "source": {
            "id": f"import_{indicator_id}",
            "producer": producer,
            "title": producer,
            "url": filename or "fichier importé",
            "licence": licence,
            "citation": producer,
        },
        **placement,
        **({"trend": True} if trend else {}),
    }


def declaration_complete(entry: dict) -> bool:
    """Every field of a declared indicator and of its source is filled in."""
    return all(entry.values()) and all(entry["source"].values())
