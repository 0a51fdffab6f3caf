"""Issue 5: projecting every département to 2050 (three variants), re-running the scenarios after a
slider move (the page's server-side work once the département's inputs are cached), and the backtest."""

from __future__ import annotations

import time

import pandas as pd

from indicators.models import backtest, needs, projections, scenarios
from indicators.storage import query, store
from tests.benchmarks.run import Measure, median_of


def _page_rerun(bases, groups) -> pd.DataFrame:
    chosen = [s.with_changes(shock_size=s.shock_size + 1) for s in scenarios.defaults(bases)]
    results = pd.concat([scenarios.run(s, bases, groups) for s in chosen], ignore_index=True)
    scenarios.total_spending(results)
    scenarios.milestones(results)
    scenarios.assumptions_table(chosen)
    return results


def run() -> list[Measure]:
    population = store.load_population()
    base_year = int(population["year"].max())
    project = median_of(lambda: projections.project_population(population, base_year, until=2050), repeat=3)
    projected = projections.project_population(population, base_year, until=2051)
    code = "93"
    bases = needs.baselines(query.rows(levels=["departement"], codes=[code]), population, code)
    observed = population[population["territory_code"] == code]
    mine = projected[projected["territory_code"] == code]
    groups = {
        v: {n.id: needs.group_projection(mine[mine["variant"] == v], observed, n.ages) for n in needs.NEEDS}
        for v in ("central", "low", "high")
    }
    rerun = median_of(lambda: _page_rerun(bases, groups), repeat=5)
    start = time.perf_counter()
    mape = backtest.mape_table(population, 2013, 2023)
    elapsed = time.perf_counter() - start
    print("Backtest 2013 -> 2023, MAPE over départements (%):")
    print(mape.round(2).to_string())
    return [
        Measure(5, "project all départements to 2050, seven variants", project, "s", 10.0),
        Measure(5, "scenarios page re-run after a slider move (93, logic)", rerun, "s", 0.3),
        Measure(5, "backtest 2013 -> 2023 (projection + baselines)", elapsed, "s", 10.0),
    ]
