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

Accounts' state and throttle live outside the store (a read-only or damaged store never breaks login):
a SQLite file shared by every process, ``RADAR_AUTH_DB``, by default ``auth.sqlite3`` in the state folder
(``RADAR_STATE_DIR``, else ``$XDG_STATE_HOME/radar-social``, else ``~/.local/state/radar-social``). In the
scaled mode (``RADAR_DATABASE_URL``, indicators/storage/database.py) they live in PostgreSQL, shared by every
replica on every host: the same tables and statements, each attempt one transaction serialised by an
advisory lock (SQLite: ``BEGIN IMMEDIATE``). Accounts may also be kept there (table ``analyst_account``,
``python -m indicators.publishing.auth --store NAME``): every replica then knows them without its own
configuration.

Throttle. Each failure doubles the wait before the next attempt on a key (1 s, 2 s, 4 s … ``MAX_DELAY``);
the wait is reserved *before* the password is checked, so parallel sessions cannot check passwords in
parallel, and a success undoes only its own reservation. The keys of an attempt depend on who makes it:
- a **known client** (a browser that logged in to this account before: it shows the client key the server
  gave it then, ``DEVICE_COOKIE``; only its hash is kept) is throttled on its own failures only: others'
  failures, however many, never refuse it: the account's owner is never locked out by an attacker;
- any other client is throttled per source address (when Streamlit gives one), per account (guessing one
  account's password from many addresses) and globally: past ``GLOBAL_FREE`` failures of unknown clients on
  the whole server the next unknown attempt waits 1 s, 2 s … ``GLOBAL_MAX_DELAY``: a password sprayer
  (one password over many account names, no address known) is slowed to one try a minute.
Failures older than ``FORGET_AFTER`` are forgotten.
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

from indicators.core.paths import ROOT, state_dir
from indicators.storage import database

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
GLOBAL_KEY = "global"
GLOBAL_FREE = 10  # failures of unknown clients, server-wide, before every unknown attempt waits
GLOBAL_MAX_DELAY = 60.0  # a sprayer gets one try a minute; an unknown honest client waits a minute at most
DEVICE_COOKIE = "radar_client"  # the client key a browser keeps after a successful login
DEVICE_DAYS = 365
UNAVAILABLE = "Connexion impossible pour le moment (registre des connexions inaccessible) : prévenez l'administrateur."

UNKNOWN_ACCOUNT = f"pbkdf2_sha256${ITERATIONS}${'00' * 16}${'00' * 32}"  # never matches; same cost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    ok: bool
    account: str | None  # the account logged in (None when refused)
    wait: float = 0.0  # > 0: refused without checking, retry after this many seconds
    message: str = ""
    device: str | None = None  # after a success: the client key the browser keeps (DEVICE_COOKIE)


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
    if database.scaled():
        with contextlib.suppress(database.DatabaseUnavailable), _db() as db:
            stored = db.execute("SELECT account, hash FROM analyst_account").fetchall()
            out.update({name: value for name, value in stored if name not in out})  # the configuration wins
    return out


def store_account(account: str, stored: str) -> None:
    """Keep an account (name, PBKDF2 hash) in PostgreSQL (scaled mode): every replica knows it."""
    if not database.scaled():
        raise RuntimeError(f"{database.ENV} is not set: accounts are configured in {ACCOUNTS_ENV} or secrets.toml")
    with _db() as db:
        db.execute(
            "INSERT INTO analyst_account VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET hash = excluded.hash",
            (account, stored),
        )


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


def failure_delay(failures: int, free: int = 0, ceiling: float = MAX_DELAY) -> float:
    """Wait before the next attempt after ``failures`` failures, the first ``free`` of them not counted:
    1 s, 2 s, 4 s… ``ceiling``."""
    if failures - free <= 0:
        return 0.0
    return min(BASE_DELAY * 2 ** min(failures - free - 1, 30), ceiling)


# --- shared state --------------------------------------------------------------------------------


def db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or state_dir() / "auth.sqlite3")


TABLES = (
    "CREATE TABLE IF NOT EXISTS throttle (key TEXT PRIMARY KEY, failures INTEGER, last {real}, until {real})",
    "CREATE TABLE IF NOT EXISTS upgraded (account TEXT, configured TEXT, hash TEXT, PRIMARY KEY (account, configured))",
    "CREATE TABLE IF NOT EXISTS devices (digest TEXT PRIMARY KEY, account TEXT, last {real})",
    "CREATE TABLE IF NOT EXISTS analyst_account (account TEXT PRIMARY KEY, hash TEXT NOT NULL)",
)


class _Pg:
    """A PostgreSQL transaction that takes the statements written for SQLite (``?`` placeholders)."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple = ()):
        return self.conn.execute(sql.replace("?", "%s"), params)


_PG_READY: set[str] = set()


@contextlib.contextmanager
def _pg():
    address = database.url()
    with database.connect("connexion") as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('radar_auth'))")  # one attempt at a time
        if address not in _PG_READY:
            for statement in TABLES:
                conn.execute(statement.format(real="DOUBLE PRECISION"))
            _PG_READY.add(address)
        yield _Pg(conn)


@contextlib.contextmanager
def _db(path: Path | None = None):
    """One transaction on the login state: PostgreSQL in the scaled mode (no ``path`` given), else SQLite."""
    if path is None and database.scaled():
        with _pg() as db:
            yield db
        return
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        for statement in TABLES:
            connection.execute(statement.format(real="REAL"))
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


def _digest(device: str) -> str:
    return hashlib.sha256(device.encode("utf-8", "replace")).hexdigest()


def _known(db, account: str, device: str | None, now: float) -> bool:
    """Whether ``device`` is a client key given to this account at a successful login (not expired)."""
    if not device:
        return False
    row = db.execute("SELECT account, last FROM devices WHERE digest = ?", (_digest(device),)).fetchone()
    return bool(row) and row[0] == account.lower() and now - row[1] < DEVICE_DAYS * 86400


def _keys(account: str, client: str | None, device: str | None, known: bool) -> dict[str, tuple[int, float]]:
    """The throttle keys of an attempt -> (failures not counted, longest wait)."""
    if known:
        return {f"device:{_digest(device)}": (0, MAX_DELAY)}
    keys = {f"account:{account.lower()}": (0, MAX_DELAY), GLOBAL_KEY: (GLOBAL_FREE, GLOBAL_MAX_DELAY)}
    if client:
        keys[f"client:{client}"] = (0, MAX_DELAY)
    return keys


def _reserve(account: str, client: str | None, device: str | None, now: float, path: Path | None):
    """(0, keys) after reserving a wait (as if this attempt failed) on every key; or (the wait still to run,
    keys). A known client's key is its own: others' failures never make it wait."""
    with _db(path) as db:
        keys = _keys(account, client, device, _known(db, account, device, now))
        rows = {
            key: db.execute("SELECT failures, last, until FROM throttle WHERE key = ?", (key,)).fetchone()
            for key in keys
        }
        waits = [until - now for failures, last, until in filter(None, rows.values()) if until > now]
        if waits:
            return max(waits), keys
        for key, (free, ceiling) in keys.items():
            row = rows[key]
            failures = row[0] if row and now - row[1] < FORGET_AFTER else 0
            db.execute(
                "INSERT INTO throttle VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "failures = excluded.failures, last = excluded.last, until = excluded.until",
                (key, failures + 1, now, now + failure_delay(failures + 1, free, ceiling)),
            )
    return 0.0, keys


def _succeeded(account: str, keys: dict, now: float, path: Path | None) -> str:
    """Clear this client's own key; on the shared keys (account, global) only undo this attempt's reservation
    (other clients' failures stay: a success here never resets an attacker's wait elsewhere). Returns the
    client key the browser keeps (a new one for a client not known yet)."""
    device = secrets.token_urlsafe(32)
    with _db(path) as db:
        for key in keys:
            if key.startswith(("client:", "device:")):
                db.execute("DELETE FROM throttle WHERE key = ?", (key,))
            else:
                db.execute(
                    "UPDATE throttle SET failures = CASE WHEN failures > 1 THEN failures - 1 ELSE 0 END, "
                    "until = last WHERE key = ?",
                    (key,),
                )
        db.execute(
            "INSERT INTO devices VALUES (?, ?, ?) ON CONFLICT (digest) DO UPDATE SET "
            "account = excluded.account, last = excluded.last",
            (_digest(device), account.lower(), now),
        )
        db.execute("DELETE FROM devices WHERE ? - last >= ?", (now, DEVICE_DAYS * 86400))
    return device


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
        db.execute(
            "INSERT INTO upgraded VALUES (?, ?, ?) "
            "ON CONFLICT (account, configured) DO UPDATE SET hash = excluded.hash",
            (account, fingerprint, hash_password(password)),
        )
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
    device: str | None = None,
) -> Attempt:
    """Check a login against the shared throttle; never sleeps (a refused attempt says how long to wait).
    ``client``: the source address, if known; ``device``: the client key the browser showed, if any."""
    account = (account or "").strip()
    table = accounts() if configured is None else configured
    if not account:
        return Attempt(False, None, message="Indiquez votre identifiant.")
    device = device if isinstance(device, str) and device else None  # a cookie: any text, or nothing
    try:
        return _login(account, password, client, table, path, clock(), device)
    except (OSError, sqlite3.Error, database.DatabaseUnavailable) as exc:  # unwritable, damaged, unreachable
        where = "PostgreSQL" if path is None and database.scaled() else path or db_path()
        log.error("login refused: the throttle database %s cannot be used: %r", where, exc)
        return Attempt(False, None, message=UNAVAILABLE)


def _login(account, password, client, table, path, now, device) -> Attempt:
    wait, keys = _reserve(account, client, device, now, path)
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
    device = _succeeded(account, keys, now, path)
    if needs_upgrade(effective):
        _upgrade(account, stored, password, path)
    return Attempt(True, account, device=device)


def device_cookie_html(device: str) -> str:
    """A script that makes the browser keep its client key (st.html, unsafe_allow_javascript): a later
    login from this browser is then never refused because of other clients' failures."""
    value = "".join(c for c in device if c.isalnum() or c in "-_")  # token_urlsafe: nothing to escape
    return (
        f"<script>document.cookie = '{DEVICE_COOKIE}={value}; Max-Age={DEVICE_DAYS * 86400}; Path=/; "
        "SameSite=Strict';</script>"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--store"] and len(sys.argv) == 3:  # scaled mode: keep the account in PostgreSQL
        first = getpass.getpass(f"Mot de passe de {sys.argv[2]} : ")
        if first != getpass.getpass("Confirmez : ") or len(first) < 8:
            sys.exit("mots de passe différents ou trop courts (8 caractères au moins)")
        store_account(sys.argv[2], hash_password(first))
        sys.exit(f"compte {sys.argv[2]} enregistré dans PostgreSQL")
    first = getpass.getpass("Mot de passe de l'analyste : ")
    if first != getpass.getpass("Confirmez : ") or len(first) < 8:
        sys.exit("mots de passe différents ou trop courts (8 caractères au moins)")
    print(f"{ACCOUNTS_ENV}='NOM={hash_password(first)}'  (plusieurs comptes : séparés par ;)")
