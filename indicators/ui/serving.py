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

Map geometry is served as a static file (:func:`geometry_url`): written once per built geometry into
``static/geo/``, which Streamlit serves at ``/app/static/geo/``, so figures carry locations and values only.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
from pathlib import Path

_FD_DIR = "/proc/self/fd"
STATIC_GEO = Path(__file__).resolve().parents[2] / "static" / "geo"
STATIC_URL = "/app/static/geo/"
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


# --- compressed static assets ----------------------------------------------------------------------
# Streamlit (1.67) serves its own bundles under /static/ uncompressed on purpose (starlette_gzip_middleware:
# compressing them per request costs CPU on every hit): the plotly bundle alone is 4.7 MB on every first visit.
# These assets are content-hashed and immutable, so each is compressed once per process (in a worker thread)
# and the bytes kept: a first visit downloads about a quarter, for one compression per asset per process.
COMPRESSED_TYPES = (".js", ".css", ".json", ".svg", ".map", ".txt", ".ttf", ".otf")
COMPRESS_LEVEL = 6  # within 2 % of level 9 on these bundles, at a third of the time
_gzipped: dict[str, bytes] = {}


def compress_static_assets() -> bool:
    """Serve Streamlit's /static/ bundles gzip-compressed (cached) to browsers that accept it; True when
    installed by this call (once per process). Anything unusual (a range, a 404, another path) is left to
    Streamlit as before."""
    from streamlit.web.server.starlette import starlette_gzip_middleware as gz

    cls = gz.SelectiveGZipMiddleware
    if getattr(cls.__call__, "compressed_assets", False):
        return False
    streamlit_call = cls.__call__

    async def call(self, scope, receive, send) -> None:
        path = _static_asset(scope, gz, self._base_url)
        body = await _compressed(path) if path else None
        if body is None:
            await streamlit_call(self, scope, receive, send if path else _chart_preloaded(scope, send))
            return
        await _send_gzipped(scope, send, path, body)

    call.compressed_assets = True
    cls.__call__ = call
    return True


def _static_asset(scope, gz, base_url: str) -> str | None:
    """The file of Streamlit's static folder a GET or HEAD asks for, when it may be sent compressed."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    headers = dict(scope.get("headers") or ())
    if b"range" in headers or b"gzip" not in headers.get(b"accept-encoding", b""):
        return None
    route = gz._strip_base_url(gz._route_path(scope), base_url)
    if not route.startswith(f"/{gz.BASE_ROUTE_STATIC}/") or not route.endswith(COMPRESSED_TYPES):
        return None
    from streamlit import file_util

    root = os.path.realpath(file_util.get_static_dir())
    path = os.path.realpath(os.path.join(root, route.lstrip("/")))
    return path if path.startswith(root + os.sep) and os.path.isfile(path) else None


async def _compressed(path: str) -> bytes | None:
    body = _gzipped.get(path)
    if body is None:
        import anyio

        body = await anyio.to_thread.run_sync(_gzip_file, path)
        _gzipped[path] = body
    return body


def _gzip_file(path: str) -> bytes:
    import gzip

    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=COMPRESS_LEVEL, mtime=0)


async def _send_gzipped(scope, send, path: str, body: bytes) -> None:
    import mimetypes

    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind.startswith("text/"):  # as Starlette's FileResponse
        kind += "; charset=utf-8"
    headers = [
        (b"content-type", kind.encode()),
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(body)).encode()),
        (b"vary", b"Accept-Encoding"),
        (b"cache-control", b"public, immutable, max-age=31536000"),  # as Streamlit's hashed bundles
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


# --- the chart bundle fetched with the page ----------------------------------------------------------------
# Streamlit's page (index.html) loads its core scripts, opens the websocket, runs the script, and only when a
# chart's element arrives does React ask for the chart's bundle (PlotlyChart.*.js, 1.4 MB gzipped): the page
# waits for the script, then for the bundle. Nearly every page of the app draws a plotly chart, so the page names
# the bundle in a <link rel="modulepreload">: fetched while the browser boots and waits for the script, evaluated
# only when React imports it (the same URL, one module). Measured on first visits of the département map
# (loaded machine, medians of 5): at 20 Mbit/s the bundle is in at 1,6 s instead of 3,1 s; on loopback no change
# beyond the noise. Evaluating it early as well (a module script importing it) held the page's boot for ~2 s
# (its websocket opened at 3,3 s instead of 1,3 s): not done. ``RADAR_CHART_PRELOAD=0`` turns it off.
PRELOAD = os.environ.get("RADAR_CHART_PRELOAD", "1") != "0"


@functools.cache
def chart_preload_html() -> bytes:
    """The tag added to Streamlit's page before ``</head>``; empty when turned off or when Streamlit's static
    folder has no single chart bundle (another Streamlit layout)."""
    from streamlit import file_util

    found = sorted((Path(file_util.get_static_dir()) / "static" / "js").glob("PlotlyChart.*.js"))
    if not PRELOAD or len(found) != 1:
        return b""
    return f'<link rel="modulepreload" crossorigin href="./static/js/{found[0].name}">'.encode()


def _with_tags(page: bytes, encoding: bytes | None) -> bytes:
    import gzip

    if encoding == b"gzip":  # Streamlit's middleware compresses its HTML page
        return gzip.compress(_with_tags(gzip.decompress(page), None), mtime=0)
    return page.replace(b"</head>", chart_preload_html() + b"</head>", 1)


def _chart_preloaded(scope, send):
    """``send`` for a GET that Streamlit answers: its HTML page (index.html, for every app path) gets the chart
    bundle's preload tag; any other response passes unchanged."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return send
    held: dict = {}

    async def send_page(message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers") or ())
            if message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html"):
                held["start"], held["body"] = message, []
                return
        elif "start" in held and message["type"] == "http.response.body":
            held["body"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = _with_tags(b"".join(held["body"]), dict(held["start"]["headers"]).get(b"content-encoding"))
            headers = [(k, v) for k, v in held["start"]["headers"] if k.lower() not in (b"content-length", b"etag")]
            await send({**held["start"], "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})
            return
        await send(message)

    return send_page


def geometry_url(shapes: dict, stem: str, token: str) -> str | dict:
    """The URL of ``shapes`` written as ``static/geo/{stem}-{token}.json`` (once per token, older tokens'
    files deleted: indicators.storage.geo.publish_geojson); the dict itself when the folder cannot be
    written, which plotly takes as well."""
    from indicators.storage import geo

    try:
        return STATIC_URL + geo.publish_geojson(shapes, STATIC_GEO, stem, token)
    except OSError:
        return shapes
