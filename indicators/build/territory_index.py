"""The territories a user can look for: 101 départements, 34 875 communes, 1 255 EPCI, built once by
the pipeline into ``territories.parquet`` (the running app does not read data/raw for it).

Columns: level (departement | epci | commune), code (INSEE code, SIREN for an EPCI), name,
departement (for an EPCI: the département of most of its inhabitants), region, epci (a commune's
EPCI SIREN, empty for the four island communes), epci_name, population (latest legal population;
2022 for EPCI as the package gives it, 2023 for communes; none for départements), population_year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.paths import RAW_DIR
from indicators.sources import admin_units, etalab_communes

COLUMNS = ["level", "code", "name", "departement", "region", "epci", "epci_name", "population", "population_year"]


def build(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    folder = raw_dir / etalab_communes.FOLDER.name
    communes = etalab_communes.communes(folder)
    latest_year = etalab_communes.RELEASES[etalab_communes.LATEST]
    population = {
        c["code"]: float(c["population"])
        for c in etalab_communes.read_json(etalab_communes.LATEST, "communes", folder)
        if c["type"] == "commune-actuelle" and "population" in c
    }
    epci = etalab_communes.epci(folder)
    epci_names = dict(zip(epci["code"], epci["name"], strict=True))
    communes_rows = communes.assign(
        level="commune",
        epci_name=communes["epci"].map(epci_names).fillna(""),
        population=communes["code"].map(population),
        population_year=latest_year,
    )
    members = etalab_communes.epci_members(folder).merge(
        communes[["code", "departement", "region"]], left_on="commune", right_on="code"
    )
    members["population"] = members["commune"].map(population)
    # an EPCI's département: the one where most of its inhabitants live
    seat = (
        members.groupby(["epci", "departement", "region"], as_index=False)["population"]
        .sum()
        .sort_values("population", ascending=False)
        .drop_duplicates("epci")
        .set_index("epci")
    )
    epci_population = {e["code"]: e["populationMunicipale"] for e in etalab_communes.read_json("6.0.0", "epci", folder)}
    epci_rows = epci.assign(
        level="epci",
        departement=epci["code"].map(seat["departement"]),
        region=epci["code"].map(seat["region"]),
        epci=epci["code"],
        epci_name=epci["name"],
        population=epci["code"].map(epci_population).astype(float),
        population_year=2022,
    )
    deps = admin_units.departements(raw_dir)
    dep_rows = pd.DataFrame(
        {
            "level": "departement",
            "code": deps["code"],
            "name": deps["name"],
            "departement": deps["code"],
            "region": deps["region"],
            "epci": "",
            "epci_name": "",
            "population": float("nan"),
            "population_year": pd.NA,
        }
    )
    table = pd.concat([dep_rows, epci_rows[COLUMNS], communes_rows[COLUMNS]], ignore_index=True)
    table["population_year"] = table["population_year"].astype("Int64")
    return table[COLUMNS]


def successors(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """Every old commune code of the Etalab package with the current commune that holds it: old, code, name
    (current codes are listed too, as their own successor; arrondissements municipaux with their commune)."""
    folder = raw_dir / etalab_communes.FOLDER.name
    mapping = etalab_communes.successors(folder)
    for row in etalab_communes.arrondissements(folder).itertuples(index=False):
        mapping.setdefault(row.code, row.commune)
    communes = etalab_communes.communes(folder)
    names = dict(zip(communes["code"], communes["name"], strict=True))
    table = pd.DataFrame({"old": list(mapping), "code": list(mapping.values())})
    table["name"] = table["code"].map(names).fillna("")
    return table.sort_values("old", ignore_index=True)
