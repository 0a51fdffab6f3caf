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
import pyarrow.csv as pa_csv

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


def _lines(body: bytes) -> pa.LargeStringArray:
    """The lines of UTF-8 ``body`` as ``body.split(b"\\n")`` cuts them, each with its line break: an Arrow array
    over the bytes themselves (no Python string per line, no copy). A line break is whitespace to every rule of
    _field_counts, and never a separator. No last line when the text ends with a line break."""
    array = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(array == 10) + 1
    if not len(ends) or ends[-1] != len(body):
        ends = np.append(ends, len(body))
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    return pa.LargeStringArray.from_buffers(len(ends), pa.py_buffer(offsets), pa.py_buffer(body))


def _field_counts(lines: pa.Array, sep: str) -> np.ndarray:
    """Fields per line; 0 for a blank line, or a line of separators only with the header's count (an empty
    spreadsheet row). ``;;;`` under a two-column header is a malformed line, not a blank one."""
    if not len(lines):
        return np.zeros(0, dtype=np.int64)
    array = lines  # Arrow's kernels: one C pass per rule, not a Python loop
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


ALNUM_BYTES = np.zeros(256, dtype=bool)
ALNUM_BYTES[[*b"0123456789", *b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *b"abcdefghijklmnopqrstuvwxyz"]] = True


def _has_alnum(lines: pa.LargeStringArray) -> np.ndarray:
    """Whether each line has an ASCII letter or digit: its first byte says so for most lines, a search in
    the others."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    data = np.frombuffer(lines.buffers()[2], dtype=np.uint8)
    starts, filled = offsets[:-1], offsets[1:] > offsets[:-1]
    found = np.zeros(len(lines), dtype=bool)
    found[filled] = ALNUM_BYTES[data[starts[filled]]]
    rest = np.flatnonzero(~found)
    if len(rest):
        found[rest] = pc.match_substring_regex(lines.take(pa.array(rest)), "[0-9A-Za-z]").to_numpy(zero_copy_only=False)
    return found


def _read_plain(text: str, sep: str, header_line: int) -> pd.DataFrame:
    """No quotes: one record per physical line, field counts checked line by line (a malformed line is
    a problem listed with the others and left out), then Arrow's reader (pandas' where Arrow's could read
    differently, see _arrow_reads_as_pandas)."""
    body = text.encode("utf-8")
    lines = _lines(body)
    tail = bool(len(lines)) and not body.endswith(b"\n") and not lines[-1:].to_pylist()[0].strip()
    if tail:
        lines = lines[:-1]  # spaces after the last line break: no line
    counts = np.asarray(_field_counts(lines, sep), dtype=np.int64)
    numbers = np.arange(header_line, header_line + len(lines))
    malformed = _field_count_problems(numbers[1:], counts[1:], int(counts[0])) if len(lines) else []
    if malformed:
        keep = np.flatnonzero((counts == 0) | (counts == counts[0]))  # the header always
        kept = lines.take(pa.array(keep)).to_pylist()
        lines, counts, numbers = None, counts[keep], numbers[keep]
        text = "".join(line if line.endswith("\n") else line + "\n" for line in kept)
        body = text.encode("utf-8")
    expected = len(numbers) - 1
    arrow = not tail and not (counts == 0).any() and _arrow_reads_as_pandas(body, sep)
    table = _read_arrow(body, sep) if arrow else None
    if table is None:
        table = _read_pandas(body, sep)
    if len(table) != expected:  # e.g. a lone carriage return as line end: the csv module
        return _read_quoted(text, sep, header_line)
    table.index = numbers[1:]
    blank = counts[1:] == 0
    table = table[~blank] if blank.any() else table
    table.attrs["problems"] = malformed
    return table


def _arrow_reads_as_pandas(body: bytes, sep: str) -> bool:
    """Whether pyarrow's CSV reader gives these UTF-8 bytes the table pandas' reader gives them (with the
    options of _read_pandas): one ASCII separator, no NUL, no carriage return but in CRLF line ends, no field
    starting with a space (pandas skips it, Arrow keeps it). Blank lines are checked by the caller (Arrow
    skips them). Searched in the bytes (a search in a 40 M-character str costs 5× more)."""
    if len(sep) != 1 or not sep.isascii() or sep in ' \r\n"':
        return False
    carriage_returns = body.count(b"\r")
    return (
        b"\x00" not in body
        and (not carriage_returns or carriage_returns == body.count(b"\r\n"))
        and not body.startswith(b" ")
        and b"\n " not in body
        and sep.encode() + b" " not in body
    )


def _read_arrow(body: bytes, sep: str) -> pd.DataFrame | None:
    """pyarrow's CSV reader, one thread (3× pandas' on the same bytes, and no worker for a file); the header
    read by pandas, which names empty and repeated columns (« Unnamed: 2 », « a.1 »). None if Arrow refuses."""
    end = body.find(b"\n")
    header = _read_pandas(body[: end + 1] if end >= 0 else body, sep)
    names = [f"f{i}" for i in range(len(header.columns))]
    try:
        read = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False, block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char=False, escape_char=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    columns = {i: pd.array(read.column(i), dtype="str") for i in range(len(names))}
    table = pd.DataFrame(columns)
    table.columns = header.columns
    return table


def _read_pandas(body: bytes, sep: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.BytesIO(body),  # pandas' reader encodes a text stream chunk by chunk: a third slower
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
