"""Territory codes of an upload: the header of the code column in its common spellings (« Code département »,
CODGEO, DEP…), the level the codes show, the codes checked against the départements, régions, current communes
(an old code names the commune it merged into) and EPCI."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from indicators.publishing.upload_numbers import MISSING_MARKERS
from indicators.storage import territories

CODE_COLUMNS = (
    "territory_code",
    "codgeo",
    "code",
    "code_dep",
    "code_departement",
    "dep",
    "departement",
    "code_commune",
    "code_insee",
    "insee_com",
    "depcom",
    "code_geographique",
    "siren",
    "code_epci",
    "siren_epci",
)
LEVEL_ALIASES = {
    "departement": "departement",
    "département": "departement",
    "dep": "departement",
    "region": "region",
    "région": "region",
    "reg": "region",
    "france": "france",
    "fr": "france",
    "commune": "commune",
    "com": "commune",
    "epci": "epci",
    "intercommunalite": "epci",
    "intercommunalité": "epci",
}
LEVELS_TEXT = "departement, region, france, commune, epci"
UNKNOWN_CODE = "code de territoire inconnu (attendu : un département 01 à 95, 2A, 2B, 971 à 976, une région ou FR)"
CORSICA = "code de territoire inconnu : 20 est l'ancien code de la Corse (attendu : 2A ou 2B)"
UNKNOWN_COMMUNE = (
    "code commune inconnu (attendu : le code Insee à 5 caractères d'une commune actuelle, ex. 95585, 2A004)"
)
UNKNOWN_EPCI = "SIREN d'EPCI inconnu (attendu : les 9 chiffres d'un EPCI à fiscalité propre, ex. 200055655)"
COMMUNE_SHAPE = re.compile(r"^(\d{4,5}|2[AB]\d{3})$")
EPCI_SHAPE = re.compile(r"^\d{9}$")


def _codes(level: pd.Series, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(normalised code or NA, repaired?) for each row, by level; région codes never confused with départements.

    Only the 101 départements (metropolitan + DROM) are accepted, not the overseas collectivities.
    """
    accepted = set(territories.departement_codes())
    regions = set(territories.regions()["code"])

    def one(lev: str, code: str) -> str | None:
        text = str(code).strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if lev == "departement":
            normalised = territories.normalise_departement_code(text)
            return normalised if normalised in accepted else None
        if lev == "region":
            text = "0" + text if text.isdigit() and len(text) == 1 else text
            return text if text in regions else None
        if lev == "commune":
            text = text.zfill(5) if text.isdigit() and len(text) == 4 else text
            return text if ref.commune(text) else None
        if lev == "epci":
            return text if text in ref.epci else None
        return "FR" if text in ("FR", "FRANCE", "FRA", "FXX") else None

    def commune(code: str) -> str | None:  # one() for a commune, without its tests of the level
        text = str(code).strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if len(text) == 4 and text.isdigit():
            text = "0" + text
        return text if communes.get(text) else None

    level_codes, levels = pd.factorize(level.astype(str))
    raw_codes, raws = pd.factorize(raw.astype(str))
    group, combined = pd.factorize(level_codes * len(raws) + raw_codes)
    levels, raws = levels.tolist(), raws.tolist()  # Python strings: indexing a pandas Index costs µs per item
    ref = reference() if {"commune", "epci"} & set(levels) else None  # read once, not once per distinct code
    communes = ref.communes if ref is not None else {}
    level_of, raw_of = np.divmod(combined, max(len(raws), 1))
    uniques = [raws[i] for i in raw_of.tolist()]  # the distinct (level, code) pairs, level by level below
    normalised: list[str | None] = [None] * len(uniques)
    for i, lev in enumerate(levels):
        where = np.flatnonzero(level_of == i).tolist()
        rule = commune if lev == "commune" else lambda code, lev=lev: one(lev, code)
        for position, value in zip(where, map(rule, [uniques[w] for w in where]), strict=True):
            normalised[position] = value
    codes = pd.Series(pd.array(normalised, dtype="str").take(group), index=raw.index)
    was_repaired = [n is not None and n != code.strip() for code, n in zip(uniques, normalised, strict=True)]
    repaired = pd.Series(pd.array(was_repaired, dtype=bool).take(group), index=raw.index)
    return codes, repaired


def reference():
    from indicators.storage import reference_codes

    return reference_codes.load()


def code_problem(level: str, raw: str) -> str:
    """Why a code is refused at ``level`` (commune: the successor of an old code is named)."""
    text = str(raw).strip().upper()
    text = text[:-2] if text.endswith(".0") else text
    if level == "epci":
        return UNKNOWN_EPCI
    if level != "commune":
        return UNKNOWN_CODE
    text = text.zfill(5) if text.isdigit() and len(text) == 4 else text
    ref = reference()
    holder = ref.successor(text)
    if holder is None:
        return UNKNOWN_COMMUNE
    if text in ref.arrondissements:
        name = ref.commune(holder)
        return f"{text} est un arrondissement municipal de {holder} {name} : importez la commune {holder}"
    return f"{text} a fusionné dans {holder} {ref.commune(holder)} : utilisez le code {holder}"


def infer_level(codes: pd.Series) -> str:
    """The level most codes of a file show: commune (5 characters), epci (9 digits), else departement."""
    rows, uniques = pd.factorize(codes.astype(str), use_na_sentinel=False)  # the rules once per distinct code
    weight = np.bincount(rows, minlength=len(uniques))
    text = pd.Series(uniques, dtype="str").str.strip().str.upper().str.replace(r"\.0$", "", regex=True)
    kept = ~text.str.lower().isin(MISSING_MARKERS).to_numpy()
    total = weight[kept].sum()
    if not total:
        return "departement"
    if weight[kept & text.str.match(EPCI_SHAPE).to_numpy()].sum() / total > 0.5:
        return "epci"
    if weight[kept & text.str.match(COMMUNE_SHAPE).to_numpy()].sum() / total > 0.5:
        return "commune"
    return "departement"


def header_key(name: object) -> str:
    """A header as the lists above write it: « Code département » -> code_departement, « Code-Insee » ->
    code_insee, « CODGEO » -> codgeo (lower case, accents dropped, spaces, dashes and dots as one underscore)."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-.']+", "_", plain.strip().lower()).strip("_")


def _column(table: pd.DataFrame, *names: str) -> str | None:
    """The table's column named one of ``names`` (the first found) in any common spelling (header_key)."""
    keys: dict[str, str] = {}
    for column in table.columns:
        keys.setdefault(header_key(column), column)
    return next((keys[header_key(n)] for n in names if header_key(n) in keys), None)
