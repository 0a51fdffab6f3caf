"""Reading an uploaded file into a table of strings indexed by line number: CSV (encoding, separator and Excel's
``sep=`` line detected, malformed lines listed, bounded header width) or a workbook's sheet (bounded worker:
indicators/publishing/workbook.py); each content read once (``read_table`` keeps the last ones by sha256)."""

from __future__ import annotations

import collections
import csv
import hashlib
import io
import re
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.publishing import workbook
from indicators.publishing.upload_codes import CODE_COLUMNS, header_key
from indicators.publishing.upload_problems import WHOLE_LINE, _count, _Stop

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


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
        if any(header_key(v) in CODE_COLUMNS for v in row):
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
