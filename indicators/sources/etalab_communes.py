"""Etalab's administrative division package (npm @etalab/decoupage-administratif): communes, EPCI and
the legal populations of four releases, put on the latest commune geography.

Raw files: data/raw/etalab-decoupage-communes/etalab-decoupage-administratif-<version>.tgz, read as
published (no unpacking on disk). The `population` of a commune is INSEE's population municipale of
one legal-population release; the package carries no year, the PROVENANCE says which:
1.1.1 -> 2019, 2.3.1 -> 2020, 4.1.0 -> 2022, 6.0.0 -> 2023.

Traps handled here:
- each release has the commune geography of its own date, and communes merge every year: every
  older value is moved to the commune that holds it in the latest release (its code, or the commune
  that lists it in ``anciensCodes``, or the ``chefLieu`` of its delegated / associated entry), and
  merged communes are summed (Saint-Denis 93066 + Pierrefitte-sur-Seine 93059 in 2019);
- Paris, Lyon and Marseille are communes (75056, 69123, 13055); their arrondissements municipaux
  are kept as a separate list (``arrondissements``), never added to the communes;
- Mayotte's communes keep their 2017 census count in every release: those values are not a legal
  population of the release year and are flagged (``frozen``).
"""

from __future__ import annotations

import json
import tarfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.core.errors import RawFileError
from indicators.core.paths import RAW_DIR

FOLDER = RAW_DIR / "etalab-decoupage-communes"
RELEASES = {"1.1.1": 2019, "2.3.1": 2020, "4.1.0": 2022, "6.0.0": 2023}
LATEST = "6.0.0"
MAYOTTE = "976"
ZONES = ("metro", "drom")  # the communes of the 101 départements; the overseas collectivities ("com") are left out


def _archive(version: str, folder: Path) -> Path:
    return folder / f"etalab-decoupage-administratif-{version}.tgz"


@lru_cache(maxsize=16)
def read_json(version: str, name: str, folder: Path = FOLDER) -> list[dict]:
    """``package/data/<name>.json`` of one published tarball."""
    path = _archive(version, folder)
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(f"package/data/{name}.json")
            if member is None:
                raise KeyError(name)
            return json.load(member)
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise RawFileError(path, f"package/data/{name}.json readable as JSON ({error})") from error


def communes(folder: Path = FOLDER) -> pd.DataFrame:
    """The current communes (latest release): code, name, departement, region, siren, epci, zone.

    ``epci`` is the SIREN of the EPCI à fiscalité propre the commune belongs to (empty for the four
    island communes that belong to none)."""
    rows = [
        c for c in read_json(LATEST, "communes", folder) if c["type"] == "commune-actuelle" and c.get("zone") in ZONES
    ]
    table = pd.DataFrame(
        {
            "code": [c["code"] for c in rows],
            "name": [c["nom"] for c in rows],
            "departement": [c["departement"] for c in rows],
            "region": [c["region"] for c in rows],
            "siren": [c.get("siren", "") for c in rows],
            "zone": [c.get("zone", "") for c in rows],
        }
    )
    membership = epci_members(folder)
    table["epci"] = table["code"].map(dict(zip(membership["commune"], membership["epci"], strict=True))).fillna("")
    return table


def epci(folder: Path = FOLDER) -> pd.DataFrame:
    """The EPCI à fiscalité propre of the latest release: siren (code), name, type (CA, CC, CU, ME, METRO)."""
    rows = read_json(LATEST, "epci", folder)
    return pd.DataFrame(
        {"code": [e["code"] for e in rows], "name": [e["nom"] for e in rows], "type": [e["type"] for e in rows]}
    )


def epci_members(folder: Path = FOLDER) -> pd.DataFrame:
    """One row per (epci, commune) of the latest release."""
    pairs = [(e["code"], m["code"]) for e in read_json(LATEST, "epci", folder) for m in e["membres"]]
    table = pd.DataFrame(pairs, columns=["epci", "commune"])
    doubled = table[table["commune"].duplicated(keep=False)]
    if len(doubled):
        raise RawFileError(
            _archive(LATEST, folder), f"each commune in one EPCI at most: {sorted(set(doubled['commune']))[:5]}"
        )
    return table


def arrondissements(folder: Path = FOLDER) -> pd.DataFrame:
    """The 45 arrondissements municipaux of Paris, Lyon and Marseille: code, name, commune, population 2023."""
    rows = [c for c in read_json(LATEST, "communes", folder) if c["type"] == "arrondissement-municipal"]
    return pd.DataFrame(
        {
            "code": [c["code"] for c in rows],
            "name": [c["nom"] for c in rows],
            "commune": [c["commune"] for c in rows],
            "population": [c.get("population") for c in rows],
        }
    )


def successors(folder: Path = FOLDER) -> dict[str, str]:
    """Old commune code -> the current commune that holds it (current codes map to themselves).

    Only communes of the 101 départements: a code of an overseas collectivity maps to nothing."""
    return dict(_successors(folder))


@lru_cache(maxsize=4)
def _successors(folder: Path) -> dict[str, str]:
    entries = read_json(LATEST, "communes", folder)
    current = {c["code"] for c in entries if c["type"] == "commune-actuelle" and c.get("zone") in ZONES}
    mapping = {code: code for code in current}
    for entry in entries:
        if entry["type"] == "commune-actuelle":
            for old in entry.get("anciensCodes", []):
                if old not in current:
                    mapping.setdefault(old, entry["code"])
    for entry in entries:
        if entry["type"] in ("commune-deleguee", "commune-associee") and entry["code"] not in current:
            mapping.setdefault(entry["code"], entry["chefLieu"])
    return mapping


def _split_parts(version: str, mapping: dict[str, str], folder: Path) -> dict[str, str]:
    """Communes that were split since ``version``: old parent code -> the current communes it then held.

    A commune delegated to X in ``version`` that is a commune of its own today (e.g. 85165 L'Oie,
    part of 85084 in 2019) makes X's value of that release not comparable with its later ones."""
    current = {code for code, holder in mapping.items() if code == holder}
    parts: dict[str, list[str]] = {}
    for entry in read_json(version, "communes", folder):
        delegated = entry["type"] in ("commune-deleguee", "commune-associee")
        if delegated and entry["code"] in current and entry["code"] != entry["chefLieu"]:
            parts.setdefault(entry["chefLieu"], []).append(entry["code"])
    return {parent: ",".join(sorted(codes)) for parent, codes in parts.items()}


def legal_populations(folder: Path = FOLDER) -> pd.DataFrame:
    """Population municipale of each release year on the latest geography.

    Columns: code, year, population; merged (the release's communes summed into this one, when more
    than one: a merger is summed, so the series stays comparable); split (the current communes that
    this one still held in that release: a series break, the value is not comparable with later
    years); frozen (True for Mayotte, whose count is the 2017 census in every release)."""
    mapping = successors(folder)
    frames = []
    for version, year in RELEASES.items():
        rows = [c for c in read_json(version, "communes", folder) if c["type"] == "commune-actuelle"]
        frame = pd.DataFrame(
            {"old": [c["code"] for c in rows], "population": [c.get("population") for c in rows]}
        ).dropna(subset=["population"])
        frame = frame[~frame["old"].str.startswith(("975", "977", "978", "98"))]  # overseas collectivities
        frame["code"] = frame["old"].map(mapping)
        lost = frame[frame["code"].isna()]
        if len(lost):
            raise RawFileError(
                _archive(version, folder), f"a successor in {LATEST} for every commune: {lost['old'].tolist()[:5]}"
            )
        grouped = frame.groupby("code")[["population"]].sum()
        several = frame[frame["code"].duplicated(keep=False)]  # only merged communes need their codes joined
        joined = several.sort_values("old").groupby("code")["old"].agg(",".join)
        grouped["merged"] = [joined.get(code, "") for code in grouped.index]
        parts = _split_parts(version, mapping, folder)
        grouped["split"] = [parts.get(code, "") for code in grouped.index]
        grouped["year"] = year
        frames.append(grouped.reset_index())
    table = pd.concat(frames, ignore_index=True)
    table["frozen"] = table["code"].str.startswith(MAYOTTE)
    table["population"] = table["population"].astype(float)
    columns = ["code", "year", "population", "merged", "split", "frozen"]
    return table[columns].sort_values(["code", "year"], ignore_index=True)
