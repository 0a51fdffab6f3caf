"""The territory profile holds the store's exact values, France and ranks, and says why a value is missing."""

import io

import pandas as pd
import pytest

from indicators.core.formatting import NBSP
from indicators.views import profile


@pytest.fixture(scope="module")
def isere(table, population):
    return profile.build(table, population, "38")


def test_isere_headline_values(isere):
    pop = isere.figure("population")
    assert (pop.value, pop.year, pop.text) == (1294476, 2023, f"1{NBSP}294{NBSP}476{NBSP}habitants")
    poverty = isere.figure("poverty_rate", "Chiffres clés")
    assert (poverty.text, poverty.year, poverty.source) == (f"11,3{NBSP}%", 2020, "Insee, Filosofi 2020")
    # no file publishes a national poverty rate: the median of départements stands in, labelled as such
    assert poverty.france_is_median and poverty.france_text == f"14,2{NBSP}%" and "Filosofi" in poverty.note
    assert isere.figure("unemployment_rate").text == f"6,0{NBSP}%"
    density = isere.figure("density")
    assert (density.text, density.year, density.france_text) == (f"164{NBSP}hab./km²", 2023, f"107{NBSP}hab./km²")
    assert "IGN" in density.source


def test_isere_social_indicators_with_france_rank_and_trend(isere):
    rsa = isere.figure("rsa_coverage_rate")
    assert (rsa.text, rsa.year, rsa.france_text, rsa.rank) == (f"3,7{NBSP}%", 2019, f"5,7{NBSP}%", "81ᵉ sur 101")
    assert dict(rsa.trend)[2014] == pytest.approx(3.96, abs=0.005)  # reference profile: 4 %
    assert rsa.trend[0][0] == 2009 and rsa.france_trend
    poverty = isere.figure("poverty_rate", "Indicateurs sociaux")
    assert poverty.rank == "87ᵉ sur 98"
    assert isere.figure("pch_per_1000").text == f"6,4{NBSP}‰"  # 8 280 (31/12/2022) / 1 294 476 (1/1/2023)


def test_isere_ages_spending_and_collectivite(isere):
    assert [f.text for f in isere.ages] == [f"{v}{NBSP}%" for v in ("24,8", "55,6", "19,6", "9,3")]
    assert isere.figure("social_spending_per_capita").text == f"492{NBSP}€/hab."
    assert isere.figure("social_spending_net_elderly").text == f"24,8{NBSP}%"
    assert isere.figure("agents_total").text == f"4{NBSP}630{NBSP}agents"
    pyramid = isere.pyramid
    assert isere.pyramid_year == 2023 and len(pyramid) == 40
    assert pyramid["departement"].sum() == pytest.approx(100) and pyramid["france"].sum() == pytest.approx(100)


@pytest.mark.parametrize(
    ("code", "key", "reason"),
    [
        ("976", "unemployment_rate", "Mayotte"),
        ("976", "apa_rate_60_plus", "Aide sociale de la DREES"),
        ("971", "poverty_rate", "Filosofi"),
        ("44", "budget_total", None),
        ("69", "budget_total", "profils 2018"),
    ],
)
def test_missing_values_say_why(table, population, code, key, reason):
    fig = profile.build(table, population, code).figure(key)
    if reason is None:
        assert fig.text == f"1{NBSP}400{NBSP}M€" or not fig.missing
    else:
        assert fig.value is None and fig.text == "n.d." and reason in fig.note


def test_corsica_shows_its_last_drees_year(table, population):
    apa = profile.build(table, population, "2A").figure("apa_rate_60_plus")
    assert apa.year == 2017 and "après 2017" in apa.note


def test_csv_is_semicolon_utf8_with_bom(isere):
    data = profile.to_csv(isere)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Rubrique", "Indicateur", "Valeur", "Valeur affichée"]
    poverty = next(line for line in lines if line.startswith("Chiffres clés;Taux de pauvreté"))
    assert ";11,3;" in poverty and ";2020;" in poverty and "Insee, Filosofi 2020" in poverty


def test_csv_holds_numbers_rounded_as_displayed(isere):
    """Numbers as numbers (France too, no unit inside), rounded as on screen, years as whole numbers."""

    frame = pd.read_csv(io.BytesIO(profile.to_csv(isere)), sep=";", decimal=",", encoding="utf-8-sig")
    pop = frame[frame["Indicateur"] == isere.figure("population").label].iloc[0]
    assert pop["France (ou médiane des départements)"] == 68_042_591 and pop["Année"] == 2023
    for _, row in frame[frame["Rubrique"] != "Pyramide des âges"].dropna(subset=["Valeur"]).iterrows():
        shown = row["Valeur affichée"]
        decimals = len(shown.split(",")[1].split("\u00a0")[0]) if "," in shown else 0
        assert round(row["Valeur"], decimals) == row["Valeur"], (row["Indicateur"], row["Valeur"], shown)
        assert str(row["Valeur"]).replace(".", ",").split(",")[0].lstrip("-") in shown.replace("\u00a0", "")
