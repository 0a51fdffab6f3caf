"""The only Streamlit caches, keyed on the published version (versions.token): a publish or a rollback
is seen at the next rerun. Pages read the store through indicators.query (only the rows they need);
nothing here loads or masks the whole table except ``indicators()``, kept for callers outside the app."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from indicators import query, store, versions


def indicators() -> pd.DataFrame:
    """The whole published table, shared read-only (no page uses it: they query what they need)."""
    return _indicators(versions.token())


@st.cache_resource(show_spinner=False, max_entries=2)
def _indicators(token: str) -> pd.DataFrame:
    return store.load_indicators()


@st.cache_resource(show_spinner=False)
def population() -> pd.DataFrame:
    return store.load_population()


@st.cache_resource(show_spinner=False)
def territory_index() -> pd.DataFrame:
    """Départements, EPCI and communes for the search box (built by the pipeline); shared read-only."""
    return store.load_territories()


@st.cache_resource(show_spinner=False)
def population_projection() -> pd.DataFrame:
    """Every département and France, three variants, from the last estimate to 2051 (needs at 31/12/2050
    use the population at 1/1/2051). Shared read-only."""
    from indicators import projections

    pop = population()
    return projections.project_population(pop, int(pop["year"].max()), until=2051)


def scenario_inputs(code: str):
    """(baselines, groups) of one département for the scenarios: see indicators.needs / scenarios."""
    return _scenario_inputs(code, versions.token())


@st.cache_data(show_spinner=False, max_entries=16)
def _scenario_inputs(code: str, token: str):
    from indicators import needs

    projected = population_projection()
    projected = projected[projected["territory_code"] == code]
    observed = population()[population()["territory_code"] == code]
    own = query.rows(levels=["departement"], codes=[code])
    bases = needs.baselines(own, population(), code)
    groups = {
        v: {n.id: needs.group_projection(projected[projected["variant"] == v], observed, n.ages) for n in needs.NEEDS}
        for v in ("central", "low", "high")
    }
    return bases, groups


@st.cache_data(show_spinner=False, max_entries=1)
def backtest_table() -> pd.DataFrame:
    from indicators import backtest

    return backtest.mape_table(population(), 2013, 2023)


def profile(code: str):
    """The territory profile of one département (immutable dataclasses; the pyramid frame is read-only),
    rebuilt when a new version of the store is published."""
    return _profile(code, versions.token())


@st.cache_resource(show_spinner=False, max_entries=128)
def _profile(code: str, token: str):
    from indicators import profile as territory_profile

    # every level and variant of the indicators it reads: ranks and the spine need all départements,
    # the outlook the projection variants
    rows = query.rows(indicator_ids=territory_profile.needed_indicators(), variants=None)
    return territory_profile.build(rows, population(), code)


def local_profile(level: str, code: str):
    """The profile of one commune or EPCI (see indicators.local_profile), per store version."""
    return _local_profile(level, code, versions.token())


@st.cache_resource(show_spinner=False, max_entries=128)
def _local_profile(level: str, code: str, token: str):
    from indicators import local_profile as territory_profile

    return territory_profile.build(level, code, territory_index())


@st.cache_resource(show_spinner=False)
def geojson() -> dict:
    """The map geometry as a GeoJSON dict (feature id = département code), built once per process."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry())


@st.cache_resource(show_spinner=False)
def geojson_detail() -> dict:
    """Finer shapes of Paris and the petite couronne, for the zoom beside the map."""
    from indicators import geo

    return geo.to_geojson(store.load_geometry(), column="detail")


STATIC_GEO = Path(__file__).resolve().parents[1] / "static" / "geo"
STATIC_URL = "/app/static/geo/"


def geojson_url(detail: bool = False) -> str | dict:
    """The URL of the map geometry (département level) for plotly, written once per built geometry: figures
    carry locations and values only and the browser fetches the shapes once (then from its cache).
    Falls back to the GeoJSON dict itself when the static folder cannot be written."""
    return _geojson_url(detail, _geometry_token())


def _geometry_token() -> str:
    from indicators.paths import processed_dir
    from indicators.pipeline import GEO_FILE

    stat = (processed_dir() / GEO_FILE).stat()
    return _geometry_hash(stat.st_size, stat.st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=4)
def _geometry_hash(size: int, mtime_ns: int) -> str:
    import hashlib

    from indicators.paths import processed_dir
    from indicators.pipeline import GEO_FILE

    return hashlib.sha256((processed_dir() / GEO_FILE).read_bytes()).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=4)
def _geojson_url(detail: bool, token: str) -> str | dict:
    from indicators import geo

    shapes = geojson_detail() if detail else geojson()
    try:
        name = geo.publish_geojson(shapes, STATIC_GEO, "departements-detail" if detail else "departements", token)
    except OSError:
        return shapes
    return STATIC_URL + name


def commune_geojson_url(level: str, code: str) -> str | dict:
    """The URL of the commune shapes of one département or EPCI (see commune_map.geojson), written once per
    built geometry into static/geo/ like the département map's (the dict itself if it cannot be written)."""
    from indicators import commune_geo, commune_map

    communes = commune_map.communes_of(territory_index(), level, code)
    stats = [commune_geo.path(d).stat() for d in sorted(set(communes["departement"])) if commune_geo.path(d).exists()]
    return _commune_geojson_url(level, code, tuple((s.st_size, s.st_mtime_ns) for s in stats))


@st.cache_resource(show_spinner=False, max_entries=32)
def _commune_geojson_url(level: str, code: str, stats: tuple) -> str | dict:
    import hashlib

    from indicators import commune_map, geo

    shapes = commune_map.geojson(commune_map.communes_of(territory_index(), level, code))
    token = hashlib.sha256(repr(stats).encode()).hexdigest()[:16]
    try:
        name = geo.publish_geojson(shapes, STATIC_GEO, f"communes-{level}-{code}", token)
    except OSError:
        return shapes
    return STATIC_URL + name


def local_indicators(level: str = "commune") -> list[str]:
    """Catalogue indicators with observed rows at ``level`` (commune or epci), catalogue order."""
    return _local_indicators(level, versions.token())


@st.cache_resource(show_spinner=False, max_entries=4)
def _local_indicators(level: str, token: str) -> list[str]:
    from indicators import catalogue

    held = set(query.coverage(level)["indicator_id"])
    return [i for i in catalogue.load() if i in held]


def indicator_year(indicator_id: str, year: int, level: str) -> pd.DataFrame:
    """territory_code, value, source_id of every territory of a level (e.g. the 34 875 communes), read-only."""
    return _indicator_year(indicator_id, year, level, versions.token())


@st.cache_resource(show_spinner=False, max_entries=32)
def _indicator_year(indicator_id: str, year: int, level: str, token: str) -> pd.DataFrame:
    return query.indicator_year(indicator_id, year, level)


def compare_table(codes: tuple[str, ...]) -> pd.DataFrame:
    """The side-by-side table for a choice of territories (keys, see compare.Territory; 32 choices kept)."""
    return _compare_table(codes, versions.token())


@st.cache_data(show_spinner=False, max_entries=32)
def _compare_table(codes: tuple[str, ...], token: str) -> pd.DataFrame:
    from indicators import compare

    index = territory_index()
    chosen = [compare.territory(k, index) for k in codes]
    rows = [query.rows(levels=["departement", "france"])]
    for level in ("commune", "epci"):
        wanted = [t.code for t in chosen if t.level == level]
        if wanted:
            rows.append(query.rows(levels=[level], codes=wanted))
    return compare.compare_table(pd.concat(rows, ignore_index=True), list(codes), index=index)


def similarity_z(indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(raw matrix, z-scores, year per indicator) for a set of indicators."""
    return _similarity_z(indicator_ids, versions.token())


@st.cache_data(show_spinner=False, max_entries=16)
def _similarity_z(indicator_ids: tuple[str, ...], token: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    from indicators import similarity

    rows = query.rows(indicator_ids=list(indicator_ids), levels=["departement"])
    matrix, years = similarity.indicator_matrix(rows, list(indicator_ids))
    return matrix, similarity.standardise(matrix), years


@st.cache_resource(show_spinner=False)
def geojson_codes() -> list[str]:
    """The 101 département codes, in code order."""
    from indicators import maps

    return maps.the_101()["code"].tolist()


def indicator_rows(indicator_id: str) -> pd.DataFrame:
    """Every observed row of one indicator (all levels), read-only: a few thousand rows, not the table."""
    return _indicator_rows(indicator_id, versions.token())


@st.cache_resource(show_spinner=False, max_entries=64)
def _indicator_rows(indicator_id: str, token: str) -> pd.DataFrame:
    return query.rows(indicator_ids=[indicator_id])


def coverage() -> pd.DataFrame:
    """What the store holds, one row per indicator (see overview.coverage)."""
    return _coverage(versions.token())


@st.cache_data(show_spinner=False, max_entries=2)
def _coverage(token: str) -> pd.DataFrame:
    from indicators import overview

    return overview.coverage_of(query.coverage("departement"))


def mappable_indicators(min_departements: int = 50) -> list[str]:
    """Catalogue indicators published for at least ``min_departements`` départements in some year."""
    return _mappable_indicators(min_departements, versions.token())


@st.cache_resource(show_spinner=False, max_entries=2)
def _mappable_indicators(min_departements: int, token: str) -> list[str]:
    from indicators import catalogue

    counts = query.coverage("departement").set_index("indicator_id")["best_year_count"]
    return [i for i in catalogue.load() if counts.get(i, 0) >= min_departements]


def trend(code: str, indicator_id: str, level: str = "departement"):
    """(observed series, stored trend path year × variants, backtest summary or None) of one rate."""
    return _trend(code, indicator_id, level, versions.token())


@st.cache_data(show_spinner=False, max_entries=64)
def _trend(code: str, indicator_id: str, level: str, token: str):
    from indicators import trends

    observed = query.series(indicator_id, code, level)
    rows = query.rows(indicator_ids=[indicator_id], levels=[level], codes=[code], variants=trends.VARIANTS)
    path = rows.pivot(index="year", columns="variant", values="value").reset_index()
    path = path.reindex(columns=["year", *trends.VARIANTS]) if len(path) else path
    backtest = None
    if len(observed) > trends.MIN_YEARS:
        from indicators import backtest as harness

        # every territory's observed rows of the rate (and of the counts that splice its series break)
        needed = [indicator_id, *trends.BREAKS.get(indicator_id, ())[1:]]
        held = harness.rate_held_out(query.rows(indicator_ids=needed), (indicator_id,))
        mine = held[held["territory_code"] == code]
        if len(mine):
            backtest = {
                "all": harness.rate_table(held).iloc[0].to_dict(),
                "series": harness.rate_table(mine).iloc[0].to_dict(),
            }
    return observed, path, backtest
