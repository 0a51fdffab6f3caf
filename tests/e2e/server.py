"""A real Streamlit server of the app on a free loopback port, for browser tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ops import cluster

ROOT = Path(__file__).resolve().parents[2]
SERVERS: dict[str, subprocess.Popen] = {}  # url -> the running server's process


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[str]:
    """Start `streamlit run app.py` (with ``env`` added to the environment); yield its URL; stop it."""
    port = _free_port()
    command = cluster.replica_command(port)  # the served app's own flags (ops/cluster.py)
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    url = f"http://127.0.0.1:{port}"
    SERVERS[url] = process
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the Streamlit server did not start within {timeout:.0f} s") from None
                time.sleep(0.3)
        yield url
    finally:
        SERVERS.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def freeze(url: str) -> None:
    """Stop the server of ``url`` (SIGSTOP): a run under way stays under way until ``thaw``."""
    os.kill(SERVERS[url].pid, signal.SIGSTOP)


def thaw(url: str) -> None:
    os.kill(SERVERS[url].pid, signal.SIGCONT)
