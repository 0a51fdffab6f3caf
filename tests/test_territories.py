"""The territory list and the areas the running app reads come from the store (admin_units.parquet), not
data/raw: on the fixture store they are its seven départements; without a store they say so."""

import pandas as pd
import pytest

from indicators.core import paths
from indicators.core.errors import StoreMissing
from indicators.models import density
from indicators.storage import store, territories
from tests import fixture_store


def test_the_list_is_the_stores():
    assert territories.departement_codes() == ["01", "38", "44", "69", "93", "2A", "976"]
    assert territories.departement_names()["2A"] == "Corse-du-Sud"
    assert territories.region_of()["93"] == "11"
    assert territories.territory_name("region", "84") == "Auvergne-Rhône-Alpes"
    assert territories.territory_name("france", "FR") == "France"
    assert territories.territory_name("departement", "75") == "75"  # not in this store: its code
    assert set(territories.departements()["zone"]) == {"metro", "drom"}


@pytest.mark.parametrize(
    ("raw", "code"), [("1", "01"), (1, "01"), ("2a", "2A"), (976.0, "976"), (" 38 ", "38"), ("75", None), (None, None)]
)
def test_codes_are_normalised_against_the_stores_list(raw, code):
    assert territories.normalise_departement_code(raw) == code


def test_a_rebuilt_store_is_read_again(tmp_path, monkeypatch):
    folder = fixture_store.write(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(folder))
    assert "75" not in territories.departement_codes()
    units = fixture_store.admin_units()
    paris = pd.DataFrame([{"level": "departement", "code": "75", "name": "Paris", "region": "11", "zone": "metro"}])
    pd.concat([units, paris]).to_parquet(folder / paths.ADMIN_UNITS_FILE, index=False)
    assert territories.departement_names()["75"] == "Paris"


def test_without_a_store_the_list_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path))
    with pytest.raises(StoreMissing, match="make data"):
        territories.departement_codes()


def test_density_of_93_from_the_stored_area():
    areas = density.areas_km2()
    assert areas["93"] == pytest.approx(236.81) and areas["FR"] == pytest.approx(
        sum(d[4] for d in fixture_store.DEPARTEMENTS)
    )
    rows = density.table(store.load_population()).set_index(["territory_code", "year"])["value"]
    assert round(rows[("93", 2023)]) == 7106  # 1 682 806 inhabitants on 236,81 km², as on the profile page
    assert round(rows[("2A", 2023)]) == 41
