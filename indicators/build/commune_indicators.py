"""Commune and EPCI indicators of the store, with their département and France totals on the same definition.

From the legal populations of the Etalab package (indicators/sources/etalab_communes.py) and INSEE's
comparateur extract (indicators/sources/insee_comparateur_communes.py), both on the latest commune
geography. ``build()`` returns (rows, notes):

- rows: tidy store rows (territory_level, territory_code, indicator_id, year, value, source_id) at the
  levels commune, epci, departement and france for the ids of INDICATORS;
- notes: one row per value whose series needs a word (territory_level, territory_code, indicator_id,
  year, kind, note): ``merged`` (communes merged since were summed: the value differs from the one
  published under the geography of its day), ``split`` (the commune of that day also held communes
  restored since: a series break), ``frozen`` (Mayotte), ``partial`` (a total without some members).

Rules:
- a total (EPCI, département, France) sums the counts of its current member communes; a ratio is
  recomputed from the summed numerator and denominator over the members that have both, never an
  average of rates;
- a total is published only when the members with a value hold at least COVERAGE of the population
  (legal population 2023; Mayotte's 2017 count); the members without one are named in a ``partial``
  note. In practice: France is "hors Mayotte" (no census 2021, population frozen at 2017) and the
  census totals of the Eure leave out Les Trois Lacs (27676), absent from the extract;
- a commune restored since a release (split) is covered, in that release, by the commune that then
  held it: a total holding both is complete;
- Mayotte's communes keep the 2017 census count in every release: it is stored once, as year 2017,
  never as a legal population of 2019-2023; its rates on those populations are not computed;
- the census values of a commune restored since the census geography (COG 2024) are not stored for
  the commune that then held it (they describe a larger territory): Neussargues-Moissac (15141);
- Paris, Lyon and Marseille are one commune each (75056, 69123, 13055): their arrondissements
  municipaux are summed into them and are not territories of the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.core.paths import RAW_DIR
from indicators.sources import etalab_communes, insee_comparateur_communes

LEGAL_SOURCE = "etalab_decoupage_communes"
CENSUS_SOURCE = "insee_comparateur_communes"
LEGAL_YEARS = sorted(etalab_communes.RELEASES.values())  # 2019, 2020, 2022, 2023
FIRST, LAST = LEGAL_YEARS[0], LEGAL_YEARS[-1]
MAYOTTE_YEAR = 2017  # the census Mayotte's count comes from
CENSUS_YEAR, CIVIL_YEAR = 2021, 2022
COVERAGE = 0.99
LEVELS = ("commune", "epci", "departement", "france")
NOTE_COLUMNS = ["territory_level", "territory_code", "indicator_id", "year", "kind", "note"]
ROW_COLUMNS = ["territory_level", "territory_code", "indicator_id", "year", "value", "source_id"]


@dataclass(frozen=True)
class Measure:
    """One indicator-year: a count column, or ``numerator / denominator`` turned into the value by ``ratio``."""

    indicator_id: str
    year: int
    numerator: str
    denominator: str | None = None
    source_id: str = CENSUS_SOURCE

    def value(self, num, den):
        if self.denominator is None:
            return num
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.indicator_id == "legal_population_change":
                years = LAST - FIRST
                out = (np.power(num / den, 1 / years) - 1) * 100
            elif self.indicator_id == "density":
                out = num / den
            elif self.indicator_id in ("birth_rate", "death_rate"):
                out = num / den * 1000
            else:
                out = num / den * 100
        return np.where(np.asarray(den) > 0, out, np.nan)


MEASURES = [
    *[Measure("legal_population", y, f"pop_{y}", source_id=LEGAL_SOURCE) for y in [MAYOTTE_YEAR, *LEGAL_YEARS]],
    Measure("legal_population_change", LAST, f"pop_{LAST}", f"pop_{FIRST}", LEGAL_SOURCE),
    Measure("density", CENSUS_YEAR, "population_2021", "area_km2"),
    Measure("households", CENSUS_YEAR, "households_2021"),
    Measure("census_unemployment_rate_15_64", CENSUS_YEAR, "unemployed_15_64_2021", "active_15_64_2021"),
    Measure("birth_rate", CIVIL_YEAR, "births_2022", f"pop_{CIVIL_YEAR}"),
    Measure("death_rate", CIVIL_YEAR, "deaths_2022", f"pop_{CIVIL_YEAR}"),
]
INDICATORS = sorted({m.indicator_id for m in MEASURES})
CENSUS_COLUMNS = list(insee_comparateur_communes.COUNTS.values())


def _names(version: str, folder: Path) -> dict[str, str]:
    return {c["code"]: c["nom"] for c in etalab_communes.read_json(version, "communes", folder)}


def _listed(codes: str, names: dict[str, str]) -> str:
    return ", ".join(f"{c} {names.get(c, '')}".strip() for c in codes.split(","))


@dataclass
class Counts:
    """What ``counts`` builds, step by step: the wide counts by current commune, the covered parts by column
    (``covered[column][part] = parent``: the part has no value of its own in that column because the parent's
    value, in the geography of that data, includes it) and the notes of the commune level."""

    wide: pd.DataFrame
    covered: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[tuple] = field(default_factory=list)

    def pipe(self, step, *args) -> Counts:
        step(self, *args)
        return self

    def note(self, code: str, indicator_id: str, year: int, kind: str, text: str) -> None:
        self.notes.append((code, indicator_id, year, kind, text))


def counts(raw_dir: Path = RAW_DIR) -> tuple[pd.DataFrame, dict[str, dict[str, str]], pd.DataFrame]:
    """(wide counts by current commune, covered parts by column, notes of the commune level), in named steps."""
    folder = raw_dir / etalab_communes.FOLDER.name
    legal = etalab_communes.legal_populations(folder)
    census_path = raw_dir / insee_comparateur_communes.PATH.relative_to(RAW_DIR)
    census = insee_comparateur_communes.read(census_path, folder).set_index("code")
    communes = etalab_communes.communes(folder)
    done = (
        Counts(pd.DataFrame(index=pd.Index(communes["code"], name="code")))
        .pipe(_mayotte_count, legal)
        .pipe(_legal_populations, legal, folder)
        .pipe(_split_since_first_release)
        .pipe(_mayotte_notes, legal)
        .pipe(_census_counts, census, folder)
        .pipe(_census_notes, census_path, folder)
    )
    notes_frame = pd.DataFrame(done.notes, columns=["territory_code", "indicator_id", "year", "kind", "note"])
    return done.wide, done.covered, notes_frame.assign(territory_level="commune")[NOTE_COLUMNS]


def _mayotte_count(c: Counts, legal: pd.DataFrame) -> None:
    """Mayotte's communes: the 2017 census count every release keeps, stored once as year 2017."""
    frozen = legal[legal["frozen"]]
    c.wide[f"pop_{MAYOTTE_YEAR}"] = frozen[frozen["year"] == LAST].set_index("code")["population"]


def _legal_populations(c: Counts, legal: pd.DataFrame, folder: Path) -> None:
    """One column per release; the parts restored since each release covered by the commune that held them;
    notes on the communes merged since (summed) and on the ones that then held restored communes (a break)."""
    latest_names = _names(etalab_communes.LATEST, folder)
    for version, year in etalab_communes.RELEASES.items():
        rows = legal[(legal["year"] == year) & ~legal["frozen"]].set_index("code")
        c.wide[f"pop_{year}"] = rows["population"]
        c.covered[f"pop_{year}"] = {
            p: parent for parent, parts in rows["split"].items() if parts for p in parts.split(",")
        }
        names = _names(version, folder)
        for code, merged in rows.loc[rows["merged"] != "", "merged"].items():
            c.note(
                code,
                "legal_population",
                year,
                "merged",
                f"Somme des communes fusionnées depuis : {_listed(merged, names)}.",
            )
            if year == FIRST:
                c.note(
                    code,
                    "legal_population_change",
                    LAST,
                    "merged",
                    f"Population {FIRST} : somme de {_listed(merged, names)}.",
                )
        for code, parts in rows.loc[rows["split"] != "", "split"].items():
            c.note(
                code,
                "legal_population",
                year,
                "split",
                f"Rupture de série : en {year}, la commune comprenait aussi {_listed(parts, latest_names)}, "
                "rétablies depuis ; valeur non comparable aux années suivantes.",
            )


def _split_since_first_release(c: Counts) -> None:
    """No population change for a commune that held, in the first release, communes restored since."""
    first_split = c.wide.index.isin(list(c.covered[f"pop_{FIRST}"].values()))
    for code in c.wide.index[first_split]:
        c.note(
            code,
            "legal_population_change",
            LAST,
            "split",
            f"Non calculée : rupture de série (scission) depuis {FIRST}.",
        )


def _mayotte_notes(c: Counts, legal: pd.DataFrame) -> None:
    for code in legal.loc[legal["frozen"], "code"].unique():
        c.note(
            code,
            "legal_population",
            MAYOTTE_YEAR,
            "frozen",
            "Recensement de 2017 : Mayotte garde ce chiffre dans les populations légales 2019 à 2023 "
            "(pas de recensement depuis) ; il est présenté à son année, 2017.",
        )


def _census_counts(c: Counts, census: pd.DataFrame, folder: Path) -> None:
    """The comparateur's counts; a census commune that held communes restored since (COG 2024 -> latest):
    its parts covered, not stored."""
    for column in CENSUS_COLUMNS:
        c.wide[column] = census[column]
    census_parts = {
        p: parent
        for parent, parts in etalab_communes._split_parts("4.1.0", etalab_communes.successors(folder), folder).items()
        for p in parts.split(",")
        if p not in census.index
    }
    for column in CENSUS_COLUMNS:
        c.covered[column] = census_parts


def _census_notes(c: Counts, census_path: Path, folder: Path) -> None:
    """Notes on the census values: communes merged since (summed), communes that held restored ones (not published)."""
    census_names = _names("4.1.0", folder)
    census_measures = [m for m in MEASURES if m.source_id == CENSUS_SOURCE]
    for code, merged in insee_comparateur_communes.merged_codes(census_path, folder).items():
        for m in census_measures:
            c.note(
                code,
                m.indicator_id,
                m.year,
                "merged",
                f"Somme des communes fusionnées depuis : {_listed(merged, census_names)}.",
            )
    census_parts = c.covered[CENSUS_COLUMNS[0]]
    for parent in sorted(set(census_parts.values())):
        parts = ",".join(sorted(p for p, q in census_parts.items() if q == parent))
        for m in census_measures:
            c.note(
                parent,
                m.indicator_id,
                m.year,
                "split",
                "Non publiée pour la commune actuelle : le comparateur de l'Insee (géographie 2024) "
                f"la compte avec {_listed(parts, census_names)}, rétablies depuis.",
            )


def _present(wide: pd.DataFrame, column: str, unit: pd.Series, covered: dict[str, str]) -> pd.Series:
    """True where a member has a value in ``column`` or is covered by a parent of the same unit that has one."""
    present = wide[column].notna()
    for part, parent in covered.items():
        if part in wide.index and parent in wide.index and unit.get(part) == unit.get(parent):
            present[part] = bool(present[parent])
    return present


def _totals(
    wide: pd.DataFrame,
    covered: dict,
    unit: pd.Series,
    weight: pd.Series,
    level: str,
    names: dict[str, str],
    departement: pd.Series,
) -> tuple[list[pd.DataFrame], list[tuple]]:
    """Rows and ``partial`` notes of one aggregate level (unit: current commune -> code of the total;
    departement: current commune -> its département, to name a whole département left out once)."""
    rows, notes = [], []
    members = unit.notna() & (unit != "")
    unit = pd.Series(unit[members].to_numpy(dtype=object), index=unit.index[members])  # fast to group by
    total_weight = weight[members].groupby(unit).sum()
    for m in MEASURES:
        present = _present(wide, m.numerator, unit, covered.get(m.numerator, {}))
        if m.denominator is not None:
            present &= _present(wide, m.denominator, unit, covered.get(m.denominator, {}))
        present = present[members]
        share = weight[members].where(present, 0).groupby(unit).sum() / total_weight
        num = wide.loc[members, m.numerator].where(present).groupby(unit).sum(min_count=1)
        den = wide.loc[members, m.denominator].where(present).groupby(unit).sum(min_count=1) if m.denominator else None
        value = pd.Series(m.value(num, den.reindex(num.index) if den is not None else None), index=num.index)
        keep = (share.reindex(value.index) >= COVERAGE) & value.notna()
        value = value[keep]
        rows.append(
            pd.DataFrame(
                {
                    "territory_level": level,
                    "territory_code": value.index.astype(str),
                    "indicator_id": m.indicator_id,
                    "year": m.year,
                    "value": value.to_numpy(dtype=float),
                    "source_id": m.source_id,
                }
            )
        )
        absent = ~present & (weight[members] > 0)
        missing_by_unit = absent.index[absent].groupby(unit[absent].to_numpy())
        for code in value.index[share.reindex(value.index) < 1]:
            shown, missing_codes = _left_out(list(missing_by_unit.get(code, [])), departement, names)
            more = f" et {len(missing_codes) - 10} autres" if len(missing_codes) > 10 else ""
            notes.append(
                (
                    level,
                    code,
                    m.indicator_id,
                    m.year,
                    "partial",
                    f"Total hors {shown}{more} (pas de valeur) : {_percent(share[code])} de la population couverte.",
                )
            )
        if level == "france" or m.year == MAYOTTE_YEAR:
            continue  # France is never short of 1 %; 2017 is Mayotte's year only
        for code in share.index[share < COVERAGE]:
            shown, missing_codes = _left_out(list(missing_by_unit.get(code, [])), departement, names)
            more = f" et {len(missing_codes) - 10} autres" if len(missing_codes) > 10 else ""
            notes.append(
                (
                    level,
                    code,
                    m.indicator_id,
                    m.year,
                    "partial",
                    f"Non publié : pas de valeur pour {shown}{more} ({_percent(share[code])} de la population "
                    f"couverte, {_percent(COVERAGE)} requis).",
                )
            )
    return rows, notes


def _left_out(codes: list[str], departement: pd.Series, names: dict[str, str]) -> tuple[str, list[str]]:
    """('département 976 (Mayotte), 27676 Les Trois Lacs', the communes listed one by one): a département
    none of whose communes has a value is named once."""
    by_departement = departement.groupby(departement).size()
    counts = departement.reindex(codes).value_counts()
    whole = sorted(d for d, n in counts.items() if n == by_departement[d])
    rest = [c for c in codes if departement[c] not in whole]
    parts = [f"département {d} ({names.get(f'dep:{d}', '')})" for d in whole]
    parts += [f"{c} {names.get(c, '')}".strip() for c in rest[:10]]
    return ", ".join(parts), rest


def _percent(share: float) -> str:
    from indicators.core.formatting import format_value

    return format_value(share * 100, "%", 1)


def build(raw_dir: Path = RAW_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(store rows without variant, notes) of every commune indicator at every level of LEVELS."""
    folder = raw_dir / etalab_communes.FOLDER.name
    wide, covered, commune_notes = counts(raw_dir)
    communes = etalab_communes.communes(folder).set_index("code")
    names = communes["name"].to_dict()
    names.update(
        {
            f"dep:{d['code']}": d["nom"]
            for d in etalab_communes.read_json(etalab_communes.LATEST, "departements", folder)
        }
    )
    weight = wide[f"pop_{LAST}"].fillna(wide[f"pop_{MAYOTTE_YEAR}"]).fillna(0)
    census_split = set(covered[CENSUS_COLUMNS[0]].values())
    # commune level: the values themselves (ratios where the denominator is positive)
    rows = []
    for m in MEASURES:
        num = wide[m.numerator]
        den = wide[m.denominator] if m.denominator else None
        value = pd.Series(m.value(num, den) if den is not None else num, index=wide.index)
        if m.source_id == CENSUS_SOURCE or m.denominator == f"pop_{CIVIL_YEAR}":
            value[value.index.isin(census_split)] = np.nan
        if m.indicator_id == "legal_population_change":
            value[value.index.isin(list(covered[f"pop_{FIRST}"].values()))] = np.nan
        if m.denominator == f"pop_{CIVIL_YEAR}":
            value[value.index.isin(list(covered[f"pop_{CIVIL_YEAR}"].values()))] = np.nan
        value = value.dropna()
        rows.append(
            pd.DataFrame(
                {
                    "territory_level": "commune",
                    "territory_code": value.index.astype(str),
                    "indicator_id": m.indicator_id,
                    "year": m.year,
                    "value": value.to_numpy(dtype=float),
                    "source_id": m.source_id,
                }
            )
        )
    notes = [commune_notes]
    units = {
        "epci": communes["epci"].reindex(wide.index),
        "departement": communes["departement"].reindex(wide.index),
        "france": pd.Series("FR", index=wide.index),
    }
    for level, unit in units.items():
        level_rows, level_notes = _totals(wide, covered, unit, weight, level, names, units["departement"])
        rows += level_rows
        notes.append(pd.DataFrame(level_notes, columns=NOTE_COLUMNS))
    table = pd.concat(rows, ignore_index=True)[ROW_COLUMNS]
    all_notes = pd.concat(notes, ignore_index=True)
    all_notes["year"] = all_notes["year"].astype("int64")
    return table, all_notes.sort_values(NOTE_COLUMNS[:4], ignore_index=True)
