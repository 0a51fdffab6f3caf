"""Issue 15: the store with the real commune and EPCI data (34 875 communes, 1 255 EPCI).

The two queries the commune pages make on the built store (`make bench` builds it first): one
indicator-year for every commune, one commune's full profile rows (and its notes). The full build and the
no-op, communes included, are timed once, in bench_store.
"""

from __future__ import annotations

from indicators.storage import query
from tests.benchmarks.run import Measure, median_of


def run() -> list[Measure]:
    year = lambda: query.indicator_year("legal_population", 2023, level="commune")  # noqa: E731
    assert len(year()) == 34_858
    one_year = median_of(year, repeat=5)
    profile = lambda: query.profile_rows("95585", level="commune")  # noqa: E731
    assert len(profile()) == 39  # issue 26: Filosofi 2021, census 2012/2018 and NEET rows besides the 10 of issue 15
    one_profile = median_of(profile, repeat=5)
    poverty = lambda: query.indicator_year("poverty_rate", 2021, level="commune")  # noqa: E731
    assert len(poverty()) == 4_343
    one_poverty = median_of(poverty, repeat=5)
    notes = median_of(lambda: query.notes("93066"), repeat=5)  # among 510 000 notes since issue 26 (secrecy)
    return [
        Measure(15, "one indicator-year, all 34 858 communes (query.indicator_year)", one_year * 1000, "ms", 200.0),
        Measure(15, "one commune's full profile rows (query.profile_rows 95585)", one_profile * 1000, "ms", 50.0),
        Measure(15, "one commune's series notes (query.notes 93066)", notes * 1000, "ms", 50.0),
        Measure(26, "poverty rate 2021, all communes (query.indicator_year)", one_poverty * 1000, "ms", 200.0),
    ]
