"""Every fault kind against a real HTTP client, and in process where that makes sense."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from werkzeug.test import Client
from werkzeug.wrappers import Response

from mockserver import MockServer
from mockserver.scripting import faults
from mockserver.scripting.faults import SLOW_DEFAULT_SECONDS
from mockserver.scripting.overrides import Fault
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import password_params


def _post(pm: MockServer, timeout: float = 10) -> requests.Response:
    return requests.post(pm.token_url(), data=password_params(), timeout=timeout)


def _raw(pm: MockServer) -> tuple[int, dict[str, str], bytes, Exception | None]:
    """Send one token request with http.client and read what arrives, errors included."""
    conn = http.client.HTTPConnection("127.0.0.1", pm.port, timeout=10)
    body = "&".join(f"{k}={v}" for k, v in password_params(scope="view_processes").items())
    conn.request(
        "POST",
        "/workflow/oauth2/token",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionError) as exc:
        return 0, {}, b"", exc
    headers = dict(response.getheaders())
    try:
        data = response.read()
        error = None
    except http.client.IncompleteRead as exc:
        data, error = exc.partial, exc
    except ConnectionError as exc:
        data, error = b"", exc
    conn.close()
    return response.status, headers, data, error


def test_delay(live: MockServer) -> None:
    live.fault("delay", "token", seconds=0.3)
    started = time.perf_counter()
    assert "access_token" in _post(live).json()
    assert time.perf_counter() - started >= 0.3


def test_random_delay_within_bounds(live: MockServer) -> None:
    live.fault("delay", "token", seconds=0.1, max_seconds=0.2)
    started = time.perf_counter()
    _post(live)
    assert 0.1 <= time.perf_counter() - started < 5


def test_slow_token_endpoint_past_the_clients_timeout(live: MockServer) -> None:
    live.fault("slow", "token", seconds=1.0)
    with pytest.raises(requests.Timeout):
        _post(live, timeout=0.3)


def test_reset_before_the_response(live: MockServer) -> None:
    live.fault("reset", "token")
    status, _, _, error = _raw(live)
    assert status == 0 and error is not None
    assert live.workspace().count("OAUTH_ACCESS_TOKENS") == 0  # nothing was processed
    assert "access_token" in _post(live).json()


@pytest.mark.parametrize("kind", ["truncate", "reset_mid_response"])
def test_truncated_bodies(live: MockServer, kind: str) -> None:
    live.fault(kind, "token")
    status, headers, data, error = _raw(live)
    assert status == 200
    assert int(headers["Content-Length"]) > len(data) > 0
    assert error is not None


def test_non_json_body(live: MockServer) -> None:
    live.fault("non_json", "token")
    response = _post(live)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_php_warning_before_the_json(live: MockServer) -> None:
    live.fault("php_warning", "token")
    text = _post(live).text
    assert text.startswith("<br />\n<b>Warning</b>:")
    assert json.loads(text[text.index("{") :])["token_type"] == "bearer"


def test_html_500(live: MockServer) -> None:
    live.fault("html_500")
    response = _post(live)
    assert response.status_code == 500
    assert "Internal Server Error" in response.text


def test_under_upgrade(live: MockServer) -> None:
    live.fault("under_upgrade", "token")
    response = _post(live)
    assert response.status_code == 503
    assert response.json()["error"]["message"].startswith(
        "Service Unavailable: The server is currently"
    )


def test_workspace_temporarily_unavailable(live: MockServer) -> None:
    live.fault("workspace_unavailable", "token", times=2)
    assert [_post(live).status_code for _ in range(3)] == [503, 503, 200]


def test_rotate_then_drop(live: MockServer) -> None:
    first = _post(live).json()
    live.fault("rotate_then_drop", "token", grant_type="refresh_token")
    data = {
        "grant_type": "refresh_token",
        "client_id": DOC_CLIENT_ID,
        "client_secret": DOC_CLIENT_SECRET,
        "refresh_token": first["refresh_token"],
    }
    with pytest.raises(requests.ConnectionError):
        requests.post(live.token_url(), data=data, timeout=10)
    # the refresh happened: the old refresh token is spent, a new one exists that the client never saw
    again = requests.post(live.token_url(), data=data, timeout=10).json()
    assert again["error"] == "invalid_grant"
    assert live.workspace().count("OAUTH_REFRESH_TOKENS") == 1


def test_in_process_reset_raises_connection_reset(mock: MockServer, client: Client) -> None:
    mock.fault("reset", "token")
    with pytest.raises(ConnectionResetError):
        client.post(TOKEN, data=password_params())


def test_faults_are_journaled(live: MockServer) -> None:
    live.fault("html_500", "token")
    _post(live)
    last = live.journal.last()
    assert last is not None
    assert last.status == 500
    assert "fault html_500" in last.scripted


def test_a_scripted_authorize_error_is_the_authorize_posts_json_error(
    mock: MockServer, client: Client
) -> None:
    mock.apply_scenario(
        {"overrides": [{"match": {"endpoint": "authorize"}, "error": "access_denied"}]}
    )
    answer = client.get("/workflow/oauth2/authorize", query_string={"response_type": "code"})
    assert answer.status_code == 400
    assert {k.lower(): v for k, v in answer.headers.items()} == {  # names are case-insensitive
        "access-control-allow-origin": "*",
        "cache-control": "no-store",
        "content-length": str(len(answer.get_data())),
        "content-type": "application/json",
    }
    assert answer.get_json()["error"] == "access_denied"


def test_a_scripted_invalid_client_after_basic_gets_the_basic_challenge() -> None:
    """Under rfc6749 an ``invalid_client`` sent to a Basic caller is 401 with a challenge."""
    from tests.mockserver.helpers import basic

    pm = MockServer("rfc6749")
    pm.override("token", times=None).respond_with_error("invalid_client", "scripted")
    client = Client(pm.app)
    params = password_params(client_id=None, client_secret=None)
    with_basic = client.post(TOKEN, data=params, headers=basic(DOC_CLIENT_ID, DOC_CLIENT_SECRET))
    in_body = client.post(TOKEN, data=password_params())
    pm.close()
    assert with_basic.status_code == 401
    assert with_basic.headers["WWW-Authenticate"] == 'Basic realm="Service"'
    assert in_body.status_code == 400 and "WWW-Authenticate" not in in_body.headers


@pytest.mark.parametrize(
    ("fault", "slept"),
    [
        (Fault("delay"), 1.0),  # a delay without seconds waits one second
        (Fault("slow"), SLOW_DEFAULT_SECONDS),  # a slow endpoint outlasts the 30 s client timeout
        (Fault("slow", seconds=2.5), 2.5),
        (Fault("delay", seconds=-1.0), 0.0),
        (Fault("delay", seconds=3.0, max_seconds=1.0), 3.0),  # a bound below seconds is ignored
    ],
)
def test_the_time_a_fault_asks_to_sleep(
    monkeypatch: pytest.MonkeyPatch, fault: Fault, slept: float
) -> None:
    asked: list[float] = []
    monkeypatch.setattr(faults, "time", SimpleNamespace(sleep=asked.append))
    faults._sleep(fault)
    assert asked == [slept]


def _linger(sock: socket.socket) -> tuple[int, int]:
    on, seconds = struct.unpack("ii", sock.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
    return on, seconds


@pytest.fixture
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """The server side and the client side of one loopback TCP connection."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        peer = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
    with accepted, peer:
        yield accepted, peer


@pytest.mark.parametrize(("reset", "linger"), [(True, (1, 0)), (False, (0, 0))])
def test_closing_for_a_reset_sets_a_zero_linger(
    tcp_pair: tuple[socket.socket, socket.socket], reset: bool, linger: tuple[int, int]
) -> None:
    sock, peer = tcp_pair
    faults._close_socket(sock, reset=reset)
    assert _linger(sock) == linger  # linger on, 0 s: the close sends a TCP reset, not a FIN
    assert peer.recv(1) == b""  # shut down both ways: the client reads the end of the stream


@pytest.mark.parametrize("kind", ["reset", "rotate_then_drop"])
def test_a_dropped_connection_is_reset_before_any_byte(
    tcp_pair: tuple[socket.socket, socket.socket], kind: str
) -> None:
    sock, peer = tcp_pair
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
        started.append((status, headers))
        return None

    body = faults.deliver_fault({"werkzeug.socket": sock}, start_response, None, kind)
    assert list(body) == []
    assert _linger(sock) == (1, 0)
    assert peer.recv(1) == b""
    assert [(s, [(k.lower(), v) for k, v in h]) for s, h in started] == [
        ("200 OK", [("content-length", "0")])
    ]


def test_a_scripted_api_error_is_the_resource_servers_unauthorized() -> None:
    """On ``/api/1.0`` a scripted OAuth error is the REST 401, whose challenge names the error."""
    pm = MockServer("rfc6749")
    pm.override("api", times=None).respond_with_error("invalid_token", "scripted")
    answer = Client(pm.app).get("/api/1.0/workflow/users")
    pm.close()
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == (
        'Bearer realm="Service", error="invalid_token", error_description="scripted"'
    )
    assert answer.get_json() == {"error": "invalid_token", "error_description": "scripted"}


@pytest.mark.parametrize("kind", ["reset", "rotate_then_drop"])
def test_in_process_drops_raise_a_reset_naming_the_fault(
    mock: MockServer, client: Client, kind: str
) -> None:
    mock.fault(kind, "token")
    with pytest.raises(ConnectionResetError) as caught:
        client.post(TOKEN, data=password_params())
    assert str(caught.value) == f"pm3 fault {kind}: connection closed before the response"


def _started() -> tuple[list[tuple[str, list[tuple[str, str]]]], Any]:
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
        started.append((status, headers))
        return None

    return started, start_response


@pytest.mark.parametrize("kind", ["truncate", "reset_mid_response"])
@pytest.mark.parametrize("sock", [None, "not a socket"])
def test_a_truncation_without_a_socket_sends_the_full_length_and_half_the_body(
    kind: str, sock: object
) -> None:
    """In process (or when the server's socket is not a socket) nothing is closed."""
    started, start_response = _started()
    real = Response("abcdef", status=201, headers=[("X-Real", "1")], content_type="text/plain")
    environ: dict[str, Any] = {} if sock is None else {"werkzeug.socket": sock}
    body = faults.deliver_fault(environ, start_response, real, kind)
    assert list(body) == [b"abc"]
    assert started == [
        ("201 CREATED", [("X-Real", "1"), ("Content-Type", "text/plain"), ("Content-Length", "6")])
    ]


@pytest.mark.parametrize(("kind", "linger"), [("truncate", (0, 0)), ("reset_mid_response", (1, 0))])
def test_only_a_reset_mid_response_closes_with_a_zero_linger(
    tcp_pair: tuple[socket.socket, socket.socket], kind: str, linger: tuple[int, int]
) -> None:
    sock, peer = tcp_pair
    _, start_response = _started()
    body = faults.deliver_fault({"werkzeug.socket": sock}, start_response, Response("abcd"), kind)
    assert list(body) == [b"ab"]  # the server writes these; here only the close happens
    assert _linger(sock) == linger
    assert peer.recv(1) == b""
