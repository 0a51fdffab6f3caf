"""Bounded reading of untrusted XLSX workbooks: pre-checks, then a worker process with memory and time limits.

``read(data, sheet=None)`` -> ``Sheet`` (the cells of one sheet as strings, with their position), or
raises ``WorkbookError`` whose message says what was refused (in French, for the analyst).

1. Pre-checks in the server process, on the zip directory only: number of parts, uncompressed size of
   every part and of the whole, and the dimension each worksheet declares (``<dimension ref=...>``).
2. The cells are read by python-calamine in a *separate process* (this file run as a script) whose
   address space and CPU time are limited (``resource.setrlimit``) and which is killed after
   ``WORKER_SECONDS``: a native abort (a huge allocation), a zip bomb or a slow file ends the worker,
   never the server, and is one refused upload.
3. What the values mean is read from the workbook, not guessed: cells formatted as a percentage are
   multiplied by 100 (Excel stores 11,3 % as 0.113); a formula without a cached value is refused with
   the cell's name; the sheet read is the named one, else the first *visible* sheet with a territory
   code header, else the first visible sheet.

4. What the cached values may hide is told (``risks``): macros, links to other files, data connections
   and web formulas (WEBSERVICE, FILTERXML…); the CLI and the page refuse to publish unless confirmed.
   Reading errors are explained in French (``explain``), never by an exception's name.

The worker only imports the standard library and python-calamine, and sends JSON back (never pickle).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

MAX_PARTS = 10_000
MAX_PART_BYTES = 256 * 1024 * 1024  # one uncompressed part (a worksheet's XML)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every part, uncompressed
MAX_SMALL_PART_BYTES = 32 * 1024 * 1024  # workbook.xml, styles.xml, relationships
MAX_CELLS = 20_000_000  # declared rows x columns of one worksheet
WORKER_MEMORY = 768 * 1024 * 1024  # address space the worker may add to what it needs after start-up
WORKER_SECONDS = 8.0
HEADER_SEARCH_ROWS = 30
CODE_HEADERS = ("territory_code", "codgeo", "code", "code_dep", "code_departement", "dep", "departement")
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
DIMENSION = re.compile(rb"<" + _NS + rb'dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
CELL_WITH_STYLE = rb"<" + _NS + rb'c\s([^>]*\bs="(?:%s)"[^>]*)>'
FORMULA_WITHOUT_VALUE = re.compile(
    rb"<" + _NS + rb"c\s([^>]*)>\s*<" + _NS + rb"f\b[^>]*(?:/>|>[^<]*</" + _NS + rb"f>)\s*"
    rb"(?:<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>"
)
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
PERCENT_BUILTIN = {9, 10}
MIB = 1024 * 1024


class WorkbookError(Exception):
    """The workbook is refused; the message says why (and what was too large)."""


RESAVE = "ouvrez-le dans un tableur et enregistrez-le de nouveau en XLSX, ou enregistrez les données en CSV"
EXPLAINED = {  # exception class name -> what it means for the analyst (never the class name itself)
    "BadZipFile": "le fichier n'est pas une archive XLSX lisible (abîmé, tronqué ou d'un autre format)",
    "ZipError": "l'archive du classeur est abîmée (fichier tronqué ou mal copié)",
    "LargeZipFile": "l'archive du classeur est trop grande",
    "EOFError": "le fichier s'arrête avant la fin : il est tronqué",
    "NotImplementedError": "l'archive du classeur utilise une compression inconnue des tableurs",
    "RuntimeError": "l'archive du classeur est chiffrée",
    "PasswordError": "le classeur est protégé par un mot de passe : enregistrez-en une copie sans mot de passe",
    "XmlError": "une partie XML du classeur est mal formée (fichier abîmé ou produit par un outil non conforme)",
    "ParseError": "une partie XML du classeur est mal formée (fichier abîmé ou produit par un outil non conforme)",
    "WorksheetNotFound": "une feuille annoncée par le classeur est absente de l'archive",
    "CalamineError": "le contenu du classeur ne suit pas le format XLSX (cellule ou partie illisible)",
}


def explain(exc: BaseException) -> str:
    """A reading error in French, with what to do; never the exception's name or text."""
    names = [cls.__name__ for cls in type(exc).__mro__]
    what = next((EXPLAINED[n] for n in names if n in EXPLAINED), "le classeur ne suit pas le format XLSX")
    return f"classeur illisible : {what} ; {RESAVE}" if "mot de passe" not in what else f"classeur illisible : {what}"


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]  # cells as text, from (first_row, first_column)
    first_row: int  # 1-based row number in the sheet of rows[0]
    first_column: int  # 0-based column index of rows[i][0]
    sheets: list[str] = field(default_factory=list)  # every sheet name (for messages)
    percent_cells: int = 0  # cells multiplied by 100 because they are formatted as percentages
    risks: list[str] = field(default_factory=list)  # macros, external links, web formulas (see risks())
    seconds: float = 0.0
    worker_peak_mib: float = 0.0


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f} Mo".replace(",", "\u00a0")


# --- pre-checks (server process, zip directory only) ---------------------------------------------


def precheck(data: bytes) -> None:
    """Refuse a workbook whose parts or declared dimensions are too large, before reading any cell."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(explain(exc)) from None
    if len(infos) > MAX_PARTS:
        raise WorkbookError(f"le classeur a trop de parties ({len(infos)}, limite {MAX_PARTS})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(
                f"la partie {info.filename[:80]} ferait {_mib(info.file_size)} une fois décompressée "
                f"(limite {_mib(MAX_PART_BYTES)}) : enregistrez les données en CSV"
            )
    if total > MAX_TOTAL_BYTES:
        raise WorkbookError(
            f"le classeur ferait {_mib(total)} une fois décompressé (limite {_mib(MAX_TOTAL_BYTES)}) : "
            "enregistrez les données en CSV"
        )
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_dimension(archive, info)


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as handle:
            head = handle.read(8192)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise WorkbookError(f"la partie {info.filename[:80]} : {explain(exc)}") from None
    match = DIMENSION.search(head)
    if not match or not match.group(3):
        return
    first_col = column_index(match.group(1).decode()) if match.group(1) else 0
    first_row = int(match.group(2)) if match.group(2) else 1
    last_col, last_row = column_index(match.group(3).decode()), int(match.group(4))
    cells = (abs(last_row - first_row) + 1) * (abs(last_col - first_col) + 1)
    if cells > MAX_CELLS:
        ref = match.group(0).decode(errors="replace").split('"')[1]
        count, limit = (f"{n:,}".replace(",", "\u00a0") for n in (cells, MAX_CELLS))
        raise WorkbookError(
            f"la feuille {info.filename.rsplit('/', 1)[-1]} déclare {count} cellules ({ref}), limite {limit} : "
            "supprimez les cellules vides hors du tableau ou enregistrez en CSV"
        )


# --- reading in a bounded worker ---------------------------------------------------------------------


def read(data: bytes, sheet: str | None = None, seconds: float = WORKER_SECONDS) -> Sheet:
    """Pre-check, then read one sheet in a worker process limited in memory and time."""
    precheck(data)
    start = time.perf_counter()
    # -I: isolated (no PYTHON* variables, no user site); the virtualenv's site-packages are kept
    command = [sys.executable, "-I", os.path.abspath(__file__), str(WORKER_MEMORY), sheet or ""]
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise WorkbookError(
            f"la lecture du classeur dépasse {seconds:.0f} s : il est trop grand ou mal formé, "
            "enregistrez les données en CSV"
        ) from None
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout:
        if done.returncode < 0 or done.returncode in (3, 134, 137, 139) or b"MemoryError" in done.stderr:
            raise WorkbookError(
                f"la lecture du classeur demande plus de {_mib(WORKER_MEMORY)} de mémoire : il déclare "
                "trop de cellules ou est mal formé, enregistrez les données en CSV"
            )
        raise WorkbookError(f"classeur illisible : le lecteur XLSX s'est arrêté sur ce fichier ; {RESAVE}")
    head, _, body = done.stdout.partition(b"\n")
    answer = json.loads(head)
    if "error" in answer:
        raise WorkbookError(answer["error"])
    height, width = answer["height"], answer["width"]
    cells = body.decode("utf-8").split("\x00") if height * width else []
    if len(cells) != height * width:
        raise WorkbookError(f"classeur illisible : la lecture a donné un tableau incohérent ; {RESAVE}")
    return Sheet(
        name=answer["name"],
        rows=[cells[i * width : (i + 1) * width] for i in range(height)],
        first_row=answer["first_row"],
        first_column=answer["first_column"],
        sheets=answer["sheets"],
        percent_cells=answer["percent_cells"],
        risks=answer.get("risks", []),
        seconds=elapsed,
        worker_peak_mib=answer["peak_kib"] / 1024,
    )


# --- the worker (this file run as a script) ------------------------------------------------------


def _limit(extra_bytes: int) -> None:
    import resource

    with open("/proc/self/status", encoding="ascii") as handle:
        status = dict(line.split(":", 1) for line in handle if ":" in line)
    size = int(status["VmSize"].split()[0]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size + extra_bytes, size + extra_bytes))
    cpu = int(WORKER_SECONDS) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _text(value) -> str:
    if type(value) is str:
        return value.replace("\x00", "")
    if type(value) is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """(sheet name -> worksheet part, sheet name -> state) from workbook.xml and its relationships."""
    import xml.etree.ElementTree as ET

    def small(name: str) -> bytes:
        info = archive.getinfo(name)
        if info.file_size > MAX_SMALL_PART_BYTES:
            raise WorkbookError(f"la partie {name} est trop grande ({_mib(info.file_size)})")
        return archive.read(name)

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}, {}
    targets = {}
    for rel in ET.fromstring(small("xl/_rels/workbook.xml.rels")):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    parts, states = {}, {}
    for element in ET.fromstring(small("xl/workbook.xml")).iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            parts[element.get("name")] = targets.get(rid, "")
            states[element.get("name")] = element.get("state", "visible")
    return parts, states


def _percent_styles(archive: zipfile.ZipFile) -> list[int]:
    """Indices of the cell styles (cellXfs) whose number format shows a percentage."""
    import xml.etree.ElementTree as ET

    if "xl/styles.xml" not in archive.namelist():
        return []
    if archive.getinfo("xl/styles.xml").file_size > MAX_SMALL_PART_BYTES:
        raise WorkbookError("la partie xl/styles.xml est trop grande")
    root = ET.fromstring(archive.read("xl/styles.xml"))
    local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    percent_formats = set(PERCENT_BUILTIN)
    for element in root.iter():
        if local(element.tag) == "numFmt" and "%" in re.sub(r'"[^"]*"|\\.', "", element.get("formatCode", "")):
            percent_formats.add(int(element.get("numFmtId", "-1")))
    styles = []
    for element in root.iter():
        if local(element.tag) == "cellXfs":
            for index, xf in enumerate(x for x in element if local(x.tag) == "xf"):
                if int(xf.get("numFmtId", "0") or 0) in percent_formats:
                    styles.append(index)
    return styles


def _cells(pattern: re.Pattern, xml: bytes) -> list[tuple[int, int]]:
    """(row, column) 0-based of the cells whose attributes match ``pattern``."""
    out = []
    for match in pattern.finditer(xml):
        ref = CELL_REF.search(match.group(1))
        if ref:
            out.append((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))
    return out


WEB_FUNCTIONS = re.compile(
    rb"\b(?:_xlfn\.|_xludf\.)?(WEBSERVICE|FILTERXML|RTD|CALL|REGISTER\.ID|IMPORTXML|IMPORTHTML|IMPORTDATA|IMPORTFEED"
    rb"|IMPORTRANGE|ENCODEURL)\s*\(",
    re.IGNORECASE,
)
TARGET = re.compile(rb'Target="([^"]{0,300})')
RISKS_SHOWN = 3  # cells named per sheet and kind


def risks(archive: zipfile.ZipFile, sheets: dict[str, str]) -> list[str]:
    """What the cached values of a workbook may hide, in French: macros, links to other files or
    connections (the values came from elsewhere, maybe stale) and formulas that fetch from the web."""
    names = archive.namelist()
    found = []
    for name in names:
        low = name.lower()
        if low.endswith("vbaproject.bin"):
            found.append(f"macros VBA ({name[:80]}) : elles ne sont pas exécutées, le classeur est lu tel quel")
        elif low.startswith("xl/macrosheets/"):
            found.append(f"feuille de macros Excel 4 ({name[:80]})")
        elif low.startswith("xl/externallinks/") and low.endswith(".xml"):
            rels = name.rsplit("/", 1)
            rels_name = f"{rels[0]}/_rels/{rels[1]}.rels"
            target = ""
            if rels_name in names and archive.getinfo(rels_name).file_size < MIB:
                match = TARGET.search(archive.read(rels_name))
                target = f" vers « {match.group(1).decode('utf-8', errors='replace')[:120]} »" if match else ""
            found.append(f"liaison externe{target} : des valeurs viennent d'un autre fichier, peut-être pas à jour")
        elif low in ("xl/connections.xml",) or low.startswith("xl/querytables/"):
            found.append(f"connexion à des données externes ({name[:80]})")
    by_part = {part: sheet for sheet, part in sheets.items()}
    for name in names:
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        xml = archive.read(name)
        if b"<f" not in xml and b":f" not in xml:
            continue
        cells = []
        for match in WEB_FUNCTIONS.finditer(xml):
            start = match.start()
            opened = max(xml.rfind(b"<f>", 0, start), xml.rfind(b"<f ", 0, start))
            if opened < 0 or xml.rfind(b"</f>", 0, start) > opened:
                continue  # the word in a text cell, not in a formula
            cell = CELL_REF.search(xml, xml.rfind(b"<c ", 0, opened), opened)
            ref = cell.group(1).decode() + cell.group(2).decode() if cell else "?"
            cells.append((match.group(1).decode().upper(), ref))
            if len(cells) >= RISKS_SHOWN:
                break
        for function, ref in cells:
            sheet = by_part.get(name, name.rsplit("/", 1)[-1])
            found.append(
                f"formule web {function} en {ref} de la feuille « {sheet[:60]} » : la valeur lue est celle du dernier "
                "calcul, venue d'internet"
            )
    return found


def _has_code_header(rows: list[list]) -> bool:
    return any(str(v).strip().lower() in CODE_HEADERS for row in rows[:HEADER_SEARCH_ROWS] for v in row)


def _choose(workbook, parts: dict[str, str], states: dict[str, str], wanted: str | None):
    names = list(workbook.sheet_names)
    if wanted:
        if wanted not in names:
            raise WorkbookError(f"feuille « {wanted[:60]} » absente du classeur (feuilles : {', '.join(names)[:200]})")
        sheet = workbook.get_sheet_by_name(wanted)
        return wanted, sheet, sheet.to_python()
    visible = [n for n in names if states.get(n, "visible") == "visible"] or names
    if not visible:
        raise WorkbookError("le classeur ne contient aucune feuille")
    first = None
    for name in visible:
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python(nrows=HEADER_SEARCH_ROWS)
        if _has_code_header(rows):
            return name, sheet, sheet.to_python()
        first = first or (name, sheet)
    return first[0], first[1], first[1].to_python()


def _work(data: bytes, wanted: str | None) -> dict:
    from python_calamine import CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts, states = _parts(archive)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except WorkbookError:
        raise
    except Exception as exc:  # calamine and zipfile raise many error types for broken workbooks
        raise WorkbookError(explain(exc)) from None
    try:
        name, sheet, rows = _choose(workbook, parts, states, wanted)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(explain(exc)) from None
    start_row, start_col = sheet.start if rows and sheet.start else (0, 0)
    part = parts.get(name, "")
    xml = archive.read(part) if part in archive.namelist() else b""
    has_formulas = b"<f" in xml or b":f>" in xml or b":f " in xml
    for row, col in _cells(FORMULA_WITHOUT_VALUE, xml)[:1] if has_formulas else []:
        raise WorkbookError(
            f"la cellule {column_name(col)}{row + 1} de la feuille « {name} » contient une formule sans valeur "
            "calculée : ouvrez et enregistrez le classeur dans un tableur, ou collez les valeurs"
        )
    percent = 0
    styles = _percent_styles(archive) if xml else []
    if styles:
        pattern = re.compile(CELL_WITH_STYLE % b"|".join(str(s).encode() for s in styles))
        for row, col in _cells(pattern, xml):
            i, j = row - start_row, col - start_col
            inside = 0 <= i < len(rows) and 0 <= j < len(rows[i])
            if inside and isinstance(rows[i][j], int | float) and not isinstance(rows[i][j], bool):
                rows[i][j] = round(rows[i][j] * 100, 10)
                percent += 1
    width = max((len(row) for row in rows), default=0)
    cells = [_text(v) for row in rows for v in (row if len(row) == width else [*row, *[""] * (width - len(row))])]
    return {
        "name": name,
        "height": len(rows),
        "width": width,
        "cells": cells,
        "first_row": start_row + 1,
        "first_column": start_col,
        "sheets": list(workbook.sheet_names),
        "percent_cells": percent,
        "risks": risks(archive, parts),
    }


def _main() -> int:
    import resource

    extra, wanted = int(sys.argv[1]), sys.argv[2] or None
    data = sys.stdin.buffer.read()
    _limit(extra)
    try:
        answer = _work(data, wanted)
        answer["peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cells = answer.pop("cells", [])
        out = sys.stdout.buffer
        out.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")  # one line of metadata
        out.write("\x00".join(cells).encode("utf-8", errors="replace"))  # then the cells, NUL-separated
    except WorkbookError as exc:
        sys.stdout.buffer.write(json.dumps({"error": str(exc)}, ensure_ascii=False).encode() + b"\n")
    except MemoryError:
        return 3
    except Exception as exc:  # a part that is not what it claims (XML, styles): said in French, not raised
        sys.stdout.buffer.write(json.dumps({"error": explain(exc)}, ensure_ascii=False).encode() + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
