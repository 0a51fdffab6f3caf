"""Issue 15, pages: the search box, the payload and drawing of the Nord commune map (warm reruns: bench_pages)."""

from __future__ import annotations

import json

from tests.benchmarks.bench_compare_map import map_visits
from tests.benchmarks.run import Measure, median_of

QUERIES = ("sarcelles", "St Denis", "CA du Pays Basque", "38", "95585", "la", "saint", "l ile d yeu")
NORD_MAP = "/carte?maille=communes&dep=59&com=59183&ind=census_unemployment_rate_15_64"


def _search_worst() -> float:
    """The slowest of QUERIES (best of 5 each) over the 36 231 territories."""
    from indicators.storage import store
    from indicators.views import search

    index = store.load_territories()
    search.find("x", index)  # prepares the index once, as the app's cache does
    return max(median_of(lambda q=q: search.find(q, index, limit=6)) for q in QUERIES)


def _nord_payload_kb() -> float:
    """What the browser receives for the Nord: the figure (locations, classes, hover texts) and the shapes."""
    from indicators.storage import query, store
    from indicators.ui import serving
    from indicators.views import commune_map

    index = store.load_territories()
    communes = commune_map.communes_of(index, "departement", "59")
    values = query.indicator_year("census_unemployment_rate_15_64", 2021, "commune")
    frame = commune_map.map_frame(communes, values, "census_unemployment_rate_15_64", 2021)
    fig = commune_map.figure(frame, serving.STATIC_URL + "x.json", "census_unemployment_rate_15_64", selected="59183")
    return (
        len(json.dumps(fig.to_plotly_json(), default=str)) + store.commune_geometry_path("59").stat().st_size
    ) / 1000


def run() -> list[Measure]:
    drawn_first, drawn_again = map_visits(NORD_MAP, 646)  # the 647 communes drawn
    return [
        Measure(15, "search box, slowest of 8 queries (36 231 territories)", _search_worst(), "s", 0.05),
        Measure(15, "commune map payload, Nord (figure + shapes)", _nord_payload_kb(), "KB", 400.0),
        Measure(15, "commune map of the Nord drawn, return visit (browser cache)", drawn_again, "s", 2.0),
        Measure(15, "commune map of the Nord drawn, first visit (empty browser cache)", drawn_first, "s", 3.0),
    ]  # fmt: skip


if __name__ == "__main__":
    for measure in run():
        print(measure)
