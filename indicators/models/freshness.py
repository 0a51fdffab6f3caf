"""How old each figure is: the year held, the year its publisher has most likely published by now, and a status.

The catalogue gives each source its rhythm (``catalogue.Publication``: the edition of reference year N is usually
out by the end of ``month`` of year N + ``lag``). From it and today's date (a clock passed in: frozen in tests,
the real date in the app) a figure of year Y is **à jour** when Y is at least the expected year, **ancien** one
edition behind, **très ancien** two or more. An indicator built from several sources (a rate: a count over the
population) can be no fresher than its slowest source, so the slowest one decides. Nothing here reads the store:
callers pass the years they hold.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pandas as pd

from indicators.core import catalogue

UP_TO_DATE, OLD, VERY_OLD, ONE_OFF = "à jour", "ancien", "très ancien", "publication ponctuelle"
STATUSES = (UP_TO_DATE, OLD, VERY_OLD, ONE_OFF)
NOT_IMPORTED = "non importé"  # years the publisher has probably published but the store lacks
IMPORT_HOW = "page « Importer (analystes) » : le fichier de la nouvelle édition"


def clock() -> dt.date:
    """The clock of the app: the real date, or RADAR_TODAY (AAAA-MM-JJ) when set (tests and screenshots freeze it)."""
    frozen = os.environ.get("RADAR_TODAY")
    return dt.date.fromisoformat(frozen) if frozen else dt.date.today()


def expected_year(publication: catalogue.Publication, today: dt.date) -> int | None:
    """The latest reference year whose edition is most likely out on ``today`` (None: a one-off)."""
    if publication.lag is None:
        return None
    # the edition of year N is out once the month ``month`` of N + lag is over
    out_by_now = today.year if today.month > publication.month else today.year - 1
    return out_by_now - publication.lag


@dataclass(frozen=True)
class Age:
    """The age of one figure: ``held`` the year shown, ``expected`` the year most likely published, ``status``
    one of STATUSES, ``publisher`` the short name of the slowest source (None: no rhythm known)."""

    held: int | None
    expected: int | None
    status: str | None
    publisher: str | None = None

    @property
    def behind(self) -> int:
        """Editions the store lacks (0 when up to date or unknown)."""
        return max(self.expected - self.held, 0) if self.held is not None and self.expected is not None else 0

    @property
    def is_old(self) -> bool:
        return self.status in (OLD, VERY_OLD)

    @property
    def not_imported(self) -> range:
        """The years after the one held that the publisher has probably published (empty when up to date)."""
        return range(self.held + 1, self.expected + 1) if self.behind else range(0)

    @property
    def sentence(self) -> str:
        """« donnée 2019 — l'édition 2024 est sans doute parue (DREES) » for an old figure, else ''."""
        if not self.is_old:
            return ""
        return f"donnée {self.held} — l'édition {self.expected} est sans doute parue ({self.publisher})"

    @property
    def cell(self) -> str:
        """The age in a table cell: « très ancien : l'édition 2024 est sans doute parue (DREES) »."""
        if self.status is None:
            return "inconnue"
        if not self.is_old:
            return self.status
        return f"{self.status} : l'édition {self.expected} est sans doute parue ({self.publisher})"

    @property
    def label(self) -> str:
        """The status in words, for a table cell: « très ancien (5 éditions de retard) »."""
        if self.status is None:
            return "inconnu"
        if not self.is_old:
            return self.status
        editions = "1 édition" if self.behind == 1 else f"{self.behind} éditions"
        return f"{self.status} ({editions} de retard)"


def status(held: int, expected: int | None) -> str:
    if expected is None:
        return ONE_OFF
    behind = expected - held
    return UP_TO_DATE if behind <= 0 else OLD if behind == 1 else VERY_OLD


def _slowest(sources: tuple[catalogue.Source, ...], today: dt.date) -> tuple[int | None, str | None, bool]:
    """(expected year, publisher) of the slowest source with a rhythm, and whether any source has one."""
    dated = [(expected_year(s.publication, today), s.publication.publisher) for s in sources if s.publication]
    renewed = [(year, who) for year, who in dated if year is not None]
    if renewed:
        year, who = min(renewed)
        return year, who, True
    return None, (dated[0][1] if dated else None), bool(dated)


def of_sources(sources: tuple[catalogue.Source, ...], held: int | None, today: dt.date) -> Age:
    """The age of a figure of year ``held`` drawn from ``sources``."""
    expected, publisher, known = _slowest(sources, today)
    if held is None or not known:
        return Age(held, expected, None, publisher)
    return Age(int(held), expected, status(int(held), expected), publisher)


def of(indicator_id: str, held: int | None, today: dt.date | None = None) -> Age:
    """The age of ``indicator_id``'s figure of year ``held`` (any territory) on ``today`` (default: the real date).
    An indicator the catalogue does not know (an analyst's import) has no rhythm: status None."""
    entry = catalogue.load().get(indicator_id)
    return of_sources(entry.sources if entry else (), held, today or clock())


def sentence(indicator_id: str, held: int | None, today: dt.date | None = None) -> str:
    """The age sentence of one figure, '' when it is up to date or its rhythm unknown."""
    return of(indicator_id, held, today).sentence


def with_age(text: str, indicator_id: str, held: int | None, today: dt.date | None = None) -> str:
    """``text`` followed by the age sentence when the figure is old: the helper pages call beside a caption."""
    said = sentence(indicator_id, held, today)
    return f"{text} ⚠ {said}." if said else text


def latest(table: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and territory, the latest observed year held (columns indicator_id, territory_level,
    territory_code, year)."""
    observed = table[table["variant"] == "observed"]
    keys = ["indicator_id", "territory_level", "territory_code"]
    return observed.groupby(keys, as_index=False)["year"].max()


def ages(latest_years: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """``latest_years`` (indicator_id and year columns, e.g. ``latest``) with expected, status and sentence."""
    entries = catalogue.load()
    rows = [
        of_sources(entries[i].sources if i in entries else (), year, today)
        for i, year in zip(latest_years["indicator_id"], latest_years["year"], strict=True)
    ]
    return latest_years.assign(
        expected=[a.expected for a in rows], status=[a.status for a in rows], sentence=[a.sentence for a in rows]
    )


def source_state(
    source_years: pd.DataFrame, today: dt.date, imports: dict[str, str] | None = None, built: str = ""
) -> pd.DataFrame:
    """The home page's « État des données »: one row per publication series the store holds, the stalest first.

    ``source_years``: source_id and last_year (query.source_years); sources of one ``publication.series``
    (successive editions, e.g. the DREES long series to 2020 and to 2022) make one row, under the newest
    edition's citation. ``imports``: source id -> day of its last import (``last_imports``); ``built``: the
    day of the build, said for the sources never imported since. Analysts' own files (no catalogue
    entry) are left out: they are their own edition."""
    known = catalogue.sources_with_rhythm()
    imports = imports or {}
    series: dict[str, tuple[int, catalogue.Source, str | None]] = {}
    for sid, year in zip(source_years["source_id"], source_years["last_year"], strict=True):
        source = known.get(sid)
        if source is None:
            continue
        key = source.publication.series or sid if source.publication else sid
        held, newest, imported = series.get(key, (-1, source, None))
        if int(year) > held:
            held, newest = int(year), source
        series[key] = (held, newest, imports.get(sid) or imported)
    rows = []
    for held, source, imported in series.values():
        age = of_sources((source,), held, today)
        publication = source.publication
        rows.append(
            {
                "Source": source.citation,
                "Dernière année détenue": str(held),
                "Année sans doute parue": str(age.expected) if age.expected is not None else "—",
                "État": age.label,
                "Rythme": _rhythm(publication),
                "Dernier import": imported or (f"construction du {built}" if built else "construction des données"),
                "Mettre à jour": IMPORT_HOW if publication and publication.lag is not None else "sans objet",
                "_behind": age.behind,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values("_behind", ascending=False, kind="stable").drop(columns="_behind").reset_index(drop=True)


def _rhythm(publication: catalogue.Publication | None) -> str:
    if publication is None:
        return "inconnu"
    if publication.lag is None:
        return publication.rhythm
    return f"{publication.rhythm}, année N publiée en N+{publication.lag} ({publication.publisher})"


def last_imports(store_dir=None) -> dict[str, str]:
    """Source id -> the day (JJ/MM/AAAA) of the latest published version that touched one of its indicators,
    from the versions' records (rollbacks excluded: they restore, they import nothing)."""
    from indicators.storage import versions

    entries = catalogue.load()
    found: dict[str, str] = {}
    for version in range(1, versions.current(store_dir) + 1):
        try:
            record = versions.meta(version, store_dir)
        except versions.VersionError:
            continue
        if record.get("kind") != "publish" or not record.get("when"):
            continue
        day = dt.datetime.fromisoformat(record["when"]).strftime("%d/%m/%Y")
        for indicator_id in record.get("indicators", []):
            for source in entries[indicator_id].sources if indicator_id in entries else ():
                found[source.id] = day  # versions ascend: the last one wins
    return found


def built_on(store_dir=None) -> str:
    """The day (JJ/MM/AAAA) the store was built (its build.json), '' when unknown."""
    import json

    from indicators.core.paths import STAMP_FILE, processed_dir

    path = (store_dir or processed_dir()) / STAMP_FILE
    try:
        return dt.datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["built"]).strftime("%d/%m/%Y")
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def grouped(figures, today: dt.date | None = None) -> list[str]:
    """One line per age sentence for ``figures`` ((label, indicator_id, year) triples), in first-seen order:
    « RSA, AAH : donnée 2019 — l'édition 2024 est sans doute parue (DREES) » (the PDF's note on old figures)."""
    today = today or clock()
    by_sentence: dict[str, list[str]] = {}
    for label, indicator_id, year in figures:
        said = sentence(indicator_id, year, today)
        if said and label not in by_sentence.setdefault(said, []):
            by_sentence[said].append(label)
    return [f"{', '.join(labels)} : {said}" for said, labels in by_sentence.items()]


def year_cell(indicator_id: str, year: int | None, today: dt.date | None = None) -> str:
    """A table's year cell: « 2019 · très ancien » when a newer edition is most likely out, else « 2019 »."""
    if year is None:
        return ""
    age = of(indicator_id, int(year), today)
    return f"{int(year)} · {age.status}" if age.is_old else str(int(year))
