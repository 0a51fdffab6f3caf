"""indicators.ui.serving: every TCP socket of the process gets TCP_NODELAY, and connections a listening
socket accepts afterwards inherit it (what spares each response of the Streamlit server a delayed ACK)."""

import socket
import sys

import pytest

from indicators.ui import serving


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_listening_socket_and_its_connections_get_tcp_nodelay():
    with socket.socket() as listener:  # protocol 0, as Streamlit binds it: asyncio leaves Nagle on
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert serving.tcp_nodelay() >= 1
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.proto == 0
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_a_browser_cannot_clear_the_server_caches():
    """Issue 23, finding 7: Streamlit's clear_cache BackMsg, which any websocket client may send, emptied
    st.cache_data and st.cache_resource for every visitor. Guarded, it clears the sender's session state only."""
    import streamlit as st
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.runtime.app_session import AppSession, AppSessionState

    calls = []

    @st.cache_data(show_spinner=False)
    def figure(code: str) -> str:
        calls.append(code)
        return f"figure {code}"

    @st.cache_resource(show_spinner=False)
    def shared() -> list:
        calls.append("resource")
        return []

    class State(dict):
        pass

    original = AppSession._handle_clear_cache_request
    try:
        serving.guard_backmsgs()
        assert serving.guard_backmsgs() is False  # installed once
        session = object.__new__(AppSession)  # only what handle_backmsg touches for this message
        session._session_state = State(search="38")
        session._state = AppSessionState.SHUTDOWN_REQUESTED  # nothing for its finaliser to stop
        figure("38"), shared()
        AppSession.handle_backmsg(session, BackMsg(clear_cache=True))
        figure("38"), shared()
        assert calls == ["38", "resource"]  # served from the caches: nothing recomputed
        assert session._session_state == {}  # the sender's own state is reset, as it asked
    finally:
        AppSession._handle_clear_cache_request = original
        figure.clear()
        shared.clear()


def _asgi(middleware, path: str, headers: dict[str, str], method: str = "GET") -> tuple[dict, bytes]:
    """(response headers, body) of one request through ``middleware``."""
    import asyncio

    sent: list[dict] = []
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # Playwright's loop may run in this thread
        thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {k.decode(): v.decode() for k, v in start["headers"]}, body


def test_streamlit_bundles_are_sent_compressed_once_and_the_rest_as_before():
    """Issue 29: Streamlit serves its 4.7 MB plotly bundle uncompressed; compressed once per process, a first
    visit downloads about a quarter. A range, a browser without gzip, another path or a path out of the static
    folder go to Streamlit's own handler unchanged."""
    import gzip
    from pathlib import Path

    from streamlit import file_util
    from streamlit.web.server.starlette.starlette_gzip_middleware import SelectiveGZipMiddleware

    async def streamlit(scope, receive, send):  # stands for Streamlit's own routes
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-by", b"streamlit")]})
        await send({"type": "http.response.body", "body": b"plain"})

    serving.compress_static_assets()
    assert not serving.compress_static_assets()  # once
    middleware = SelectiveGZipMiddleware(streamlit)
    bundle = max((Path(file_util.get_static_dir()) / "static" / "js").glob("*.js"), key=lambda p: p.stat().st_size)
    path = "/static/js/" + bundle.name
    headers, body = _asgi(middleware, path, {"accept-encoding": "gzip, deflate, br"})
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["content-type"].split(";")[0] in ("application/javascript", "text/javascript")
    assert gzip.decompress(body) == bundle.read_bytes()
    assert len(body) < bundle.stat().st_size / 2
    assert int(headers["content-length"]) == len(body)
    assert _asgi(middleware, path, {"accept-encoding": "gzip"}, "HEAD")[1] == b""
    assert serving._gzipped[str(bundle.resolve())] == body  # kept: the next visitor costs no compression
    for request in (
        (path, {}),  # no gzip accepted
        (path, {"accept-encoding": "gzip", "range": "bytes=0-10"}),
        ("/static/js/missing.js", {"accept-encoding": "gzip"}),
        ("/static/../../../etc/passwd.js", {"accept-encoding": "gzip"}),
        ("/app/static/world_110m.json", {"accept-encoding": "gzip"}),  # the app's own files: Streamlit gzips them
    ):
        assert _asgi(middleware, *request)[0].get("x-by") == "streamlit", request


def test_streamlit_page_names_the_chart_bundle_for_preloading_and_nothing_else_changes():
    """Issue 29: the page (index.html, for any app path, plain or gzipped) gets one modulepreload of Streamlit's
    plotly bundle, a file that exists, with a correct length; scripts, other types, errors and HEAD are unchanged."""
    import gzip
    from pathlib import Path

    from streamlit import file_util
    from streamlit.web.server.starlette.starlette_gzip_middleware import SelectiveGZipMiddleware

    page = b"<html><head><title>Streamlit</title></head><body></body></html>"

    def streamlit(kind: bytes, body: bytes, status: int = 200, chunks: int = 1):
        async def app(scope, receive, send):
            headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"etag", b'"x"')]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            size = len(body) // chunks + 1
            parts = [body[i : i + size] for i in range(0, len(body), size)]
            for n, part in enumerate(parts):
                await send({"type": "http.response.body", "body": part, "more_body": n < len(parts) - 1})

        return app

    serving.compress_static_assets()
    tag = serving.chart_preload_html()
    bundle = tag.split(b'href="./')[1].split(b'"')[0].decode()
    assert tag.startswith(b'<link rel="modulepreload" crossorigin') and bundle.startswith("static/js/PlotlyChart.")
    assert (Path(file_util.get_static_dir()) / bundle).is_file()

    headers, body = _asgi(SelectiveGZipMiddleware(streamlit(b"text/html; charset=utf-8", page, chunks=3)), "/carte", {})
    assert body == page.replace(b"</head>", tag + b"</head>") and body.count(b"modulepreload") == 1
    assert int(headers["content-length"]) == len(body) and "etag" not in headers
    zipped = streamlit(b"text/html", gzip.compress(page))  # Streamlit's middleware compressed the page itself

    async def gzipped(scope, receive, send):
        async def with_encoding(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"content-encoding", b"gzip")]}
            await send(message)

        await zipped(scope, receive, with_encoding)

    headers, body = _asgi(SelectiveGZipMiddleware(gzipped), "/", {"accept-encoding": "gzip"})
    assert gzip.decompress(body) == page.replace(b"</head>", tag + b"</head>")
    assert int(headers["content-length"]) == len(body)
    for path, kind, sent, method, status in (
        ("/static/js/x.js", b"application/javascript", page, "GET", 200),
        ("/missing", b"text/html", page, "GET", 404),
        ("/", b"text/html", page, "HEAD", 200),
    ):
        assert _asgi(SelectiveGZipMiddleware(streamlit(kind, sent, status)), path, {}, method)[1] == sent
