"""The radar on the real store: known signals of 93, the stored signals and backtest figures recomputed."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.radar import backtest, signals, stored

NBSP = "\u00a0"


def test_seine_saint_denis_rsa_coverage_is_an_ecart(table):
    found = signals(table, "departement", "93")
    rsa = found[(found["indicator_id"] == "rsa_coverage_rate") & (found["kind"] == "ecart")].iloc[0]
    assert rsa["direction"] == "worse" and rsa["year"] == 2019
    assert rsa["sentence"] == (
        f"Part de la population couverte par le RSA : 10,7{NBSP}% en 2019, contre 5,7{NBSP}% en France et "
        f"8,3{NBSP}% dans les départements similaires (nettement plus élevé, situation plus difficile)."
    )
    assert rsa["source"].startswith("DREES, CNAF, MSA, minima sociaux")
    assert len(found) <= 10  # a handful, not thirty


def test_stored_signals_are_those_computed_now(table, real_store):
    kept = stored.load_signals(real_store)
    kept = kept[kept["territory_level"] == "departement"]
    for code in ("93", "38", "44"):
        now = signals(table, "departement", code)
        mine = kept[kept["territory_code"] == code]
        assert list(mine["sentence"]) == list(now["sentence"])


@pytest.mark.slow
def test_backtest_figures_recomputed_equal_the_stored_ones(table, real_store):
    chosen, measured = backtest.run(table)
    assert chosen == backtest.stored_thresholds()
    kept = stored.load_backtest(real_store)
    pd.testing.assert_frame_equal(measured.reset_index(drop=True), kept.reset_index(drop=True), check_dtype=False)
    later = measured[measured["period"] == "later"].set_index("kind")
    assert (later["share"] >= 2 / 3).all()
