"""Demography-driven social needs: projected recipients = rate × projected population of the age group.

Rates follow the store's rule for stocks: recipients at 31/12/N over the population at 1/1/N+1, so the
recipients of year N are projected from the population projected for 1/1/N+1.

The store's projection (``project_all``): the need's rate follows the central path of the trend rate its
catalogue entry names (``need: {rate}``, e.g. AAH recipients per inhabitant of 20-64 follow the setting
of aah_rate_20_64: last value + damped drift, ``trends.central``), applied to the need's own rate series;
a need without one (RSA households) keeps its last value. Its bands are calibrated on the past errors of
that same central path on the need's own rate series, with the rate's band setting (``trends.calibrate``).
A need whose series is too short to measure those errors (no département with more than MIN_YEARS
years, as a rate gets no trend below that) keeps its last value and borrows the "last value" errors of
every need's rate: a drift measured on a benefit's first years (PCH from 2006) is its ramp-up.
The scenarios (``project_need``) instead hold the rate at its last value or change it by a given % a year
(e.g. its recent trend).
Spending = recipients × the last observed net spending per recipient (euros of that year, no inflation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.core import catalogue
from indicators.core.age_groups import ALL_AGES, AgeGroup, age_group_population
from indicators.models import trends

TREND_YEARS = 5
MAX_TREND = 5.0  # % a year, either way


@dataclass(frozen=True)
class Need:
    id: str  # the count in the store
    label: str
    ages: AgeGroup
    spending_id: str | None  # DREES net spending of the same field (k€), None when the State pays
    rate: str | None = None  # the trend rate whose central path and band setting the need's rate follows


def catalogue_needs(entries: dict | None = None) -> list[Need]:
    """The needs the catalogue declares (``need: {label, ages, spending, order}``), in their order."""
    entries = catalogue.repository() if entries is None else entries
    return [
        Need(i, entries[i].need.label, AgeGroup(*entries[i].need.ages), entries[i].need.spending, entries[i].need.rate)
        for i in catalogue.need_ids(entries)
    ]


def age_label(ages: AgeGroup) -> str:
    """'75 ans et plus', '0-19 ans', 'population totale'."""
    if ages == ALL_AGES:
        return "population totale"
    return f"{ages.low} ans et plus" if ages.high is None else f"{ages.low}-{ages.high} ans"


needs = catalogue.lazy(catalogue_needs)  # read on first use; ``needs.NEEDS`` etc. still work (__getattr__)
need_by_id = catalogue.lazy(lambda entries: {n.id: n for n in needs()})
age_labels = catalogue.lazy(lambda entries: {n.id: age_label(n.ages) for n in needs()})
__getattr__ = catalogue.lazy_constants(__name__, NEEDS=needs, NEED_BY_ID=need_by_id, AGE_LABELS=age_labels)


@dataclass(frozen=True)
class Baseline:
    """What the projection of one need in one territory starts from."""

    need: str
    last_year: int
    last_rate: float  # recipients per inhabitant of the age group
    trend: float  # recent yearly change of the rate, % a year
    cost_per_recipient: float | None  # € (net spending of cost_year / recipients at 31/12 of cost_year)
    cost_year: int | None
    observed: pd.Series  # recipients by year
    spending: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # observed net spending (€) by year
    # The rate on its central path after last_year (year -> rate), as the store's central projection holds it
    # (project_all): the scenarios start from it, so that the tendanciel is the profile's projection. None: the
    # last rate, held.
    central_rate: pd.Series | None = None


def _dep_values(table: pd.DataFrame, indicator_id: str, code: str) -> pd.Series:
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["territory_code"] == code)
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    ]
    return rows.set_index("year")["value"].sort_index()


def rates(counts: pd.Series, group_population: pd.Series) -> pd.Series:
    """count(31/12/N) / population(1/1/N+1), by N."""
    following = group_population.rename(lambda y: y - 1)
    return (counts / following).dropna()


def recent_trend(rate: pd.Series, years: int = TREND_YEARS) -> float:
    """Mean yearly % change of the rate over its last ``years`` years (clipped to ±MAX_TREND)."""
    rate = rate[rate > 0]
    if len(rate) < 2:
        return 0.0
    tail = rate.iloc[-(years + 1) :]
    span = tail.index[-1] - tail.index[0]
    change = ((tail.iloc[-1] / tail.iloc[0]) ** (1 / span) - 1) * 100
    return float(np.clip(change, -MAX_TREND, MAX_TREND))


def baselines(table: pd.DataFrame, population: pd.DataFrame, code: str) -> dict[str, Baseline]:
    """For one département: the last rate, trend and unit cost of every need with observations."""
    age_sex = population[population["territory_code"] == code]
    out = {}
    for need in needs():
        counts = _dep_values(table, need.id, code)
        group = age_group_population(age_sex, need.ages).set_index("year")["population"]
        rate = rates(counts, group)
        if rate.empty:
            continue
        cost, cost_year, spending = None, None, pd.Series(dtype=float)
        if need.spending_id:
            spending = _dep_values(table, need.spending_id, code) * 1000  # k€ -> €
            both = spending.index.intersection(counts.index)
            if len(both):
                cost_year = int(both.max())
                cost = float(spending[cost_year] / counts[cost_year])
        out[need.id] = Baseline(
            need.id, int(rate.index[-1]), float(rate.iloc[-1]), recent_trend(rate), cost, cost_year, counts, spending
        )
    return out


def group_projection(projected: pd.DataFrame, observed: pd.DataFrame, ages: AgeGroup) -> pd.Series:
    """Population of the age group by year (observed years, then projected ones) for one variant."""
    both = pd.concat([observed, projected[~projected["year"].isin(observed["year"])]], ignore_index=True)
    return age_group_population(both, ages).set_index("year")["population"].sort_index()


def project_need(
    baseline: Baseline,
    group: pd.Series,
    until: int,
    yearly_change: float = 0.0,
    shock_year: int | None = None,
    shock_size: float = 0.0,
    damping: float = 1.0,
) -> pd.DataFrame:
    """year N (31/12/N) -> rate, recipients, spending (€) for N = last_year+1 … until.
    group: population of the age group at 1/1 by year, up to until+1. The rate starts from its central path
    (``baseline.central_rate``, else the last rate held); the k-th year after the last observation moves it
    away from that path by yearly_change × damping**(k-1) % (damping 1 = a constant change)."""
    years = np.arange(baseline.last_year + 1, until + 1)
    steps = years - baseline.last_year
    start = baseline.last_rate if baseline.central_rate is None else baseline.central_rate.reindex(years).to_numpy()
    rate = start * np.cumprod(1 + yearly_change / 100 * damping ** (steps - 1.0))
    if shock_year is not None and shock_size:
        rate = rate * np.where(years >= shock_year, 1 + shock_size / 100, 1.0)
    recipients = rate * group.reindex(years + 1).to_numpy()
    cost = baseline.cost_per_recipient
    spending = recipients * cost if cost is not None else np.full(len(years), np.nan)
    return pd.DataFrame({"year": years, "rate": rate, "recipients": recipients, "spending": spending})


INTERVALS = {"p10": "trend_p10", "p25": "trend_p25", "p75": "trend_p75", "p90": "trend_p90"}


SHORT = (trends.LAST_VALUE, trends.NOMINAL)


def rate_settings(need_id: str) -> tuple[trends.Setting, trends.BandSetting]:
    """The central path and band setting of a need's rate: those of the trend rate its catalogue entry
    names (chosen on the early origins, see trends), else the last value with nominal bands (SHORT)."""
    rate = need_by_id()[need_id].rate if need_id in need_by_id() else None
    if rate is None:
        return SHORT
    return trends.setting_of(rate), trends.BAND_SETTINGS.get(rate, trends.NOMINAL)


def rate_items(rate: pd.DataFrame, need_id: str) -> list:
    """rate: territory_code, year, rate (recipients per inhabitant). ((level, code, need id), rate in % by
    year, consecutive) of every département: the series ``trends`` projects and measures.
    Made from each département's arrays (``trends.consecutive_arrays``), not a frame per département."""
    codes, uniques = pd.factorize(rate["territory_code"], sort=True)  # groupby's order of the codes
    years = rate["year"].to_numpy()
    values = (rate["rate"] * 100).to_numpy(dtype=float)
    order = np.lexsort((years, codes))  # by code, then year
    codes, years, values = codes[order], years[order], values[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.array([], dtype=int)
    out = []
    for start, end in zip(starts, [*starts[1:], len(codes)], strict=True):
        if codes[start] < 0:  # a missing code: groupby leaves it out
            continue
        ys, vs = trends.consecutive_arrays(years[start:end], values[start:end])
        series = pd.Series(vs, index=pd.Index(ys, name="year"), name="rate")
        out.append((("departement", uniques[codes[start]], need_id), series))
    return out


def too_short(rate: pd.DataFrame, need_id: str, horizons: int) -> bool:
    """Whether the need's own series are too short to calibrate its band (``rate_quantiles`` empty), without
    computing any error: ``trends.calibrate`` needs MIN_ERRORS scored errors at horizon 1, and each origin
    ``end`` of a series of MIN_YEARS + 1 years or more gives one, scored when its past ``z[:end]`` moved
    (``trends.volatility``), whatever the central path. The pipeline keys a short need's projection on every
    need's rows (it borrows their errors, ``pooled_rate_errors``) and the others on their own rows alone."""
    if horizons < 1:
        return True
    cap, count = trends.cap_of(need_id), 0
    for _, s in rate_items(rate, need_id):
        if len(s) < trends.MIN_YEARS + 1:
            continue
        z = trends.to_logit(s.to_numpy(), cap)
        moved = np.maximum.accumulate(z) - np.minimum.accumulate(z)  # moved[end - 1]: the range of z[:end]
        count += int((moved[trends.MIN_YEARS - 1 : len(z) - 1] > 1e-9).sum())
    return count < trends.MIN_ERRORS


def central_rates(rate: pd.DataFrame, need_id: str, until: int, setting: trends.Setting) -> pd.DataFrame:
    """territory_code, year, rate (per inhabitant), year_last: the central path ``setting`` of the need's
    rate (on the logit scale of its share) for the years after its last observation up to until."""
    codes, years, lasts, values = [], [], [], []
    for (_, code, _), s in rate_items(rate, need_id):
        last = int(s.index.max())
        if until <= last:
            continue
        path = trends.central(trends.to_logit(s.to_numpy(), 100.0), setting, until - last)
        codes.append(np.full(until - last, code, dtype=object))
        years.append(np.arange(last + 1, until + 1, dtype=np.int64))
        lasts.append(np.full(until - last, last, dtype=np.int64))
        values.append(trends.from_logit(path, 100.0) / 100)
    if not codes:
        return pd.DataFrame(columns=["territory_code", "year", "year_last", "rate"])
    return pd.DataFrame(  # one frame for every département (a frame each was most of the time)
        {
            "territory_code": np.concatenate(codes),
            "year": np.concatenate(years),
            "year_last": np.concatenate(lasts),
            "rate": np.concatenate(values),
        }
    )


def rate_errors(rate: pd.DataFrame, need_id: str, setting: trends.Setting) -> pd.DataFrame:
    """Rolling-origin errors (logit scale) of the central path ``setting`` of the need's rate, every département."""
    return trends.pooled_errors(rate_items(rate, need_id), {need_id: setting})


def rate_quantiles(rate: pd.DataFrame, need_id: str, horizons: int) -> pd.DataFrame:
    """rate: territory_code, year, rate (recipients per inhabitant of the age group). Quantiles by horizon
    1..horizons (rows; columns trend_p10 … trend_p90) of the logit-scale errors of the rate's central path
    (``rate_settings``), every origin of every département pooled (``trends.pooled_errors`` /
    ``trends.calibrate``: the same split-conformal method and band setting as the rate trends). Empty when
    too few errors exist."""
    setting, band = rate_settings(need_id)
    errors = rate_errors(rate, need_id, setting)
    if errors.empty:
        return pd.DataFrame(columns=list(trends.LEVELS_Q))
    return trends.calibrate(errors, horizons, band)


def combined_factor(population_log: np.ndarray, rate: np.ndarray, rate_logit: np.ndarray, upper: bool) -> np.ndarray:
    """log(recipients quantile / central recipients) for one quantile (above the centre when ``upper``): the
    population's own log gap and the rate's (the rate moved by its logit quantile, as a log ratio) added in
    quadrature.
    Quadrature is exact for two independent normal errors and close for the near-symmetric, unimodal
    errors measured here; the store holds quantiles, not samples, so no simulation noise enters it."""
    share = rate * 100
    moved = trends.from_logit(trends.to_logit(share, 100.0) + rate_logit, 100.0)
    rate_log = np.log(moved / share)
    return (1.0 if upper else -1.0) * np.sqrt(population_log**2 + rate_log**2)


def _observed_rate(table: pd.DataFrame, population: pd.DataFrame, need: Need):
    """(population of the need's age group by territory and year, observed rate frame) or None."""
    counts = table[
        (table["indicator_id"] == need.id)
        & (table["territory_level"] == "departement")
        & (table["variant"] == "observed")
    ]
    if counts.empty:
        return None
    obs_group = age_group_population(population[population["territory_code"] != "FR"], need.ages)
    following = obs_group.assign(year=obs_group["year"] - 1)
    rate = counts.merge(following, on=["territory_code", "year"])
    return obs_group, rate.assign(rate=rate["value"] / rate["population"]).sort_values("year")


def pooled_rate_errors(rates_by_need: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The "last value" errors of every need's rate together (``SHORT``), for a need whose own series is too
    short to calibrate a band: without them its band would carry the population's uncertainty alone; in the
    backtest from 2010 the PCH and RSA bands then held 1 % to 2 % of what happened."""
    parts = [rate_errors(rate, need_id, SHORT[0]) for need_id, rate in rates_by_need.items()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def horizons_of(rate: pd.DataFrame, until: int) -> int:
    """The horizons a need's band is calibrated to: up to ``until`` from the earliest last year of its rate."""
    return until - int(rate.groupby("territory_code")["year"].max().min())


def observed_rate(table: pd.DataFrame, population: pd.DataFrame, need_id: str) -> pd.DataFrame | None:
    """The observed rate frame of one need (territory_code, year, value, population, rate), or None."""
    found = _observed_rate(table, population, need_by_id()[need_id])
    return None if found is None else found[1]


def project_all(
    table: pd.DataFrame, population: pd.DataFrame, projected: pd.DataFrame, until: int, only=None
) -> pd.DataFrame:
    """Every département, every need, its rate on its central path (``central_rates``), for each population
    variant: territory_code, indicator_id, year, variant, value (recipients). central / low / high: that
    rate × the population variant; the interval p10 … p90 combines the population interval with the past
    errors of the rate's central path (``rate_quantiles``, ``combined_factor``).
    ``only``: project these needs alone (the pipeline's parts); every need of ``table`` still lends its
    errors to a need too short for its own (``too_short``), so a short need's rows are the same whether the
    others are projected or not, as long as ``table`` holds them."""
    observed = {need.id: _observed_rate(table, population, need) for need in needs()}
    observed = {k: v for k, v in observed.items() if v is not None}
    pooled = None  # the pooled "last value" errors, measured once for every need too short for its own
    out = []
    for need in needs():
        if need.id not in observed or (only is not None and need.id not in only):
            continue
        obs_group, rate = observed[need.id]
        horizons = horizons_of(rate, until)
        setting = rate_settings(need.id)[0]
        if too_short(rate, need.id, horizons):  # its last value, the pooled errors of every need's rate
            if pooled is None:
                pooled = pooled_rate_errors({k: r for k, (_, r) in observed.items()})
            setting = SHORT[0]
            quantiles = pd.DataFrame(columns=list(trends.LEVELS_Q))
            if not pooled.empty:
                quantiles = trends.calibrate(pooled, horizons, SHORT[1])
        else:
            quantiles = rate_quantiles(rate, need.id, horizons)
        path = central_rates(rate, need.id, until, setting)
        wide = {}
        for variant, rows in projected.groupby("variant"):
            group = age_group_population(rows, need.ages)
            group = pd.concat([obs_group, group[~group["year"].isin(obs_group["year"])]])
            group = group.assign(year=group["year"] - 1).merge(path, on=["territory_code", "year"])
            wide[variant] = group.set_index(["territory_code", "year"])
        central = wide["central"]
        for variant, frame in wide.items():
            value = frame["population"] * frame["rate"]
            if variant in INTERVALS:
                population_log = np.log(frame["population"] / central["population"].reindex(frame.index)).to_numpy()
                rate_logit = np.zeros(len(frame))
                if len(quantiles):
                    h = (frame.index.get_level_values("year") - frame["year_last"]).to_numpy()
                    rate_logit = quantiles[INTERVALS[variant]].reindex(h).to_numpy()
                factor = combined_factor(
                    population_log, frame["rate"].to_numpy(), rate_logit, variant in ("p75", "p90")
                )
                value = central["population"].reindex(frame.index) * frame["rate"] * np.exp(factor)
            out.append(
                pd.DataFrame(
                    {
                        "territory_code": frame.index.get_level_values("territory_code"),
                        "indicator_id": need.id,
                        "year": frame.index.get_level_values("year"),
                        "variant": variant,
                        "value": value.to_numpy(),
                    }
                )
            )
    return pd.concat(out, ignore_index=True)
