"""The pipeline's steps fed by the table rather than by raw files: the projections, the track records of the
forecasts and the radar. Each is keyed (build_steps.run's ``reads``) on the rows it reads, selected by
indicator, and on its code (import graph), so a new DREES file reruns the trends and track records of the
DREES rates, not the population's projection or backtest; a new commune file reruns none of them.

A step is given exactly the rows its key covers (never the whole table): a step that read more than its
selection would see it missing and give a different store, which ``tests/compare_stores.py`` shows.

The rates' trends and track records are cached per rate (build_steps.run_parts): each rate's part reads
only that rate's rows (and the counts splicing its breaks), so a new DREES value recomputes the rates it
touches, not the others. Each rate is computed on its own by the models (pooled errors and bands
are per rate), so the parts put together are the whole computation, value for value.

The needs' projection and track record are cached per need the same way, with one exception: a need too
short to calibrate its own band borrows the errors of every need's rate (needs.too_short, decided before
anything is computed), so its part reads every need's rows (in the track record, up to its origin).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.build import build_steps
from indicators.core import catalogue

PROJECTED_AGES = build_steps.Step("projected_ages", (), ("indicators.build.projected",))
PROJECTED_POPULATION = build_steps.Step("projected_population", (), ("indicators.build.projected",))
PROJECTED_NEEDS = build_steps.Step("projected_needs", (), ("indicators.build.projected",))
PROJECTED_TRENDS = build_steps.Step("projected_trends", (), ("indicators.build.projected",))
TRACK_POPULATION = build_steps.Step("track_population", (), ("indicators.models.track_record",))
TRACK_RATES = build_steps.Step("track_rates", (), ("indicators.models.track_record",))
TRACK_NEEDS = build_steps.Step("track_needs", (), ("indicators.models.track_record",))
TRACK_NEED_AGES = build_steps.Step("track_need_ages", (), ("indicators.models.track_record",))
RADAR = build_steps.Step("radar", (), ("indicators.radar.parts",))
RADAR_ORIGINS = build_steps.Step("radar_origins", (), ("indicators.radar.parts",))
RADAR_BACKTEST = build_steps.Step("radar_backtest", (), ("indicators.radar.parts",))


def rows_of(table: pd.DataFrame, indicator_ids, observed: bool = False) -> pd.DataFrame:
    """Every row of these indicators (every level and year; the observed ones only when ``observed``), in
    the table's order."""
    keep = table["indicator_id"].isin(list(indicator_ids))
    if observed:
        keep &= table["variant"] == "observed"
    return table[keep].reset_index(drop=True)


def radar_ids() -> set[str]:
    """What the radar reads at any level (engine.read_by_radar) and the needs' projections (horizons)."""
    from indicators.radar import engine, rules

    ids = set(catalogue.need_ids())
    for level in rules.LEVELS:
        ids |= engine.read_by_radar(level)[0]
    return ids


def rate_ids() -> list[str]:
    from indicators.models import trends

    return list(trends.rate_ids())


def by_rate(table: pd.DataFrame, observed: bool = False) -> dict[str, pd.DataFrame]:
    """rate id -> the rows its trend and track record read (trends.needed_indicators of that rate alone)."""
    from indicators.models import trends

    return {i: rows_of(table, trends.needed_indicators((i,)), observed) for i in rate_ids()}


def joined(frames) -> pd.DataFrame:
    """The parts' frames end to end (the empty ones left out: they have no columns to agree on)."""
    frames = list(frames)
    full = [f for f in frames if len(f.columns)]
    if not full:
        return pd.DataFrame()
    kept = [f for f in full if len(f)] or full[:1]
    return pd.concat(kept, ignore_index=True)


def need_parts(needs: pd.DataFrame, age_sex: pd.DataFrame, ages: pd.DataFrame) -> dict:
    """projected_needs' parts: one per need, on its own rows, or every need's when it borrows their errors
    (projected.short_need)."""
    from indicators.build import projected as model

    parts = {}
    for i in catalogue.need_ids():
        short = model.short_need(needs, age_sex, i)
        if short is not None:
            rows = needs if short else rows_of(needs, (i,))
            parts[i] = (lambda rows=rows, i=i: (model.need_part(rows, age_sex, ages, only=(i,)),), (rows, age_sex))
    return parts


def projected(table: pd.DataFrame, age_sex: pd.DataFrame, raw_dir: Path, cache_dir: Path | None, log: list):
    """The projected rows (indicators.build.projected), in three steps (the rates' trends one part per rate)."""
    from indicators.build import projected as model

    needs = rows_of(table, catalogue.need_ids())
    trend_parts = {
        i: (lambda rows=rows, i=i: (model.trend_part(rows, (i,)),), (rows,)) for i, rows in by_rate(table).items()
    }
    # The population projection by sex and age, computed once for both parts (and reused when only rows change)
    (ages,) = build_steps.run(
        PROJECTED_AGES, raw_dir, cache_dir, lambda: (model.projected_ages(age_sex),), log, reads=(age_sex,)
    )
    parts = [
        build_steps.run(
            PROJECTED_POPULATION,
            raw_dir,
            cache_dir,
            lambda: (model.population_part(age_sex, ages),),
            log,
            reads=(age_sex,),
        ),
        (
            model.joined_needs(
                f
                for (f,) in build_steps.run_parts(
                    PROJECTED_NEEDS, need_parts(needs, age_sex, ages), raw_dir, cache_dir, log
                ).values()
            ),
        ),
        (joined(f for (f,) in build_steps.run_parts(PROJECTED_TRENDS, trend_parts, raw_dir, cache_dir, log).values()),),
    ]
    return pd.concat([frame for (frame,) in parts], ignore_index=True)


def track_record(table: pd.DataFrame, population: pd.DataFrame, raw_dir: Path, cache_dir: Path | None, log: list):
    """File name -> frame of indicators.models.track_record, in three steps."""
    from indicators.models import track_record as model

    needs = rows_of(table, catalogue.need_ids(), observed=True)

    def population_files():
        runs = model.backtest.origin_projections(population)  # one projection per origin, shared
        return model.population_paths(population, projected=runs[model.ORIGIN]), model.population_summary(
            population, runs
        )

    paths, summary = build_steps.run(TRACK_POPULATION, raw_dir, cache_dir, population_files, log, reads=(population,))
    rate_parts = build_steps.run_parts(
        TRACK_RATES,
        {
            i: (lambda rows=rows, i=i: (*model.rate_summaries(rows, (i,)), model.rate_paths(rows, (i,))), (rows,))
            for i, rows in by_rate(table, observed=True).items()
        },
        raw_dir,
        cache_dir,
        log,
    )
    every, per, rate_paths = (joined(frames[k] for frames in rate_parts.values()) for k in range(3))
    rate_table = joined((every, per))
    if not len(rate_paths.columns):
        rate_paths = model.rate_paths(table.iloc[:0], ())  # no rate at all: the empty table
    need_paths = model.joined_need_paths(
        f
        for (f,) in build_steps.run_parts(
            TRACK_NEEDS, need_path_parts(needs, population, raw_dir, cache_dir, log), raw_dir, cache_dir, log
        ).values()
    )
    return {
        model.PATHS_FILE: paths,
        model.POPULATION_FILE: summary,
        model.RATES_FILE: rate_table,
        model.RATE_PATHS_FILE: rate_paths,
        model.NEED_PATHS_FILE: need_paths,
    }


def need_path_parts(needs: pd.DataFrame, population: pd.DataFrame, raw_dir: Path, cache_dir: Path | None, log: list):
    """track_needs' parts: one per need, on its own rows and, when it is short at the origin (it borrows the
    errors of every need, track_record.short_need), every other need's rows up to the origin. The population
    projection they share is a step of its own, run when a part is computed."""
    from indicators.models import track_record as model

    projection = []

    def projected():
        if not projection:
            projection.extend(
                build_steps.run(
                    TRACK_NEED_AGES,
                    raw_dir,
                    cache_dir,
                    lambda: (model.need_projection(population),),
                    log,
                    reads=(population,),
                )
            )
        return projection[0]

    parts = {}
    for i in catalogue.need_ids():
        short = model.short_need(needs, population, i)
        if short is None:
            continue
        rows = needs[(needs["indicator_id"] == i) | (short & (needs["year"] <= model.NEED_ORIGIN))].reset_index(
            drop=True
        )
        parts[i] = (
            lambda rows=rows, i=i: (model.need_paths(rows, population, projected(), only=(i,)),),
            (rows, population),
        )
    return parts


def radar_backtest(table: pd.DataFrame, raw_dir: Path, cache_dir: Path | None, log: list) -> pd.DataFrame:
    """The radar's backtest table (``stored.build``'s second frame), in parts (indicators.radar.parts): the raised
    signals one part per origin, keyed on the rows up to it; the evaluation and threshold choice (pooled) keyed
    on what they read. The pipeline computes it in its backtests' worker, beside ``radar_signals``."""
    from indicators.radar import backtest, engine, parts, rules

    rows = rows_of(table, radar_ids())
    origins = build_steps.run_parts(RADAR_ORIGINS, parts.origin_parts(rows), raw_dir, cache_dir, log)
    # the evaluation reads the raised signals, the départements' and France's oriented values up to the last
    # origin + AHEAD (backtest.Later) and the number of départements
    observed = engine.observed_rows(rows)
    level = observed[observed["territory_level"] == backtest.LEVEL]
    later = backtest.cut(rows, max(backtest.LATER) + backtest.AHEAD)
    later = later[later["territory_level"].isin([backtest.LEVEL, "france"])]
    later = later[later["indicator_id"].isin(list(rules.oriented()))].reset_index(drop=True)
    count = pd.DataFrame({"departements": [level["territory_code"].nunique()]})
    raised = tuple(frame for (frame,) in origins.values())
    (measured,) = build_steps.run(
        RADAR_BACKTEST,
        raw_dir,
        cache_dir,
        lambda: (parts.backtest_of(rows, origins),),
        log,
        reads=(*raised, later, count),
    )
    return measured


def radar_signals(
    table: pd.DataFrame, territories: pd.DataFrame, raw_dir: Path, cache_dir: Path | None, log: list
) -> pd.DataFrame:
    """Every territory's signals (``stored.build``'s first frame), one part per (level, indicator), each keyed on
    the rows it reads (indicators.radar.parts)."""
    from indicators.radar import parts

    rows = rows_of(table, radar_ids())
    signals = build_steps.run_parts(RADAR, parts.signal_parts(rows, territories), raw_dir, cache_dir, log)
    return parts.signals_of(signals)
