"""Ambiguous messages on the embedded engine (issue 22, class 12): request smuggling.

Each message below is read one way by a strict parser and another way by a lenient one. The old
engine (``http.server``'s email-based header parser, its own chunk-size reading) answered each
twice: the bytes after the ambiguity ran as a hidden second request. Each must get one 400, a
closed connection, and reach the app not at all."""

from __future__ import annotations

import socket

import pytest

from mockserver import MockServer

SMUGGLED = b"GET /api/1.0/workflow/users HTTP/1.1\r\nHost: x\r\n\r\n"
TOKEN = b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: x\r\n"
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


def _chunked(size_line: bytes) -> bytes:
    return TOKEN + FORM + b"Transfer-Encoding: chunked\r\n\r\n" + size_line + b"\r\n\r\n" + SMUGGLED


AMBIGUOUS = {
    "space before the colon": TOKEN + b"Content-Length : 0\r\n\r\n" + SMUGGLED,
    "tab before the colon": TOKEN + b"Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "a header line without a colon": TOKEN + b"Content-Length 0\r\nX: y\r\n\r\n" + SMUGGLED,
    "chunk size 0x0": _chunked(b"0x0"),
    "chunk size +0": _chunked(b"+0"),
    "chunk size 0_0": _chunked(b"0_0"),
    "chunk size -0": _chunked(b"-0"),
    "HTTP/1.0 with Transfer-Encoding": (
        b"POST /workflow/oauth2/token HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n"
        + FORM
        + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        + SMUGGLED
    ),
    "an obs-fold continuation line": (TOKEN + b"X-A: 1\r\n Content-Length: 0\r\n\r\n" + SMUGGLED),
    "a bare LF line end": b"GET /api/1.0/workflow/users HTTP/1.1\nHost: x\n\n" + SMUGGLED,
    "a NUL in a header value": TOKEN + b"X-A: a\x00b\r\nContent-Length: 0\r\n\r\n" + SMUGGLED,
}


def _exchange(port: int, message: bytes) -> bytes:
    """Send the bytes as they are; everything answered until the server closes (or goes quiet
    for 3 s, as a server that kept the connection for a smuggled request's follow-up would)."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(message)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("message", list(AMBIGUOUS.values()), ids=list(AMBIGUOUS))
def test_an_ambiguous_message_gets_one_400_and_a_close(message: bytes) -> None:
    with MockServer() as pm:
        answer = _exchange(pm.port, message)
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:120]
        assert answer.count(b"HTTP/1.1 ") == 1, answer  # answered once: nothing smuggled
        assert b"Connection: close" in answer
        assert len(pm.journal) == 0  # nothing reached the app
        pm.check()


def test_a_well_formed_pipeline_is_answered_in_order() -> None:
    # The control: the same second request, after a well-formed first one, is answered.
    body = b"grant_type=password"
    last = SMUGGLED.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
    message = TOKEN + FORM + f"Content-Length: {len(body)}\r\n\r\n".encode() + body + last
    with MockServer() as pm:
        answer = _exchange(pm.port, message)
        assert answer.count(b"HTTP/1.1 ") == 2, answer
        assert [e.request.path for e in pm.journal] == [
            "/workflow/oauth2/token",
            "/api/1.0/workflow/users",
        ]


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
        (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
    ],
    ids=["long URL", "long header", "HTTP/2.0 over HTTP/1 framing"],
)
def test_a_head_the_engine_will_not_read_is_refused_once(head: bytes, status: bytes) -> None:
    with MockServer() as pm:
        answer = _exchange(pm.port, head)
        assert answer.startswith(b"HTTP/1.1 " + status + b" "), answer[:120]
        assert answer.count(b"HTTP/1.1 ") == 1
        assert len(pm.journal) == 0
