"""The 2030 / 2050 block: the store's central projection with its variants (or the p10 / p90 interval when the
store holds one), never an observation."""

import pandas as pd
import pytest

from indicators.models import outlook


def _projected(table, key, code, year, variant):
    rows = table[
        (table["indicator_id"] == key)
        & (table["territory_code"] == code)
        & (table["territory_level"] == "departement")
        & (table["year"] == year)
        & (table["variant"] == variant)
    ]
    return float(rows["value"].iloc[0])


def test_outlook_of_93_is_the_stores_projection(table):
    rows = {r.key: r for r in outlook.build(table, "93")}
    assert list(rows) == ["population", "share_75_plus", "apa_recipients"]
    pop = rows["population"]
    assert (pop.base_year, pop.base) == (2023, 1682806)
    end = pop.at(2050)
    assert end.central == _projected(table, "population", "93", 2050, "central")
    # the store holds the prediction interval of the population (issue 10): it is preferred to the variants
    assert (end.low, end.high) == (
        _projected(table, "population", "93", 2050, "p10"),
        _projected(table, "population", "93", 2050, "p90"),
    )
    assert end.interval == "intervalle p10 – p90" and "Hamilton-Perry" in pop.method
    share = rows["share_75_plus"].at(2050)  # the low variant ages faster: the bracket is sorted
    assert share.low <= share.central <= share.high
    apa = rows["apa_recipients"]
    assert (apa.base_year, apa.base) == (2022, 22650) and apa.at(2030).central == _projected(
        table, "apa_recipients", "93", 2030, "central"
    )


def test_outlook_prefers_a_p10_p90_interval_when_present():
    rows = [("population", 2023, "observed", 100.0)] + [
        ("population", 2050, variant, v)
        for variant, v in (("central", 120.0), ("low", 110.0), ("high", 130.0), ("p10", 105.0), ("p90", 138.0))
    ]
    table = pd.DataFrame(rows, columns=["indicator_id", "year", "variant", "value"]).assign(
        territory_code="38", territory_level="departement"
    )
    pop = outlook.build(table, "38")[0]
    assert (pop.at(2050).low, pop.at(2050).high, pop.at(2050).interval) == (105.0, 138.0, "intervalle p10 – p90")
    assert pop.at(2030) is None and outlook.build(table, "38")[2].base is None


@pytest.mark.parametrize(("code", "base"), [("976", 310022), ("2A", 163955)])
def test_outlook_exists_for_overseas_and_corsica(table, code, base):
    pop = outlook.build(table, code)[0]
    assert (pop.key, pop.base_year, pop.base) == ("population", 2023, base)
    for year in (2030, 2050):  # the store's own projection and its p10 - p90 interval, not a stand-in
        point = pop.at(year)
        assert (point.central, point.low, point.high) == tuple(
            _projected(table, "population", code, year, variant) for variant in ("central", "p10", "p90")
        )
        assert point.low < point.central < point.high
