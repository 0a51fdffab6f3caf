"""Tuning of the Streamlit server process that Streamlit does not do itself (called once from app.py).

Streamlit (1.67, Starlette + uvicorn) binds its listening socket with ``socket.socket(family)``, so
its protocol number is 0 and asyncio never sets TCP_NODELAY on the connections it accepts
(``asyncio.base_events._set_nodelay`` requires ``proto == IPPROTO_TCP``). Every response written in
two parts (headers, then body) then waits for the browser's delayed ACK: about 40 ms per request on
Linux. A first visit of the map page fetches some 150 script chunks through a handful of connections,
so the waits add up to seconds. Linux copies TCP_NODELAY from a listening socket to the connections
it accepts: setting it once on the process' TCP sockets fixes every later request.
"""

from __future__ import annotations

import contextlib
import os
import socket

_FD_DIR = "/proc/self/fd"


def tcp_nodelay() -> int:
    """Set TCP_NODELAY on every TCP socket of this process (the listening one and the open connections);
    returns how many. A no-op where /proc is missing (not Linux)."""
    if not os.path.isdir(_FD_DIR):
        return 0
    done = 0
    for name in os.listdir(_FD_DIR):
        with contextlib.suppress(OSError, ValueError):
            if os.readlink(os.path.join(_FD_DIR, name)).startswith("socket:"):
                done += _nodelay(int(name))
    return done


def _nodelay(fd: int) -> int:
    copy = os.dup(fd)  # options belong to the socket, not the descriptor: work on a copy, close it
    try:
        sock = socket.socket(fileno=copy)
    except OSError:
        os.close(copy)
        raise
    with sock:
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            return 0
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return 1
