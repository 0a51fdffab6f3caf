"""The import of a publisher's own file (a new edition of a source), for the import page and the command line.

``prepare(data, filename)`` runs ``python -m indicators.build.editions`` in a separate process (the running app
never imports the build; a file that takes the worker down or past ``WORKER_SECONDS`` is one refused import,
never the server's end) and returns its JSON answer: ``unknown`` (not a publisher's layout: the single-column
import reads it), ``refused`` (the source's parser refused it: ``message``), ``older`` (an older edition than the
served one: asked before anything is rebuilt) or ``recognised`` with the diff against the served table.
The texts below say it in French; ``edition_files.publish`` publishes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from indicators.core import catalogue
from indicators.core import formatting as fmt
from indicators.core.paths import NOTES_FILE, POPULATION_FILE, ROOT, TRACK_RECORD_FILES, processed_dir

WORKER_SECONDS = 900.0  # a whole rebuild of the derived rows (a minute on a quiet machine)
KINDS = {"unknown", "refused", "older", "recognised"}


MIN_LINES = 90  # the publishers' département files have a line per département (about 100)


def maybe_edition(data: bytes) -> bool:
    """Whether the file may be a publisher's layout (a workbook, or a table of at least MIN_LINES lines without a
    ``value`` column): the tidy long files and the few-line files of the single-column import never start the
    worker."""
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return True
    if data.count(b"\n") < MIN_LINES:
        return False
    first = data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    fields = {f.strip().strip('"').lstrip("\ufeff") for f in first.replace("\t", ";").replace(",", ";").split(";")}
    return not fields & {"value", "valeur"}


def prepare(data: bytes, filename: str, store_dir: Path | None = None, older_ok: bool = False) -> dict:
    """Stage the file as a new edition of its source (see the module's docstring)."""
    store = store_dir or processed_dir()
    with tempfile.TemporaryDirectory(prefix="radar-edition-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        command = [sys.executable, "-m", "indicators.build.editions", str(path), "--filename", Path(filename).name]
        command += ["--store", str(store), *(["--older-ok"] if older_ok else [])]
        env = {k: v for k, v in os.environ.items() if k.startswith(("RADAR_", "PATH", "LANG", "HOME", "VIRTUAL"))}
        try:
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, timeout=WORKER_SECONDS, env=env, check=False, text=True
            )
        except subprocess.TimeoutExpired:
            return {"status": "refused", "message": f"la préparation dépasse {WORKER_SECONDS:.0f} s : rien n'a changé"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"status": "refused", "message": "la préparation de l'édition s'est arrêtée sur ce fichier"}
    answer = json.loads(lines[-1])
    return answer if answer.get("status") in KINDS else {"status": "refused", "message": "réponse illisible"}


def _years(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else "—"


def recognised_text(result: dict) -> str:
    """« Insee, Taux de chômage localisés… : édition 2024 (1982–2024), 100 départements, 1 indicateur »."""
    count = len(result["indicators"])
    return (
        f"{result['producer']}, {result['title']} : données jusqu'à {result['year']}"
        + (f" ({_years(result['years'])})" if len(result["years"]) > 1 else "")
        + ", "
        f"{fmt.format_number(result['territories'])} "
        f"{'communes' if result['source'].get('level') == 'commune' else 'départements'}, "
        f"{count} indicateur{'s' if count > 1 else ''} "
        f"({result['source']['what']})"
    )


def served_text(result: dict) -> str:
    served = result["served"]
    year = served.get("year")
    return f"Édition servie : données jusqu'à {year if year is not None else '—'} ({served['since']})."


def older_text(result: dict) -> str:
    served = result["served"]
    return (
        f"Ce fichier s'arrête en {result['year']}, avant l'édition servie (données jusqu'à {served['year']}, "
        f"{served['since']}) : l'importer remplacerait des données plus récentes par des plus anciennes. "
        "Confirmez seulement si c'est voulu (consigné dans l'historique)."
    )


def counts_text(result: dict) -> str:
    added, changed, removed = (fmt.format_number(result[k]) for k in ("added", "changed", "removed"))
    counts = (
        f"{added} ligne(s) ajoutée(s), {changed} révisée(s), {removed} retirée(s) "
        "(dérivés, régions, France, projections et tendances compris)."
    )
    return f"{counts} {tables_text(result)}".strip()


TABLE_LABELS = {  # the store's other tables an edition can change (indicators/build/editions.derived_tables)
    POPULATION_FILE: "la population par âge et sexe",
    NOTES_FILE: "les notes des séries communales",
    **dict.fromkeys(TRACK_RECORD_FILES, "le bilan des projections passées"),
}


def tables_text(result: dict) -> str:
    """« Publiés avec elle : la population par âge et sexe, le bilan des projections passées. » ('' if none)."""
    labels = list(dict.fromkeys(TABLE_LABELS.get(name, name) for name in result.get("tables", [])))
    return f"Publiés avec elle : {', '.join(labels)}." if labels else ""


def _label(indicator_id: str) -> str:
    entry = catalogue.load().get(indicator_id)
    return entry.label if entry else indicator_id


def changes_table(result: dict) -> pd.DataFrame:
    """One row per indicator touched: added, revised, removed rows and the years touched."""
    rows = [
        {
            "Indicateur": _label(r["indicator_id"]),
            "Ajoutées": r["added"],
            "Révisées": r["changed"],
            "Retirées": r["removed"],
            "Années": _years(result["years_touched"].get(r["indicator_id"], [])),
        }
        for r in result["per_indicator"]
    ]
    return pd.DataFrame(rows, columns=["Indicateur", "Ajoutées", "Révisées", "Retirées", "Années"])


def revisions_table(result: dict) -> pd.DataFrame:
    """The largest revisions of observed values (relative), with the values as the catalogue writes them."""
    rows = []
    for r in result["revisions"]:
        entry = catalogue.load().get(r["indicator_id"])
        show = (lambda v, entry=entry: fmt.format_indicator(v, entry)) if entry else (lambda v: fmt.format_number(v, 2))
        rows.append(
            {
                "Territoire": r["territory_code"],
                "Indicateur": _label(r["indicator_id"]),
                "Année": int(r["year"]),
                "Valeur servie": show(r["old_value"]),
                "Nouvelle valeur": show(r["new_value"]),
            }
        )
    return pd.DataFrame(rows, columns=["Territoire", "Indicateur", "Année", "Valeur servie", "Nouvelle valeur"])


def report_lines(result: dict) -> list[str]:
    """What the command line prints for a recognised file."""
    lines = [f"reconnu : {recognised_text(result)}", served_text(result), f"aperçu : {counts_text(result)}"]
    table = changes_table(result)
    if table.empty:
        lines.append("  aucune valeur servie ne change : cette édition est déjà celle du store")
    lines += [f"  {line}" for line in table.to_string(index=False).splitlines()] if len(table) else []
    if result["revisions"]:
        lines.append("plus fortes révisions :")
        lines += [f"  {line}" for line in revisions_table(result).to_string(index=False).splitlines()]
    return lines
