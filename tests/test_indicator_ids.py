"""The catalogue is the contract: no indicator id is written in code outside the source parsers and the
catalogue, except the allow-list below (each entry says why). Where an indicator appears (profile sections,
trends, needs, similarity, spine, outlook, commentary, page defaults) is read from indicators/core/catalogue.yml.

Reproduce the count: ``python -m tests.test_indicator_ids`` prints every literal found, by file."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from indicators.core import catalogue

ROOT = Path(__file__).resolve().parents[1]
EXCLUDED = (
    "indicators/sources/",
    "indicators/core/catalogue.py",
)  # the parsers write the ids; the catalogue declares them

# id -> (files it may appear in, None = any; why)
ALLOWED: dict[str, tuple[tuple[str, ...] | None, str]] = {
    catalogue.POPULATION: (
        None,
        "also the name of the population column of population.parquet, of the age-group frames "
        "(age_groups.age_group_population), of the projections and of territories.parquet: a column, not the "
        "indicator (the indicator is catalogue.POPULATION; test_population_literal_is_only_a_column checks it)",
    ),
    "density": (
        ("indicators/models/standing.py", "indicators/build/commune_indicators.py"),
        "the département profile's density is computed at run time from the population and the IGN area "
        "(density.table), not read from the store: standing.DENSITY names it (until density is built into the "
        "store); commune_indicators is the commune build step that writes the census density",
    ),
    "share_75_plus": (
        ("indicators/models/commentary.py", "indicators/build/commune_social.py"),
        "commentary.AGEING: the ageing sentence is written for the share of the 75+ (its wording, 'la part des "
        "75 ans et plus a augmenté de … points', is about that indicator only); commune_social is the commune "
        "build step that maps the census extract's columns to the ids it writes, like a parser",
    ),
    "legal_population": (
        (
            "indicators/build/commune_indicators.py",
            "indicators/views/local_profile.py",
            "indicators/views/compare.py",
            "indicators/storage/store.py",
            "indicators/radar/peers.py",
        ),
        "commune_indicators is the commune build step (it maps the Etalab and comparateur columns to the ids "
        "it writes, like a parser of indicators/sources/); local_profile heads a commune's page with its latest "
        "legal population; compare shows it as a commune's or EPCI's population (OWN_SUBSTITUTES), never the "
        "département's estimate; store.load_territories gives the search box that same figure and year; the "
        "radar's peers use it as the size that bounds similar communes (as local_profile)",
    ),
    **{
        key: (
            ("indicators/build/commune_indicators.py",),
            "commune_indicators is the commune build step: its MEASURES map the comparateur's columns to the "
            "ids it writes, like a parser of indicators/sources/",
        )
        for key in ("legal_population_change", "households", "census_unemployment_rate_15_64")
        + ("birth_rate", "death_rate")
    },
    **{
        key: (
            ("indicators/build/commune_social.py",),
            "commune_social is the commune build step of issue 26: its CENSUS table maps the census extract's "
            "count columns to the ids it writes, like a parser of indicators/sources/",
        )
        for key in ("population_75_plus", "share_0_14", "no_diploma_share", "hlm_tenants_share")
    },
}


def _files() -> list[Path]:
    found = [*(ROOT / "indicators").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
    return sorted(p for p in found if not str(p.relative_to(ROOT)).startswith(EXCLUDED))


def literals() -> list[tuple[str, int, str, ast.AST]]:
    """(file, line, id, parent node) of every string literal equal to a catalogue indicator id."""
    ids = set(catalogue.repository())
    out = []
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids:
                out.append((str(path.relative_to(ROOT)), node.lineno, node.value, parents.get(node)))
    return out


def _allowed(name: str, key: str) -> bool:
    files, _ = ALLOWED.get(key, ((), ""))
    return files is None or name in files


def test_no_indicator_id_in_code_outside_the_allow_list():
    offending = [f"{name}:{line}: {key!r}" for name, line, key, _ in literals() if not _allowed(name, key)]
    assert offending == [], "read these from the catalogue (or justify them in ALLOWED):\n" + "\n".join(offending)


def test_every_allowed_entry_is_used_and_justified():
    found = {key for _, _, key, _ in literals()}
    assert sorted(set(ALLOWED) - found) == []  # a stale entry is removed
    assert all(len(why) > 60 for _, why in ALLOWED.values())


def test_population_literal_is_only_a_column():
    """The literal "population" names the column, never the indicator: not an ``indicator_id=`` value nor the
    id given to catalogue.get."""
    misuse = []
    for name, line, key, parent in literals():
        if key != catalogue.POPULATION:
            continue
        as_keyword = isinstance(parent, ast.keyword) and parent.arg == "indicator_id"
        as_lookup = (
            isinstance(parent, ast.Call)
            and getattr(parent.func, "attr", "") == "get"
            and (getattr(parent.func.value, "id", "") == "catalogue")
        )
        if as_keyword or as_lookup:
            misuse.append(f"{name}:{line}")
    assert misuse == []


if __name__ == "__main__":
    counts = Counter(name for name, *_ in literals())
    for name, n in counts.most_common():
        print(n, name)
    print("total", sum(counts.values()))
