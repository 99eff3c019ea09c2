"""The test suite refuses the network beyond loopback (pytest-socket)."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_connecting_beyond_loopback_is_refused() -> None:
    with (pytest.warns(UserWarning, match="192.0.2.1"), pytest.raises(SocketConnectBlockedError),
          socket.socket() as sock):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: refused before any packet leaves


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
