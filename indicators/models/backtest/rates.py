"""Backtest of the rates' trend projections (indicators.models.trends): rolling origins, horizons 1-10,
settings (central path and bands) chosen on the early origins, coverage measured on the held-out ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.models import trends

RATE_CANDIDATES = [trends.LAST_VALUE] + [
    trends.Setting(w, k, phi) for w in (0.5, 1.0) for k in (3, 5, 8) for phi in (0.6, 0.8, 0.95)
]


def error_measures(actual, forecast) -> dict[str, float]:
    """MAE, MAPE (%), bias (mean signed error, forecast − actual) and P90 of the absolute error."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    gap = forecast - actual
    nonzero = np.abs(actual) > 1e-9
    return {
        "mae": float(np.mean(np.abs(gap))),
        "mape": float(np.mean(np.abs(gap[nonzero]) / np.abs(actual[nonzero])) * 100),
        "bias": float(np.mean(gap)),
        "p90_abs": float(np.quantile(np.abs(gap), 0.9)),
    }


def split_year(errors: pd.DataFrame) -> int:
    """Origins up to this year are 'early' (used for choices); later origins are reported out of sample."""
    return int(np.median(errors["origin"].unique()))


def select_rate_settings(table: pd.DataFrame, indicators=None) -> pd.DataFrame:
    """Per indicator: MAE (original scale) of every candidate on the early origins (targets up to the
    split year) and the winner. Returns indicator_id, setting, mae, chosen."""
    indicators = trends.rate_ids() if indicators is None else indicators
    items = list(trends.series(table, indicators))
    rows = []
    for indicator_id in indicators:
        mine = [it for it in items if it[0][2] == indicator_id]
        cap = trends.cap_of(indicator_id)
        base = trends.pooled_errors(mine, {indicator_id: trends.LAST_VALUE})
        if base.empty:
            continue
        split = split_year(base)
        for cand in RATE_CANDIDATES:
            e = trends.pooled_errors(mine, {indicator_id: cand})
            e = e[e["target"] <= split]
            mae = np.mean(np.abs(trends.from_logit(e["forecast"], cap) - trends.from_logit(e["actual"], cap)))
            rows.append({"indicator_id": indicator_id, "setting": cand, "mae": float(mae), "split": split})
    out = pd.DataFrame(rows)
    best = out.loc[out.groupby("indicator_id")["mae"].idxmin()]
    return out.assign(chosen=out.index.isin(best.index))


def rate_held_out(table: pd.DataFrame, indicators=None, settings=None, bands=None) -> pd.DataFrame:
    """For every indicator, the late origins T (after the split year): bands calibrated only on errors
    whose target is at most T (what a table cut at T knows), compared with what happened at T+1..T+10.
    Returns one row per forecast: indicator_id, territory_code, origin, horizon, actual, trend, naive,
    p10, p25, p75, p90 (original scale)."""
    indicators = trends.rate_ids() if indicators is None else indicators
    items = list(trends.series(table, indicators))
    return held_out(items, indicators, settings, trends.band_settings() if bands is None else bands)


def held_out(items, indicators, settings=None, bands=None, early: bool = False) -> pd.DataFrame:
    """rate_held_out on given series: items = ((level, code, indicator_id), consecutive values by year).
    bands: indicator id -> trends.BandSetting (default trends.NOMINAL). early: the origins up to the split
    year instead, forecasts of targets up to the split year only (what the band settings are chosen on)."""
    out = []
    for indicator_id in indicators:
        mine = [it for it in items if it[0][2] == indicator_id]
        errors = trends.pooled_errors(mine, settings)
        if errors.empty:
            continue
        cap = trends.cap_of(indicator_id)
        split = split_year(errors)
        for origin in sorted(o for o in errors["origin"].unique() if (o <= split) == early):
            q = trends.calibrate(
                errors[errors["target"] <= origin], trends.MAX_HORIZON, (bands or {}).get(indicator_id, trends.NOMINAL)
            )
            now = errors[errors["origin"] == origin]
            now = now[now["target"] <= split] if early else now
            if q.empty or now.empty:
                continue
            qh = q.reindex(now["horizon"]).to_numpy()
            frame = {
                "indicator_id": indicator_id,
                "territory_code": now["territory_code"].to_numpy(),
                "origin": origin,
                "horizon": now["horizon"].to_numpy(),
                "actual": trends.from_logit(now["actual"], cap),
                "trend": trends.from_logit(now["forecast"], cap),
            }
            for i, v in enumerate(trends.LEVELS_Q):
                frame[v.removeprefix("trend_")] = trends.from_logit(
                    now["forecast"].to_numpy() + qh[:, i] * now["scale"].to_numpy(), cap
                )
            out.append(pd.DataFrame(frame))
    if not out:
        return pd.DataFrame(columns=["indicator_id", "territory_code", "origin", "horizon", "actual", "trend", "naive"])
    held = pd.concat(out, ignore_index=True)
    last = {}
    for (_, code, indicator_id), s in items:
        last[(code, indicator_id)] = s
    naive = [
        last[(c, i)].get(o, np.nan)
        for c, i, o in zip(held["territory_code"], held["indicator_id"], held["origin"], strict=True)
    ]
    return held.assign(naive=naive)


BAND_MARGIN = 2.0
BAND_CANDIDATES = [
    trends.BandSetting(symmetric, inner, outer)
    for symmetric in (False, True)
    for inner in (0.4, 0.5, 0.6)
    for outer in (0.7, 0.8, 0.9)
]


def select_band_settings(table: pd.DataFrame, indicators=None) -> pd.DataFrame:
    """Per indicator and candidate band setting: coverage of the 50 % and 80 % bands on the early origins
    (up to the split year, targets up to it, each band calibrated on the errors known at its origin), the
    distance |c50 − 50| + |c80 − 80| and the winner (the nominal setting wins unless another is closer by
    more than BAND_MARGIN points: the early origins are few)."""
    indicators = trends.rate_ids() if indicators is None else indicators
    items = list(trends.series(table, indicators))
    rows = []
    for indicator_id in indicators:
        for cand in BAND_CANDIDATES:
            held = held_out(items, (indicator_id,), None, {indicator_id: cand}, early=True)
            if held.empty:
                continue
            c50 = float(((held["actual"] >= held["p25"]) & (held["actual"] <= held["p75"])).mean() * 100)
            c80 = float(((held["actual"] >= held["p10"]) & (held["actual"] <= held["p90"])).mean() * 100)
            distance = abs(c50 - 50) + abs(c80 - 80) - (BAND_MARGIN if cand == trends.NOMINAL else 0.0)
            rows.append({"indicator_id": indicator_id, "setting": cand, "c50": c50, "c80": c80, "distance": distance})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    best = out.loc[out.groupby("indicator_id")["distance"].idxmin()]
    return out.assign(chosen=out.index.isin(best.index))


def rate_table(held: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: held-out coverage of the 50 % and 80 % bands (%), MAE of the central path and of the
    last value, their ratio, bias and P90 of the absolute error, origins and forecasts."""
    rows = {}
    for indicator_id, h in held.groupby("indicator_id", sort=False):
        m = error_measures(h["actual"], h["trend"])
        naive = error_measures(h["actual"], h["naive"])
        rows[indicator_id] = {
            "coverage_50": float(((h["actual"] >= h["p25"]) & (h["actual"] <= h["p75"])).mean() * 100),
            "coverage_80": float(((h["actual"] >= h["p10"]) & (h["actual"] <= h["p90"])).mean() * 100),
            "mae_trend": m["mae"],
            "mae_last_value": naive["mae"],
            "mae_ratio": m["mae"] / naive["mae"] if naive["mae"] else np.nan,
            "bias": m["bias"],
            "p90_abs": m["p90_abs"],
            "origins": f"{h['origin'].min()}-{h['origin'].max()}",
            "forecasts": len(h),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
