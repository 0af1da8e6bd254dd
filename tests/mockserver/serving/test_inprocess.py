"""In-process httpx transport and requests adapter: same answers, journal, overrides and faults."""

from __future__ import annotations

import httpx
import pytest
import requests

from mockserver import MockServer
from tests.conftest import DOC_CREDENTIALS

GRANT = {"grant_type": "password", "scope": "*", **DOC_CREDENTIALS}


@pytest.fixture
def pm() -> MockServer:
    return MockServer()


def _httpx(pm: MockServer) -> httpx.Client:
    return httpx.Client(transport=pm.httpx_transport(), base_url=pm.inprocess_url)


def _session(pm: MockServer) -> requests.Session:
    session = requests.Session()
    session.mount(pm.inprocess_url, pm.requests_adapter())
    return session


def test_httpx_token_round_trip_and_rest_call(pm: MockServer) -> None:
    with _httpx(pm) as client:
        token = client.post("/workflow/oauth2/token", data=GRANT).json()
        users = client.get(
            "/api/1.0/workflow/users",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
    assert users.status_code == 200 and isinstance(users.json(), list)
    assert [e.request.endpoint for e in pm.journal] == ["token", "api"]
    pm.close()


def test_requests_token_round_trip_and_cookies(pm: MockServer) -> None:
    with _session(pm) as session:
        token = session.post(f"{pm.inprocess_url}/workflow/oauth2/token", data=GRANT).json()
        assert "access_token" in token
        login = session.post(
            f"{pm.inprocess_url}/sysworkflow/en/neoclassic/login/authentication.php",
            data={
                "form[USR_USERNAME]": DOC_CREDENTIALS["username"],
                "form[USR_PASSWORD]": DOC_CREDENTIALS["password"],
            },
            allow_redirects=False,
        )
        assert login.status_code == 302
        assert "PHPSESSID" in session.cookies  # the session cookie was kept, as over HTTP
    pm.close()


def test_in_process_answers_equal_loopback_answers() -> None:
    with MockServer() as pm:
        over_http = requests.post(pm.token_url(), data={"grant_type": "password"}, timeout=10)
        with _httpx(pm) as client:
            in_process = client.post("/workflow/oauth2/token", data={"grant_type": "password"})
    assert in_process.status_code == over_http.status_code
    assert in_process.content == over_http.content
    drop = {"date", "connection"}
    assert {k: v for k, v in in_process.headers.items() if k not in drop} == {
        k.lower(): v for k, v in over_http.headers.items() if k.lower() not in drop
    }


def test_overrides_apply_in_process(pm: MockServer) -> None:
    pm.override("token").respond_with_error("invalid_grant", "scripted")
    with _httpx(pm) as client:
        answer = client.post("/workflow/oauth2/token", data=GRANT).json()
    assert answer == {"error": "invalid_grant", "error_description": "scripted"}
    pm.assert_request_made("token", count=1)
    pm.close()


def test_a_reset_is_the_error_each_library_raises_for_a_dropped_connection(
    pm: MockServer,
) -> None:
    pm.fault("reset", "token", times=2)
    with _httpx(pm) as client, pytest.raises(httpx.RemoteProtocolError, match="disconnected"):
        client.post("/workflow/oauth2/token", data=GRANT)
    with _session(pm) as session, pytest.raises(requests.exceptions.ConnectionError):
        session.post(f"{pm.inprocess_url}/workflow/oauth2/token", data=GRANT)
    pm.close()


def test_a_truncated_body_is_an_incomplete_read(pm: MockServer) -> None:
    pm.fault("truncate", "token", times=2)
    with _httpx(pm) as client, pytest.raises(httpx.RemoteProtocolError, match="complete"):
        client.post("/workflow/oauth2/token", data=GRANT)
    with _session(pm) as session, pytest.raises(requests.exceptions.ChunkedEncodingError):
        session.post(f"{pm.inprocess_url}/workflow/oauth2/token", data=GRANT)
    pm.close()


def test_the_control_api_answers_in_process() -> None:
    pm = MockServer(control=True)
    with _httpx(pm) as client:
        assert client.get("/_pm3/health").json()["status"] == "ok"
    pm.close()


def test_in_process_clients_reach_the_built_in_clients_callback() -> None:
    from mockserver.serving.inprocess import INPROCESS_URL
    from mockserver.state.seed import DEFAULT_ORIGIN

    # an unstarted mock registers the built-ins' callback under the in-process base URL
    assert DEFAULT_ORIGIN == INPROCESS_URL
