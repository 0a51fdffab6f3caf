"""A commune's or EPCI's column of Comparer holds only that territory's numbers: never its département's.

Reference: Dunkerque 59183 legal population 2023 = 86 263 (Etalab 6.0.0), the Nord's estimate 2 606 646;
Roubaix 59512 poverty 46 % (Filosofi 2021); the CU de Dunkerque has no poverty rate (not published by EPCI).
"""

import io

import pandas as pd
import pytest

from indicators.views import compare

KEYS = ["com:59183", "epci:245900428", "com:59512", "59"]
DUNKERQUE, CU, ROUBAIX, NORD = KEYS


@pytest.fixture(scope="module")
def wide_and_rows(real_store):
    from indicators.storage import query, store

    index = store.load_territories()
    rows = pd.concat(
        [
            query.rows(levels=["departement", "france"]),
            query.rows(levels=["commune"], codes=["59183", "59512"]),
            query.rows(levels=["epci"], codes=["245900428"]),
        ]
    )
    notes = pd.concat([query.notes(["59183", "59512"], level="commune"), query.notes("245900428", level="epci")])
    return compare.compare_table(rows, KEYS, index=index, notes=notes), rows, index


def test_no_commune_or_epci_cell_holds_a_departement_value(wide_and_rows):
    wide, rows, _ = wide_and_rows
    for key in KEYS[:3]:
        t = compare.territory(key, None) or compare.Territory(key, *_level_code(key), "", "59")
        own = rows[(rows["territory_level"] == t.level) & (rows["territory_code"] == t.code)]
        for _, row in wide[wide[f"{key}_value"].notna()].iterrows():
            ids = {row["indicator_id"], compare.OWN_SUBSTITUTES.get(row["indicator_id"], row["indicator_id"])}
            mine = own[own["indicator_id"].isin(ids) & (own["year"] == row[f"{key}_year"])]
            assert row[f"{key}_value"] in mine["value"].tolist(), (key, row["indicator_id"])
        assert set(wide[f"{key}_level"]) == {t.level}


def _level_code(key):
    prefix, _, code = key.partition(":")
    return compare.PREFIXES[prefix], code


def test_dunkerque_population_is_its_legal_population(wide_and_rows):
    wide, _, index = wide_and_rows
    population = wide.set_index("indicator_id").loc["population"]
    assert population[f"{DUNKERQUE}_value"] == 86_263
    assert population[f"{NORD}_value"] == 2_606_646 if population[f"{NORD}_year"] == 2023 else True
    shown = compare.display_table(wide, KEYS, index).set_index("Indicateur")
    assert shown.loc["Population (habitants)", "Dunkerque (59)"].startswith("86\u202f263") or shown.loc[
        "Population (habitants)", "Dunkerque (59)"
    ].replace("\u00a0", " ").replace("\u202f", " ").startswith("86 263")


def test_poverty_cells_say_why_a_value_is_absent(wide_and_rows):
    wide, _, index = wide_and_rows
    shown = compare.display_table(wide, KEYS, index).set_index("Indicateur")
    poverty = shown.loc["Taux de pauvreté (%)"]
    assert poverty["Dunkerque (59)"] == "22,0 (2021)" and poverty["Roubaix (59)"] == "46,0 (2021)"
    assert poverty["CU de Dunkerque"] == "non publié pour les intercommunalités"
    assert not shown.map(lambda c: "dép." in str(c)).any().any()


def test_exports_carry_the_same_own_values(wide_and_rows):
    wide, _, index = wide_and_rows
    export = compare.export_table(wide, KEYS, index)
    csv = pd.read_csv(io.BytesIO(compare.to_csv_bytes(export)), sep=";", decimal=",", encoding="utf-8-sig")
    xlsx = pd.read_excel(io.BytesIO(compare.to_xlsx_bytes(export)))
    nord = wide.set_index("indicator_id")[f"{NORD}_value"]
    names = compare.labels(KEYS, index)
    for frame in (csv, xlsx):
        frame = frame.set_index("Identifiant")
        for key in KEYS[:3]:
            column = names[key]  # the human header: the territory's name
            own = wide.set_index("indicator_id")[f"{key}_value"]
            assert frame[column].astype(float).equals(own.round(6).reindex(frame.index).astype(float)) or (
                (frame[column].isna() == own.reindex(frame.index).isna()).all()
            )
            # a commune never carries a département's figure where it has none of its own
            borrowed = frame[column].notna() & own.reindex(frame.index).isna()
            assert not borrowed.any(), (key, frame.index[borrowed].tolist())
        assert frame.loc["population", names["com:59183"]] == 86_263
        status = f"{names['epci:245900428']} : statut"
        assert frame.loc["poverty_rate", status] == "non publié pour les intercommunalités"
    assert nord["poverty_rate"] > 0


def test_the_bar_chart_draws_no_bar_for_a_territory_without_its_own_value(wide_and_rows):
    from indicators.views import compare_charts

    wide, _, index = wide_and_rows
    row = wide.set_index("indicator_id").loc["poverty_rate"].rename(None)
    row["indicator_id"] = "poverty_rate"
    fig = compare_charts.bar_chart(row, KEYS, compare.labels(KEYS, index))
    heights = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))  # horizontal bars
    assert heights["CU de Dunkerque"] is None and heights["Roubaix (59)"] == 46
    assert "non publié pour les intercommunalités" in [a.text for a in fig.layout.annotations]
