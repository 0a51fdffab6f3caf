"""Imports at commune and EPCI level: a file in INSEE's layout built from the census extract (data/raw),
the level found from the codes, commune codes checked against the current communes, secret markers."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.core.paths import RAW_DIR
from indicators.publishing import upload_cli
from indicators.publishing.upload import UploadError, parse_upload
from indicators.storage import query, store, versions
from tests.upload_helpers import copy_store

CENSUS = RAW_DIR / "insee-comparateur-communes" / "communes.csv"
DECLARED = {
    "id": "unemployed_15_64",
    "label": "Chômeurs de 15 à 64 ans (recensement)",
    "short_label": "Chômeurs 15-64 ans",
    "theme": "import",
    "unit": "personnes",
    "decimals": 0,
    "definition": "Chômeurs de 15 à 64 ans au sens du recensement 2021.",
    "polarity": "higher_is_worse",
    "source": {
        "id": "import_unemployed_15_64",
        "producer": "Insee",
        "title": "Comparateur de territoires",
        "url": "communes-95.csv",
        "licence": "Licence Ouverte / Etalab 2.0",
        "citation": "Insee, recensement 2021",
    },
}


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def val_d_oise() -> pd.DataFrame:
    """The communes of the Val-d'Oise in the census extract, one row each (the file repeats postal codes)."""
    census = pd.read_csv(CENSUS, dtype=str)
    rows = census[(census["insee_dep"] == "95") & (census["commune_type"] == "COM")].drop_duplicates("insee_com")
    return rows[["insee_com", "commune", "pop_15_64_chomage_2021", "pop_15_64_active_2021"]].reset_index(drop=True)


def insee_file(rows: pd.DataFrame, secret_below: int = 100) -> bytes:
    """INSEE's layout (``CODGEO;LIBGEO;P21_CHOM1564``, semicolons): communes with fewer than
    ``secret_below`` active people written ``s`` as INSEE does for a secret value, one ``nd``, one empty."""
    values = rows["pop_15_64_chomage_2021"].where(rows["pop_15_64_active_2021"].astype(int) >= secret_below, "s")
    values = values.copy()
    values[rows["insee_com"] == "95018"] = "nd"  # Argenteuil
    values[rows["insee_com"] == "95127"] = ""  # Cergy
    lines = ["CODGEO;LIBGEO;P21_CHOM1564"] + [
        f"{c};{n};{v}" for c, n, v in zip(rows["insee_com"], rows["commune"], values, strict=True)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_commune_file_in_insee_layout_is_published_and_rolled_back(store_dir, val_d_oise):
    data = insee_file(val_d_oise)
    parsed = parse_upload(
        data, "communes-95.csv", indicator="unemployed_15_64", declared={"unemployed_15_64": "personnes"}
    )
    secret = int((val_d_oise["pop_15_64_active_2021"].astype(int) < 100).sum())
    assert parsed.missing_markers == {"s": secret, "nd": 1, "vide": 1}
    assert parsed.missing == secret + 2
    assert parsed.missing_text().startswith(f"{secret + 2} valeur(s) manquante(s) ou secrètes non importées (s : ")
    assert parsed.levels == {"commune": len(val_d_oise) - secret - 2}
    assert parsed.warnings["message"].tolist() == ["niveau déduit de la forme des codes"]
    sarcelles = parsed.rows.set_index("territory_code").loc["95585"]
    assert (sarcelles["year"], sarcelles["value"], sarcelles["territory_level"]) == (2021, 5_136, "commune")
    before = store.load_indicators()
    record = versions.publish(parsed.rows, "alice", parsed.filename, parsed.sha256, declare=DECLARED)
    assert record["added"] == len(parsed.rows)
    assert query.series("unemployed_15_64", "95585", level="commune").to_dict() == {2021: 5_136.0}
    versions.rollback(0, "bob")
    assert query.series("unemployed_15_64", "95585", level="commune").empty
    pd.testing.assert_frame_equal(store.load_indicators(), before)


def test_a_refused_commune_file_names_every_problem():
    text = (
        "CODGEO;LIBGEO;P21_CHOM1564\n"
        "95585;Sarcelles;5136\n"  # 2 fine
        "93059;Pierrefitte-sur-Seine;2500\n"  # 3 merged into Saint-Denis in 2025
        "75112;Paris 12e Arrondissement;6000\n"  # 4 an arrondissement: Paris is one commune
        "99999;Nulle part;3\n"  # 5 unknown
        "97501;Saint-Pierre;40\n"  # 6 an overseas collectivity, not a commune of the 101 départements
        "59183;Dunkerque;abc\n"  # 7 not a number
        "38185;Grenoble;-3\n"  # 8 a negative count
        "44109;Nantes;1\n44109;Nantes;2\n"  # 9, 10 twice
    )
    with pytest.raises(UploadError) as caught:
        parse_upload(
            text.encode(), "refus.csv", indicator="unemployed_15_64", declared={"unemployed_15_64": "personnes"}
        )
    got = caught.value.problems[["row", "column", "value", "message"]].astype(str).values.tolist()
    unknown = "code commune inconnu (attendu : le code Insee à 5 caractères d'une commune actuelle, ex. 95585, 2A004)"
    assert got == [
        ["3", "CODGEO", "93059", "93059 a fusionné dans 93066 Saint-Denis : utilisez le code 93066"],
        ["4", "CODGEO", "75112", "75112 est un arrondissement municipal de 75056 Paris : importez la commune 75056"],
        ["5", "CODGEO", "99999", unknown],
        ["6", "CODGEO", "97501", unknown],
        [
            "7",
            "P21_CHOM1564",
            "abc",
            "valeur non numérique (attendu : un nombre, ex. 12,5 ; s ou nd pour une valeur secrète)",
        ],
        ["8", "P21_CHOM1564", "-3", "effectif négatif (personnes)"],
        ["9", "CODGEO", "44109", "clé en double (lignes 9, 10)"],
        ["10", "CODGEO", "44109", "clé en double (lignes 9, 10)"],
    ]


def test_the_level_comes_from_the_codes_or_the_option():
    epci = parse_upload(
        b"SIREN;X2021\n200055655;12\n200041630;3\n", "epci.csv", indicator="census_unemployment_rate_15_64"
    )
    assert epci.levels == {"epci": 2}
    with pytest.raises(UploadError) as caught:
        parse_upload(b"SIREN;X2021\n123456789;12\n", "epci.csv", indicator="census_unemployment_rate_15_64")
    assert caught.value.problems["message"].tolist() == [
        "SIREN d'EPCI inconnu (attendu : les 9 chiffres d'un EPCI à fiscalité propre, ex. 200055655)"
    ]
    # a commune code that lost its leading zero in a spreadsheet is repaired, with a warning
    parsed = parse_upload(b"CODGEO;X2021\n1001;12\n", "c.csv", indicator="census_unemployment_rate_15_64")
    assert parsed.rows["territory_code"].tolist() == ["01001"]
    assert "code réparé en « 01001 » (1 ligne(s))" in parsed.warnings["message"].tolist()
    # départements stay départements, without a warning
    departements = parse_upload(b"CODGEO;TP6020\n38;12\n1;13\n", "d.csv", indicator="poverty_rate")
    assert departements.levels == {"departement": 2}
    # --level overrides: 2A004 (Ajaccio) read as a commune even in a file of mixed shapes
    forced = parse_upload(
        b"CODGEO;X2021\n2A004;12\n", "c.csv", indicator="census_unemployment_rate_15_64", level="commune"
    )
    assert forced.rows[["territory_level", "territory_code"]].values.tolist() == [["commune", "2A004"]]


def test_the_command_line_publishes_a_commune_file(store_dir, val_d_oise, tmp_path, capsys):
    # the census population 2021 is the legal population 2021 (population municipale of the 2021 census)
    path = tmp_path / "pop-95.csv"
    census = pd.read_csv(CENSUS, dtype=str)
    rows = census[(census["insee_dep"] == "95") & (census["commune_type"] == "COM")].drop_duplicates("insee_com")
    lines = ["CODGEO;LIBGEO;P21_PMUN"] + [
        f"{c};{n};{p}" for c, n, p in zip(rows["insee_com"], rows["commune"], rows["population_2021"], strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = [str(path), "--indicator", "legal_population", "--level", "commune", "--store", str(store_dir), "--who", "c"]
    assert upload_cli.main(args) == 0
    out = capsys.readouterr().out
    assert f"niveau : commune ({len(rows)} ligne(s))" in out
    assert "0 valeur(s) manquante(s) ou secrètes non importées" in out
    assert query.series("legal_population", "95585", level="commune", store_dir=store_dir)[2021] == 58_424
    rollback = ["--rollback", "0", "--store", str(store_dir), "--who", "c"]
    assert upload_cli.main(rollback) == 2  # no --based-on and no terminal to confirm: refused (issue 23)
    assert "précisez --based-on 1" in capsys.readouterr().err
    assert upload_cli.main([*rollback, "--based-on", "1"]) == 0
    assert 2021 not in query.series("legal_population", "95585", level="commune", store_dir=store_dir).index
