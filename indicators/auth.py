"""Analyst login: a PBKDF2 password hash configured outside the repository, compared in constant time.

The hash comes from the environment variable ``RADAR_ANALYST_PASSWORD_HASH`` or from the key
``analyst_password_hash`` of ``.streamlit/secrets.toml`` (git-ignored). Make one with
``python -m indicators.auth`` (asks for the password). Format: ``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX``.
After a failed attempt the caller waits (``failure_delay``), longer after each consecutive failure.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time
import tomllib
from pathlib import Path

from indicators.paths import ROOT

ENV_VAR = "RADAR_ANALYST_PASSWORD_HASH"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
SECRETS_KEY = "analyst_password_hash"
ITERATIONS = 200_000
BASE_DELAY = 1.0
MAX_DELAY = 8.0

_failures = 0
_failures_lock = threading.Lock()


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def configured_hash(secrets_file: Path = SECRETS_FILE) -> str | None:
    """The configured hash, or None when the import page is not configured (then nobody can log in)."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR].strip()
    if secrets_file.exists():
        with open(secrets_file, "rb") as handle:
            value = tomllib.load(handle).get(SECRETS_KEY)
        return str(value).strip() if value else None
    return None


def verify(password: str, stored: str | None) -> bool:
    """Constant-time comparison of the password's PBKDF2 digest with the stored one."""
    if not stored or not password:
        return False
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def failure_delay(failures: int) -> float:
    return min(BASE_DELAY * 2 ** max(failures - 1, 0), MAX_DELAY)


def login(password: str, stored: str | None = None, sleep=time.sleep) -> bool:
    """Check a password; after a failure, wait longer for each consecutive failure of this process."""
    global _failures
    ok = verify(password, stored if stored is not None else configured_hash())
    with _failures_lock:
        _failures = 0 if ok else _failures + 1
        failures = _failures
    if not ok:
        sleep(failure_delay(failures))
    return ok


if __name__ == "__main__":
    first = getpass.getpass("Mot de passe des analystes : ")
    if first != getpass.getpass("Confirmez : ") or len(first) < 8:
        sys.exit("mots de passe différents ou trop courts (8 caractères au moins)")
    print(f"{ENV_VAR}='{hash_password(first)}'")
