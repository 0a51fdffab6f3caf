"""Issue 27: recognising a publisher's own file by its structure (``editions.recognise``) takes under 2 s for
each real file of data/raw, against the plain tool opening it (calamine listing a workbook's sheets, or reading a
CSV's header line)."""

from __future__ import annotations

import io

from indicators.build.editions import recognise
from indicators.core.paths import RAW_DIR
from indicators.sources import (
    drees_aide_sociale,
    drees_minima_sociaux,
    insee_chomage,
    insee_filosofi_communes,
    insee_population,
)
from tests.benchmarks.run import Entry

BUDGET = 2.0  # seconds, the issue's
FILES = {
    "Filosofi dép. pauvreté": "insee-filosofi/FILO2020_DISP_PAUVRES_DEP.csv",
    "Filosofi dép. médiane": "insee-filosofi/FILO2020_DISP_DEP.csv",
    "Filosofi communes": f"{insee_filosofi_communes.FOLDER.name}/cc_filosofi_2021_COM.csv",
    "chômage": insee_chomage.FILES[0],
    "population": insee_population.FILES[0],
    "minima sociaux": drees_minima_sociaux.FILES[0],
    "aide sociale bénéf.": drees_aide_sociale.BENEFICIARIES_FILE,
    "aide sociale dépenses": drees_aide_sociale.SPENDING_FILE,
}


def _open(data: bytes) -> object:
    """The plain tool: a workbook's sheet names, or a text file's first line."""
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    return data[:65536].decode("utf-8", "replace").split("\n", 1)[0]


def run() -> list[Entry]:
    entries = []
    for label, slot in FILES.items():
        data = (RAW_DIR / slot).read_bytes()
        assert recognise(data, "fichier") is not None, label
        entries.append(
            Entry(
                27,
                f"recognise {label} ({len(data) // 1024} Ko)",
                lambda data=data: recognise(data, "fichier"),
                lambda data=data: _open(data),
                BUDGET,
                baseline_name="open it",
                repeat=5,
            )
        )
    return entries
