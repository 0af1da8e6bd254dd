"""The embedded HTTP/1.1 engine: keep-alive, framing, HEAD, chunked bodies, a clean stop."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.serving.http11 import EmbeddedServer
from mockserver.serving.http11 import framing_problem
from tests.conftest import DOC_CREDENTIALS
from tests.security.conftest import raw_exchange

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _grant_body() -> str:
    return "&".join(f"{k}={v}" for k, v in {"grant_type": "password", **DOC_CREDENTIALS}.items())


def test_one_connection_serves_many_requests() -> None:
    with MockServer() as pm:
        conn = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)
        for _ in range(5):
            conn.request("POST", "/workflow/oauth2/token", _grant_body(), FORM)
            answer = conn.getresponse()
            assert answer.status == 200 and b"access_token" in answer.read()
            assert answer.getheader("Connection") is None
        sock = conn.sock
        conn.request("GET", "/api/1.0/workflow/users")
        conn.getresponse().read()
        assert conn.sock is sock  # the same TCP connection all along
        conn.close()
        assert len(pm.journal) == 6


def test_connection_close_and_http10_close_after_the_answer() -> None:
    with MockServer() as pm:
        for request in [
            b"GET /api/1.0/workflow/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            b"GET /api/1.0/workflow/users HTTP/1.0\r\n\r\n",
        ]:
            with socket.create_connection(("127.0.0.1", pm.port), timeout=10) as sock:
                sock.sendall(request)
                data = b""
                while chunk := sock.recv(65536):  # the server closes: recv ends
                    data += chunk
            assert data.startswith(b"HTTP/1.1 401 ") and b"Connection: close" in data


def test_head_has_headers_and_no_body() -> None:
    with MockServer() as pm:
        answer = raw_exchange(pm.port, b"HEAD /api/1.0/workflow/users HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 ") and b"Content-Length: " in head
        assert b"Content-Length: 0\r\n" not in head
        assert body == b""


def test_a_chunked_body_reaches_the_app() -> None:
    with MockServer() as pm:
        body = _grant_body().encode()
        request = (
            b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            + f"{len(body):x}\r\n".encode()
            + body
            + b"\r\n0\r\n\r\n"
        )
        answer = raw_exchange(pm.port, request)
        assert answer.startswith(b"HTTP/1.1 200 ") and b"access_token" in answer


def test_no_server_header_and_a_date() -> None:
    with MockServer() as pm:
        conn = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)
        conn.request("GET", "/api/1.0/workflow/users")
        answer = conn.getresponse()
        answer.read()
        conn.close()
    assert answer.getheader("Server") is None
    assert answer.getheader("Date", "").endswith(" GMT")


def test_stop_ends_open_keep_alive_connections() -> None:
    pm = MockServer().start()
    conn = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)
    conn.request("GET", "/api/1.0/workflow/users")
    conn.getresponse().read()
    pm.close()
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("GET", "/api/1.0/workflow/users")
        conn.getresponse().read()
    conn.close()


def test_an_unread_small_body_is_drained_and_the_connection_kept() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("204 No Content", [])
        return []

    server = EmbeddedServer(app, "127.0.0.1", 0)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(3):
            conn.request("POST", "/", b"x" * 1000)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 204
        conn.close()
    finally:
        server.stop()


def test_start_and_stop_take_milliseconds() -> None:
    # Not a timing assertion on speed: a liveness bound that catches a stop waiting on a poll.
    started = time.monotonic()
    for _ in range(20):
        MockServer().start().close()
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("lengths", "encodings", "reason"),
    [
        (["5", "5"], [], "more than one"),
        (["5, 5"], [], "not a number"),
        (["+5"], [], "not a number"),
        (["\u0665"], [], "not a number"),  # ARABIC-INDIC DIGIT FIVE: isdigit(), not ASCII
        (["5"], ["chunked"], "both"),
        ([], ["gzip"], "does not end in chunked"),
    ],
)
def test_framing_rules(lengths: list[str], encodings: list[str], reason: str) -> None:
    problem = framing_problem(lengths, encodings)
    assert problem is not None and reason in problem


def test_good_framing_passes() -> None:
    assert framing_problem(["0"], []) is None
    assert framing_problem([], ["gzip, chunked"]) is None
    assert framing_problem([], []) is None


def test_a_delayed_request_does_not_hold_up_another_connection() -> None:
    # A liveness bound, not a speed assertion: requests take turns, but a wait is bounded.
    import threading

    with MockServer() as pm:
        pm.fault("delay", "token", seconds=3)
        delayed = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)

        def send_delayed() -> None:
            delayed.request("POST", "/workflow/oauth2/token", _grant_body(), FORM)
            delayed.getresponse().read()

        slow = threading.Thread(target=send_delayed)
        slow.start()
        time.sleep(0.2)  # the delayed request holds its turn now
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)
        conn.request("GET", "/api/1.0/workflow/users")
        assert conn.getresponse().status == 401
        conn.close()
        assert time.monotonic() - started < 2.5  # answered while the other still sleeps
        slow.join()
        delayed.close()


def test_at_the_cap_the_longest_waiting_connection_makes_room() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server = EmbeddedServer(app, "127.0.0.1", 0, max_connections=16)
    server.start()
    waiting = []
    try:
        for _ in range(16):  # the cap, each with a head begun and never ended
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            waiting.append(sock)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/")
        answer = conn.getresponse()
        assert (answer.status, answer.read()) == (200, b"ok")
        conn.close()
        assert waiting[0].recv(1024) == b""  # the first to wait was closed to make room
    finally:
        for sock in waiting:
            sock.close()
        server.stop()


def test_at_the_cap_with_every_connection_in_the_app_a_newcomer_gets_a_503() -> None:
    inside = threading.Semaphore(0)
    release = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        inside.release()
        release.wait(10)
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server = EmbeddedServer(app, "127.0.0.1", 0, max_connections=16)
    server.start()
    busy = []
    try:
        for _ in range(16):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            busy.append(sock)
        for _ in range(16):
            assert inside.acquire(timeout=10)  # all sixteen are in the app
        answer = raw_exchange(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503 ") and b"Connection: close" in answer
    finally:
        release.set()
        for sock in busy:
            sock.close()
        server.stop()


@pytest.mark.parametrize("framing", ["content-length", "chunked", "expect-100"])
def test_a_body_over_the_prebuffer_limit_is_read_by_the_app_from_the_socket(framing: str) -> None:
    import hashlib

    from mockserver.serving.http11 import PREBUFFER_LIMIT

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        data = environ["wsgi.input"].read()
        digest = f"{len(data)} {hashlib.sha256(data).hexdigest()}".encode()
        start_response("200 OK", [("Content-Length", str(len(digest)))])
        return [digest]

    body = bytes(range(256)) * (3 * PREBUFFER_LIMIT // 256)
    expected = f"{len(body)} {hashlib.sha256(body).hexdigest()}".encode()
    head = b"POST / HTTP/1.1\r\nHost: x\r\n"
    if framing == "chunked":
        pieces = [body[i : i + 100_000] for i in range(0, len(body), 100_000)]
        payload = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"
        head += b"Transfer-Encoding: chunked\r\n\r\n"
    else:
        payload = body
        head += f"Content-Length: {len(body)}\r\n".encode()
        head += b"Expect: 100-continue\r\n\r\n" if framing == "expect-100" else b"\r\n"
    server = EmbeddedServer(app, "127.0.0.1", 0)
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            for _ in range(2):  # and the connection serves the next request too
                sock.sendall(head)
                if framing == "expect-100":
                    assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
                sock.sendall(payload)
                answer = b""
                while not answer.endswith(expected):
                    chunk = sock.recv(65536)
                    assert chunk, answer
                    answer += chunk
                assert answer.startswith(b"HTTP/1.1 200 ")
    finally:
        server.stop()


def test_bodies_past_the_buffer_budget_wait_their_turn_and_all_arrive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mockserver.serving.http11 as engine

    monkeypatch.setattr(engine, "BUFFER_BUDGET", 200_000)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        size = str(len(environ["wsgi.input"].read())).encode()
        start_response("200 OK", [("Content-Length", str(len(size)))])
        return [size]

    server = EmbeddedServer(app, "127.0.0.1", 0)
    server.start()
    body = b"b" * 500_000  # under the prebuffer limit: held by the I/O thread
    results: list[bytes] = []

    def client() -> None:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n")
            sock.sendall(f"Content-Length: {len(body)}\r\n\r\n".encode())
            for start in range(0, len(body), 50_000):
                sock.sendall(body[start : start + 50_000])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            results.append(answer)

    try:
        clients = [threading.Thread(target=client) for _ in range(6)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(30)
    finally:
        server.stop()
    assert len(results) == 6, results
    assert all(r.startswith(b"HTTP/1.1 200 ") and r.endswith(b"\r\n500000") for r in results), (
        results
    )
