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
