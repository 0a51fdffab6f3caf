"""The reference lists an import is checked against at commune and EPCI level.

Read from the store (territories.parquet and successors.parquet, written by the pipeline from the Etalab
package): the running app never reads data/raw.

- ``commune(code)``: the current commune's name, or None;
- ``successor(code)``: for an old code (a commune merged since, a commune déléguée, an arrondissement
  municipal) the current commune that holds it;
- ``epci(code)``: the EPCI's name, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.core.errors import StoreMissing
from indicators.core.paths import SUCCESSORS_FILE, TERRITORIES_FILE, processed_dir

ARRONDISSEMENT = r"^(751(0[1-9]|1\d|20)|6938[1-9]|132(0[1-9]|1[0-6]))$"  # Paris, Lyon, Marseille


@dataclass(frozen=True)
class Reference:
    communes: dict[str, str]  # current commune code -> name
    epci: dict[str, str]  # SIREN -> name
    successors: dict[str, str]  # old code -> current commune code (current codes excluded)
    arrondissements: frozenset[str]  # arrondissements municipaux of Paris, Lyon, Marseille

    def commune(self, code: str) -> str | None:
        return self.communes.get(code)

    def successor(self, code: str) -> str | None:
        return self.successors.get(code)


def load(store_dir: Path | None = None) -> Reference:
    folder = Path(store_dir or processed_dir())
    territories, successors = folder / TERRITORIES_FILE, folder / SUCCESSORS_FILE
    stamp = tuple(p.stat().st_mtime_ns if p.exists() else None for p in (territories, successors))
    return _load(folder, stamp)


@lru_cache(maxsize=4)
def _load(folder: Path, stamp: tuple) -> Reference:
    if not all(stamp):
        raise StoreMissing(
            f"{folder}: {TERRITORIES_FILE} or {SUCCESSORS_FILE} is missing: build the store with `make data`"
        )
    territories = pd.read_parquet(folder / TERRITORIES_FILE, columns=["level", "code", "name"])
    successors = pd.read_parquet(folder / SUCCESSORS_FILE)
    communes = territories[territories["level"] == "commune"]
    epci = territories[territories["level"] == "epci"]
    moved = successors[successors["old"] != successors["code"]]
    arrondissements = frozenset(moved.loc[moved["old"].str.match(ARRONDISSEMENT), "old"])
    return Reference(
        communes=dict(zip(communes["code"], communes["name"], strict=True)),
        epci=dict(zip(epci["code"], epci["name"], strict=True)),
        successors=dict(zip(moved["old"], moved["code"], strict=True)),
        arrondissements=arrondissements,
    )
