"""Attacks on message framing and body size (issue 10, class 8): RFC 9112 §6.3, 413 closes."""

from __future__ import annotations

import socket

import pytest

from mockserver import MockServer
from tests.security.conftest import raw_exchange

BODY = b"grant_type=password"


@pytest.mark.parametrize(
    "headers",
    [
        b"Content-Length: 19\r\nContent-Length: 19\r\n",
        b"Content-Length: 19\r\nContent-Length: 4\r\n",
        b"Content-Length: 19, 19\r\n",
        b"Content-Length: 19\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 19\r\n",
    ],
    ids=["duplicate", "conflicting", "list", "cl-then-te", "te-then-cl"],
)
def test_ambiguous_framing_gets_400_and_a_closed_connection(headers: bytes) -> None:
    with MockServer() as pm:
        request = (
            b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n" + headers + b"\r\n" + BODY
        )
        answer = raw_exchange(pm.port, request)
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
        assert b"Connection: close" in answer
        assert len(pm.journal) == 0  # nothing reached the app


def test_a_413_closes_the_connection_instead_of_draining_the_body() -> None:
    with MockServer(max_body=1024) as pm:
        head = (
            b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 50000000\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", pm.port), timeout=10) as sock:
            sock.sendall(head + b"a" * 65536)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 413 ")
            assert b"1024 bytes" in answer
            # The server closes rather than reading on: a client that keeps sending is cut off
            # long before the 50 MB it announced (socket buffers hold a few MB at most).
            sent = 0
            with pytest.raises(OSError):
                while sent < 40_000_000:
                    sock.sendall(b"a" * 65536)
                    sent += 65536
            assert sent < 40_000_000


def test_the_multipart_413_names_the_real_limit() -> None:
    with MockServer(max_body=2_000_000) as pm:
        boundary = "pm3boundary"
        field = "x" * 1_000_000  # over werkzeug's default 500 kB form-memory limit, under ours
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\n'
            f"{field}\r\n--{boundary}--\r\n"
        ).encode()
        request = (
            b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = raw_exchange(pm.port, request)
        assert not answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_over_the_limit_multipart_names_the_limit_it_broke() -> None:
    with MockServer(max_body=4096) as pm:
        boundary = "pm3boundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\n'
            f"{'x' * 8000}\r\n--{boundary}--\r\n"
        ).encode()
        request = (
            b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = raw_exchange(pm.port, request)
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert b"4096 bytes" in answer
