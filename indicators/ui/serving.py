"""Tuning of the Streamlit server process that Streamlit does not do itself (called once from app.py).

Streamlit (1.67, Starlette + uvicorn) binds its listening socket with ``socket.socket(family)``, so
its protocol number is 0 and asyncio never sets TCP_NODELAY on the connections it accepts
(``asyncio.base_events._set_nodelay`` requires ``proto == IPPROTO_TCP``). Every response written in
two parts (headers, then body) then waits for the browser's delayed ACK: about 40 ms per request on
Linux. A first visit of the map page fetches some 150 script chunks through a handful of connections,
so the waits add up to seconds. Linux copies TCP_NODELAY from a listening socket to the connections
it accepts: setting it once on the process' TCP sockets fixes every later request.

Streamlit also obeys any browser that sends the ``clear_cache`` BackMsg (the menu item of a developer's
toolbar, hidden here by ``client.toolbarMode = "viewer"`` but still accepted from any websocket client): it
empties ``st.cache_data`` and ``st.cache_resource`` of the whole server, so one anonymous client can make
every visitor's next page rebuild its figures (issue 23: one user's p95 8.4 s -> 14.1 s). No option turns
the message off; :func:`guard_backmsgs` makes it clear the sender's own session state only. The app clears
no cache itself: its cached values are keyed on the store's version (indicators.storage.versions.token).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket

_FD_DIR = "/proc/self/fd"
log = logging.getLogger(__name__)


def guard_backmsgs() -> bool:
    """Make Streamlit's ``clear_cache`` BackMsg harmless for everyone but its sender: it resets the sender's
    own session state and leaves the server's caches alone. True when installed by this call (once)."""
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession._handle_clear_cache_request, "guarded", False):
        return False
    AppSession._handle_clear_cache_request = _own_session_only
    return True


def _own_session_only(session) -> None:
    log.warning("a browser asked to clear the server's caches: refused, its own session state cleared")
    session._session_state.clear()


_own_session_only.guarded = True


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
