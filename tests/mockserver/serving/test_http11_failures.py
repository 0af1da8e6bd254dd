"""The engine never fails in silence (issue 26, items 1-3).

A failure before the status line is sent is a 500 that ``MockServer.check()`` re-raises (the old
engine dropped the connection, logged nothing and left nothing to re-raise); an override whose
header cannot be sent is refused when it is built; a stalled head holds no pool thread;
``stop()`` lets a request in flight finish."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from typing import Any

import pytest
import requests
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

import mockserver.app
from mockserver import MockServer
from mockserver.serving.http11 import EmbeddedServer
from tests.conftest import DOC_CREDENTIALS

GRANT = {"grant_type": "password", **DOC_CREDENTIALS}


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Note": "a\r\nSet-Cookie: injected=1"},
        {"X-Note": "a\nb"},
        {"X-Note": "euro \u20ac"},
        {"X-Note": "nul \x00"},
        {"Bad Name": "v"},
        {"X-Note:": "v"},
    ],
    ids=["CRLF", "LF", "not Latin-1", "NUL", "space in the name", "colon in the name"],
)
def test_an_override_header_that_cannot_be_sent_is_refused_when_built(
    headers: dict[str, str],
) -> None:
    with MockServer(control=True) as pm:
        refused = requests.post(
            f"{pm.url}/_pm3/overrides",
            json={"match": {"endpoint": "token"}, "status": 200, "body": "{}", "headers": headers},
            timeout=10,
        )
        assert refused.status_code == 400, refused.text
        assert "header" in refused.json()["error"]
        assert pm.scripting.pending() == []  # nothing was added
        with pytest.raises(ValueError, match="header"):
            pm.override("token").respond_with(200, body="{}", headers=headers)
        answer = requests.post(pm.token_url(), data=GRANT, timeout=10)  # the real answer
        assert answer.status_code == 200 and "access_token" in answer.json()
        pm.check()


def test_an_override_status_outside_http_is_refused_when_built() -> None:
    with MockServer() as pm, pytest.raises(ValueError, match="status 1000"):
        pm.override("token").respond_with(1000)


def test_a_scripted_answer_that_raises_is_a_500_that_check_reraises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the scripted answer broke")

    monkeypatch.setattr(mockserver.app, "answer", broken)
    with MockServer() as pm:
        answer = requests.post(pm.token_url(), data=GRANT, timeout=10)
        assert answer.status_code == 500
        assert pm.journal.last().status == 500  # the journal records what was sent
        with pytest.raises(RuntimeError, match="the scripted answer broke"):
            pm.check()


@pytest.mark.parametrize(
    "headers",
    [[("X-Euro", "\u20ac")], [("Bad Name", "v")]],
    ids=["value not Latin-1", "name not a token"],
)
def test_an_answer_the_engine_cannot_send_is_a_500_that_check_reraises(
    headers: list[tuple[str, str]],
) -> None:
    with MockServer() as pm:

        def unsendable(request: Request) -> Response:
            response = Response("{}", status=200)
            response.headers.extend(headers)  # werkzeug checks only for newlines
            return response

        pm.app.handle = unsendable  # type: ignore[method-assign]
        answer = requests.get(pm.api_url(), timeout=10)
        assert answer.status_code == 500
        with pytest.raises(ValueError, match="cannot send the answer"):
            pm.check()
        assert requests.get(pm.api_url(), timeout=10).status_code == 500  # and it keeps serving


@pytest.mark.parametrize("when", ["in the call", "while iterating", "no start_response"])
def test_a_wsgi_app_that_fails_gets_a_500_and_on_error(when: str) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if when == "in the call":
            raise KeyError("boom")
        if when == "no start_response":
            return [b"body"]
        start_response("200 OK", [])

        def body() -> Any:
            raise KeyError("boom")
            yield b""

        return body()

    errors: list[BaseException] = []
    server = EmbeddedServer(app, "127.0.0.1", 0, on_error=errors.append)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/")
        answer = conn.getresponse()
        assert answer.status == 500 and answer.getheader("Connection") == "close"
        answer.read()
        conn.close()
    finally:
        server.stop()
    assert len(errors) == 1
    assert isinstance(errors[0], (KeyError, RuntimeError))


def test_stop_lets_a_request_in_flight_finish() -> None:
    entered = threading.Event()
    release = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        entered.set()
        release.wait(10)
        start_response("200 OK", [("Content-Length", "8")])
        return [b"finished"]

    server = EmbeddedServer(app, "127.0.0.1", 0)
    server.start()
    result: list[object] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/")
            answer = conn.getresponse()
            result.append((answer.status, answer.read()))
        except (OSError, http.client.HTTPException) as exc:
            result.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=client)
    thread.start()
    assert entered.wait(10)  # the request is in the app
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(0.3)  # the old engine's stop() was done by now, the connection cut
    still_draining = stopper.is_alive()
    release.set()
    stopper.join(20)
    thread.join(20)
    assert result == [(200, b"finished")]
    assert still_draining  # stop() waited for the request in flight


def test_a_stalled_head_holds_no_pool_thread() -> None:
    with MockServer() as pm:
        engine = pm._server
        assert engine is not None
        stalled = socket.create_connection(("127.0.0.1", pm.port), timeout=10)
        try:
            stalled.sendall(b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: x\r\n")  # no end
            answer = requests.post(pm.token_url(), data=GRANT, timeout=10)
            assert answer.status_code == 200
            # The old engine took the turn once a request line was in, and held it while the
            # rest of the head was read: here, for as long as the client stalls. A head is the
            # I/O thread's; no request is in the app once the token request is answered.
            for _ in range(100):  # the pool thread leaves the request once it is answered
                if engine.in_app == 0:
                    break
                time.sleep(0.05)
            assert engine.in_app == 0
        finally:
            stalled.close()
