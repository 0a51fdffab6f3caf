"""The fault table of docs/store-faults.md, row for row: damage a copy of the store, check what each fault does.

The rows run on copies of the fixture store (fast lane); the pages' side runs on a copy of the built store
(AppTest). A full disk and a read-only store are simulated by making the os calls raise OSError(ENOSPC /
EROFS): tests run as root, for whom chmod does not make a folder read-only.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.build import pipeline
from indicators.core.errors import StoreDamaged
from indicators.core.paths import INDICATORS_FILE, STAMP_FILE
from indicators.publishing import upload_cli
from indicators.storage import query, store, versions
from tests.conftest import ROOT

KEY = {"indicator_id": "poverty_rate", "territory_code": "38", "year": 2020}
DOC = ROOT / "docs" / "store-faults.md"


def _row(table: pd.DataFrame, value: float) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for column, wanted in KEY.items():
        mask &= table[column] == wanted
    return table[mask & (table["territory_level"] == "departement")].assign(value=value)


def _value(store_dir: Path) -> float:
    rows = query.rows(indicator_ids=[KEY["indicator_id"]], codes=[KEY["territory_code"]], store_dir=store_dir)
    return float(rows[rows["year"] == KEY["year"]]["value"].iloc[0])


@pytest.fixture
def published(fixture_store_dir, tmp_path, monkeypatch) -> Path:
    """A copy of the fixture store with two published versions (Isère's poverty rate 2020: 50, then 60)."""
    return _publish_two(fixture_store_dir, tmp_path, monkeypatch)


def _publish_two(fixture_store_dir, tmp_path, monkeypatch) -> Path:
    copy = Path(shutil.copytree(fixture_store_dir, tmp_path / "store"))
    monkeypatch.setenv("RADAR_DATA_DIR", str(copy))
    table = store.load_indicators(copy)
    versions.publish(_row(table, 50.0), "alice", "a.csv", "a" * 64, copy)
    versions.publish(_row(table, 60.0), "bob", "b.csv", "b" * 64, copy)
    return copy


def _pointer(text: str | None):
    def damage(store_dir: Path) -> None:
        path = store_dir / "versions" / "CURRENT"
        path.unlink() if text is None else path.write_text(text)

    return damage


def _snapshot(store_dir: Path) -> Path:
    return next((versions._dir(store_dir) / "0002").glob("snapshot-*.parquet"))


def _truncate(path: Path, size: int = 1000) -> None:
    path.write_bytes(path.read_bytes()[:size])


def _fail_writes(monkeypatch, code: int) -> None:
    """Every write of the process fails with ``code`` (as on a full disk or a read-only mount)."""
    failure = OSError(code, os.strerror(code))
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise failure
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise failure
        return real_os_open(path, flags, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise failure

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in ("replace", "rename", "mkdir", "unlink"):
        monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", refuse)


# --- the rows of the table -----------------------------------------------------------------------------------


def check_recovered(said: str):
    def check(store_dir: Path, monkeypatch, capsys) -> None:
        found = versions.pointer(store_dir)
        assert found.version == 2 and said in found.damage  # the last publish, said in French
        assert "/" not in found.damage.replace("python -m", "")  # no path for the page
        assert _value(store_dir) == 60.0
        assert versions.history(store_dir)["id"].tolist() == [2, 1, 0]  # the history is not hidden
        assert upload_cli.main(["--versions", "--store", str(store_dir)]) == 0
        assert said in capsys.readouterr().err
        # the next publish keeps every version and takes a new id; it rewrites the pointer
        record = versions.publish(_row(store.load_indicators(store_dir), 70.0), "carol", "c.csv", "c" * 64, store_dir)
        assert record["id"] == 3 and record["previous"] == 2
        assert sorted(p.name for p in (store_dir / "versions").iterdir() if p.name.isdigit()) == [
            "0001",
            "0002",
            "0003",
        ]
        assert versions.pointer(store_dir).damage is None and _value(store_dir) == 70.0

    return check


def check_snapshot_recomposed(store_dir: Path, monkeypatch, capsys) -> None:
    assert _value(store_dir) == 60.0  # recomposed from the base and the chain
    assert versions._readable(_snapshot(store_dir))  # and rewritten


def check_snapshot_unwritable(store_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(versions, "_write_parquet", lambda frame, path: (_ for _ in ()).throw(OSError(errno.EROFS, "")))
    with pytest.raises(StoreDamaged) as raised:
        _value(store_dir)
    assert raised.value.user_message.startswith("Les données publiées (version 2) sont illisibles")
    assert str(store_dir) not in raised.value.user_message and str(store_dir) in str(raised.value)


def check_base(store_dir: Path, monkeypatch, capsys) -> None:
    stamp = json.loads((store_dir / STAMP_FILE).read_text())
    assert not pipeline.base_intact(store_dir, stamp)  # so never « up to date »: make data rebuilds it
    with pytest.raises(StoreDamaged) as raised:
        versions.table(0, store_dir)
    assert "make data" in raised.value.user_message and str(store_dir) not in raised.value.user_message
    assert upload_cli.main(["--rollback", "1", "--based-on", "2", "--store", str(store_dir)]) == 1
    assert "La table des indicateurs est illisible" in capsys.readouterr().err


def check_write_refused(said: str, code: int):
    def check(store_dir: Path, monkeypatch, capsys) -> None:
        rows = _row(store.load_indicators(store_dir), 80.0)
        with monkeypatch.context() as patched:
            _fail_writes(patched, code)
            with pytest.raises(versions.StoreWriteError, match=said):
                versions.publish(rows, "dave", "d.csv", "d" * 64, store_dir)
            assert upload_cli.main(["--rollback", "1", "--based-on", "2", "--store", str(store_dir)]) == 1
        err = capsys.readouterr().err
        assert f"retour arrière impossible : {said}" in err and "Traceback" not in err and "Errno" not in err
        assert versions.current(store_dir) == 2 and _value(store_dir) == 60.0  # nothing published
        assert not list(versions._dir(store_dir).glob(".tmp-*"))
        assert versions.publish(rows, "dave", "d.csv", "d" * 64, store_dir)["id"] == 3  # works once writable

    return check


def check_missing_store(store_dir: Path, monkeypatch, capsys) -> None:
    assert upload_cli.main(["--versions", "--store", str(store_dir / "nowhere")]) == 2
    assert "dossier du store introuvable" in capsys.readouterr().err


def check_rollback_needs_based_on(store_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert upload_cli.main(["--rollback", "1", "--store", str(store_dir)]) == 2
    err = capsys.readouterr().err
    assert "précisez --based-on 2" in err and "publication de b.csv par bob" in err
    assert versions.current(store_dir) == 2  # nothing undone
    assert upload_cli.main(["--rollback", "1", "--based-on", "1", "--store", str(store_dir)]) == 1  # stale
    assert upload_cli.main(["--rollback", "1", "--based-on", "2", "--store", str(store_dir)]) == 0
    assert _value(store_dir) == 50.0


FAULTS = {  # docs/store-faults.md, row for row: damage, then what it does
    "pointer missing": (_pointer(None), check_recovered("est absent")),
    "pointer corrupt": (_pointer("garbage"), check_recovered("est illisible")),
    "pointer to a missing version": (_pointer("0009"), check_recovered("désigne une version absente (9)")),
    "snapshot corrupt": (lambda s: _truncate(_snapshot(s)), check_snapshot_recomposed),
    "snapshot corrupt, store not writable": (lambda s: _truncate(_snapshot(s)), check_snapshot_unwritable),
    "base corrupt": (lambda s: _truncate(s / INDICATORS_FILE, (s / INDICATORS_FILE).stat().st_size // 2), check_base),
    "disk full": (lambda s: None, check_write_refused("le disque du store est plein", errno.ENOSPC)),
    "read-only store": (lambda s: None, check_write_refused("le store est en lecture seule", errno.EROFS)),
    "missing store folder": (lambda s: None, check_missing_store),
    "rollback without --based-on": (lambda s: None, check_rollback_needs_based_on),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_table(fault, published, monkeypatch, capsys):
    damage, check = FAULTS[fault]
    damage(published)
    check(published, monkeypatch, capsys)


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
@pytest.mark.parametrize("fault", [name for name in FAULTS if not name.startswith("pointer")])
def test_fault_table_on_postgres(fault, backend, fixture_store_dir, tmp_path, monkeypatch, capsys):
    """The same rows with the scaled backend (the pointer is a row of PostgreSQL: no pointer file to damage)."""
    store_dir = _publish_two(fixture_store_dir, tmp_path, monkeypatch)
    damage, check = FAULTS[fault]
    damage(store_dir)
    check(store_dir, monkeypatch, capsys)


def test_the_pipeline_checks_the_base_against_its_stamp(published):
    stamp = json.loads((published / STAMP_FILE).read_text())
    assert pipeline.base_intact(published, stamp)
    base = published / INDICATORS_FILE
    data = bytearray(base.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: footer and row count still read, the sha256 differs
    base.write_bytes(bytes(data))
    assert not pipeline.base_intact(published, stamp)
    assert not pipeline.base_intact(published, {**stamp, "base": None, "rows": stamp["rows"] + 1})


def test_the_doc_has_a_row_for_every_fault():
    doc = DOC.read_text(encoding="utf-8")
    for words in ("CURRENT** missing", "CURRENT** corrupt", "names a version that is missing", "snapshot corrupt"):
        assert words in doc
    for words in ("base `indicators.parquet` corrupt", "disk full", "read-only store", "`--store` folder missing"):
        assert words in doc


def test_a_lost_pointer_never_costs_a_version_or_an_id(published):
    """The probe's finding 1: pointer lost, then a publish. Before: every version deleted and id 1 reused."""
    (published / "versions" / "CURRENT").unlink()
    shutil.rmtree(published / "versions" / "0002")  # and the last version lost too: the log keeps its id
    record = versions.publish(_row(store.load_indicators(published), 70.0), "eve", "e.csv", "e" * 64, published)
    assert record["id"] == 3 and record["previous"] == 1
    assert (published / "versions" / "0001" / "meta.json").exists()
    events = [(r["id"], r["event"]) for r in versions.audit(published)]
    assert events == [(1, "publish"), (2, "publish"), (3, "publish")]


def test_a_killed_publish_phantom_is_not_promoted_when_the_pointer_is_lost(published):
    """A folder past the audit log's last publish (renamed, never pointed to) is not served."""
    shutil.copytree(published / "versions" / "0002", published / "versions" / "0003")
    meta = json.loads((published / "versions" / "0003" / "meta.json").read_text())
    (published / "versions" / "0003" / "meta.json").write_text(json.dumps({**meta, "id": 3}))
    (published / "versions" / "CURRENT").unlink()
    assert versions.pointer(published).version == 2


def test_a_version_failing_its_manifest_is_not_recovered(published):
    _truncate(published / "versions" / "0002" / "rows.parquet", 100)
    (published / "versions" / "CURRENT").unlink()
    found = versions.pointer(published)
    assert found.version == 1 and "la version 1" in found.damage
    assert _value(published) == 50.0


def test_repair_rewrites_the_pointer(published, capsys):
    (published / "versions" / "CURRENT").write_text("garbage")
    assert upload_cli.main(["--repair", "--store", str(published), "--who", "admin"]) == 0
    assert "repère rétabli sur la version 2" in capsys.readouterr().out
    assert (published / "versions" / "CURRENT").read_text() == "0002"
    assert versions.audit(published)[-1]["event"] == "pointer_repaired"


PAGE_FAULTS = {  # what a visitor of the profile page sees (built store copy, AppTest)
    "pointer corrupt": (_pointer("garbage"), "warning", "Le repère de la version publiée est illisible : la version 1"),
    "snapshot corrupt, store not writable": (
        lambda s: _truncate(next((s / "versions" / "0001").glob("snapshot-*.parquet"))),
        "error",
        "Les données publiées (version 1) sont illisibles",
    ),
    "base corrupt": (
        lambda s: _truncate(s / INDICATORS_FILE, 100_000),
        "error",
        "La table des indicateurs est illisible",
    ),
}


@pytest.mark.parametrize("fault", PAGE_FAULTS)
def test_pages_say_store_faults_in_french(fault, real_store, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP
    from tests.upload_helpers import copy_store

    copy = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(copy))
    table = store.load_indicators(copy)
    versions.publish(_row(table, 50.0), "alice", "a.csv", "a" * 64, copy)
    damage, kind, said = PAGE_FAULTS[fault]
    damage(copy)
    if "not writable" in fault:
        monkeypatch.setattr(versions, "_write_parquet", lambda f, p: (_ for _ in ()).throw(OSError(errno.EROFS, "")))
    import streamlit as st

    st.cache_data.clear()  # the caches are keyed on (version, base hash): the same in every copy of the store
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/profil.py")
    at.query_params["dep"] = "38"
    at.run()
    assert not at.exception
    shown = [e.value for e in getattr(at, kind)]
    assert any(text.startswith(said) for text in shown), shown
    everything = " ".join(str(e.value) for e in [*at.error, *at.warning, *at.markdown, *at.caption])
    assert str(copy) not in everything and "Traceback" not in everything and "DuckDB" not in everything
    if kind == "warning":  # the recovered version is served: Isère's poverty rate 2020 as published (50)
        assert "50,0" in everything or "50,0\u00a0%" in everything or any("50" in str(m.value) for m in at.metric)


@pytest.mark.parametrize(("answer", "code", "expected"), [("n", 1, 60.0), ("o", 0, 50.0)])
def test_a_rollback_at_a_terminal_shows_what_it_undoes_and_asks(published, monkeypatch, capsys, answer, code, expected):
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda prompt: answer)
    assert upload_cli.main(["--rollback", "1", "--store", str(published), "--who", "eve"]) == code
    assert "la version 2 (publication de b.csv par bob le " in capsys.readouterr().out
    assert _value(published) == expected
