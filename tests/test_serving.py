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
