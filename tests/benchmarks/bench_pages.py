"""Issues 14 and 29: every page's warm server rerun on today's store (AppTest), median against a bare Streamlit
page timed in the same run, budget 100 ms each; and the server's memory once every page has been visited."""

from __future__ import annotations

from tests.benchmarks import apptest
from tests.benchmarks.run import Entry, Measure

PAGES = [
    ("home", "app_pages/accueil.py", {}),
    ("profile (?dep=93)", "app_pages/profil.py", {"dep": "93"}),
    ("commune profile (?com=95585)", "app_pages/profil.py", {"com": "95585"}),
    ("radar (?dep=93)", "app_pages/radar.py", {"dep": "93"}),
    ("compare (38/44/93)", "app_pages/comparer.py", {"deps": "38,44,93"}),
    ("département map (poverty 2020)", "app_pages/carte.py", {"ind": "poverty_rate", "year": "2020"}),
    ("commune map (Nord, Dunkerque)", "app_pages/carte.py", {"maille": "communes", "dep": "59", "com": "59183"}),
    ("scenarios (93)", "app_pages/scenarios.py", {"dep": "93"}),
    ("métiers (93)", "app_pages/metiers.py", {"dep": "93"}),
    ("trends", "app_pages/tendances.py", {}),
    ("import (logged out)", "app_pages/import.py", {}),
]
BUDGET = 0.1  # seconds, median of warm reruns (issue 29)


def run() -> list[Entry | Measure]:
    bare = apptest.bare()
    entries: list[Entry | Measure] = [
        Entry(29, f"warm server rerun: {name}", apptest.page(path, **params).run, bare.run, BUDGET, "bare page")
        for name, path, params in PAGES
    ]  # every page opened (and its caches filled) before the first is timed
    entries.append(
        Measure(29, "server memory after every page once", apptest.rss_mb(), "MB", None, apptest.bare_rss_mb(),
                "bare page")
    )  # fmt: skip
    return entries


if __name__ == "__main__":
    from tests.benchmarks.run import timed

    for item in run():
        print(timed(item) if isinstance(item, Entry) else item)
