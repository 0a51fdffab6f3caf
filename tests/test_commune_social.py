"""The commune level as a social level: Filosofi 2021, census 2018 / 2012 (2 000+) and ANCT's young people
neither in employment nor in education, read from data/raw and checked in the store.

Reference figures come from the raw files (see each folder's PROVENANCE.yml): Filosofi 2021 publishes
Roubaix 59512 at 46 %, Dunkerque 59183 at 22 % (median 20 240 €), Sarcelles 95585 at 35 %, Saint-Denis
93066 at 36 % (median 16 620 €, before its merger with Pierrefitte-sur-Seine); the census extract counts
8 134 people of 75 or more in Dunkerque in 2018; the ANCT file gives Dunkerque 24,0 % young people
neither in employment nor in education in 2018 and the CU de Dunkerque 26,6 %.
"""

import pytest

from indicators.core import catalogue
from indicators.sources import anct_neet, insee_filosofi_communes
from indicators.storage import query

DUNKERQUE, ROUBAIX, SARCELLES, SAINT_DENIS = "59183", "59512", "95585", "93066"
CU_DUNKERQUE = "245900428"


def value(code: str, indicator_id: str, year: int, level: str = "commune") -> float | None:
    rows = query.profile_rows(code, level=level, indicator_ids=[indicator_id])
    rows = rows[rows["year"] == year]
    return None if rows.empty else float(rows["value"].iloc[0])


def raw_filosofi(code: str, indicator_id: str) -> float:
    long = insee_filosofi_communes.read()
    return float(long[(long["code"] == code) & (long["indicator_id"] == indicator_id)]["value"].iloc[0])


@pytest.mark.parametrize(
    ("code", "indicator_id", "year", "expected"),
    [
        (ROUBAIX, "poverty_rate", 2021, 46),
        (SARCELLES, "poverty_rate", 2021, 35),
        (DUNKERQUE, "poverty_rate", 2021, 22),
        (DUNKERQUE, "median_living_standard", 2021, 20_240),
        (ROUBAIX, "median_living_standard", 2021, 14_580),
        (DUNKERQUE, "neet_rate", 2018, 24.0),
        (DUNKERQUE, "neet_rate", 2008, 21.2),
        (SARCELLES, "neet_rate", 2018, 20.5),
    ],
)
def test_commune_reference_figures(code, indicator_id, year, expected):
    assert value(code, indicator_id, year) == pytest.approx(expected)


def test_dunkerque_75_plus_in_2018_and_its_share_change():
    assert value(DUNKERQUE, "population_75_plus", 2018) == pytest.approx(8_134, abs=0.5)
    assert value(DUNKERQUE, "share_75_plus", 2018) == pytest.approx(8_134.22 / 86_865 * 100, abs=0.01)
    assert value(DUNKERQUE, "share_75_plus", 2012) == pytest.approx(8_069 / 90_995 * 100, abs=0.01)


def test_neet_is_the_publishers_value_at_every_level():
    assert value(CU_DUNKERQUE, "neet_rate", 2018, "epci") == pytest.approx(26.6)
    assert value("200040715", "neet_rate", 2018, "epci") == pytest.approx(11.8)  # Grenoble-Alpes-Métropole
    assert set(query.years("neet_rate", level="departement")) == set(anct_neet.YEARS)
    assert "tranche d'âge" in catalogue.get("neet_rate").label


def test_saint_denis_raw_figures_are_not_the_merged_communes():
    # the file's 93066 is Saint-Denis before it absorbed Pierrefitte-sur-Seine (93059): 36 %, 16 620 €
    assert raw_filosofi(SAINT_DENIS, "poverty_rate") == 36
    assert raw_filosofi(SAINT_DENIS, "median_living_standard") == 16_620
    assert value(SAINT_DENIS, "poverty_rate", 2021) is None
    notes = query.notes(SAINT_DENIS, indicator_ids=["poverty_rate"])
    assert notes["kind"].tolist() == ["merged"] and "93059" in notes["note"].iloc[0]


def test_a_secret_commune_is_absent_with_its_note():
    # L'Abergement-Clémenciat (01001): median 25 820 € published, its rates secret ('s')
    assert value("01001", "median_living_standard", 2021) == 25_820
    assert value("01001", "poverty_rate", 2021) is None
    notes = query.notes("01001", indicator_ids=["poverty_rate"])
    assert notes["kind"].tolist() == ["secret"] and notes["note"].iloc[0].startswith("Secret statistique")


def test_an_epci_gets_no_poverty_rate_it_cannot_be_computed_honestly():
    assert value(CU_DUNKERQUE, "poverty_rate", 2021, "epci") is None
    notes = query.notes(CU_DUNKERQUE, level="epci", indicator_ids=["poverty_rate"])
    assert notes["kind"].tolist() == ["not_published"] and "Non publié à cette échelle" in notes["note"].iloc[0]


def test_census_shares_reach_an_epci_only_with_99_percent_of_its_population():
    # the CU de Dunkerque has communes under 2 000 inhabitants: no census share, and a note says why
    assert value(CU_DUNKERQUE, "share_75_plus", 2018, "epci") is None
    notes = query.notes(CU_DUNKERQUE, level="epci", indicator_ids=["share_75_plus"])
    assert set(notes["kind"]) == {"not_published"} and "2 000 habitants" in notes["note"].iloc[0]
    assert len(query.rows(indicator_ids=["share_75_plus"], levels=["epci"])) > 0


def test_the_departement_share_75_plus_still_comes_from_the_estimates():
    rows = query.profile_rows("59", level="departement", indicator_ids=["share_75_plus"])
    assert set(rows["source_id"]) == {"insee_estimations_population"}


def test_arrondissements_are_not_communes_of_the_store():
    assert value("75101", "poverty_rate", 2021) is None
    assert value("75056", "poverty_rate", 2021) == 16


@pytest.mark.parametrize("indicator_id", ["poverty_rate", "neet_rate", "share_75_plus", "interdecile_ratio"])
def test_every_commune_indicator_declares_its_levels_polarity_and_years(indicator_id):
    entry = catalogue.get(indicator_id)
    assert "commune" in entry.extra["levels"] and entry.polarity in catalogue.POLARITIES
    assert set(query.years(indicator_id, level="commune")) == set(entry.extra["commune_years"])


def test_the_filosofi_commune_file_imported_by_an_analyst_goes_through_the_same_checks():
    from indicators.publishing.upload import UploadError, parse_upload

    raw = insee_filosofi_communes.PATH.read_text(encoding="utf-8").splitlines()
    nord = [raw[0]] + [line for line in raw[1:] if line.startswith("59")]
    data = ("\n".join(nord) + "\n").encode("utf-8")
    # the file's geography is older than the store's: a commune merged since is refused, its new code named
    with pytest.raises(UploadError) as refused:
        parse_upload(data, "filosofi-59.csv", indicator="poverty_rate", column="TP6021", year=2021)
    assert refused.value.problems["message"].tolist() == [
        "59070 a fusionné dans 59006 L'Orée de Mormal : utilisez le code 59006"
    ]
    nord = [line for line in nord if not line.startswith("59070;")]
    data = ("\n".join(nord) + "\n").encode("utf-8")
    parsed = parse_upload(data, "filosofi-59.csv", indicator="poverty_rate", column="TP6021", year=2021)
    assert parsed.rows.set_index("territory_code").loc["59512", "value"] == 46  # Roubaix
    assert set(parsed.rows["territory_level"]) == {"commune"}
    assert parsed.missing_markers["s"] == len(nord) - 1 - len(parsed.rows)  # secret: not imported, never 0
    arrondissement = (raw[0] + "\n" + next(line for line in raw if line.startswith("75112;")) + "\n").encode()
    with pytest.raises(UploadError) as refused:
        parse_upload(arrondissement, "paris.csv", indicator="poverty_rate", column="TP6021", year=2021)
    assert refused.value.problems["message"].tolist() == [
        "75112 est un arrondissement municipal de 75056 Paris : importez la commune 75056"
    ]
