"""Publishing: versions, history, rollback, lock, a rebuilt base, a killed publisher, the catalogue extension.

Each test runs on both backends (the ``backend`` fixture of conftest: versions on disk, and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pytest

from indicators.core import catalogue
from indicators.core.exports import neutralise
from indicators.publishing import auth
from indicators.publishing.upload import parse_upload
from indicators.storage import store, versions
from tests.conftest import ROOT, value
from tests.upload_helpers import copy_store


@pytest.fixture
def store_dir(tmp_path, monkeypatch, backend):
    path = copy_store(tmp_path / "store")
    monkeypatch.setenv("RADAR_DATA_DIR", str(path))
    return path


def _rows(text: str):
    return parse_upload(text.encode(), "t.csv", indicator="poverty_rate")


def test_publish_history_and_rollback(store_dir, table):
    old = value(table, "poverty_rate", "38", 2020)
    parsed = _rows("CODGEO;TP6020\n38;99,5\n44;s\n")
    assert versions.preview(parsed.rows).values.tolist() == [
        ["departement", "38", "poverty_rate", 2020, "observed", old, 99.5, "modifiée"]
    ]
    record = versions.publish(parsed.rows, "alice", "t.csv", parsed.sha256)
    assert (record["id"], record["who"], record["changed"], record["added"]) == (1, "alice", 1, 0)
    published = store.load_indicators()
    assert value(published, "poverty_rate", "38", 2020) == 99.5
    assert value(published, "poverty_rate", "44", 2020) == value(table, "poverty_rate", "44", 2020)
    assert len(published) == len(table)
    versions.publish(_rows("CODGEO;TP6021\n38;12\n").rows, "bob", "u.csv", "x")
    assert len(store.load_indicators()) == len(table) + 1
    back = versions.rollback(0, "carol")
    assert (back["id"], back["target"], back["changed"], back["removed"]) == (3, 0, 1, 1)
    pd.testing.assert_frame_equal(store.load_indicators(), table)
    versions.rollback(2, "carol")
    assert value(store.load_indicators(), "poverty_rate", "38", 2021) == 12.0
    history = versions.history()
    assert history[["id", "kind", "who", "current"]].values.tolist() == [
        [4, "rollback", "carol", True],
        [3, "rollback", "carol", False],
        [2, "publish", "bob", False],
        [1, "publish", "alice", False],
        [0, "base", "pipeline", False],
    ]
    assert history.loc[history["id"] == 1, "sha256"].iloc[0] == parsed.sha256


def test_rebuilt_base_keeps_published_uploads(store_dir, table):
    versions.publish(_rows("CODGEO;TP6020\n38;99,5\n").rows, "alice", "t.csv", "x")
    rebuilt = table.copy()
    rebuilt.loc[
        (rebuilt["indicator_id"] == "poverty_rate") & (rebuilt["territory_code"] == "44") & (rebuilt["year"] == 2020),
        "value",
    ] = 1.0
    rebuilt.to_parquet(store_dir / "indicators.parquet", index=False)  # what `make data` does
    published = store.load_indicators()
    assert value(published, "poverty_rate", "38", 2020) == 99.5
    assert value(published, "poverty_rate", "44", 2020) == 1.0


def test_concurrent_publishes_keep_both(store_dir, table):
    uploads = [_rows(f"CODGEO;TP6021\n{code};{i + 1}\n").rows for i, code in enumerate(["01", "02", "03", "04"])]
    threads = [
        threading.Thread(target=versions.publish, args=(rows, f"u{i}", "f.csv", "x")) for i, rows in enumerate(uploads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    published = store.load_indicators()
    assert [value(published, "poverty_rate", c, 2021) for c in ["01", "02", "03", "04"]] == [1, 2, 3, 4]
    assert versions.current() == 4


def test_killed_publisher_leaves_the_previous_version_intact(store_dir, table):
    versions.publish(_rows("CODGEO;TP6020\n38;99,5\n").rows, "alice", "t.csv", "x")
    before = store.load_indicators()
    script = textwrap.dedent(f"""
        import numpy as np, pandas as pd
        from indicators.storage import versions
        n = 600_000
        rows = pd.DataFrame({{"territory_level": "departement", "territory_code": "38",
            "indicator_id": [f"big_{{i // 3000}}" for i in range(n)], "year": 1900 + np.arange(n) % 3000 // 15,
            "variant": [f"v{{i % 15}}" for i in range(n)], "value": 1.0, "source_id": "s"}})
        print("ready", flush=True)
        versions.publish(rows, "killed", "big.csv", "x", {str(store_dir)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    folder = versions._dir(store_dir)
    deadline = time.monotonic() + 60
    while not list(folder.glob(".tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert versions.current(store_dir) == 1
    pd.testing.assert_frame_equal(store.load_indicators(store_dir), before)
    record = versions.publish(_rows("CODGEO;TP6020\n44;5\n").rows, "bob", "u.csv", "y", store_dir)
    assert not list(folder.glob(".tmp-*"))  # lock released, debris cleaned
    assert (record["id"], record["previous"]) == (2, 1)


def test_declared_indicator_joins_the_catalogue(store_dir):
    entry = {
        "id": "taux_test",
        "label": "Taux de test",
        "short_label": "Test",
        "theme": "import",
        "unit": "%",
        "decimals": 1,
        "definition": "Un indicateur déclaré par un analyste.",
        "polarity": "neutral",
        "source": {
            "id": "import_taux_test",
            "producer": "Service ABS",
            "title": "Fichier interne",
            "url": "fichier t.csv",
            "licence": "Licence Ouverte",
            "citation": "Service ABS, 2024",
        },
    }
    parsed = parse_upload(b"CODGEO;X2022\n38;12\n", "t.csv", indicator="taux_test", declared={"taux_test": "%"})
    assert "taux_test" not in catalogue.load()
    versions.publish(parsed.rows, "alice", "t.csv", parsed.sha256, declare=entry)
    indicator = catalogue.load()["taux_test"]
    assert (indicator.unit, indicator.citation) == ("%", "Service ABS, 2024")
    assert parsed.rows["source_id"].iloc[0] == "import_taux_test"
    assert "poverty_rate" in catalogue.load()
    with pytest.raises(catalogue.CatalogueError):
        versions.declare_indicator({**entry, "id": "autre", "polarity": "bof"})


@pytest.fixture
def login_db(tmp_path, backend):
    """The login state: a SQLite file, or (None) the PostgreSQL of RADAR_DATABASE_URL."""
    return None if backend else tmp_path / "auth.sqlite3"


def _attempts(db):
    """A login function on a fresh throttle database and a clock the test moves (``now[0]``)."""
    table = {"alice": auth.hash_password("correct horse", iterations=1000)}
    table.update({f"user{i}": auth.hash_password(f"secret {i}", iterations=1000) for i in range(20)})
    now = [1000.0]

    def attempt(password, client="10.0.0.1", account="alice", device=None):
        return auth.login(
            account, password, client=client, configured=table, path=db, clock=lambda: now[0], device=device
        )

    return attempt, now


def test_login_throttle_per_client_and_account_not_reset_by_another_success(login_db):
    attempt, now = _attempts(login_db)
    assert not attempt("wrong").ok
    refused = attempt("correct horse")  # within the 1 s wait: refused without checking the password
    assert (refused.ok, refused.wait) == (False, 1.0) and "réessayez dans 1 s" in refused.message
    now[0] += 1.0
    assert not attempt("wrong again").ok
    now[0] += 1.0
    assert attempt("anything").wait == 1.0  # 2 s after the second failure: 1 s left
    now[0] += 1.0
    # a success from another (unknown) client does not reset this client's wait; the account-wide count stays
    assert attempt("correct horse", client="10.0.0.2").ok
    assert not attempt("wrong", client="10.0.0.1").ok
    assert attempt("x", client="10.0.0.1").wait == 4.0  # third failure of this client: 4 s
    assert attempt("x", client="10.0.0.3").wait == 4.0  # third failure of the account, whatever the client
    assert [auth.failure_delay(n) for n in (1, 2, 3, 11, 40)] == [1.0, 2.0, 4.0, 900.0, 900.0]
    assert [auth.failure_delay(n, 10, 60.0) for n in (10, 11, 12, 16, 17, 99)] == [0.0, 1.0, 2.0, 32.0, 60.0, 60.0]
    assert not auth.verify("x", "not-a-hash")
    assert auth.ITERATIONS >= 600_000


def test_an_attacker_never_locks_the_owner_out(login_db):
    """Issue 23, finding 6: knowing the account name, an anonymous client used to make the owner's correct
    password refused for up to 900 s. A browser that logged in before is throttled on its own failures only."""
    attempt, now = _attempts(login_db)
    first = attempt("correct horse", client="192.168.1.20")
    assert first.ok and len(first.device) >= 40  # the client key the owner's browser keeps
    for _ in range(12):  # the attacker retries as soon as allowed, from no known address then from its own
        for client in (None, "10.6.6.6"):
            wait = attempt("guess", client=client).wait
            now[0] += wait
            assert not attempt("guess", client=client).ok
    assert attempt("correct horse", client="192.168.1.20").wait == 900.0  # without its key: account locked
    again = attempt("correct horse", client="192.168.1.20", device=first.device)
    assert again.ok and again.device != first.device  # never refused because of others' failures; a new key
    assert attempt("correct horse", client=None, device=again.device).ok  # the key, not the address, is known
    assert attempt("typo", client=None, device=again.device).message == "Identifiant ou mot de passe incorrect."
    assert attempt("correct horse", client=None, device=again.device).wait == 1.0  # its own failure only
    assert attempt("correct horse", device="forged").wait == 900.0  # an unknown key is an unknown client
    assert attempt("secret 3", account="user3", device=again.device).wait > 0  # alice's key, not user3's


def test_a_password_sprayer_is_slowed_without_a_client_address(login_db):
    """One password over 20 account names, no client address known: past GLOBAL_FREE failures every unknown
    attempt waits 1, 2, 4 … 60 s (before: never slowed). The 20 names now take 243 s instead of none."""
    attempt, now = _attempts(login_db)
    start, waited = now[0], []
    for i in range(20):
        wait = attempt("Printemps2026!", client=None, account=f"user{i}").wait
        waited.append(wait)
        now[0] += wait
        assert not attempt("Printemps2026!", client=None, account=f"user{i}").ok
    assert waited == [0.0] * 11 + [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert now[0] - start == 243.0
    assert attempt("secret 1", client="10.0.0.9", account="user1").wait == 60.0  # an unknown client waits too


def test_login_database_outside_the_store(tmp_path, monkeypatch):
    """The login state is not in the store: a read-only or missing store never breaks login (finding 5)."""
    monkeypatch.delenv(auth.DB_ENV)
    monkeypatch.setenv("RADAR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path / "no-store"))
    assert auth.db_path() == tmp_path / "state" / "auth.sqlite3"
    table = {"alice": auth.hash_password("correct horse", iterations=1000)}
    assert auth.login("alice", "correct horse", configured=table).ok
    assert not (tmp_path / "no-store").exists()
    (tmp_path / "blocked").write_text("not a folder")  # the state folder cannot be made: a message, no traceback
    refused = auth.login("alice", "correct horse", configured=table, path=tmp_path / "blocked" / "auth.sqlite3")
    assert (refused.ok, refused.message) == (False, auth.UNAVAILABLE)


def test_old_hashes_log_in_and_are_upgraded(tmp_path, monkeypatch, login_db):
    old = auth.hash_password("correct horse", iterations=200_000)
    monkeypatch.setenv(auth.ENV_VAR, old)
    monkeypatch.delenv(auth.ACCOUNTS_ENV, raising=False)
    assert auth.accounts(tmp_path / "none.toml") == {"analyste": old}
    db = login_db
    assert auth.login("analyste", "correct horse", configured={"analyste": old}, path=db).ok
    upgraded = auth._effective_hash("analyste", old, db)
    assert upgraded.startswith("pbkdf2_sha256$600000$") and auth.verify("correct horse", upgraded)
    assert auth.login("analyste", "correct horse", configured={"analyste": old}, path=db).ok
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[analyst_accounts]\nbob = "pbkdf2_sha256$1$00$00"\n')
    assert auth.accounts(secrets) == {"bob": "pbkdf2_sha256$1$00$00", "analyste": old}


def test_exports_neutralise_formulas():
    frame = pd.DataFrame(
        {"value": ['=HYPERLINK("x")', "-2+3", " =1", "@SUM(A1)", "ok", "-2,1 %"], "n": [-1.0, 2, 3, 4, 5, 6]}
    )
    out = neutralise(frame)
    assert out["value"].tolist() == ['\'=HYPERLINK("x")', "'-2+3", "' =1", "'@SUM(A1)", "ok", "-2,1 %"]
    assert out["n"].tolist() == [-1.0, 2, 3, 4, 5, 6]


def test_comparer_exports_keep_no_live_formula():
    import io

    import openpyxl

    from indicators.views import compare

    frame = pd.DataFrame({"Indicateur": ['=HYPERLINK("http://x","y")', "@SUM(A1:A2)"], "Valeur": [1.5, -2.0]})
    csv_text = compare.to_csv_bytes(frame).decode("utf-8-sig")
    assert csv_text.splitlines()[1:] == ['"\'=HYPERLINK(""http://x"",""y"")";1,5', "'@SUM(A1:A2);-2"]
    sheet = openpyxl.load_workbook(io.BytesIO(compare.to_xlsx_bytes(frame))).active
    assert [sheet["A2"].value, sheet["A3"].value] == ['\'=HYPERLINK("http://x","y")', "'@SUM(A1:A2)"]
    assert sheet["A2"].data_type == "s" and sheet["B3"].value == -2.0
