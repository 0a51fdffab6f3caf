"""Analyst login: named accounts with PBKDF2 password hashes configured outside the repository, and a
throttle shared by every session and process of the server.

Accounts (who appears in the history of versions is the account name, never a free-text field):
- ``RADAR_ANALYST_ACCOUNTS="alice=pbkdf2_sha256$...;bob=pbkdf2_sha256$..."``, or a table
  ``[analyst_accounts]`` (``alice = "pbkdf2_sha256$..."``) in ``.streamlit/secrets.toml`` (git-ignored);
- the older single shared hash (``RADAR_ANALYST_PASSWORD_HASH`` or ``analyst_password_hash``) is still
  accepted, as the account ``analyste``.
Make a hash with ``python -m indicators.publishing.auth`` (asks for the password). Format:
``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX``; new hashes use 600 000 iterations (OWASP 2023). A
hash with fewer iterations still logs in; after a successful login the password is re-hashed at
600 000 and that hash is used from then on (kept in the throttle database, tied to the configured
hash: changing the configuration discards it). Replace the configured hash too: the log says so.

Throttle (SQLite file shared by every process, ``RADAR_AUTH_DB`` or ``<store>/.auth.sqlite3``): keyed
on the account and on the client address (when Streamlit gives it). Each failure doubles the wait
before the next attempt on that key (1 s, 2 s, 4 s … up to ``MAX_DELAY``); the wait is reserved
*before* the password is checked, so parallel sessions cannot check passwords in parallel. A success
clears the keys of that client only: a success elsewhere never resets an attacker's wait.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from indicators.core.paths import ROOT, processed_dir

ENV_VAR = "RADAR_ANALYST_PASSWORD_HASH"
ACCOUNTS_ENV = "RADAR_ANALYST_ACCOUNTS"
DB_ENV = "RADAR_AUTH_DB"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
SECRETS_KEY = "analyst_password_hash"
ACCOUNTS_KEY = "analyst_accounts"
SHARED_ACCOUNT = "analyste"
ITERATIONS = 600_000
BASE_DELAY = 1.0
MAX_DELAY = 900.0  # 15 min between attempts at most
FORGET_AFTER = 24 * 3600.0  # failures older than this are forgotten

UNKNOWN_ACCOUNT = f"pbkdf2_sha256${ITERATIONS}${'00' * 16}${'00' * 32}"  # never matches; same cost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    ok: bool
    account: str | None  # the account logged in (None when refused)
    wait: float = 0.0  # > 0: refused without checking, retry after this many seconds
    message: str = ""


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def configured_hash(secrets_file: Path = SECRETS_FILE) -> str | None:
    """The older single shared hash, or None."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR].strip()
    value = _secrets(secrets_file).get(SECRETS_KEY)
    return str(value).strip() if value else None


def _secrets(secrets_file: Path) -> dict:
    if not secrets_file.exists():
        return {}
    with open(secrets_file, "rb") as handle:
        return tomllib.load(handle)


def accounts(secrets_file: Path = SECRETS_FILE) -> dict[str, str]:
    """Account name -> configured hash. Empty: the import page is not configured (nobody can log in)."""
    out: dict[str, str] = {}
    for item in os.environ.get(ACCOUNTS_ENV, "").split(";"):
        name, _, stored = item.partition("=")
        if name.strip() and stored.strip():
            out[name.strip()] = stored.strip()
    table = _secrets(secrets_file).get(ACCOUNTS_KEY) or {}
    if isinstance(table, dict):
        out.update({str(k).strip(): str(v).strip() for k, v in table.items() if str(v).strip()})
    shared = configured_hash(secrets_file)
    if shared and SHARED_ACCOUNT not in out:
        out[SHARED_ACCOUNT] = shared
    return out


def _parse(stored: str) -> tuple[int, bytes, str] | None:
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != "pbkdf2_sha256" or int(iterations) < 1:
            return None
        return int(iterations), bytes.fromhex(salt_hex), digest_hex
    except ValueError:
        return None


def verify(password: str, stored: str | None) -> bool:
    """Constant-time comparison of the password's PBKDF2 digest with the stored one (any iteration count)."""
    parsed = _parse(stored or "")
    if not parsed or not password:
        return False
    iterations, salt, digest_hex = parsed
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_upgrade(stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[0] < ITERATIONS


def failure_delay(failures: int) -> float:
    """Wait before the next attempt after ``failures`` consecutive failures: 1 s, 2 s, 4 s… MAX_DELAY."""
    if failures <= 0:
        return 0.0
    return min(BASE_DELAY * 2 ** min(failures - 1, 30), MAX_DELAY)


# --- shared state --------------------------------------------------------------------------------


def db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or processed_dir() / ".auth.sqlite3")


@contextlib.contextmanager
def _db(path: Path | None = None):
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS throttle (key TEXT PRIMARY KEY, failures INTEGER, last REAL, until REAL)"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS upgraded (account TEXT, configured TEXT, hash TEXT, "
            "PRIMARY KEY (account, configured))"
        )
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


def _keys(account: str, client: str | None) -> list[str]:
    keys = [f"account:{account.lower()}"]
    if client:
        keys += [f"client:{client}", f"account-client:{account.lower()}:{client}"]
    return keys


def _reserve(account: str, client: str | None, now: float, path: Path | None) -> float:
    """0 and a reserved wait (as if this attempt failed) on every key; or the wait still to run."""
    with _db(path) as db:
        rows = {
            key: db.execute("SELECT failures, last, until FROM throttle WHERE key = ?", (key,)).fetchone()
            for key in _keys(account, client)
        }
        waits = [until - now for failures, last, until in filter(None, rows.values()) if until > now]
        if waits:
            return max(waits)
        for key, row in rows.items():
            failures = row[0] if row and now - row[1] < FORGET_AFTER else 0
            db.execute(
                "INSERT OR REPLACE INTO throttle VALUES (?, ?, ?, ?)",
                (key, failures + 1, now, now + failure_delay(failures + 1)),
            )
    return 0.0


def _succeeded(account: str, client: str | None, path: Path | None) -> None:
    """Clear this client's keys; on the account key only undo this attempt's reservation (the count of
    other clients' failures stays: a success here never resets an attacker's wait elsewhere)."""
    with _db(path) as db:
        db.executemany("DELETE FROM throttle WHERE key = ?", [(k,) for k in _keys(account, client)[1:]])
        db.execute(
            "UPDATE throttle SET failures = MAX(failures - 1, 0), until = last WHERE key = ?",
            (_keys(account, client)[0],),
        )


def _effective_hash(account: str, configured: str, path: Path | None) -> str:
    fingerprint = hashlib.sha256(configured.encode()).hexdigest()
    with _db(path) as db:
        row = db.execute(
            "SELECT hash FROM upgraded WHERE account = ? AND configured = ?", (account, fingerprint)
        ).fetchone()
    return row[0] if row else configured


def _upgrade(account: str, configured: str, password: str, path: Path | None) -> None:
    fingerprint = hashlib.sha256(configured.encode()).hexdigest()
    with _db(path) as db:
        db.execute("INSERT OR REPLACE INTO upgraded VALUES (?, ?, ?)", (account, fingerprint, hash_password(password)))
    log.warning(
        "the configured password hash of account %r uses fewer than %d iterations: it was re-hashed for this "
        "server; make a new one with `python -m indicators.publishing.auth` and replace it in the configuration",
        account,
        ITERATIONS,
    )


def login(
    account: str,
    password: str,
    client: str | None = None,
    configured: dict[str, str] | None = None,
    path: Path | None = None,
    clock=time.time,
) -> Attempt:
    """Check a login against the shared throttle; never sleeps (a refused attempt says how long to wait)."""
    account = (account or "").strip()
    table = accounts() if configured is None else configured
    if not account:
        return Attempt(False, None, message="Indiquez votre identifiant.")
    wait = _reserve(account, client, clock(), path)
    if wait > 0:
        return Attempt(
            False, None, wait, f"Trop de tentatives : réessayez dans {max(1, round(wait))} s (identifiant ou poste)."
        )
    stored = table.get(account)
    effective = _effective_hash(account, stored, path) if stored else None
    # an unknown account costs the same time as a known one (no user enumeration by timing)
    ok = verify(password, effective or UNKNOWN_ACCOUNT) and stored is not None
    if not ok:
        return Attempt(False, None, 0.0, "Identifiant ou mot de passe incorrect.")
    _succeeded(account, client, path)
    if needs_upgrade(effective):
        _upgrade(account, stored, password, path)
    return Attempt(True, account)


if __name__ == "__main__":
    first = getpass.getpass("Mot de passe de l'analyste : ")
    if first != getpass.getpass("Confirmez : ") or len(first) < 8:
        sys.exit("mots de passe différents ou trop courts (8 caractères au moins)")
    print(f"{ACCOUNTS_ENV}='NOM={hash_password(first)}'  (plusieurs comptes : séparés par ;)")
