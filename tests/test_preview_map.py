"""The import preview's map: the map page's classed map of the file's values, with the DROM and French texts."""

import pandas as pd

from indicators.views import preview_map


def _rows(values: dict[str, float], indicator: str = "poverty_rate", year: int = 2021) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territory_level": "departement",
            "territory_code": list(values),
            "indicator_id": indicator,
            "year": year,
            "variant": "observed",
            "value": list(values.values()),
        }
    )


def test_preview_of_a_catalogue_indicator_draws_all_101_with_the_drom_and_french_hover(real_store):
    figure = preview_map.figure(_rows({"93": 27.6, "974": 36.1, "38": 10.4}), "%", "/geo.json")
    trace = figure.data[0]
    assert len(trace.locations) == 101  # the DROM are on the map too (insets), not left in the table only
    by_code = dict(zip(trace.locations, trace.customdata, strict=True))
    assert by_code["38"][1] == "10,4\u00a0%"  # French format, not 10.4
    assert by_code["974"][3] == "1ᵉʳ sur 3"
    assert by_code["01"][1] == "n.d."  # not in the file: missing, never zero


def test_a_declared_indicator_is_previewed_from_its_declared_unit():
    rows = _rows({"38": 1234.0, "44": 987.0}, indicator="ccas_aides_urgence")
    frame = preview_map.preview_frame(rows, preview_map.preview_indicator("ccas_aides_urgence", "€"))
    assert frame.set_index("code").loc["38", "value_text"] == "1\u00a0234,0\u00a0€"


def test_no_departement_rows_no_map():
    rows = _rows({"38": 1.0}).assign(territory_level="region")
    assert preview_map.figure(rows, "%", "/geo.json") is None


def test_changes_are_listed_in_french_with_a_dash_for_an_added_row():
    changes = pd.DataFrame(
        {
            "territory_level": ["departement", "departement"],
            "territory_code": ["38", "44"],
            "indicator_id": ["poverty_rate", "poverty_rate"],
            "year": [2021, 2021],
            "variant": ["observed", "observed"],
            "old_value": [None, 10.9],
            "new_value": [12.4, 11.0],
            "status": ["ajoutée", "modifiée"],
        }
    )
    table = preview_map.changes_table(changes, {"poverty_rate": "%"})
    assert table.values.tolist() == [
        ["Département", "38", "poverty_rate", "2021", "observée", "—", "12,4\u00a0%", "ajoutée"],
        ["Département", "44", "poverty_rate", "2021", "observée", "10,9\u00a0%", "11,0\u00a0%", "modifiée"],
    ]
