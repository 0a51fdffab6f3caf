"""The scaled backend of the store's versions (``RADAR_DATABASE_URL=postgresql://…``): the version
catalogue, the publish and rollback transactions and the audit log live in PostgreSQL; the served rows
stay Parquet files on the shared store folder (``RADAR_DATA_DIR``, under ``shared-versions/NNNN/``).

The public functions of indicators/storage/versions.py (publish, rollback, current, pointer, meta,
history, audit, repair) hand over to this module when the URL is set: callers do not change.

- **Publish / rollback = one transaction.** It locks the single row of ``radar_current`` (``SELECT … FOR
  UPDATE``): two publishes, on any hosts, are serialised by the database. Under the lock: the version
  the analyst saw is checked (``StaleVersion`` naming who published since, and when), the id is the
  next after the last committed one, the version's files are written (temporary
  folder, fsync, rename) and the transaction inserts the version, moves ``radar_current``, appends the
  audit line and ``NOTIFY``s; the commit is the one atomic step. A publisher killed or cut off before it
  leaves at most a folder no row names: never served, removed by the next publish. A publisher stopped
  while holding the lock loses it after ``IDLE_TIMEOUT`` (the server ends its session).
- **Replicas learn of a new version by LISTEN/NOTIFY.** Each process runs one ``Watcher`` thread that
  LISTENs on the store's channel and keeps the published version in memory: ``versions.token()`` (the
  key of every Streamlit cache) reads that value, no query and no file poll per rerun. On a
  notification, the watcher re-reads ``radar_current``; after a lost connection it reconnects and
  re-reads (a notification missed while down is not lost). Every ``CHECK_EVERY`` seconds it checks its
  connection with the same read (a cut that sends no packet is noticed).
- **PostgreSQL down:** pages keep serving the last version the watcher knew (its Parquet snapshot is on
  the shared folder); ``pointer().damage`` says so in French; a publish, a rollback or a history fails
  with ``DatabaseUnavailable`` (nothing changed); the watcher reconnects by itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import pandas as pd

from indicators.core.errors import StoreDamaged
from indicators.storage import catalogue_extension, database

# indicators.storage.versions, given by bind(): the store's file operations (the version folders, the tables,
# the catalogue extension) are the embedded backend's; this module only replaces the catalogue of versions,
# the lock and the log. Injected, not imported: versions imports this module to hand over to it.
versions = None


def bind(store_versions) -> None:
    global versions
    versions = store_versions


CHECK_EVERY = 10.0  # seconds between the watcher's liveness checks of its connection
RETRY_EVERY = 1.0  # seconds between reconnection attempts
IDLE_TIMEOUT = 60  # seconds: a publisher stopped inside its transaction loses its lock
APP_NAME = "radar publish"
FIRST_WAIT = 30.0  # seconds a process waits for its watcher's first answer (a loaded machine is slow to connect)

SCHEMA = """
CREATE TABLE IF NOT EXISTS radar_version (
    id integer PRIMARY KEY,
    kind text NOT NULL,
    who text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    meta jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS radar_current (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO radar_current (one, version) VALUES (true, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS radar_audit (
    seq bigserial PRIMARY KEY,
    id integer NOT NULL,
    event text NOT NULL,
    who text,
    at timestamptz NOT NULL DEFAULT now(),
    record jsonb NOT NULL
);
"""

log = logging.getLogger(__name__)
_READY: set[str] = set()
_META: dict[tuple[str, int], dict] = {}  # a committed version's record never changes


def _ensure(conn, address: str) -> None:
    if address in _READY:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('radar_schema'))")  # two first starts at once
        conn.execute(SCHEMA)
    _READY.add(address)


def channel(conn) -> str:
    """The NOTIFY channel of the store: one per schema (tests give each test its own schema)."""
    (schema,) = conn.execute("SELECT current_schema()").fetchone()
    return f"radar_versions_{schema}"


def _read_current(conn) -> int:
    return int(conn.execute("SELECT version FROM radar_current").fetchone()[0])


# --- what a replica serves -----------------------------------------------------------------------


class Watcher(threading.Thread):
    """LISTENs for new versions and keeps the published one in memory (one per process and URL)."""

    def __init__(self, address: str) -> None:
        super().__init__(name="radar-versions-watcher", daemon=True)
        self.address = address
        self.version: int | None = None
        self.down_since: float | None = None  # wall clock of the first failure of the current outage
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self.stopping = False

    def run(self) -> None:
        import psycopg

        while not self.stopping:
            try:
                self._listen(psycopg)
            except psycopg.Error as exc:
                if self.down_since is None:
                    self.down_since = time.time()
                    log.error("versions watcher: PostgreSQL unreachable (%s); serving version %s", exc, self.version)
            self.ready.set()
            if not self.stopping:
                time.sleep(RETRY_EVERY)

    def _listen(self, psycopg) -> None:
        with psycopg.connect(self.address, autocommit=True, connect_timeout=database.CONNECT_TIMEOUT) as conn:
            _ensure(conn, self.address)
            conn.execute(f'LISTEN "{channel(conn)}"')
            self._set(_read_current(conn), fresh=True)
            checked = time.monotonic()
            while not self.stopping:
                # the generator holds the connection: leave it before reading (the payload is only a hint)
                if list(conn.notifies(timeout=1.0, stop_after=1)) or time.monotonic() - checked > CHECK_EVERY:
                    self._set(_read_current(conn))
                    checked = time.monotonic()

    def _set(self, version: int, fresh: bool = False) -> None:
        """Ids only grow (a rollback is a new version): a read that raced a commit of this process never
        moves the version back; after a (re)connection the database's value is taken as it is."""
        with self.lock:
            if self.down_since is not None:
                log.warning("versions watcher: PostgreSQL reachable again, version %d", version)
            if not fresh and self.version is not None:
                version = max(version, self.version)
            self.version, self.down_since = version, None
        self.ready.set()


_WATCHERS: dict[str, Watcher] = {}
_WATCHERS_LOCK = threading.Lock()


def watcher(address: str | None = None) -> Watcher:
    address = address or database.url()
    with _WATCHERS_LOCK:
        found = _WATCHERS.get(address)
        if found is None or not found.is_alive():
            found = _WATCHERS[address] = Watcher(address)
            found.start()
    if found.version is None:  # its first connection: set when it succeeds or fails (connect timeout 3 s)
        found.ready.wait(FIRST_WAIT)
    return found


def forget(address: str) -> None:
    """Stop the watcher of ``address`` (tests: each has its own schema)."""
    with _WATCHERS_LOCK:
        found = _WATCHERS.pop(address, None)
    if found is not None:
        found.stopping = True
        found.join(timeout=5)
    _READY.discard(address)


def pointer() -> versions.Pointer:
    """The published version as this process knows it; while PostgreSQL is unreachable, the last one known,
    with the French sentence saying so in ``damage``."""
    found = watcher()
    if found.version is None:
        raise StoreDamaged(
            "PostgreSQL unreachable since this process started: no published version known",
            "La base des versions (PostgreSQL) est injoignable : les données publiées ne peuvent pas être "
            "affichées pour le moment. Un administrateur doit vérifier le serveur PostgreSQL.",
        )
    if found.down_since is None:
        return versions.Pointer(found.version)
    since = time.strftime("%H:%M:%S", time.localtime(found.down_since))
    return versions.Pointer(
        found.version,
        f"La base des versions (PostgreSQL) est injoignable depuis {since} : la version {found.version}, la "
        "dernière connue, reste affichée ; publier ou revenir en arrière est impossible pour le moment.",
    )


def current() -> int:
    return pointer().version


# --- catalogue of versions -----------------------------------------------------------------------


def meta(version: int) -> dict:
    address = database.url()
    if (address, version) in _META:
        return dict(_META[(address, version)])
    with database.connect("lecture de l'historique") as conn:
        _ensure(conn, address)
        row = conn.execute("SELECT meta FROM radar_version WHERE id = %s", (version,)).fetchone()
    if row is None:
        raise versions.VersionError(f"version {version} inconnue")
    _META[(address, version)] = row[0]
    return dict(row[0])


def records() -> tuple[list[dict], int]:
    """(every version's record up to the published one, oldest first; the published version)."""
    address = database.url()
    with database.connect("lecture de l'historique") as conn:
        _ensure(conn, address)
        now = _read_current(conn)
        rows = conn.execute("SELECT meta FROM radar_version WHERE id <= %s ORDER BY id", (now,)).fetchall()
    return [row[0] for row in rows], now


def audit() -> list[dict]:
    address = database.url()
    with database.connect("lecture du journal") as conn:
        _ensure(conn, address)
        rows = conn.execute("SELECT record FROM radar_audit ORDER BY seq").fetchall()
    return [row[0] for row in rows]


# --- publish and rollback ------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(action: str, who: str):
    """One transaction holding the row lock of radar_current: yields (connection, published version)."""
    import psycopg

    address = database.url()
    with database.connect(action) as conn:
        _ensure(conn, address)
        conn.execute("SELECT set_config('application_name', %s, true)", (f"{APP_NAME} {who}"[:60],))
        conn.execute(f"SET LOCAL lock_timeout = '{int(versions.LOCK_TIMEOUT * 1000)}ms'")
        conn.execute(f"SET LOCAL idle_in_transaction_session_timeout = '{IDLE_TIMEOUT}s'")
        try:
            now = int(conn.execute("SELECT version FROM radar_current FOR UPDATE").fetchone()[0])
        except psycopg.errors.LockNotAvailable:
            busy = f"une autre publication est en cours ({_holder(address)}) : réessayez"
            raise versions.VersionError(busy) from None
        versions._step("locked")
        yield conn, now


def _holder(address: str) -> str:
    with contextlib.suppress(Exception), database.connect("lecture du verrou", autocommit=True, address=address) as c:
        row = c.execute(
            "SELECT application_name, extract(epoch FROM now() - xact_start) FROM pg_stat_activity "
            "WHERE application_name LIKE %s AND pid <> pg_backend_pid() ORDER BY xact_start LIMIT 1",
            (f"{APP_NAME} %",),
        ).fetchone()
        if row:
            return f"par {row[0][len(APP_NAME) + 1 :]}, depuis {row[1]:.0f} s"
    return "par un autre analyste"


def _clean(store_dir: Path | None, conn) -> list[str]:
    """Remove, under the lock, what killed or cut-off publishers left: temporary folders and folders
    no committed version names."""
    folder = versions._dir(store_dir)
    if not folder.exists():
        return []
    known = {row[0] for row in conn.execute("SELECT id FROM radar_version").fetchall()}
    removed = []
    for path in folder.iterdir():
        if path.name.startswith(".tmp-") or (path.name.isdigit() and int(path.name) not in known):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _next(conn) -> int:
    """One past the last committed version (under the lock: no one else draws it). A publish that died
    before its commit was never seen by anyone: its id is given again (its folder was removed by _clean),
    so the numbering is the embedded backend's, without gaps."""
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM radar_version").fetchone()[0])


def _commit(conn, version: int, record: dict) -> None:
    import psycopg.types.json as pj

    versions._step("folder_renamed")
    conn.execute(
        "INSERT INTO radar_version (id, kind, who, meta) VALUES (%s, %s, %s, %s)",
        (version, record["kind"], record["who"], pj.Jsonb(record)),
    )
    conn.execute("UPDATE radar_current SET version = %s, at = now()", (version,))
    entry = {"id": version, "event": record["kind"], "who": record["who"], "when": record["when"]}
    entry |= {"previous": record["previous"], "based_on": record["based_on"]}
    conn.execute(
        "INSERT INTO radar_audit (id, event, who, record) VALUES (%s, %s, %s, %s)",
        (version, record["kind"], record["who"], pj.Jsonb(entry)),
    )
    conn.execute("SELECT pg_notify(%s, %s)", (channel(conn), str(version)))
    versions._step("current_written")


def _write(
    store_dir: Path | None, version: int, record: dict, rows, changes, snapshot, removed=None, tables=None
) -> None:
    folder = versions._dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".tmp-{versions._name(version)}-{os.getpid()}"
    tmp.mkdir()
    try:
        versions._fill(tmp, record, rows, changes, snapshot)
        if removed is not None:  # a new edition's removed keys: versions.table applies them along the chain
            removed[versions.KEY].to_parquet(tmp / versions.REMOVED, index=False)
        versions.copy_tables(tables, tmp)  # the edition's other tables (versions.table_path)
        versions._step("folder_written")
        os.replace(tmp, folder / versions._name(version))
        versions._fsync_dir(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _published(conn, version: int, record: dict) -> dict:
    _META[(database.url(), version)] = record
    found = _WATCHERS.get(database.url())
    if found is not None:
        found._set(version)  # this process sees its own publish at once; others by NOTIFY
    return dict(record)


def publish(
    rows: pd.DataFrame,
    who: str,
    filename: str,
    sha256: str,
    store_dir: Path | None = None,
    declare: dict | None = None,
    based_on: int | None = None,
    forced: list[dict] | None = None,
    source: dict | None = None,
    removed: pd.DataFrame | None = None,
    edition: dict | None = None,
    tables: dict | None = None,
) -> dict:
    """versions.publish, the catalogue of versions in PostgreSQL (``removed`` and ``edition``: a new edition of a
    source, indicators/build/editions.py)."""
    with versions._writing("publish", store_dir), _locked("publication", who) as (conn, now):
        _clean(store_dir, conn)
        versions._check_based_on(based_on, now, store_dir)
        published = versions.table(now, store_dir)
        changes = versions.with_removals(versions.compare(published, rows), published, removed)
        version = _next(conn)
        record = versions.publish_record(who, filename, sha256, now, based_on, rows, forced, edition, tables)
        if source and not declare:
            source, rows = versions._credited(source, rows, version, sha256)
            record["source"] = source
        record |= {
            "chain": [*versions.meta(now, store_dir)["chain"], version],
            "id": version,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "base": versions.base_hash(store_dir),
            **versions._counts(changes),
        }
        snapshot = versions.upsert(published, rows)
        if removed is not None:
            snapshot = versions._remove(snapshot, removed)
        _write(store_dir, version, record, rows, changes, snapshot, removed, tables)
        if declare:
            catalogue_extension.declare_indicator(declare, store_dir)
        elif source:
            catalogue_extension.register_source(record["source"], store_dir)
        versions._step("catalogue_written")
        _commit(conn, version, record)
    versions._step("current_swapped")
    return _published(conn, version, record)


def rollback(target: int, who: str, store_dir: Path | None = None, based_on: int | None = None) -> dict:
    with versions._writing("rollback", store_dir), _locked("retour arrière", who) as (conn, now):
        _clean(store_dir, conn)
        versions._check_based_on(based_on, now, store_dir)
        if target > now:
            raise versions.VersionError(f"version {target} inconnue")
        target_meta = versions.meta(target, store_dir)
        before, after = versions.table(now, store_dir), versions.table(target, store_dir)
        changes = versions.compare(before, after, removals=True)
        version = _next(conn)
        record = {
            "kind": "rollback",
            "who": who,
            "filename": "",
            "sha256": "",
            "previous": now,
            "based_on": now if based_on is None else based_on,
            "target": target,
            "chain": list(target_meta["chain"]),
            "indicators": [],
            "rows": 0,
            "id": version,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "base": versions.base_hash(store_dir),
            **versions._counts(changes),
        }
        _write(store_dir, version, record, after.iloc[0:0], changes, after)
        _commit(conn, version, record)
    versions._step("current_swapped")
    return _published(conn, version, record)
