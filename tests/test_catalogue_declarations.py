"""Where an indicator appears is catalogue data: an added derived indicator is one catalogue entry, and an
indicator declared by an analyst gets a profile row in its section and a trend when flagged."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from indicators.build import derive
from indicators.core import catalogue
from indicators.core.paths import CATALOGUE_PATH
from indicators.models import needs, standing, trends
from indicators.publishing import upload
from indicators.publishing.upload import parse_upload
from indicators.storage import versions
from indicators.views import profile
from tests.upload_helpers import copy_store

NBSP = "\u00a0"


def test_the_structure_is_read_from_the_catalogue():
    assert trends.INDICATORS == (
        "unemployment_rate",
        "poverty_rate",
        "rsa_coverage_rate",
        "aah_rate_20_64",
        "apa_rate_60_plus",
        "pch_per_1000",
        "ase_rate_0_19",
    )
    assert trends.SETTINGS["pch_per_1000"] == trends.Setting(0.5, 5, 0.8)
    assert trends.SETTINGS["rsa_coverage_rate"] == trends.LAST_VALUE
    assert (trends.cap_of("pch_per_1000"), trends.cap_of("aah_rate_20_64")) == (1000.0, 100.0)  # from the unit
    assert derive.SHARES["share_75_plus"] == derive.AgeGroup(75, None)
    assert derive.CHANGES == {"population_change_5y": 5}
    assert [(n.id, n.ages, n.spending_id) for n in needs.NEEDS][:2] == [
        ("apa_recipients", derive.AgeGroup(75, None), "social_spending_net_elderly"),
        ("pch_recipients", derive.ALL_AGES, "social_spending_net_disability"),
    ]
    assert needs.AGE_LABELS["rsa_households"] == "15-69 ans"
    assert "density" in standing.LOG_SCALE and len(standing.LOG_SCALE) == 1
    assert list(catalogue.profile_sections()) == ["headline", "ages", "social", "spending", "collectivite"]
    assert [i.id for i, _ in catalogue.placed("ages")] == [
        "share_under_20",
        "share_20_64",
        "share_65_plus",
        "share_75_plus",
    ]


def _document() -> dict:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "field",
    [
        {"profile": {"section": "nowhere", "order": 1}},
        {"profile": {"section": "ages"}},
        {"trend": {"speed": 2}},
        {"need": {"label": "x", "ages": [75]}},
        {"need": {"label": "x", "ages": [75, None], "rate": "share_75_plus"}},  # rate without a trend
        {"similarity": {"sets": ["map"]}},
        {"spine": {"group": "ages"}},
        {"recipe": {"kind": "share", "ages": [85]}},
        {"profile": {"section": "spending", "order": 9, "share_of": "nope"}},
    ],
)
def test_a_malformed_declaration_is_refused(field):
    document = _document()
    entry = next(e for e in document["indicators"] if e["id"] == "share_75_plus")
    document["indicators"].append({**entry, "id": "x_test", **field})
    with pytest.raises(catalogue.CatalogueError):
        catalogue.parse(document)


def test_an_added_share_is_one_catalogue_entry(table, population, monkeypatch):
    """The share of the 85+ (the Insee bands 85-89, 90-94 and 95+), added to a copy of the catalogue only:
    the pipeline's derivation computes it and the profile shows it in its section."""
    document = _document()
    base = next(e for e in document["indicators"] if e["id"] == "share_75_plus")
    document["indicators"].append(
        {
            **{k: base[k] for k in ("theme", "unit", "decimals", "polarity", "sources")},
            "id": "share_85_plus",
            "label": "Part des 85 ans et plus dans la population",
            "short_label": "85 ans et plus",
            "definition": "Population de 85 ans et plus rapportée à la population totale, au 1er janvier.",
            "recipe": {"kind": "share", "ages": [85, None]},
            "profile": {"section": "ages", "order": 5},
        }
    )
    entries = catalogue.parse(document)
    observed = table[table["variant"] == "observed"]
    rows = derive.derived(observed, population, entries)
    new = rows[rows["indicator_id"] == "share_85_plus"].set_index(["territory_level", "territory_code", "year"])
    # 93 in 2023: 28 677 aged 85+ of 1 682 806; France: 2 289 398 of 68 042 591 (Insee, 1 January 2023)
    assert new.loc[("departement", "93", 2023), "value"] == pytest.approx(28677 / 1682806 * 100)
    assert new.loc[("france", "FR", 2023), "value"] == pytest.approx(2289398 / 68042591 * 100)
    assert set(new["source_id"]) == {"insee_estimations_population"}

    monkeypatch.setattr(catalogue, "_load", lambda *args: entries)
    with_new = pd.concat([table, new.reset_index().assign(variant="observed")], ignore_index=True)
    shown = profile.build(with_new, population, "93").figure("share_85_plus", "Structure par âge")
    assert (shown.text, shown.year, shown.france_text) == (f"1,7{NBSP}%", 2023, f"3,4{NBSP}%")


def _entry(**placement) -> dict:
    entry = upload.declaration(
        "taux_test", "Taux de test", "%", "neutral", "Un taux déclaré.", "Service ABS", "LO", "t.csv", **placement
    )
    return entry


def test_a_declared_indicator_gets_a_profile_row_and_a_trend(tmp_path, monkeypatch, population):
    store_dir = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(store_dir))
    entry = _entry(section="social", trend=True)
    assert entry["profile"] == {"section": "social", "order": 100, "rank": True, "history": True}
    codes = ("38", "44", "93", "69", "13", "59", "75", "33", "31", "67")  # value 10 + position + (year - 2010)
    body = "territory_code;year;value\n" + "".join(
        f"{c};{y};{10 + i + y - 2010}\n" for i, c in enumerate(codes) for y in range(2010, 2021)
    )
    parsed = parse_upload(body.encode(), "t.csv", indicator="taux_test", declared={"taux_test": "%"})
    versions.publish(parsed.rows, "alice", "t.csv", parsed.sha256, declare=entry)
    assert "taux_test" in catalogue.trend_ids() and "taux_test" not in trends.INDICATORS

    prof = profile.build(profile.store_rows(store_dir), population, "93")
    assert [f.key for f in prof.social][-1] == "taux_test"  # after the built-in figures of its section
    figure = prof.figure("taux_test", "Indicateurs sociaux")
    assert (figure.text, figure.year, figure.source) == (f"22,0{NBSP}%", 2020, "Service ABS")
    assert figure.rank == "8ᵉ sur 10"  # neutral: ranked from the highest, seven départements above 22
    assert len(figure.trend) == 11

    observed = profile.store_rows(store_dir)
    rows = trends.build(observed[observed["indicator_id"] == "taux_test"], indicators=("taux_test",))
    mine = rows[(rows["territory_code"] == "93") & (rows["variant"] == "trend")].set_index("year")["value"]
    assert mine.loc[2021] == pytest.approx(22.0)  # ``trend: true`` = the last value held
    assert list(mine.index) == list(range(2021, 2051))

    from indicators.ui import cache  # the Tendances page: no stored trend for a declared rate, computed on demand

    observed_93, path, backtest = cache.trend("93", "taux_test")
    assert observed_93.loc[2020] == 22.0 and path.set_index("year").loc[2050, "trend"] == pytest.approx(22.0)
    assert backtest is None


def test_a_declaration_without_placement_stays_out_of_the_profile():
    entry = _entry()
    assert "profile" not in entry and "trend" not in entry and upload.declaration_complete(entry)
