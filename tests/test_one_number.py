"""One number everywhere: a figure two places show is the same figure, for every département (profile page vs
scenarios page vs their downloads vs the PDF), and a population is the same in the search results and on the
profile, with its year. Real store (``store`` tests)."""

import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from indicators.core.formatting import format_number
from indicators.models import needs, outlook, projections, scenarios, standing
from indicators.storage import query, store, territories
from indicators.views import local_profile, profile, report, search

MILESTONES = (2030, 2050)


@pytest.fixture(scope="module")
def projected(population):
    return projections.project_population(population, int(population["year"].max()), until=2051)


@pytest.fixture(scope="module")
def national(table, population):
    return standing.national(table, population)


@pytest.fixture(scope="module")
def by_code(table):
    """Each département's rows (observed and central projection), as the pages query them."""
    deps = table[(table["territory_level"] == "departement") & table["variant"].isin(["observed", "central"])]
    return dict(tuple(deps.groupby("territory_code")))


def _tendanciel(code: str, rows: pd.DataFrame, population: pd.DataFrame, projected: pd.DataFrame) -> pd.DataFrame:
    """What the scenarios page draws and downloads for the Tendanciel of one département (scenarios.inputs, as
    the page's cache calls it), checked against its CSV download."""
    own, central = rows[rows["variant"] == "observed"], rows[rows["variant"] == "central"]
    bases, groups = scenarios.inputs(own, central, population, projected[projected["territory_code"] == code], code)
    if not bases:
        return pd.DataFrame(columns=["need", "year", "recipients"])
    results = scenarios.run(scenarios.defaults(bases)[0], bases, groups)
    csv = pd.read_csv(
        io.BytesIO(scenarios.results_csv(results, {"tendanciel": "Tendanciel"})), sep=";", encoding="utf-8-sig"
    )
    by_label = {n.label: n.id for n in needs.NEEDS}
    downloaded = csv.assign(need=csv["besoin"].map(by_label), year=csv["année (31/12)"])
    merged = results.merge(downloaded[["need", "year", "bénéficiaires"]], on=["need", "year"])
    assert len(merged) == len(results) and (merged["recipients"].round(0) == merged["bénéficiaires"]).all(), code
    return results


def test_projected_needs_are_one_number_on_profile_scenarios_and_files(table, population, projected, by_code):
    """Every département: the profile's projection table (outlook.build, which its PDF prints too) and the
    scenarios page's Tendanciel (and its CSV) give the same recipients in 2030 and 2050, as displayed."""
    checked = 0
    for code in territories.departement_codes():
        rows = by_code.get(code, table.iloc[0:0])
        tendanciel = _tendanciel(code, rows, population, projected)
        for row in outlook.build(rows, code):
            if row.key not in needs.NEED_BY_ID:
                continue
            for year in MILESTONES:
                p = row.at(year)
                mine = tendanciel[(tendanciel["need"] == row.key) & (tendanciel["year"] == year)]
                if p is None:
                    assert mine.empty, (code, row.key, year)  # projected in one place only
                    continue
                assert row.fmt(mine["recipients"].iloc[0]) == row.fmt(p.central), (code, row.key, year)
                checked += 1
    assert checked >= 2 * 95  # APA of every département that publishes it (not Mayotte)


@pytest.mark.parametrize("code", ["93", "38", "976", "2A", "69"])
def test_the_pdf_says_the_profile_projection(code, table, population, national):
    prof = profile.build(table, population, code, national)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.build_pdf(prof))).pages)
    flat = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))
    for row in prof.outlook:
        for year in MILESTONES:
            p = row.at(year)
            if p is not None:
                said = report._count(row, p.central)  # the PDF's text: counts without their unit word
                assert said.replace("\u00a0", " ").replace("\u202f", " ") in flat, (code, row.key, year, said)


def test_apa_of_seine_saint_denis_is_one_number(population, projected, by_code):
    """The figures the issue found in two versions (30 429 / 42 210 in the profile, 33 969 / 49 635 in the
    scenarios, on the series to 2020) are one: with APA to 2022 (issue 31) the profile's 29 101 / 40 368 is also
    the Tendanciel."""
    tendanciel = _tendanciel("93", by_code["93"], population, projected)
    apa = tendanciel[tendanciel["need"] == "apa_recipients"].set_index("year")["recipients"].round(0)
    assert (apa[2030], apa[2050]) == (29101, 40368)


def test_search_and_profile_give_one_population_with_its_year(real_store):
    index = store.load_territories()
    legal = query.rows(["legal_population"], ["epci", "commune"])
    latest = legal.sort_values("year").drop_duplicates(["territory_level", "territory_code"], keep="last")
    latest = latest.assign(level=latest["territory_level"].astype(str), code=latest["territory_code"].astype(str))
    local = index[index["level"].isin(["epci", "commune"])].astype({"level": str, "code": str})
    both = local.merge(latest[["level", "code", "value", "year"]], on=["level", "code"])
    assert len(both) > 30_000
    assert (both["population"] == both["value"]).all() and (both["population_year"] == both["year"]).all()
    for level, code, population, year in (
        ("epci", "245900428", 191_478, 2023),  # CU de Dunkerque: no longer 192 635 (2022) in the search
        ("commune", "59183", 86_263, 2023),
        ("commune", "59512", None, 2023),  # Roubaix
    ):
        match = next(m for m in search.find(code, index, limit=3) if m.code == code)
        prof = local_profile.build(level, code, index)
        assert (match.population, match.population_year) == (prof.population, prof.population_year), code
        assert match.population_year == year and (population is None or match.population == population)
        assert format_number(prof.population) in match.facts and f"population légale {year}" in match.facts
