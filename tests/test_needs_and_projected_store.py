"""Projected needs (rate × population of the age group) and the projected rows of the store."""

import pandas as pd
import pytest

from indicators.models import needs
from tests.conftest import value


def _baseline(rate=0.05, cost=1000.0):
    return needs.Baseline("apa_recipients", 2020, rate, 0.0, cost, 2019, pd.Series({2020: 50.0}))


def test_constant_rate_on_constant_population_gives_constant_recipients():
    group = pd.Series(1000.0, index=range(2015, 2032))
    out = needs.project_need(_baseline(), group, until=2030)
    assert list(out["year"]) == list(range(2021, 2031))
    assert out["recipients"].tolist() == pytest.approx([50.0] * 10)
    assert out["spending"].tolist() == pytest.approx([50_000.0] * 10)


def test_yearly_change_and_shock_and_population_of_next_first_january():
    group = pd.Series({y: 1000.0 + 100 * (y - 2020) for y in range(2020, 2026)})
    out = needs.project_need(_baseline(), group, until=2024, yearly_change=10.0, shock_year=2023, shock_size=50.0)
    row = out.set_index("year")
    assert row.loc[2021, "recipients"] == pytest.approx(0.05 * 1.1 * 1200)  # 31/12/2021 over 1/1/2022
    assert row.loc[2023, "recipients"] == pytest.approx(0.05 * 1.1**3 * 1.5 * 1400)


def test_recent_trend_is_the_mean_yearly_change():
    rate = pd.Series({2015: 1.0, 2016: 1.02, 2017: 1.0404})
    assert needs.recent_trend(rate) == pytest.approx(2.0)
    assert needs.recent_trend(pd.Series({2015: 1.0, 2016: 2.0})) == needs.MAX_TREND


def test_store_has_projections_beside_observations(table):
    projected = table[table["variant"] != "observed"]
    assert set(projected["variant"]) == {
        "central",
        "low",
        "high",
        "p10",
        "p25",
        "p75",
        "p90",
        "trend",
        "trend_p10",
        "trend_p25",
        "trend_p75",
        "trend_p90",
    }
    assert projected["year"].max() == 2050
    observed_pop = table[(table["indicator_id"] == "population") & (table["variant"] == "observed")]
    assert observed_pop["year"].max() == 2023
    assert projected.loc[projected["indicator_id"] == "population", "year"].min() == 2024
    assert value(table, "population", "93", 2023) == pytest.approx(1_682_806, rel=0.01)

    def one(indicator_id, code, year, variant, level="departement"):
        rows = table[
            (table["indicator_id"] == indicator_id)
            & (table["territory_code"] == code)
            & (table["year"] == year)
            & (table["variant"] == variant)
            & (table["territory_level"] == level)
        ]
        assert len(rows) == 1
        return float(rows["value"].iloc[0])

    low, central, high = (one("population", "FR", 2050, v, "france") for v in ("low", "central", "high"))
    assert low < central < high
    deps = table[
        (table["indicator_id"] == "population")
        & (table["territory_level"] == "departement")
        & (table["year"] == 2050)
        & (table["variant"] == "central")
    ]
    assert deps["value"].sum() == pytest.approx(central)
    # APA held at its 2020 rate of the 75+: recipients grow with the 75+ of Seine-Saint-Denis
    assert one("apa_recipients", "93", 2050, "central") > 1.3 * value(table, "apa_recipients", "93", 2020)


def test_results_csv_is_french():
    from indicators.models import scenarios

    results = pd.DataFrame(
        {"scenario": ["ideal"], "need": ["apa_recipients"], "year": [2030], "recipients": [1234.6], "spending": [2.5e6]}
    )
    text = scenarios.results_csv(results, {"ideal": "Idéal"}).decode("utf-8-sig")
    assert text.splitlines() == [
        "scénario;besoin;année (31/12);bénéficiaires;dépense nette (€)",
        "Idéal;Bénéficiaires de l'APA;2030;1235;2500000",
    ]


def test_assumptions_csv_holds_numbers_and_the_page_french_texts():
    """hypotheses_scenarios_NN.csv: every assumption a number a spreadsheet reads as one (the shock year a whole
    number, empty without a shock); the page shows the same assumptions in French (« -0,5 », « aucun »)."""
    import io

    from indicators.core import exports
    from indicators.models import scenarios
    from indicators.models.needs import NEED_BY_ID
    from indicators.views import scenario_view

    chosen = scenarios.defaults(dict.fromkeys(NEED_BY_ID))
    chosen[1] = chosen[1].with_changes(rate_change={"apa_recipients": -0.3, "aah_recipients": 1.7})
    table = scenarios.assumptions_table(chosen)
    text = exports.to_csv(table).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    numeric = [c for c in back.columns if c not in ("scénario", "variante de population")]
    assert all(pd.api.types.is_numeric_dtype(back[c]) for c in numeric), back.dtypes
    assert back["année du choc"].tolist()[:2] == [pytest.approx(float("nan"), nan_ok=True), 2030]
    apa = "écart à la trajectoire centrale, Bénéficiaires de l'APA (%/an)"
    assert back[apa].tolist() == [0.0, -0.3, -1.0, 1.0]
    assert text.splitlines()[2].startswith("Gestion des risques;centrale;2030;10;-0,3;")
    shown = scenario_view.assumptions_shown(table)
    assert shown["année du choc"].tolist() == ["aucun", "2030", "aucun", "2028"]
    assert shown[apa].tolist()[:2] == ["0,0", "-0,3"]
