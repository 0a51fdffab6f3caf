"""Where a département stands: the spine rows of 93 (rank, quartiles, France, similar median) on the store's
values, the similar départements, density from the IGN contours, France as the median of départements."""

import pytest

from indicators.core.formatting import NBSP
from indicators.models import density, standing
from indicators.views import profile
from tests.conftest import departement_values, value


@pytest.fixture(scope="module")
def nat(table, population):
    return standing.national(table, population)


@pytest.fixture(scope="module")
def seine_saint_denis(table, population, nat):
    return profile.build(table, population, "93", nat)


def test_spine_of_93_poverty_on_values(table, seine_saint_denis):
    row = next(r for r in seine_saint_denis.spine if r.key == "poverty_rate")
    values = departement_values(table, "poverty_rate", 2020)
    assert (row.year, row.n, row.rank, row.status) == (2020, 98, 2, "worse")
    assert row.value == value(table, "poverty_rate", "93", 2020) == pytest.approx(27.6, abs=0.05)
    assert (row.minimum, row.maximum) == (values.min(), values.max())
    assert (row.q1, row.median, row.q3) == pytest.approx(tuple(values.quantile([0.25, 0.5, 0.75])))
    assert [row.fmt(v) for v in (row.q1, row.median, row.q3)] == [f"{v}{NBSP}%" for v in ("12,2", "14,2", "16,0")]
    # no file publishes a national poverty rate: France is the median of départements, labelled as such
    assert row.france_is_median and row.france == row.median and row.france_label == "médiane des départements"
    similar = values.reindex([n.code for n in seine_saint_denis.similar])
    assert row.similar_median == pytest.approx(similar.median())
    assert 0 < row.position(row.q1) < row.position(row.median) < row.position(row.q3) < row.position(row.value) < 1


def test_spine_of_93_rsa_uses_france_and_polarity(table, seine_saint_denis):
    rows = {r.key: r for r in seine_saint_denis.spine}
    rsa = rows["rsa_coverage_rate"]
    assert (rsa.year, rsa.rank, rsa.n, rsa.text, rsa.status) == (2019, 5, 101, f"10,7{NBSP}%", "worse")
    assert not rsa.france_is_median and rsa.france == value(table, "rsa_coverage_rate", "FR", 2019, "france")
    income = rows["median_living_standard"]  # higher is better: rank 2 = second lowest
    assert (income.rank, income.status, income.text) == (2, "worse", f"18{NBSP}470{NBSP}€/an")
    assert rows["ase_rate_0_19"].status == "better"  # 1,91 % is below the first quartile
    assert rows["share_75_plus"].status == "neutral" and rows["share_75_plus"].rank == 99
    assert [r.key for r in seine_saint_denis.spine] == list(standing.SPINE)


def test_missing_values_stay_in_the_spine_with_a_reason(table, population, nat):
    mayotte = {r.key: r for r in profile.build(table, population, "976", nat).spine}
    poverty = mayotte["poverty_rate"]
    assert poverty.missing and poverty.text == "n.d." and "Filosofi" in poverty.note
    assert poverty.n == 98 and poverty.minimum is not None  # the range of the others is still drawn
    assert "Mayotte" in mayotte["unemployment_rate"].note


def test_similardepartement_values(nat):
    assert [n.code for n in standing.similar(nat, "38")] == ["44", "35", "01", "25", "28"]
    assert [n.code for n in standing.similar(nat, "93")] == ["95", "59", "94", "62", "60"]
    # Mayotte has no income nor unemployment rate: the distance uses the three others
    assert len(standing.similar(nat, "976")) == 5 and nat.structural.loc["976"].isna().sum() == 2
    assert set(nat.structural.columns) == set(standing.STRUCTURAL)


def test_density_from_ign_contours(population):
    areas = density.areas_km2()
    assert len(areas) == 102 and areas["93"] == pytest.approx(237, abs=1) and areas["976"] == pytest.approx(367, abs=2)
    rows = density.table(population)
    latest = rows[rows["year"] == 2023].set_index("territory_code")["value"]
    pop_93 = population[(population["territory_code"] == "93") & (population["year"] == 2023)]["population"].sum()
    assert latest["93"] == pytest.approx(pop_93 / areas["93"]) and round(latest["93"]) == 7106
    assert round(latest["FR"]) == 107


def test_headline_density_and_france_median(seine_saint_denis, table):
    dens = seine_saint_denis.figure("density")
    assert (dens.text, dens.year, dens.france_text) == (f"7{NBSP}106{NBSP}hab./km²", 2023, f"107{NBSP}hab./km²")
    unemployment = seine_saint_denis.figure("unemployment_rate")
    assert unemployment.france_is_median and unemployment.france_text == f"6,9{NBSP}%"
    assert "médiane des départements" in unemployment.note
    population = seine_saint_denis.figure("population")
    assert not population.france_is_median and population.france_value == value(
        table, "population", "FR", 2023, "france"
    )
