"""A throwaway PostgreSQL server for the tests of the scaled backend (RADAR_DATABASE_URL).

``RADAR_TEST_DATABASE_URL`` names a running server to use (CI may start one with pg_ctlcluster); otherwise
Debian's ``initdb``/``pg_ctl`` (package ``postgresql``) start one on a temporary folder and a free loopback
port, as the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root). One server per
test session; each test gets its own schema (``search_path`` in the URL's options), dropped afterwards.
Run on its own (``python -m tests.pg_server``) it starts a server, prints its URL, and on stderr how to stop it
(``make cluster`` or a drill can use it: set ``RADAR_DATABASE_URL`` to that URL in every replica).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ENV = "RADAR_TEST_DATABASE_URL"


class Unavailable(RuntimeError):
    """No PostgreSQL server can be reached or started here (the reason is the message)."""


@dataclass
class Server:
    url: str  # postgresql://… of the server's ``postgres`` database
    data: Path | None = None  # the cluster folder when this session started it (None: given by the environment)
    bin: Path | None = None
    port: int | None = None

    def schema_url(self, schema: str) -> str:
        return f"{self.url}{'&' if '?' in self.url else '?'}options={quote(f'-csearch_path={schema}')}"

    def new_schema(self) -> tuple[str, str]:
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return schema, self.schema_url(schema)

    def drop_schema(self, schema: str) -> None:
        import psycopg

        with contextlib.suppress(psycopg.Error), psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", *args], check=check)

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut)."""
        if self.data is None:
            raise Unavailable("this server was given by the environment: not stopped by the tests")
        self._ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._ctl("-l", str(self.data / "log"), "start")

    def shutdown(self) -> None:
        if self.data is not None:
            self._ctl("-m", "immediate", "stop", check=False)
            shutil.rmtree(self.data.parent, ignore_errors=True)


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise Unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if check and done.returncode:
        raise Unavailable(f"{' '.join(command[:4])}…: {done.stderr.strip()[-300:]}")
    return done


def start() -> Server:
    """Start a server on a temporary folder and a free loopback port (trust authentication, loopback only)."""
    if os.environ.get(ENV):
        return Server(os.environ[ENV])
    binary = _bin()
    root = Path(tempfile.mkdtemp(prefix="radar-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    _as_postgres([str(binary / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    server = Server(f"postgresql://postgres@127.0.0.1:{port}/postgres", data, binary, port)
    with open(data / "postgresql.auto.conf", "a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in _conf(options)))
    server.start()
    return server


def _conf(options: str) -> list[str]:
    """postgresql.auto.conf lines for the command-line style options above (kept across a stop/start)."""
    lines, parts = [], options.split()
    for flag, value in zip(parts[::2], parts[1::2], strict=True):
        if flag == "-p":
            lines.append(f"port = {value}")
        elif flag == "-k":
            lines.append(f"unix_socket_directories = '{value}'")
        else:
            key, _, setting = value.partition("=")
            lines.append(f"{key} = '{setting}'")
    return lines


if __name__ == "__main__":
    started = start()
    print(started.url)
    if started.data is not None:
        print(f"stop: runuser -u postgres -- {started.bin}/pg_ctl -D {started.data} stop", file=sys.stderr)
