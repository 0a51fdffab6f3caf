"""The scaled mode's PostgreSQL connection: ``RADAR_DATABASE_URL=postgresql://…`` (unset: the embedded
default, the local Parquet store versioned on disk by indicators/storage/versions.py).

Connections are opened per action (a publish, a history, a login) with a short connect timeout: an
unreachable server fails that action in a few seconds with ``DatabaseUnavailable`` (a French sentence),
never a page's read of the published data (see pg_versions.Watcher)."""

from __future__ import annotations

import contextlib
import logging
import os

from indicators.core.errors import StoreDamaged

ENV = "RADAR_DATABASE_URL"
CONNECT_TIMEOUT = 3  # seconds
SCHEMES = ("postgresql://", "postgres://")

log = logging.getLogger(__name__)


class DatabaseUnavailable(StoreDamaged):
    """The PostgreSQL server of the scaled mode cannot be reached: a store fault (``user_message`` in French,
    shown by the pages' guard and the command line like a damaged file; ``str()`` for the log)."""


def url() -> str | None:
    """The configured database URL, or None (the embedded default). Any other scheme is an error."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if not value.startswith(SCHEMES):
        raise ValueError(f"{ENV} must be a postgresql:// URL (got {value.split(':', 1)[0]}://…)")
    return value


def scaled() -> bool:
    return url() is not None


def unavailable(exc: Exception, action: str) -> DatabaseUnavailable:
    log.error("PostgreSQL unreachable during %s: %s", action, exc)
    return DatabaseUnavailable(
        f"PostgreSQL unreachable during {action}: {exc}",
        f"La base des versions (PostgreSQL) est injoignable : {action} impossible pour le moment, "
        "rien n'a été modifié ; la version publiée reste affichée, réessayez dans un instant.",
    )


@contextlib.contextmanager
def connect(action: str, autocommit: bool = False, address: str | None = None):
    """A connection to the configured server; a failure to connect or a lost connection becomes
    ``DatabaseUnavailable``. Without autocommit, the block is one transaction (committed at its end)."""
    import psycopg

    address = address or url()
    try:
        conn = psycopg.connect(address, connect_timeout=CONNECT_TIMEOUT, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise unavailable(exc, action) from exc
    try:
        with conn:
            yield conn
    except psycopg.OperationalError as exc:
        if conn.broken or conn.closed:
            raise unavailable(exc, action) from exc
        raise
