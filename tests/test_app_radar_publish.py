"""The Radar page right after a publish (issue 28, #30's « served by another replica within 5 s »): the
published version's signals are still being computed in the background, so the page shows those of the
version it was published over, said « recalcul en cours », computing nothing; once the version's file is
written, the page shows it with « nouveau » on what the previous version did not have.

On a copy of the fixture store, with signal files written by hand (what is checked is the page, not the
rules: tests/test_radar.py checks the files a refresh computes). Not marked ``store`` (conftest)."""

import pytest
from streamlit.testing.v1 import AppTest

from indicators.radar import engine, rules, stored
from indicators.storage import versions
from tests import fixture_store
from tests.conftest import APP

pytestmark = pytest.mark.usefixtures("fresh_caches")


def _ecart(indicator_id: str, value: float, france: float) -> dict:
    return rules.signal_row(
        "departement", "38", indicator_id, "ecart", "references", "worse", 2020, 2.5, value, "insee_filosofi_2020",
        since=None, reference=france, reference_of="france", reference_2=france,
    )  # fmt: skip


def _write(path, found: list[dict]) -> None:
    stored._typed(engine.frame(found)).to_parquet(path, index=False)


def _markdown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_after_a_publish_the_radar_serves_the_previous_signals_marked_then_the_new_ones(tmp_path, monkeypatch):
    folder = fixture_store.write(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(folder))
    _write(stored.signals_path(0, folder), [_ecart("poverty_rate", 25.0, 14.5)])
    rows = fixture_store.indicators().head(0)
    new_row = {c: None for c in rows.columns} | dict(
        territory_level="departement", territory_code="38", indicator_id="poverty_rate", year=2020, value=40.0,
        variant="observed", source_id="insee_filosofi_2020",
    )  # fmt: skip
    versions.publish(rows.from_records([new_row]), "alice", "t.csv", "x", folder)

    def no_computing(*args, **kwargs):
        raise AssertionError("the page must not compute signals")

    monkeypatch.setattr(engine, "level_signals", no_computing)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["dep"] = "38"
    at.run()
    at.switch_page("app_pages/radar.py").run()
    assert not at.exception, [e.value for e in at.exception]
    info = " ".join(i.value for i in at.info)
    assert "Recalcul en cours : la version n° 1 vient d'être publiée" in info
    assert "encore ceux de la version précédente (de la base, avant toute publication)" in info
    assert "25,0\u00a0%" in _markdown(at) and "nouveau" not in _markdown(at)

    _write(stored.signals_path(1, folder), [_ecart("poverty_rate", 40.0, 14.5), _ecart("unemployment_rate", 12.0, 7.4)])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [i for i in at.info if "Recalcul" in i.value]
    lines = [m.value for m in at.markdown if "Écart" in m.value]
    assert any("40,0\u00a0%" in line and "nouveau" not in line for line in lines), lines  # poverty: already there
    assert any("12,0\u00a0%" in line and "**nouveau**" in line for line in lines), lines  # unemployment: new
    assert "Version publiée n° 1 ; « nouveau » = absent de la version 0." in " ".join(c.value for c in at.caption)
