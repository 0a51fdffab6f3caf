"""Commune maps: the communes of a département or an EPCI, classes as on the département map, n.d. kept
apart, the selected commune outlined, and a payload small enough for Nord."""

import json

import pandas as pd
import pytest

from indicators.storage import store
from indicators.views import commune_map


@pytest.fixture(scope="module")
def index():
    return store.load_territories()


def test_communes_of_a_departement_and_of_an_epci(index):
    nord = commune_map.communes_of(index, "departement", "59")
    assert len(nord) == 647 and "59183" in set(nord["code"])
    dunkerque = commune_map.communes_of(index, "epci", "245900428")  # CU de Dunkerque
    assert "59183" in set(dunkerque["code"]) and set(dunkerque["departement"]) == {"59"}
    shapes = commune_map.geojson(dunkerque)
    assert sorted(f["id"] for f in shapes["features"]) == sorted(dunkerque["code"])


def test_missing_values_are_nd_and_the_selected_commune_is_outlined(index):
    nord = commune_map.communes_of(index, "departement", "59")
    frame = commune_map.map_frame(nord, pd.DataFrame(columns=["territory_code", "value"]), None, None)
    assert frame["value"].isna().all() and set(frame["value_text"]) == {"n.d."}
    fig = commune_map.figure(frame, "/app/static/geo/x.json", None, selected="59183")
    spec = json.loads(fig.to_json())
    main, outline, *legend = spec["data"]
    assert len(main["locations"]) == 647 and [t["name"] for t in legend] == ["n.d."]
    assert outline["locations"] == ["59183"] and outline["marker"]["line"]["width"] == 3
    assert (
        len(fig.to_json()) + commune_map.store.commune_geometry_path("59").stat().st_size < 400_000
    )  # payload of Nord


def test_ranks_go_from_the_highest_value_down(index):
    communes = pd.DataFrame({"code": ["a", "b", "c"], "name": ["A", "B", "C"], "departement": "59"})
    values = pd.DataFrame({"territory_code": ["a", "b"], "value": [1.0, 3.0]})
    frame = commune_map.map_frame(communes, values, None, 2021)
    assert frame["rank_text"].tolist() == ["2ᵉ sur 2", "1ᵉʳ sur 2", "n.d."]
    assert commune_map.ranked_table(frame)["Code"].tolist() == ["b", "a", "c"]


def test_nord_poverty_map_roubaix_tourcoing_maubeuge_dark_and_secret_communes_said(index):
    from indicators.storage import query

    nord = commune_map.communes_of(index, "departement", "59")
    values = query.indicator_year("poverty_rate", 2021, "commune")
    notes = query.notes(nord["code"].tolist(), indicator_ids=["poverty_rate"])
    secret = set(notes.loc[notes["kind"] == "secret", "territory_code"])
    frame = commune_map.map_frame(nord, values, "poverty_rate", 2021, secret).set_index("code")
    assert frame.loc["59512", "value"] == 46  # Roubaix
    shown = frame["value"].dropna()
    top_fifth = shown.quantile(0.8)
    for code in ("59512", "59599", "59392"):  # Roubaix, Tourcoing, Maubeuge: the darkest class
        assert frame.loc[code, "value"] >= top_fifth, code
    assert frame.loc["59001", "value_text"] == commune_map.SECRET_TEXT  # Abancourt: too few households
    assert len(secret) > 400 and (frame.loc[sorted(secret), "value"].isna()).all()
    ranked = commune_map.ranked_table(frame.reset_index(), "59183")
    assert ranked.loc[ranked["Code"] == "59183", "Commune"].item() == "▶ Dunkerque"


def test_ranked_table_travels_as_a_string_no_name_can_end_the_script():
    """Issue 29: the ranked table is written into its box by a script, its first rows at once and the others when
    the browser is idle; each HTML is a JSON string in it with every ``<`` escaped, so a hostile name cannot close
    the script, and it decodes to the table exactly."""
    from indicators.ui import ranked, scripted
    from tests.ranked_rows import table_html

    frame = pd.DataFrame(
        {"Rang": ["1", "2"], "Département": ["</script><img src=x onerror=alert(1)>", "Nord"], "Code": ["93", "59"]}
    )
    html, later = ranked.rows_html(frame, frame["Département"], "/profil?dep=", first=1)
    assert "<img" not in html and "&lt;/script&gt;" in html and "Nord" not in html
    assert later == (
        "<tr><td data-label='Département'><span><a href='/profil?dep=59'>Nord</a></span></td>"
        "<td class='n' data-label='Rang'><span>2</span></td></tr>"
    )
    assert "<th class='n'>Rang</th>" in html and ">93<" not in html  # the code is in the link, not a column
    page = scripted.filled(html, "rs-ranked", rows=later)
    script = page.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in script and page.count("</script>") == 1
    assert table_html(page) == html.replace("</tbody>", later + "</tbody>")
    assert "requestIdleCallback" in script  # the rows after the first are appended when the browser is idle
