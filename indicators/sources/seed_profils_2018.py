"""Curated figures from the 2018 département profiles (Isère, Loire-Atlantique, Seine-Saint-Denis).

The document is the "Métiers du social du futur" prospective booklet (2018), pages "La collectivité"
(budget, share spent on social action, agents). The figures are typed from the document into
``data/raw/seed-profils-2018/profils-departements-2018.csv``, each with the sentence as printed.
Other départements have no value: no row, never a zero.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError

SOURCE_ID = "profils_departements_2018"
FILES = ["seed-profils-2018/profils-departements-2018.csv"]
NEEDED = ["territory_code", "indicator_id", "year", "value"]


def read(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / FILES[0]
    if not path.exists():
        raise RawFileError(path, "file not found")
    table = pd.read_csv(path, dtype={"territory_code": str})
    missing = [c for c in NEEDED if c not in table.columns]
    if missing:
        raise RawFileError(path, f"columns {NEEDED}; missing {missing}")
    table["territory_level"] = "departement"
    table["value"] = table["value"].astype(float)
    return table[["territory_level", "territory_code", "indicator_id", "year", "value"]]
