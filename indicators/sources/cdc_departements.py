"""Caisse des Dépôts, Logements et logements sociaux dans les départements (publications 2018–2022).

Only the poverty rate is taken: publication N carries Filosofi N−2 (verified: publication 2022
equals FILO2020 for all 98 départements), so publications 2018–2021 give Filosofi 2016–2019.
Publications 2018 and 2019 (Filosofi 2016, 2017) are rounded to whole percent in this file.
Filosofi 2020 itself comes from INSEE's own file (insee_filosofi), so publication 2022 is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.sources.admin_units import normalise_departement_code

SOURCE_ID = "cdc_logements_departements"
FILES = ["cdc-logements-departements/logements-et-logements-sociaux-dans-les-departements.csv"]
LAG = 2
PUBLICATIONS = range(2018, 2022)
NEEDED = ["annee_publication", "code_departement", "taux_de_pauvrete_en"]


def read(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / FILES[0]
    if not path.exists():
        raise RawFileError(path, "file not found")
    try:
        table = pd.read_csv(path, sep=";", dtype=str, usecols=lambda c: c in NEEDED)
    except (ValueError, pd.errors.ParserError) as exc:
        raise RawFileError(path, f"a ';'-separated table with columns {NEEDED} ({exc})") from exc
    missing = [c for c in NEEDED if c not in table.columns]
    if missing:
        raise RawFileError(path, f"columns {NEEDED}; missing {missing}")
    table["territory_code"] = table["code_departement"].map(normalise_departement_code)
    table["publication"] = pd.to_numeric(table["annee_publication"], errors="coerce")
    table["value"] = pd.to_numeric(table["taux_de_pauvrete_en"], errors="coerce")
    table = table.dropna(subset=["territory_code", "publication", "value"])
    table = table[table["publication"].isin(PUBLICATIONS)]
    if table.empty:
        raise RawFileError(path, f"poverty rates for publication years {list(PUBLICATIONS)}")
    return pd.DataFrame(
        {
            "territory_level": "departement",
            "territory_code": table["territory_code"],
            "indicator_id": "poverty_rate",
            "year": table["publication"].astype(int) - LAG,
            "value": table["value"].astype(float),
        }
    ).reset_index(drop=True)
