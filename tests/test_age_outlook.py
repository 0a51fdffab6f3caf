"""Population by age of Seine-Saint-Denis: observed 2023, projected to 2050 with its interval."""

import pytest

from indicators.models import age_outlook, projections
from indicators.views import age_charts


@pytest.fixture(scope="module")
def seine_saint_denis(population):
    projected = projections.project_population(population, 2023, until=2050)
    observed = population[population["territory_code"] == "93"]
    return observed, projected[projected["territory_code"] == "93"]


@pytest.fixture(scope="module")
def bands_93(population):
    groups = projections.project_groups(population, 2023, until=2050)
    return groups[groups["territory_code"] == "93"]


def test_age_groups_observed_then_projected_with_their_interval(seine_saint_denis, bands_93):
    paths = age_outlook.group_paths(seine_saint_denis[0], bands_93).set_index(["group", "year"])
    # Insee estimates at 1/1/2023
    assert paths.loc[("0-19", 2023), "observed"] == pytest.approx(481_290, abs=1)
    assert paths.loc[("20-64", 2023), "observed"] == pytest.approx(985_384, abs=1)
    assert paths.loc[("65+", 2023), "observed"] == pytest.approx(216_132, abs=1)
    assert paths.loc[("75+", 2023), "observed"] == pytest.approx(90_696, abs=1)
    assert paths.loc[("65+", 2023), ["central", "p10"]].isna().all()  # observed years carry no projection
    at = paths.loc[("75+", 2050)]
    assert at["p10"] < at["p25"] < at["central"] < at["p75"] < at["p90"]
    assert at["central"] == pytest.approx(160_381, rel=0.01)  # the 75+ grow by three quarters
    assert paths.loc[("0-19", 2030), "central"] == pytest.approx(467_546, rel=0.01)
    assert paths.index.get_level_values("year").max() == 2050


def test_milestone_table_in_french(seine_saint_denis, bands_93):
    table = age_outlook.milestone_table(age_outlook.group_paths(seine_saint_denis[0], bands_93))
    assert list(table.index) == ["0-19 ans", "20-64 ans", "65 ans et plus", "75 ans et plus"]
    assert list(table.columns) == ["2023 (observé)", "2030 (projection)", "2040 (projection)", "2050 (projection)"]
    assert table.loc["75 ans et plus", "2023 (observé)"] == "90\u00a0696"
    cell = table.loc["75 ans et plus", "2050 (projection)"]
    assert cell.startswith("160\u00a0") and "(80\u00a0% : " in cell and " à " in cell


def test_pyramid_last_observed_year_beside_projected_year(seine_saint_denis):
    frame = age_outlook.pyramid(*seine_saint_denis, 2040)
    assert len(frame) == 40 and frame[["observed", "projected"]].notna().all().all()
    observed, _ = seine_saint_denis
    women_2023 = observed[(observed["year"] == 2023) & (observed["sex"] == "F")]["population"].sum()
    assert frame[frame["sex"] == "F"]["observed"].sum() == pytest.approx(women_2023)
    fig = age_charts.pyramid_figure(frame, 2023, 2040)
    names = [t.name for t in fig.data]
    assert "Femmes, 2040 (projection)" in names and "2023 (observé)" in names
    men = next(t for t in fig.data if t.name == "Hommes, 2040 (projection)")
    assert max(men.x) <= 0  # men drawn on the left
    assert all("\u00a0" in t or len(t) <= 3 for t in fig.layout.xaxis.ticktext)  # '60 000', French
