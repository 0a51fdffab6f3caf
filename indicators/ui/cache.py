"""The app's caches: per store version (``@by_version``, see indicators.ui.versioned: a publish or a rollback
is seen at the next rerun; the population too, which a new edition of the estimates changes) or, for what no
publish changes (the territory index, geometry), once per process. Pages read the store through
indicators.storage.query (only the rows they need); nothing here loads or masks the whole table. What a page
shows is built in indicators/views; this module only caches it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.storage import query, store
from indicators.ui.versioned import by_version


def _scenario_key(code: str, chosen: list, *rest):
    """A list of scenarios is keyed by its repr (every assumption)."""
    return code, repr(tuple(chosen)), rest


@st.cache_resource(show_spinner=False)
def server_tuned() -> int:
    """TCP_NODELAY on the server's sockets, no cache clearing from a browser and Streamlit's bundles sent
    compressed, once per process (see indicators.ui.serving)."""
    from indicators.ui import serving

    serving.guard_backmsgs()
    serving.compress_static_assets()
    return serving.tcp_nodelay()


@by_version(2)
def population() -> pd.DataFrame:
    """Population by age and sex (a new edition of the estimates publishes its own: per version)."""
    return store.load_population()


@st.cache_resource(show_spinner=False)
def territory_index() -> pd.DataFrame:
    """Départements, EPCI and communes for the search box (built by the pipeline); shared read-only."""
    return store.load_territories()


@by_version(2)
def population_projection() -> pd.DataFrame:
    """Every département and France, three variants, from the last estimate to 2051 (needs at 31/12/2050
    use the population at 1/1/2051). Shared read-only."""
    from indicators.models import projections

    pop = population()
    return projections.project_population(pop, int(pop["year"].max()), until=2051)


@by_version(2)
def can_project() -> bool:
    """Whether the store's population history allows a projection (not the demo store's single year)."""
    from indicators.models import projections

    return projections.projectable(population())


@by_version(2)
def population_groups() -> pd.DataFrame:
    """The age groups of every département to 2050, each with the interval of its own past errors
    (``projections.project_groups``). Shared read-only."""
    from indicators.models import projections

    pop = population()
    return projections.project_groups(pop, int(pop["year"].max()), until=2050)


def _population_of(code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observed, projected) population by sex and age band of one territory."""
    projected = population_projection()
    return population()[population()["territory_code"] == code], projected[projected["territory_code"] == code]


@by_version(16)
def scenario_inputs(code: str):
    """(baselines, groups) of one département for the scenarios: see indicators.models.needs / scenarios."""
    from indicators.models import needs, scenarios

    _, projected = _population_of(code)
    own = query.rows(levels=["departement"], codes=[code])
    central = query.rows([n.id for n in needs.NEEDS], ["departement"], [code], variants=["central"])
    return scenarios.inputs(own, central, population(), projected, code)


@by_version(32, key=_scenario_key)
def scenario_view(code: str, chosen: list):
    """scenario_view.Trajectories of one département under the chosen scenarios (a list of
    scenarios.Scenario), shared read-only; the key is the scenarios' repr (every assumption)."""
    from indicators.views import scenario_view as view

    bases, groups = scenario_inputs(code)
    _, spending_band, spending_observed = need_bands(code)
    return view.build(code, list(chosen), bases, groups, spending_band, spending_observed)


@by_version(64, key=_scenario_key)
def scenario_need(code: str, chosen: list, need_id: str):
    """scenario_view.NeedView (chart and milestone table) of one need under the chosen scenarios."""
    from indicators.views import scenario_view as view

    bases, _ = scenario_inputs(code)
    bands, _, _ = need_bands(code)
    band = bands[bands["need"] == need_id]
    return view.need(scenario_view(code, chosen), bases[need_id], need_id, band)


def _need_band_rows(code: str) -> pd.DataFrame:
    """The store's central and band rows of one département's needs."""
    from indicators.models import needs, scenarios

    variants = ["central", *scenarios.BAND_COLUMNS]
    return query.rows(
        indicator_ids=[n.id for n in needs.NEEDS], levels=["departement"], codes=[code], variants=variants
    )


@by_version(16)
def need_bands(code: str):
    """(recipients bands by need, total spending band, observed total spending) of one département: the
    calibrated 50 % / 80 % bands of the store and the DREES spending history (see indicators.models.scenarios)."""
    from indicators.models import scenarios

    bases, _ = scenario_inputs(code)
    bands = scenarios.need_bands(_need_band_rows(code))
    return bands, scenarios.spending_band(bands, bases), scenarios.observed_spending(bases)


@by_version(16)
def age_outlook(code: str):
    """(age-group paths, {year: pyramid frame}, last observed year) of one département: see age_outlook."""
    from indicators.models import age_outlook

    observed, projected = _population_of(code)
    groups = population_groups()
    paths = age_outlook.group_paths(observed, groups[groups["territory_code"] == code])
    pyramids = {y: age_outlook.pyramid(observed, projected, y) for y in age_outlook.MILESTONES}
    return paths, pyramids, int(observed["year"].max())


@by_version(32)
def age_figures(code: str, year: int):
    """(pyramid of the last observed year vs ``year``, age groups over time) of one département."""
    from indicators.views import age_charts

    paths, pyramids, last = age_outlook(code)
    return age_charts.pyramid_figure(pyramids[year], last, year), age_charts.groups_figure(paths)


@by_version(16)
def age_milestones(code: str) -> pd.DataFrame:
    """The age groups' table at the milestones (age_outlook.milestone_table) of one département."""
    from indicators.models import age_outlook as outlook

    return outlook.milestone_table(age_outlook(code)[0])


@by_version(2)
def method_errors() -> pd.DataFrame:
    """The population projection's past errors (scenario_view.method_errors of the track record)."""
    from indicators.models import track_record as record
    from indicators.views import scenario_view

    return scenario_view.method_errors(track_record(record.POPULATION_FILE))


@by_version(6)
def track_record_held(name: str) -> bool:
    """Whether the pipeline wrote this track-record table (the demo store has none)."""
    from indicators.models import track_record as record

    return record.held(name)


@by_version(6)
def track_record(name: str) -> pd.DataFrame:
    """A track-record table written by the pipeline (see indicators.models.track_record), shared read-only."""
    from indicators.models import track_record as record

    return record.load(name)


@by_version(32)
def past_projection(code: str, name: str):
    """(figure, sentences) of the population projection made 10 years ago for one département vs observed."""
    from indicators.models import track_record as record
    from indicators.views import age_charts

    paths = track_record(record.PATHS_FILE)
    mine = paths[paths["territory_code"] == code]
    summary = track_record(record.POPULATION_FILE)
    if mine.empty:
        return None, []
    return age_charts.past_projection_figure(mine, record.ORIGIN), record.population_sentences(mine, summary, name)


@by_version(64)
def past_forecast(code: str, indicator_id: str, name: str, kind: str = "rate"):
    """(figure or None, sentence or None, origin or None) of the forecast made about 10 years ago for one
    département's rate
    (kind "rate", track_record.rate_paths) or need (kind "need", track_record.need_paths) vs observed."""
    from indicators.core import catalogue
    from indicators.core.formatting import format_indicator
    from indicators.models import track_record as record
    from indicators.views import trend_charts

    file, central = (record.RATE_PATHS_FILE, "trend") if kind == "rate" else (record.NEED_PATHS_FILE, "central")
    paths = track_record(file)
    mine = paths[(paths["territory_code"] == code) & (paths["indicator_id"] == indicator_id)]
    if mine[central].notna().sum() == 0:
        return None, None, None
    indicator = catalogue.get(indicator_id)
    figure = trend_charts.past_forecast_figure(mine, indicator.unit, central)
    sentence = record.past_forecast_sentence(
        mine,
        central,
        lambda v: format_indicator(v, indicator),
        name,
        lambda v: format_indicator(v, indicator, with_unit=False),
    )
    return figure, sentence, int(mine["origin"].iloc[0])


@by_version(128)
def profile(code: str):
    """The territory profile of one département (immutable dataclasses; the pyramid frame is read-only),
    rebuilt when a new version of the store is published."""
    from indicators.views import profile as territory_profile

    return territory_profile.build(territory_profile.store_rows(), population(), code)


@by_version(64)
def profile_charts(code: str) -> dict:
    """The profile's plotly figures of one département (spine, pyramid, each social trend), by key."""
    from indicators.views import profile_charts as charts_of

    prof = profile(code)
    charts = {"spine": charts_of.spine(prof.spine, prof.name)}
    if prof.pyramid_year:
        charts["pyramid"] = charts_of.pyramid(prof.pyramid, prof.name, prof.pyramid_year, prof.pyramid_source)
    charts.update({f.key: charts_of.trend(f, prof.name) for f in prof.social if f.trend})
    return charts


@by_version(128)
def local_profile(level: str, code: str):
    """The profile of one commune or EPCI (see indicators.views.local_profile), per store version."""
    from indicators.views import local_profile as territory_profile

    return territory_profile.build(level, code, territory_index())


@st.cache_resource(show_spinner=False)
def geojson() -> dict:
    """The map geometry as a GeoJSON dict (feature id = département code), built once per process."""
    from indicators.storage import geo

    return geo.to_geojson(store.load_geometry())


@st.cache_resource(show_spinner=False, max_entries=4)
def zoom_shapes(token: str):
    """The petite couronne's shapes for the map's zoom (views.zoom.shapes), once per built geometry (``token``)."""
    from indicators.views import maps, zoom

    return zoom.shapes(store.load_geometry(), maps.PETITE_COURONNE)


def geojson_url() -> str | dict:
    """The URL of the map geometry (département level) for plotly, cached per built geometry: figures
    carry locations and values only and the browser fetches the shapes once (then from its cache).
    The file is written by indicators.ui.serving.geometry_url (the dict itself if it cannot be written)."""
    return _geojson_url(_geometry_token())


def geometry_held() -> bool:
    """Whether the store holds the départements' map geometry (a fixture store written without it has none)."""
    from indicators.core.paths import GEO_FILE, processed_dir

    return (processed_dir() / GEO_FILE).exists()


def _geometry_token() -> str:
    from indicators.core.paths import GEO_FILE, processed_dir

    stat = (processed_dir() / GEO_FILE).stat()
    return _geometry_hash(stat.st_size, stat.st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=4)
def _geometry_hash(size: int, mtime_ns: int) -> str:
    import hashlib

    from indicators.core.paths import GEO_FILE, processed_dir

    return hashlib.sha256((processed_dir() / GEO_FILE).read_bytes()).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=4)
def _geojson_url(token: str) -> str | dict:
    from indicators.ui import serving

    return serving.geometry_url(geojson(), "departements", token)


def commune_geojson_url(level: str, code: str) -> str | dict:
    """The URL of the commune shapes of one département or EPCI (see commune_map.geojson), cached per built
    geometry and written into static/geo/ like the département map's (serving.geometry_url)."""
    paths = [store.commune_geometry_path(d) for d in sorted(set(communes(level, code)["departement"]))]
    stats = [p.stat() for p in paths if p.exists()]
    return _commune_geojson_url(level, code, tuple((s.st_size, s.st_mtime_ns) for s in stats))


@st.cache_resource(show_spinner=False, max_entries=32)
def _commune_geojson_url(level: str, code: str, stats: tuple) -> str | dict:
    import hashlib

    from indicators.ui import serving
    from indicators.views import commune_map

    shapes = commune_map.geojson(communes(level, code))
    token = hashlib.sha256(repr(stats).encode()).hexdigest()[:16]
    return serving.geometry_url(shapes, f"communes-{level}-{code}", token)


@by_version(4)
def local_indicators(level: str = "commune") -> list[str]:
    """Catalogue indicators with observed rows at ``level`` (commune or epci), catalogue order."""
    from indicators.core import catalogue

    held = set(query.coverage(level)["indicator_id"])
    return [i for i in catalogue.load() if i in held]


@by_version(32)
def indicator_year(indicator_id: str, year: int, level: str) -> pd.DataFrame:
    """territory_code, value, source_id of every territory of a level (e.g. the 34 875 communes), read-only."""
    return query.indicator_year(indicator_id, year, level)


@by_version(32)
def secret_communes(indicator_id: str, year: int) -> frozenset[str]:
    """Communes whose value of ``indicator_id`` in ``year`` is withheld (a ``secret`` note), read once."""
    notes = query.notes(None, level="commune", indicator_ids=[indicator_id])
    notes = notes[(notes["kind"] == "secret") & (notes["year"] == year)]
    return frozenset(notes["territory_code"])


@by_version(32)
def compare_table(codes: tuple[str, ...]) -> pd.DataFrame:
    """The side-by-side table for a choice of territories (keys, see compare.Territory; 32 choices kept)."""
    from indicators.views import compare

    index = territory_index()
    chosen = [compare.territory(k, index) for k in codes]
    rows, notes = [query.rows(levels=["departement", "france"])], []
    for level in ("commune", "epci"):
        wanted = [t.code for t in chosen if t.level == level]
        if wanted:
            rows.append(query.rows(levels=[level], codes=wanted))
            notes.append(query.notes(wanted, level=level))
    notes_frame = pd.concat(notes, ignore_index=True) if notes else None
    return compare.compare_table(pd.concat(rows, ignore_index=True), list(codes), index=index, notes=notes_frame)


@by_version(32)
def compare_view(codes: tuple[str, ...]):
    """compare.View of a choice of départements: shared read-only (Streamlit only reads it)."""
    from indicators.views import compare

    return compare.view(compare_table(codes), list(codes), territory_index())


@by_version(64)
def compare_charts(indicator_id: str, codes: tuple[str, ...]):
    """(bar chart, time series) of one indicator for a choice of départements, built once per published
    version: st.plotly_chart only serialises a figure, it never changes it."""
    from indicators.views import compare, compare_charts

    index = territory_index()
    wide = compare_table(codes)
    row = wide[wide["indicator_id"] == indicator_id].iloc[0]
    history = indicator_rows(indicator_id)
    chosen = [compare.territory(k, index) for k in codes]
    return (
        compare_charts.bar_chart(row, list(codes), compare.labels(list(codes), index)),
        compare_charts.time_series(history, indicator_id, list(codes), chosen),
    )


@by_version(16, copy=True)
def similarity_z(indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(raw matrix, z-scores, year per indicator) for a set of indicators."""
    from indicators.models import similarity

    rows = query.rows(indicator_ids=list(indicator_ids), levels=["departement"])
    matrix, years = similarity.indicator_matrix(rows, list(indicator_ids))
    return matrix, similarity.standardise(matrix), years


@st.cache_resource(show_spinner=False)
def geojson_codes() -> list[str]:
    """The 101 département codes, in code order."""
    from indicators.views import maps

    return maps.the_101()["code"].tolist()


@by_version(64)
def indicator_rows(indicator_id: str) -> pd.DataFrame:
    """Every observed row of one indicator (all levels), read-only: a few thousand rows, not the table."""
    return query.rows(indicator_ids=[indicator_id])


@by_version(2, copy=True)
def coverage() -> pd.DataFrame:
    """What the store holds, one row per indicator (see overview.coverage)."""
    from indicators.views import overview

    return overview.coverage_of(query.coverage("departement"))


def indicators_by_theme() -> list[tuple[str, pd.DataFrame]]:
    """The home page's indicators by theme, as printed (overview.by_theme, display_rows), on today's date."""
    from indicators.models import freshness

    return _indicators_by_theme(freshness.clock())


@by_version(2)
def _indicators_by_theme(today) -> list[tuple[str, pd.DataFrame]]:
    from indicators.views import overview

    return [(theme, overview.display_rows(rows)) for theme, rows in overview.by_theme(coverage(), today)]


def data_state() -> pd.DataFrame:
    """The home page's « État des données » on today's date (see freshness.source_state)."""
    from indicators.models import freshness

    return _data_state(freshness.clock())


@by_version(2)
def _data_state(today) -> pd.DataFrame:
    from indicators.models import freshness

    return freshness.source_state(query.source_years(), today, freshness.last_imports(), freshness.built_on())


@by_version(2)
def mappable_indicators(min_departements: int | None = None) -> list[str]:
    """Catalogue indicators published for at least ``min_departements`` départements in some year; by
    default 50, or every département of a smaller store (the demo's seven)."""
    from indicators.core import catalogue

    cover = query.coverage("departement").set_index("indicator_id")
    if min_departements is None:
        min_departements = min(50, int(cover["territories"].max())) if len(cover) else 50
    counts = cover["best_year_count"]
    return [i for i in catalogue.load() if counts.get(i, 0) >= min_departements]


@by_version(64, copy=True)
def trend(code: str, indicator_id: str, level: str = "departement"):
    """(observed series, stored trend path year × variants, backtest summary or None) of one rate."""
    from indicators.models import track_record as record
    from indicators.models import trends

    observed = query.series(indicator_id, code, level)
    rows = query.rows(indicator_ids=[indicator_id], levels=[level], codes=[code], variants=trends.VARIANTS)
    if rows.empty and indicator_id not in trends.INDICATORS:  # an analyst's rate flagged ``trend: true``
        every = query.rows(indicator_ids=[indicator_id], levels=list(trends.LEVELS))
        rows = trends.build(every, indicators=(indicator_id,))
        rows = rows[(rows["territory_code"] == code) & (rows["territory_level"] == level)]
    path = rows.pivot(index="year", columns="variant", values="value").reset_index()
    path = path.reindex(columns=["year", *trends.VARIANTS]) if len(path) else path
    held = track_record_held(record.RATES_FILE)
    backtest = record.rate_record(track_record(record.RATES_FILE), indicator_id, code) if held else None
    return observed, path, backtest


def trend_figure(code: str, indicator_id: str, level: str, not_imported: range = range(0)):
    """The trend chart of one rate (trend_charts.trend_figure), ``not_imported`` years hatched (freshness.Age)."""
    return _trend_figure(code, indicator_id, level, (not_imported.start, not_imported.stop))


@by_version(64)
def _trend_figure(code: str, indicator_id: str, level: str, not_imported: tuple[int, int]):
    from indicators.core import catalogue
    from indicators.views import trend_charts

    observed, path, _ = trend(code, indicator_id, level)
    unit = catalogue.get(indicator_id).unit
    return trend_charts.trend_figure(observed, path, unit, range(*not_imported))


def _signals_written(*args) -> tuple:
    """A radar cache's key: its arguments and whether the version's signals file is written yet (a publish
    computes it in the background; until then the radar recomputes the territory it shows)."""
    from indicators.radar import stored

    return (*args, stored.has_signals())


@by_version(256, key=_signals_written)
def radar(level: str, code: str):
    """The radar of one territory (indicators.views.radar_view), per published version."""
    from indicators.views import radar_view

    return radar_view.build(level, code, territory_index())


@by_version()
def radar_backtest() -> dict[str, str]:
    """kind -> what the backtest says of it (radar_view.backtest_sentences of stored.backtest_table)."""
    from indicators.radar import stored
    from indicators.views import radar_view

    return radar_view.backtest_sentences(stored.backtest_table())


@by_version(64, key=_signals_written)
def radar_communes(level: str, code: str, theme: str | None) -> pd.DataFrame:
    """The communes of a département / EPCI that stand out most (radar_view.communes_standing_out)."""
    from indicators.views import radar_view

    return radar_view.communes_standing_out(level, code, territory_index(), theme)


@by_version(64, key=_signals_written)
def radar_communes_map(level: str, code: str, theme: str | None):
    from indicators.views import radar_view

    ranked = radar_communes(level, code, theme)
    return radar_view.communes_map(level, code, territory_index(), ranked, commune_geojson_url(level, code))


@by_version(copy=True)
def workforce_needs() -> pd.DataFrame:
    """The needs the staff categories serve, every département (workforce.need_table)."""
    from indicators.models import workforce

    ids = sorted({i for c in workforce.CATEGORIES for i in c.served if i != workforce.UNDER_5})
    return workforce.need_table(query.rows(indicator_ids=ids, levels=["departement"]), population())


@by_version(16)
def metiers(code: str, name: str):
    """views.metiers.MetiersView of one département (staff ratios, projections, summary, CSV)."""
    from indicators.models import scenarios, workforce
    from indicators.views import metiers as view

    bases, groups = scenario_inputs(code) if can_project() else ({}, {})  # today's ratios need no projection
    bands = need_bands(code)[0] if can_project() else scenarios.need_bands(_need_band_rows(code))
    chosen = scenarios.defaults(bases) if bases else []
    held = scenarios.Scenario("demography", "Démographie seule", "", "central", {})  # rates held at their last value
    runs = [scenarios.run(s, bases, groups) for s in chosen]
    runs += [scenarios.run(held, workforce.rates_held(bases), groups)] if bases else []
    columns = ["scenario", "need", "year", "recipients", "recipients_low", "recipients_high"]
    results = pd.concat(runs, ignore_index=True) if runs else pd.DataFrame(columns=columns)
    labels = {s.key: s.name for s in chosen}
    return view.build(code, name, query.staff(), workforce_needs(), bands, results, labels)


@by_version(64)
def map_years(indicator_id: str) -> list[int]:
    """Years with département values of one indicator (the map page's year box)."""
    from indicators.views import maps

    return maps.years_with_data(indicator_rows(indicator_id), indicator_id)


@by_version(64)
def departement_map(indicator_id: str, year: int, method: str, k: int, gap: bool, shapes: str | dict):
    """maps.MapView of one choice (figures frozen): built once, then only sent. ``shapes``: the geometry's URL
    (geojson_url: part of the key, a rebuilt geometry gets a new URL)."""
    from indicators.views import maps

    zoom = zoom_shapes(_geometry_token())
    return maps.map_view(indicator_rows(indicator_id), indicator_id, year, method, k, gap, shapes, zoom)


@by_version(64)
def departement_ranking(indicator_id: str, year: int, gap: bool) -> pd.DataFrame:
    """The map page's ranked table alone (maps.ranked_table), for a store without the map geometry."""
    from indicators.views import maps

    return maps.ranked_table(maps.map_frame(indicator_rows(indicator_id), indicator_id, year, gap), gap)


@st.cache_resource(show_spinner=False)
def territory_names() -> dict[str, str]:
    """Code -> name of every territory of the index (communes, EPCI, départements), made once."""
    index = territory_index()
    return dict(zip(index["code"], index["name"], strict=False))


@st.cache_resource(show_spinner=False, max_entries=256)
def communes(level: str, code: str) -> pd.DataFrame:
    """code, name, departement of the communes of a département or an EPCI (commune_map.communes_of)."""
    from indicators.views import commune_map

    return commune_map.communes_of(territory_index(), level, code)


@st.cache_resource(show_spinner=False, max_entries=256)
def commune_codes(level: str, code: str) -> frozenset[str]:
    return frozenset(communes(level, code)["code"])


@by_version(64)
def years(indicator_id: str, level: str) -> list[int]:
    """Years with values of one indicator at a level (query.years)."""
    return query.years(indicator_id, level)


@by_version(64)
def commune_map(level: str, code: str, indicator_id: str | None, year, method: str, k: int, selected, shapes):
    """commune_map.CommuneMapView of one territory and choice (figure frozen); ``shapes``: commune_geojson_url."""
    from indicators.views import commune_map as view

    chosen = communes(level, code)
    if indicator_id:
        values, secret = indicator_year(indicator_id, year, "commune"), secret_communes(indicator_id, year)
    else:
        values, secret = chosen.iloc[0:0], frozenset()
    return view.view(chosen, values, indicator_id, year, secret, shapes, method, k, selected)


@by_version(64)
def compare_territories(keys: tuple[str, ...]) -> dict:
    """compare.Territory of each key (« 38 », « commune:95585 »…), in order."""
    from indicators.views import compare

    index = territory_index()
    return {k: compare.territory(k, index) for k in keys}


@by_version(64)
def compare_labels(keys: tuple[str, ...]) -> dict[str, str]:
    """Column label of each key (compare.labels)."""
    return {k: t.label for k, t in compare_territories(keys).items()}


def compare_age_note(codes: tuple[str, ...]) -> str:
    """The compare table's note on old figures (compare.age_note), on today's date."""
    from indicators.models import freshness

    return _compare_age_note(codes, freshness.clock())


@by_version(64)
def _compare_age_note(codes: tuple[str, ...], today) -> str:
    from indicators.views import compare

    return compare.age_note(compare_table(codes), list(codes), today)


@by_version(64)
def similar(target: str, indicator_ids: tuple[str, ...], k: int):
    """(the k nearest départements, code / name / French distance; per indicator, the gap in standard
    deviations, French texts) for the compare page, or None when ``target`` has no z-score."""
    from indicators.core import catalogue
    from indicators.core.formatting import format_number
    from indicators.models import similarity
    from indicators.storage import territories

    _, z, years = similarity_z(indicator_ids) if indicator_ids else (None, None, {})
    if z is None or z.empty or target not in z.index:
        return None
    near = similarity.nearest(z, target, k)
    shown = pd.DataFrame({"Code": near["code"], "Département": near["name"]})
    shown["Distance"] = [format_number(d, 2) for d in near["distance"]]
    why = similarity.breakdown(z, target, near["code"].tolist())
    names = territories.departement_names()
    why.index = [f"{catalogue.get(i).short_label} ({years[i]})" for i in why.index]
    why.columns = [names[c] for c in why.columns]
    return shown, why.map(lambda d: format_number(d, 2)), len(z), near["code"].tolist()
