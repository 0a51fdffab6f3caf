"""The track record of every forecast, computed by the pipeline with the backtest harness (never typed
by hand, never recomputed at page load) and written beside the store:

- ``backtest_population_paths.parquet``: for each département and age group (total, 0-19, 20-64, 65+,
  75+), what the projection made at ORIGIN said for every year to TARGET (central, p10 … p90) and what
  the Insee estimates then observed (from ORIGIN - 10);
- ``backtest_population.parquet``: ``backtest.population_table`` (origins × horizons × age groups: MAPE,
  bias, coverage of the 50 % and 80 % intervals) and, as rows ``group == "method:<name>"``, the MAPE of
  the central projection against the naive baselines (``backtest.mape_table``, ORIGIN → TARGET);
- ``backtest_rates.parquet``: ``backtest.rate_table`` of the held-out origins, for each rate, for every
  territory (territory_code) and for all territories together (territory_code ``ALL``);
- ``backtest_rate_paths.parquet``: for each département and rate, what ``trends.build`` fed only the rows
  up to an origin RATE_HORIZON years before the rate's last observation said (trend, p10 … p90), beside
  what was then observed (``rate_paths``);
- ``backtest_need_paths.parquet``: the same for the projected recipients of the needs
  (``backtest.need_paths`` from NEED_ORIGIN, population and rate bands combined).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.core.formatting import format_number
from indicators.core.paths import TRACK_RECORD_FILES
from indicators.models import backtest, trends
from indicators.models.projections import project_groups

ORIGIN = 2013
TARGET = 2023
HISTORY = 10
PATHS_FILE, POPULATION_FILE, RATES_FILE, RATE_PATHS_FILE, NEED_PATHS_FILE = TRACK_RECORD_FILES
ALL = "ALL"
BANDS = ("central", "p10", "p25", "p75", "p90")
RATE_HORIZON = 10
NEED_ORIGIN, NEED_HORIZON = backtest.NEED_RUNS[0]


def population_paths(
    population: pd.DataFrame, origin: int = ORIGIN, target: int = TARGET, projected: pd.DataFrame | None = None
) -> pd.DataFrame:
    """territory_code, group, year, observed, central, p10, p25, p75, p90: the projection made at ``origin``
    from the estimates up to ``origin`` only (each age group with the interval of its own past errors,
    ``projections.project_groups``), beside the estimates of origin - HISTORY … target."""
    dep = population[population["territory_code"] != "FR"]
    observed = backtest._groups(dep[dep["year"].between(origin - HISTORY, target)])
    if projected is None:
        projected = project_groups(dep[dep["year"] <= origin], origin, until=target)
    projected = projected[projected["variant"].isin(BANDS) & (projected["year"] <= target)]
    long_obs = observed.rename_axis(columns="group").stack().rename("observed")
    long_ahead = projected.pivot_table(
        index=["territory_code", "year", "group"], columns="variant", values="population"
    )[list(BANDS)]
    out = pd.concat([long_obs, long_ahead], axis=1).reset_index()
    out = out[out["territory_code"].isin(set(projected["territory_code"]))]
    return out[["territory_code", "group", "year", "observed", *BANDS]].sort_values(["territory_code", "group", "year"])


def population_summary(population: pd.DataFrame, projected: dict[int, pd.DataFrame] | None = None) -> pd.DataFrame:
    """backtest.population_table, plus one row per method of backtest.mape_table (group 'method:<name>',
    columns total / 65+ / 75+ as the MAPE of that method, origin ORIGIN, horizon TARGET - ORIGIN).
    projected: backtest.origin_projections, when already computed."""
    projected = projected or backtest.origin_projections(population)
    table = backtest.population_table(population, projected=projected)
    methods = backtest.mape_table(population, ORIGIN, TARGET)
    rows = [
        {"origin": ORIGIN, "horizon": TARGET - ORIGIN, "group": f"method:{m}", **methods.loc[m].to_dict()}
        for m in methods.index
    ]
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def _rate_summary(held: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """backtest.rate_table's columns by ``keys``, vectorised (one groupby instead of one call per territory)."""
    gap = held["trend"] - held["actual"]
    frame = held[keys].assign(
        coverage_50=((held["actual"] >= held["p25"]) & (held["actual"] <= held["p75"])) * 100.0,
        coverage_80=((held["actual"] >= held["p10"]) & (held["actual"] <= held["p90"])) * 100.0,
        mae_trend=gap.abs(),
        mae_last_value=(held["naive"] - held["actual"]).abs(),
        bias=gap,
        origin=held["origin"],
        horizon=held["horizon"],
    )
    grouped = frame.groupby(keys, sort=False)
    out = grouped[["coverage_50", "coverage_80", "mae_trend", "mae_last_value", "bias"]].mean()
    out["p90_abs"] = grouped["mae_trend"].quantile(0.9)
    out["mae_ratio"] = (out["mae_trend"] / out["mae_last_value"]).where(out["mae_last_value"] > 0)
    out["origins"] = grouped["origin"].min().astype(str) + "-" + grouped["origin"].max().astype(str)
    out["max_horizon"] = grouped["horizon"].max()
    out["forecasts"] = grouped.size()
    return out.reset_index()


def tested_span(row: dict) -> str:
    """What a rate's track record rests on, in French: 'origines 2007 à 2023, horizons 1 à 10 ans, 12 024
    comparaisons' or 'origine 2018, horizon 1 an, 101 comparaisons' (a single origin is said as such)."""
    first, last = (int(y) for y in str(row["origins"]).split("-"))
    top = int(row["max_horizon"])
    origins = f"origine {first}" if first == last else f"origines {first} à {last}"
    horizons = "horizon 1 an" if top == 1 else f"horizons 1 à {top} ans"
    return f"{origins}, {horizons}, {format_number(row['forecasts'], 0)} comparaisons"


def extrapolation_note(row: dict) -> str:
    """Said when a rate's track record checks fewer horizons than the bands are measured on ('' otherwise)."""
    top = int(row["max_horizon"])
    if top >= trends.MAX_HORIZON:
        return ""
    span = "1 an" if top == 1 else f"{top} ans"
    return (
        f"Ce recul est court : la série n'a permis de vérifier les projections que {span} à l'avance ; "
        "au-delà, la largeur des intervalles est extrapolée."
    )


def rates(observed: pd.DataFrame, indicators=None) -> pd.DataFrame:
    """indicator_id, territory_code (``ALL`` = every territory), and the columns of backtest.rate_table;
    ``indicators``: the rates (default: the repository's ``trend:`` entries)."""
    every, per = rate_summaries(observed, indicators)
    return pd.concat([every, per], ignore_index=True)


def rate_summaries(observed: pd.DataFrame, indicators=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two halves of ``rates``: every territory together (``ALL``), then each territory (empty frames
    when no rate has a held-out origin). ``rates`` of several indicators is the concatenation of their
    first halves, then of their second halves, in the indicators' order."""
    held = backtest.rate_held_out(observed, indicators)
    if held.empty:
        return pd.DataFrame(), pd.DataFrame()
    every = _rate_summary(held, ["indicator_id"]).assign(territory_code=ALL)
    return every, _rate_summary(held, ["indicator_id", "territory_code"])


def rate_record(table: pd.DataFrame, indicator_id: str, code: str) -> dict | None:
    """{"series": this territory's row, "all": every territory's row} of one rate, or None."""
    rows = table[table["indicator_id"] == indicator_id].set_index("territory_code")
    if code not in rows.index or ALL not in rows.index:
        return None
    return {"series": rows.loc[code].to_dict(), "all": rows.loc[ALL].to_dict()}


def rate_origin(years) -> int | None:
    """The origin of a rate's track record: RATE_HORIZON (else 5) years before its last observed year, when
    at least trends.MIN_YEARS years are observed by then; None otherwise."""
    years = pd.Index(sorted(set(years)))
    if years.empty:
        return None
    for back in (RATE_HORIZON, 5):
        origin = int(years.max()) - back
        if (years <= origin).sum() >= trends.MIN_YEARS:
            return origin
    return None


def rate_paths(observed: pd.DataFrame, indicators=None) -> pd.DataFrame:
    """territory_code, indicator_id, origin, year, observed, trend, p10, p25, p75, p90 for the départements:
    the forecast ``trends.build`` makes from the observed rows up to the origin only (``rate_origin``), for
    the years after it up to the last observation, beside the observed values from origin - RATE_HORIZON."""
    indicators = trends.rate_ids() if indicators is None else indicators
    rows = observed[(observed["variant"] == "observed") & (observed["territory_level"] == "departement")]
    out = []
    for indicator_id in indicators:
        mine = rows[rows["indicator_id"].isin(trends.needed_indicators((indicator_id,)))]
        values = mine[mine["indicator_id"] == indicator_id]
        origin = rate_origin(values["year"])
        if origin is None:
            continue
        last = int(values["year"].max())
        ahead = trends.build(mine[mine["year"] <= origin], until=last)
        ahead = ahead[ahead["territory_level"] == "departement"]
        wide = ahead.pivot_table(index=["territory_code", "year"], columns="variant", values="value")
        wide = wide.rename(columns=lambda v: "trend" if v == "trend" else v.removeprefix("trend_"))
        seen = values[values["year"] >= origin - RATE_HORIZON].set_index(["territory_code", "year"])["value"]
        frame = pd.concat([seen.rename("observed"), wide], axis=1).reset_index()
        frame = frame[frame["territory_code"].isin(set(wide.index.get_level_values("territory_code")))]
        out.append(frame.assign(indicator_id=indicator_id, origin=origin))
    columns = ["territory_code", "indicator_id", "origin", "year", "observed", "trend", *BANDS[1:]]
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True).reindex(columns=columns)


def need_paths(table: pd.DataFrame, population: pd.DataFrame, projected=None, only=None) -> pd.DataFrame:
    """backtest.need_paths from NEED_ORIGIN (horizon NEED_HORIZON), with the observed recipients of the ten
    years before the origin: territory_code, indicator_id, origin, year, observed, central, p10 … p90.
    ``projected``: ``need_projection(population)`` when already computed; ``only``: these needs alone (the
    pipeline's parts, put together by ``joined_need_paths``)."""
    ahead = backtest.need_paths(table, population, NEED_ORIGIN, NEED_HORIZON, projected, only).drop(columns="horizon")
    observed = table[(table["variant"] == "observed") & (table["territory_level"] == "departement")]
    before = observed[
        observed["indicator_id"].isin(set(ahead["indicator_id"]))
        & observed["year"].between(NEED_ORIGIN - RATE_HORIZON, NEED_ORIGIN)
    ][["territory_code", "indicator_id", "year", "value"]].rename(columns={"value": "observed"})
    out = pd.concat([before, ahead], ignore_index=True).assign(origin=NEED_ORIGIN)
    return out[["territory_code", "indicator_id", "origin", "year", "observed", *BANDS]].sort_values(
        ["territory_code", "indicator_id", "year"]
    )


def need_projection(population: pd.DataFrame) -> pd.DataFrame:
    """The population projection made at NEED_ORIGIN that every need's paths read."""
    return backtest.needs.projected_at(population, NEED_ORIGIN, NEED_HORIZON)


def short_need(table: pd.DataFrame, population: pd.DataFrame, need_id: str) -> bool | None:
    """Whether this need's paths borrow the errors of every need's rows up to NEED_ORIGIN (its series is too
    short then, ``needs.too_short``); None when it has no rows up to the origin (no paths)."""
    from indicators.models import needs

    observed = table[
        (table["variant"] == "observed") & (table["territory_level"] == "departement") & (table["year"] <= NEED_ORIGIN)
    ]
    rate = needs.observed_rate(observed, backtest.needs.past_population(population, NEED_ORIGIN), need_id)
    if rate is None:
        return None
    return needs.too_short(rate, need_id, needs.horizons_of(rate, NEED_ORIGIN + NEED_HORIZON))


def joined_need_paths(parts) -> pd.DataFrame:
    """``need_paths`` of one need each, put together as ``need_paths`` of them all sorts its rows."""
    parts = [p for p in parts if len(p.columns)]
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True).sort_values(
        ["territory_code", "indicator_id", "year"], ignore_index=True
    )


def build(observed: pd.DataFrame, population: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """File name -> frame, for pipeline.write_store."""
    projected = backtest.origin_projections(population)  # one projection per origin, shared
    return {
        PATHS_FILE: population_paths(population, projected=projected[ORIGIN]),
        POPULATION_FILE: population_summary(population, projected),
        RATES_FILE: rates(observed[observed["variant"] == "observed"]),
        RATE_PATHS_FILE: rate_paths(observed),
        NEED_PATHS_FILE: need_paths(observed, population),
    }


def load(name: str, store_dir: Path | None = None) -> pd.DataFrame:
    from indicators.storage.store import table_path

    return pd.read_parquet(table_path(name, store_dir))  # the published version's (a new edition carries its own)


def method_mape(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows: methods (hamilton_perry, constant, linear_trend); columns total, 65+, 75+ (MAPE, %)."""
    rows = summary[summary["group"].str.startswith("method:")]
    return rows.assign(method=rows["group"].str.removeprefix("method:")).set_index("method")[["total", "65+", "75+"]]


def _calibration_word(coverage: float) -> str:
    if coverage > 85:
        return "plus large que nécessaire"
    if coverage < 75:
        return "trop étroit"
    return "bien calibré"


def population_sentences(paths: pd.DataFrame, summary: pd.DataFrame, name: str) -> list[str]:
    """Plain French (Markdown) about the projection made at ORIGIN: what it said for this département and
    what happened, then how it did over every département. paths: population_paths rows of one département."""
    from indicators.core.formatting import NBSP, format_number
    from indicators.models.age_outlook import GROUP_LABELS

    pct = lambda v: format_number(v, 1) + NBSP + "%"  # noqa: E731
    out = []
    at = paths[(paths["group"] == "total") & (paths["year"] == TARGET)]
    if len(at):
        row = at.iloc[0]
        gap = (row["observed"] / row["central"] - 1) * 100
        inside = row["p10"] <= row["observed"] <= row["p90"]
        out.append(
            f"**En {ORIGIN}**, avec les seules estimations connues alors, la méthode aurait projeté "
            f"**{format_number(row['central'])} habitants** au 1er janvier {TARGET} pour {name} ; l'Insee en "
            f"estime **{format_number(row['observed'])}**, soit {pct(abs(gap))} de {'plus' if gap >= 0 else 'moins'}"
            f" ({'dans' if inside else 'hors de'} l'intervalle à 80 % de l'époque : "
            f"{format_number(row['p10'])} à {format_number(row['p90'])})."
        )
    runs = summary[(summary["origin"] == ORIGIN) & (summary["horizon"] == TARGET - ORIGIN)].set_index("group")
    if "total" in runs.index:
        total = runs.loc["total"]
        count = int(total["departements"])
        parts = [
            f"{GROUP_LABELS.get(g, g)} : écart moyen {pct(runs.at[g, 'mape'])}, "
            f"{round(runs.at[g, 'coverage_80'] * count / 100)} sur {count} dans l'intervalle à 80 % "
            f"({_calibration_word(runs.at[g, 'coverage_80'])})"
            for g in ("0-19", "20-64", "65+", "75+")
            if g in runs.index
        ]
        out.append(
            f"**Sur les {count} départements**, à 10 ans, l'écart moyen entre projection et estimation est de "
            f"{pct(total['mape'])} pour la population totale, et la population observée est tombée dans "
            f"l'intervalle à 80 % pour {round(total['coverage_80'] * count / 100)} départements sur {count} "
            "(un intervalle bien calibré en contiendrait environ 80 : il est "
            f"{_calibration_word(total['coverage_80'])}). "
            "Par âge — " + " ; ".join(parts) + "."
        )
    return out


def past_forecast_sentence(rows: pd.DataFrame, central: str, fmt, name: str, bare=None) -> str | None:
    """Plain French (Markdown) about one series' track record (rate_paths or need_paths rows of one
    département and indicator): what the forecast made at the origin said for the last observed year and
    what happened. fmt: value -> French text with its unit; bare: the same without (default fmt)."""
    bare = bare or fmt
    rows = rows.dropna(subset=[central, "observed"]).sort_values("year")
    if rows.empty:
        return None
    origin, last = int(rows["origin"].iloc[0]), rows.iloc[-1]
    inside = last["p10"] <= last["observed"] <= last["p90"]
    inside_all = ((rows["observed"] >= rows["p10"]) & (rows["observed"] <= rows["p90"])).sum()
    return (
        f"**En {origin}**, avec les seules données connues alors, la projection donnait **{fmt(last[central])}** "
        f"en {int(last['year'])} pour {name} ; il y a eu **{fmt(last['observed'])}** "
        f"({'dans' if inside else 'hors de'} l'intervalle à 80 % de l'époque : {bare(last['p10'])} à "
        f"{fmt(last['p90'])}). Sur les {len(rows)} années projetées, {_fell(int(inside_all))} dans cet intervalle."
    )


def _fell(count: int) -> str:
    """'aucune n'est tombée', '1 est tombée', '3 sont tombées' (French agreement with the count)."""
    if count == 0:
        return "aucune n'est tombée"
    return f"{count} {'est tombée' if count == 1 else 'sont tombées'}"


def held(name: str, store_dir: Path | None = None) -> bool:
    """Whether the store holds this table (a small store, such as the demo's, has no track record)."""
    from indicators.storage import versions

    return versions.table_path(name, store_dir).exists()
