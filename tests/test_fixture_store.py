"""The fixture store (tests/fixture_store.py) says what the real store says, rounded as written there: its
figures are real ones, and a rebuild that changes them shows here, not as a silent drift of the unit tests."""

import pytest

from indicators.storage import query, store
from tests import fixture_store


def test_every_fixture_value_is_the_real_stores(real_store):
    for indicator_id, source_id, year, values in fixture_store.VALUES:
        for code, value in values.items():
            level = "france" if code == "FR" else "departement"
            real = query.rows([indicator_id], [level], [code], years=[year], store_dir=real_store)
            assert len(real) == 1, (indicator_id, code, year)
            assert round(real["value"].iloc[0], 4) == value, (indicator_id, code, year)
            assert real["source_id"].iloc[0] == source_id
    for indicator_id, code, year, variant, value in fixture_store.PROJECTED:
        real = query.rows([indicator_id], ["departement"], [code], [variant], [year], store_dir=real_store)
        assert real["value"].iloc[0] == pytest.approx(value, abs=0.01)


def test_what_the_fixture_leaves_out_is_missing_in_the_real_store_too(real_store):
    assert query.series("poverty_rate", "976", store_dir=real_store).empty
    assert query.series("unemployment_rate", "976", store_dir=real_store).empty


def test_territories_areas_and_ages_are_the_real_ones(real_store):
    units = store.load_admin_units(real_store).set_index(["level", "code"])
    for code, name, region, zone, area in fixture_store.DEPARTEMENTS:
        row = units.loc[("departement", code)]
        assert (row["name"], row["region"], row["zone"]) == (name, region, zone)
        assert row["area_km2"] == pytest.approx(area, abs=0.005)
    for code, name, zone in fixture_store.REGIONS:
        assert (units.loc[("region", code), "name"], units.loc[("region", code), "zone"]) == (name, zone)
    population = store.load_population(real_store).set_index(["territory_code", "year", "sex", "age_band"])
    fixture = fixture_store.population().set_index(["territory_code", "year", "sex", "age_band"])
    assert population.loc[fixture.index, "population"].tolist() == fixture["population"].tolist()
    index = store.load_territories(real_store).set_index(["level", "code"])
    for level, code, *rest in fixture_store.TERRITORIES:
        assert index.loc[(level, code)].tolist() == rest
