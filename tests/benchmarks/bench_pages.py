"""Issue 14: every page's warm server rerun on today's store (AppTest), budget 100 ms each."""

from __future__ import annotations

from tests.benchmarks.bench_compare_map import _warm_rerun
from tests.benchmarks.run import Measure

PAGES = [
    ("home", "app_pages/accueil.py", {}),
    ("profile (?dep=93)", "app_pages/profil.py", {"dep": "93"}),
    ("compare (38/44/93)", "app_pages/comparer.py", {"deps": "38,44,93"}),
    ("map (poverty 2020)", "app_pages/carte.py", {"ind": "poverty_rate", "year": "2020"}),
    ("projections (scenarios, 93)", "app_pages/scenarios.py", {"dep": "93"}),
    ("trends", "app_pages/tendances.py", {}),
]


def run() -> list[Measure]:
    return [
        Measure(14, f"warm server rerun: {name}", _warm_rerun(page, **params), "s", 0.1) for name, page, params in PAGES
    ]


if __name__ == "__main__":
    for measure in run():
        print(measure)
