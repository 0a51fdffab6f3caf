"""N Streamlit replicas of the app behind nginx on one machine (loopback only), for trying and for the tests.

    python -m ops.cluster --replicas 2 --port 8600      # or: make cluster REPLICAS=2 PORT=8600

Each replica is ``streamlit run app.py`` on its own loopback port; nginx (Debian's package, started with its
own configuration in a temporary folder, ``nginx -c … -p …``, never the system's) listens on 127.0.0.1 and
passes each browser to one replica, sticky by a cookie (ops/nginx.conf.template says why not by address).
The replicas share one store (``RADAR_DATA_DIR``; the embedded store's versions are safe for several
processes on one disk), one analysts' login database (``RADAR_STATE_DIR``) and one ``server.cookieSecret``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HOST = "127.0.0.1"  # replicas and proxy listen here only
UPLOAD_MB = 48  # = server.maxUploadSize in .streamlit/config.toml
REPLICA_HEADER = "X-Radar-Replica"
STICKY_COOKIE = "radar_replica"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def nginx_config(prefix: Path, listen_port: int, replica_ports: list[int]) -> str:
    """The proxy's configuration: ``listen_port`` on loopback, one upstream server per replica."""
    servers = "\n".join(f"        server {HOST}:{port} max_fails=1 fail_timeout=10s;" for port in replica_ports)
    user = ""
    if os.geteuid() == 0:  # workers drop to nobody; they only write the temp folders below
        user = "user nobody nogroup;"
    return TEMPLATE.read_text(encoding="utf-8").format(
        prefix=prefix, listen=f"{HOST}:{listen_port}", servers=servers, user=user, max_body=UPLOAD_MB
    )


def wait_healthy(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended (exit code {process.returncode}) before it answered")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer /_stcore/health within {timeout:.0f} s")
        time.sleep(0.2)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux), None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def replica_command(port: int) -> list[str]:
    """One replica: ``streamlit run app.py`` on a loopback port."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        HOST,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # No source watcher: Streamlit's default watches every imported module's file for each new
        # session, ~0.4 s of CPU per visitor's first page (measured, docs/cluster.md); a served replica
        # never reloads its code.
        "--server.fileWatcherType",
        "none",
        # No full garbage collection after every script run: Streamlit's default gc.collect(2) walks the
        # whole heap of a warm replica (~0.6 GB of frames and figures) on every page, two thirds of a warm
        # page's CPU (0.13 -> 0.044 s, measured); Python's own generational collection still runs.
        "--runner.postScriptGC",
        "false",
    ]


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process so far (Linux), None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    """``with Cluster(2) as cluster:`` starts the replicas and the proxy, stops them all on exit.

    ``replica_env[i]`` is added to replica i's environment only (a fault hook for one replica);
    ``env`` to every replica's (RADAR_DATA_DIR: the shared store, RADAR_ANALYST_ACCOUNTS, …)."""

    replicas: int = 2
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    replica_env: dict[int, dict[str, str]] = field(default_factory=dict)
    timeout: float = 90.0
    members: list[Replica] = field(default_factory=list, init=False)
    prefix: Path | None = field(default=None, init=False)
    nginx: subprocess.Popen | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install -y nginx)")
        self.prefix = Path(tempfile.mkdtemp(prefix="radar-cluster-"))
        self.port = self.port or free_port()
        shared = {
            "RADAR_STATE_DIR": str(self.prefix / "state"),  # one login database for every replica
            "RADAR_AUTH_DB": str(self.prefix / "state" / "auth.sqlite3"),
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),  # same signed cookies on every replica
            **self.env,
        }
        for index in range(self.replicas):
            self._start_replica(index, shared)
        for replica in self.members:
            wait_healthy(replica.url, self.timeout, replica.process)
        self._start_nginx(binary)
        wait_healthy(self.url, 10, self.nginx)

    def _start_replica(self, index: int, shared: dict[str, str]) -> None:
        port = free_port()
        log = self.prefix / f"replica-{index}.log"
        command = replica_command(port)
        env = {**os.environ, **shared, **self.replica_env.get(index, {})}
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        self.members.append(Replica(port, process, log))

    def _start_nginx(self, binary: str) -> None:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.prefix.chmod(0o755)
            for path in [self.prefix / "tmp", *(self.prefix / "tmp").iterdir()]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        conf = self.prefix / "nginx.conf"
        conf.write_text(nginx_config(self.prefix, self.port, [r.port for r in self.members]), encoding="utf-8")
        command = [binary, "-c", str(conf), "-p", str(self.prefix), "-e", str(self.prefix / "error.log")]
        with (self.prefix / "nginx.out").open("wb") as out:
            self.nginx = subprocess.Popen([*command, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT)

    def kill(self, index: int) -> None:
        """kill -9 replica ``index`` (no cleanup, like a crashed host)."""
        self.members[index].process.send_signal(signal.SIGKILL)
        self.members[index].process.wait(timeout=10)

    def replica_for(self, sticky: str) -> int:
        """Which replica the proxy sends a browser with cookie ``radar_replica=sticky`` to (by asking it)."""
        request = urllib.request.Request(f"{self.url}/_stcore/health", headers={"Cookie": f"{STICKY_COOKIE}={sticky}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            address = response.headers[REPLICA_HEADER]
        return self.index_of(address)

    def index_of(self, address: str) -> int:
        port = int(address.rsplit(",", 1)[-1].strip().rsplit(":", 1)[1])
        return next(i for i, r in enumerate(self.members) if r.port == port)

    def sticky_for(self, index: int, tries: int = 200) -> str:
        """A cookie value the proxy hashes to replica ``index`` (to put a test's browser on a chosen replica)."""
        for n in range(tries):
            if self.replica_for(f"user{n}") == index:
                return f"user{n}"
        raise RuntimeError(f"no sticky key maps to replica {index} in {tries} tries")

    def rss_mb(self) -> list[float | None]:
        return [rss_mb(r.process.pid) if r.alive else None for r in self.members]

    def cpu_seconds(self) -> list[float | None]:
        return [cpu_seconds(r.process.pid) if r.alive else None for r in self.members]

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: the master waits for its workers
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for replica in self.members:
            if replica.alive:
                replica.process.terminate()
        for replica in self.members:
            try:
                replica.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                replica.process.kill()
                replica.process.wait()
        if self.prefix is not None and not os.environ.get("RADAR_CLUSTER_KEEP"):
            shutil.rmtree(self.prefix, ignore_errors=True)


def stop_on_sigterm() -> None:
    """``kill PID`` of a script that started a cluster stops the cluster too (exit through the ``with``)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8600, help="the proxy's port on 127.0.0.1")
    args = parser.parse_args(argv)
    stop_on_sigterm()
    with Cluster(args.replicas, args.port) as cluster:
        print(f"Radar social: {args.replicas} replica(s) behind nginx at {cluster.url}", flush=True)
        for index, replica in enumerate(cluster.members):
            print(f"  replica {index}: {replica.url} (pid {replica.process.pid}, log {replica.log})", flush=True)
        print("Ctrl-C stops everything.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while cluster.nginx.poll() is None:  # a replica may die (try kill -9): the proxy goes on
                time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
