"""The profile of a commune or an EPCI, as plain data (the page, the PDF and the tests read it).

``build("commune", "95585", index)``: the commune's figures against its EPCI, its département and
France (each cell says its level and year), its rank among the communes of its département, the
five most similar communes of comparable size, and every other indicator imported at its level.
Read through indicators.storage.query (only the rows it needs); no Streamlit here.

A figure the store does not hold for the territory is missing, with the reason, never a zero: at
commune level a missing value is most often INSEE's statistical secret (small communes) or a commune
outside the source's coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.core.formatting import MISSING, format_indicator, format_number, format_rank, quoted
from indicators.models import freshness, similarity
from indicators.storage import query, territories
from indicators.views import search


def local_indicators() -> list[str]:
    """The indicators published for communes and EPCI, in the order they are shown (the catalogue's ``local: N``);
    read from the catalogue when asked, not at import."""
    return list(catalogue.local_ids())


def similarity_indicators() -> list[str]:
    """Similar communes: comparable size (population within a factor SIZE_FACTOR), then the nearest on these
    (``similarity: {sets: [local]}``)."""
    return list(catalogue.similarity_ids("local"))


def log_scale() -> set[str]:
    """The similarity indicators compared on a log10 scale (``log: true``)."""
    return {i for i in similarity_indicators() if catalogue.repository()[i].similarity.log}


SIZE_FACTOR = 2.0
N_SIMILAR = 5
LEVEL_NAMES = {"commune": "commune", "epci": "intercommunalité", "departement": "département", "france": "France"}
MISSING_REASON = {
    "commune": "non publié pour cette commune (secret statistique d'une petite commune ou absent de la source)",
    "epci": "non publié pour cette intercommunalité",
}
NO_LOCAL_DATA = (
    "Pas encore de données communales dans le magasin de données : seule la population légale (ci-dessus, "
    "découpage administratif Etalab) est connue pour ce territoire."
)


@dataclass(frozen=True)
class Cell:
    """One value of one territory, with its level and year (text 'n.d.' when missing)."""

    level: str
    code: str
    name: str
    value: float | None
    text: str
    year: int | None

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Row:
    """One indicator: the territory's cell, then its EPCI, département and France the same year."""

    indicator_id: str
    label: str
    unit: str
    year: int | None
    source: str
    own: Cell
    others: tuple[Cell, ...]
    rank: str = ""  # "12ᵉ sur 183" (among LocalProfile.rank_scope)
    note: str = ""
    change: str = ""  # the territory's own change over its stored years: "2012 → 2018 : +0,5 pt"


@dataclass(frozen=True)
class Similar:
    code: str
    name: str
    departement: str
    population: float | None
    distance: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.departement})"


@dataclass(frozen=True)
class LocalProfile:
    level: str
    code: str
    name: str
    departement: str
    departement_name: str
    region: str
    epci: str
    epci_name: str
    population: float | None
    population_year: int | None
    rows: tuple[Row, ...]
    imported: tuple[Row, ...]
    similar: tuple[Similar, ...]
    similar_indicators: tuple[str, ...] = ()
    rank_scope: str = ""  # "parmi les communes du département Val-d'Oise (95)"

    @property
    def title(self) -> str:
        return f"{self.name} ({self.departement})" if self.level == "commune" else self.name

    @property
    def kind(self) -> str:
        return search.LEVEL_LABELS[self.level]

    @property
    def has_data(self) -> bool:
        return any(not r.own.missing for r in (*self.rows, *self.imported))

    @property
    def facts(self) -> str:
        """'59 173 habitants (population légale 2023)', from the territory index (Etalab)."""
        if self.population is None:
            return ""
        return f"{format_number(self.population)} habitants (population légale {self.population_year})"


class UnknownTerritory(LookupError):
    pass


def unknown_message(level: str, code: str, successor: str | None = None, successor_name: str | None = None) -> str:
    """What the profile says of a code it does not know: an old commune code (merged since, commune déléguée,
    arrondissement) names the commune that holds it now, with its link; anything else asks for a search."""
    if level == "commune" and successor and successor_name:
        return (
            f"{quoted(code)} est un ancien code de commune : elle fait aujourd'hui partie de **{successor_name}** "
            f"({successor}). [Voir la fiche de {successor_name}](/profil?com={successor})"
        )
    kind = "commune" if level == "commune" else "intercommunalité (SIREN)"
    return f"{quoted(code)} n'est pas un code de {kind} connu. Cherchez le territoire par son nom ci-dessus."


def _info(index: pd.DataFrame, level: str, code: str) -> pd.Series:
    found = index[(index["level"] == level) & (index["code"] == code)]
    if found.empty:
        raise UnknownTerritory(f"{level} {code}")
    return found.iloc[0]


def _value_at(frame: pd.DataFrame, indicator_id: str, year: int | None) -> float | None:
    if year is None:
        return None
    hit = frame[(frame["indicator_id"] == indicator_id) & (frame["year"] == year)]
    return float(hit["value"].iloc[0]) if len(hit) else None


def _cell(frame: pd.DataFrame, indicator: catalogue.Indicator, year, level: str, code: str, name: str) -> Cell:
    """The value of ``year``; for a comparison level without it, its latest earlier year, the year said in
    the text (« 18,4 % (2020) »: the département's Filosofi 2020 beside a commune's 2021)."""
    value = _value_at(frame, indicator.id, year)
    if value is None and year is not None and level in ("epci", "departement", "france"):
        earlier = frame[(frame["indicator_id"] == indicator.id) & (frame["year"] < year)]
        if len(earlier):
            last = int(earlier["year"].max())
            value = _value_at(frame, indicator.id, last)
            return Cell(level, code, name, value, f"{format_indicator(value, indicator)} ({last})", last)
    return Cell(level, code, name, value, format_indicator(value, indicator), year if value is not None else None)


def _change(mine: pd.DataFrame, indicator: catalogue.Indicator) -> str:
    """'2012 → 2018 : 8,9 % → 9,4 % (+0,5 pt)' when the territory has the indicator for several years."""
    if mine["year"].nunique() < 2:
        return ""
    ordered = mine.sort_values("year")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    delta = last["value"] - first["value"]
    unit = " pt" if indicator.unit == "%" else ""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    step = format_number(abs(delta), max(indicator.decimals, 1) if indicator.unit == "%" else indicator.decimals)
    return (
        f"{int(first['year'])} → {int(last['year'])} : {format_indicator(first['value'], indicator)} → "
        f"{format_indicator(last['value'], indicator)} ({sign}{step}{unit})"
    )


def _rank(indicator: catalogue.Indicator, year: int, code: str, peers: pd.DataFrame) -> str:
    """'12ᵉ sur 184' among ``peers`` (the rows of the territories ranked together; 1ᵉʳ = the highest value,
    or the lowest when higher is better)."""
    values = peers[(peers["indicator_id"] == indicator.id) & (peers["year"] == year)].set_index("territory_code")
    values = values["value"]
    if code not in values.index:
        return ""
    ascending = indicator.polarity == "higher_is_better"
    return format_rank(int(values.rank(method="min", ascending=ascending)[code]), len(values))


def _note(notes: pd.DataFrame, indicator_id: str, year: int | None, missing: bool, level: str) -> str:
    """The store's notes on this value (a merger summed, a split, Mayotte frozen), or why it is missing."""
    mine = notes[notes["indicator_id"] == indicator_id]
    if not missing:
        mine = mine[mine["year"] == year]
    text = " ".join(dict.fromkeys(mine["note"]))
    return text or (MISSING_REASON[level] if missing else "")


def _row(indicator_id, own_rows, notes, compared, info, level, peers, store) -> Row:
    indicator = catalogue.get(indicator_id)
    mine = own_rows[own_rows["indicator_id"] == indicator_id]
    year = int(mine["year"].max()) if len(mine) else None
    if year is None:  # the territory has none: the others at the level's latest year
        years = query.years(indicator_id, level, store_dir=store)
        year = years[-1] if years else None
    own = _cell(own_rows, indicator, year, level, info["code"], info["name"])
    others = tuple(_cell(frame, indicator, year, lvl, c, n) for lvl, c, n, frame in compared)
    source_ids = mine.loc[mine["year"] == year, "source_id"] if len(mine) else pd.Series(dtype=str)
    sources = [s for s in indicator.sources if s.id in set(source_ids)] or list(indicator.sources)
    rank = _rank(indicator, year, info["code"], peers) if not own.missing else ""
    note = _note(notes, indicator_id, year, own.missing, level)
    return Row(
        indicator_id,
        indicator.label,
        indicator.unit,
        year,
        " ; ".join(s.citation for s in sources),
        own,
        others,
        rank,
        note,
        _change(mine, indicator),
    )


def _similar(level: str, code: str, population: float | None, index: pd.DataFrame, store) -> tuple[tuple, tuple]:
    """The N_SIMILAR nearest territories of the same level and comparable size (population within a factor
    SIZE_FACTOR), on the z-scores of the similarity_indicators() the territory has a value for."""
    known = catalogue.load()
    ids = [i for i in similarity_indicators() if i in known]
    if population is None or not ids:
        return (), ()
    peers = index[
        (index["level"] == level) & index["population"].between(population / SIZE_FACTOR, population * SIZE_FACTOR)
    ]
    rows = query.rows(indicator_ids=ids, levels=[level], codes=peers["code"].tolist(), store_dir=store)
    if rows.empty:
        return (), ()
    latest = rows[rows["year"] == rows.groupby("indicator_id")["year"].transform("max")]
    matrix = latest.pivot_table(index="territory_code", columns="indicator_id", values="value")
    if code not in matrix.index:
        return (), ()
    used = matrix.columns[matrix.loc[code].notna()].tolist()
    if len(used) < 2:
        return (), ()
    matrix = matrix[used].dropna()
    for key in log_scale().intersection(used):
        matrix[key] = np.log10(matrix[key].clip(lower=0.1))
    z = similarity.standardise(matrix)
    near = similarity.distances(z, code).drop(code).sort_values().head(N_SIMILAR)
    facts = peers.set_index("code")
    found = tuple(
        Similar(c, facts.at[c, "name"], facts.at[c, "departement"], float(facts.at[c, "population"]), float(d))
        for c, d in near.items()
    )
    return found, tuple(used)


def build(level: str, code: str, index: pd.DataFrame, store_dir: Path | None = None) -> LocalProfile:
    """The profile of one commune or EPCI (``level`` "commune" or "epci")."""
    info = _info(index, level, code)
    dep = info["departement"]
    dep_name = territories.departement_names().get(dep, dep)
    own_rows = query.profile_rows(code, level, store_dir=store_dir)
    known = catalogue.load()
    contract = [i for i in local_indicators() if i in known]
    imported = [i for i in own_rows["indicator_id"].unique() if i in known and i not in contract]
    ids = contract + imported
    compared = []
    if level == "commune" and info["epci"]:
        epci_rows = query.profile_rows(info["epci"], "epci", ids, store_dir=store_dir)
        compared.append(("epci", info["epci"], info["epci_name"], epci_rows))
    compared.append(("departement", dep, dep_name, query.profile_rows(dep, "departement", ids, store_dir=store_dir)))
    compared.append(("france", "FR", "France", query.profile_rows("FR", "france", ids, store_dir=store_dir)))
    if level == "commune":
        members = index[(index["level"] == "commune") & (index["departement"] == dep)]["code"].tolist()
        scope = f"parmi les communes du département {dep_name} ({dep})"
    else:
        members = index[index["level"] == "epci"]["code"].tolist()
        scope = "parmi les intercommunalités de France"
    notes = query.notes(code, level, store_dir=store_dir)
    ranked = own_rows["indicator_id"].unique().tolist()
    peers = query.rows(indicator_ids=ranked, levels=[level], codes=members, store_dir=store_dir)  # one read, all ranks
    rows = [_row(i, own_rows, notes, compared, info, level, peers, store_dir) for i in ids]
    population = None if pd.isna(info["population"]) else float(info["population"])
    population_year = None if pd.isna(info["population_year"]) else int(info["population_year"])
    legal = next((r.own for r in rows if r.indicator_id == "legal_population" and not r.own.missing), None)
    if legal is not None:  # the store's latest legal population (the index holds 2022 for an EPCI)
        population, population_year = legal.value, legal.year
    similar, used = _similar(level, code, population, index, store_dir)
    return LocalProfile(
        level=level,
        code=code,
        name=info["name"],
        departement=dep,
        departement_name=dep_name,
        region=territories.territory_name("region", territories.region_of().get(dep, "")),
        epci=info["epci"] if level == "commune" else "",
        epci_name=info["epci_name"] if level == "commune" else "",
        population=population,
        population_year=population_year,
        rows=tuple(r for r in rows if r.indicator_id in contract and r.year is not None),
        imported=tuple(r for r in rows if r.indicator_id not in contract),
        similar=similar,
        similar_indicators=used,
        rank_scope=scope,
    )


def table_rows(profile: LocalProfile, rows: tuple[Row, ...]) -> tuple[list[str], list[list[str]]]:
    """Header and body of the key-figure table: indicator, year, the territory, its EPCI, département, France,
    rank. Every column header names its level."""
    columns = [profile.kind + " : " + profile.name]
    if rows:
        columns += [
            f"{LEVEL_NAMES[c.level].capitalize()} : {c.name}" if c.level != "france" else "France"
            for c in rows[0].others
        ]
    header = ["Indicateur", "Année", *columns, f"Rang {profile.rank_scope}"]
    body = [
        [
            f"{r.label} ({r.unit})",
            freshness.year_cell(r.indicator_id, r.year) if r.year else MISSING,
            r.own.text,
            *(c.text for c in r.others),
            r.rank or "—",
        ]
        for r in rows
    ]
    return header, body


def age_notes(rows: tuple[Row, ...]) -> list[str]:
    """The old figures among ``rows``, grouped by their age sentence (freshness.grouped)."""
    return freshness.grouped((r.label, r.indicator_id, r.year) for r in rows if r.year and not r.own.missing)


def sections(profile: LocalProfile) -> list[tuple[str, tuple[Row, ...]]]:
    """The profile's rows by section of the catalogue's ``local_sections`` (Revenus et pauvreté, Âges et
    vieillissement, Jeunesse, Logement, Emploi …), in order; a section without rows is left out."""
    titles = catalogue.local_sections()
    section = {r.indicator_id: catalogue.get(r.indicator_id).extra.get("local_section", "") for r in profile.rows}
    out = [(title, tuple(r for r in profile.rows if section[r.indicator_id] == key)) for key, title in titles.items()]
    rest = tuple(r for r in profile.rows if section[r.indicator_id] not in titles)
    return [(t, rows) for t, rows in [*out, ("Autres indicateurs", rest)] if rows]


def csv_table(profile: LocalProfile) -> pd.DataFrame:
    """The page as numbers, one row per figure: section, indicator, unit, year, the territory's value, its
    EPCI's, département's and France's (each with its year), rank, change, source, note."""
    records = []
    for title, rows in sections(profile):
        for r in rows:
            record = {
                "Section": title,
                "Indicateur": r.label,
                "Identifiant": r.indicator_id,
                "Unité": r.unit,
                "Année": r.year,
                f"{profile.kind} : {profile.name}": r.own.value,
            }
            for c in r.others:
                name = "France" if c.level == "france" else f"{LEVEL_NAMES[c.level].capitalize()} : {c.name}"
                record[name] = c.value
                record[f"Année ({name})"] = c.year
            record |= {"Rang": r.rank, "Évolution": r.change, "Source": r.source, "Note": r.note}
            records.append(record)
    return pd.DataFrame(records)


def to_csv_bytes(profile: LocalProfile) -> bytes:
    """csv_table as the app's CSV (';', decimal comma, UTF-8 with BOM)."""
    from indicators.core import exports

    return exports.to_csv(csv_table(profile))


def similar_method(profile: LocalProfile) -> str:
    """How the similar territories were chosen, naming the indicators actually used."""
    kind = "communes" if profile.level == "commune" else "intercommunalités"
    used = ", ".join(catalogue.get(i).short_label.lower() for i in profile.similar_indicators)
    return (
        f"Parmi les {kind} de taille comparable (population légale entre la moitié et le double) qui ont ces "
        f"valeurs, distance euclidienne entre valeurs centrées-réduites de : {used} (densité en échelle "
        "logarithmique)."
    )


def context_rows(departement, shown: tuple[Row, ...] = ()) -> tuple[list[str], list[list[str]]]:
    """The département's social indicators (a profile.Profile), as context: every header says départemental.
    Those already in ``shown`` (the commune's rows, with the département's column) are not repeated."""
    skip = {r.indicator_id for r in shown}
    header = ["Indicateur (niveau départemental)", "Année", f"Département : {departement.name}", "France", "Rang"]
    body = [
        [
            f.label,
            str(f.year) if f.year else MISSING,
            f.text,
            (f.france_text or MISSING) + (" (médiane des départements)" if f.france_is_median else ""),
            f.rank or "—",
        ]
        for f in departement.social
        if f.key not in skip
    ]
    return header, body
