"""The control API end to end: the mock in its own process, scripted over HTTP from this one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.control import host_name
from mockserver.scripting.control import is_local_name
from mockserver.scripting.control import is_loopback
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.seed import LOCAL_CLIENT_SECRET
from tests.mockserver.helpers import password_params


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--control"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


@pytest.fixture
def ctl(remote: str) -> Iterator[str]:
    assert requests.post(f"{remote}/_pm3/reset", json={}, timeout=10).json() == {"status": "reset"}
    yield remote


def _token(url: str) -> requests.Response:
    return requests.post(f"{url}/workflow/oauth2/token", data=password_params(), timeout=10)


def test_health(ctl: str) -> None:
    health = requests.get(f"{ctl}/_pm3/health", timeout=10).json()
    assert health["status"] == "ok" and health["profile"] == "documented"
    assert health["workspaces"] == ["workflow"]


def test_overrides_faults_journal_and_reset(ctl: str) -> None:
    added = requests.post(
        f"{ctl}/_pm3/overrides",
        json={"match": {"endpoint": "token", "grant_type": "password"}, "error": "invalid_grant"},
        timeout=10,
    ).json()
    assert added["added"] == 1
    assert _token(ctl).json()["error"] == "invalid_grant"
    requests.post(
        f"{ctl}/_pm3/faults",
        json=[{"match": {"endpoint": "token"}, "fault": "html_500"}],
        timeout=10,
    )
    assert _token(ctl).status_code == 500
    journal = requests.get(f"{ctl}/_pm3/journal", timeout=10).json()["entries"]
    assert [e["response"]["status"] for e in journal] == [200, 500]
    assert "p4ssw0rd" not in str(journal)
    requests.post(f"{ctl}/_pm3/reset", json={}, timeout=10)
    assert requests.get(f"{ctl}/_pm3/journal", timeout=10).json()["entries"] == []
    assert "access_token" in _token(ctl).json()


def test_clock_advance_expires_tokens(ctl: str) -> None:
    token = _token(ctl).json()["access_token"]
    users = f"{ctl}/api/1.0/workflow/users"
    assert requests.get(users, params={"access_token": token}, timeout=10).status_code == 200
    now = requests.post(f"{ctl}/_pm3/clock", json={"advance": 86401}, timeout=10).json()
    assert "now" in now
    assert requests.get(users, params={"access_token": token}, timeout=10).status_code == 401
    requests.post(
        f"{ctl}/_pm3/clock", json={"set": "2030-01-01T00:00:00Z", "freeze": True}, timeout=10
    )
    assert requests.get(f"{ctl}/_pm3/health", timeout=10).json()["now"] == "2030-01-01 00:00:00"


def test_clients_users_profile_expire(ctl: str) -> None:
    client = {"client_id": "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "client_secret": "s"}
    assert requests.post(f"{ctl}/_pm3/clients", json=client, timeout=10).status_code == 200
    user = {"username": "bob", "password": "pw"}
    assert requests.post(f"{ctl}/_pm3/users", json=user, timeout=10).status_code == 200
    body = requests.post(
        f"{ctl}/workflow/oauth2/token",
        data=password_params(
            username="bob", password="pw", client_id=client["client_id"], client_secret="s"
        ),
        timeout=10,
    ).json()
    assert "access_token" in body
    assert (
        requests.post(f"{ctl}/_pm3/expire", json={"user": "bob"}, timeout=10).json()["expired"] == 2
    )
    assert (
        requests.post(f"{ctl}/_pm3/profile", json={"name": "pm-3.4.10"}, timeout=10).status_code
        == 200
    )
    bad = requests.post(
        f"{ctl}/workflow/oauth2/token", data=password_params(password="x"), timeout=10
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("path", "payload", "needle"),
    [
        ("clock", {"advance": "soon"}, "clock.advance"),
        ("clock", {"tomorrow": 1}, "use one of"),
        ("overrides", {"match": {"endpoint": "tokens"}, "error": "x"}, "endpoint"),
        ("faults", {"fault": "explode"}, "fault"),
        ("users", {"username": "x"}, "password"),
        ("profile", {"name": "pm-9"}, "profile.name"),
    ],
)
def test_mistakes_get_a_400_naming_the_field(
    ctl: str, path: str, payload: object, needle: str
) -> None:
    response = requests.post(f"{ctl}/_pm3/{path}", json=payload, timeout=10)
    assert response.status_code == 400
    assert needle in response.json()["error"]


def test_bad_json_and_unknown_endpoints(ctl: str) -> None:
    response = requests.post(
        f"{ctl}/_pm3/clock", data="{nope", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    assert requests.get(f"{ctl}/_pm3/nothing", timeout=10).status_code == 404
    assert requests.get(f"{ctl}/_pm3/reset", timeout=10).status_code == 405


def test_non_loopback_peers_are_refused_unless_they_hold_the_token() -> None:
    pm = MockServer(control=True, control_token="s3cret-token")
    client = Client(pm.app)
    remote = {"REMOTE_ADDR": "192.0.2.10"}
    assert client.get("/_pm3/health", environ_base=remote).status_code == 403
    ok = client.get(
        "/_pm3/health", environ_base=remote, headers={"X-PM3-Control-Token": "s3cret-token"}
    )
    assert ok.status_code == 200
    assert client.get("/_pm3/health", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    pm.close()


def test_control_api_is_off_by_default() -> None:
    pm = MockServer()
    response = Client(pm.app).get("/_pm3/health")
    assert response.status_code == 404
    pm.close()


LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def inproc() -> Iterator[tuple[MockServer, Client]]:
    """The control API in this process, so that its calls are seen by coverage and mutmut."""
    pm = MockServer(control=True)
    pm.clock.freeze(1_767_225_600.0)  # 2026-01-01 00:00:00 UTC
    yield pm, Client(pm.app)
    pm.close()


def test_health_reports_exactly_its_fields(inproc: tuple[MockServer, Client]) -> None:
    pm, client = inproc
    client.post("/workflow/oauth2/token", data=password_params())
    pm.apply_scenario({"overrides": [{"match": {"endpoint": "token"}, "error": "invalid_grant"}]})
    health = client.get("/_pm3/health", environ_base=LOOPBACK).get_json()
    assert health == {
        "status": "ok",
        "profile": "documented",
        "workspaces": ["workflow"],
        "journal": 1,
        "overrides": 1,
        "now": "2026-01-01 00:00:00",
    }


def test_overrides_are_added_listed_and_cleared(inproc: tuple[MockServer, Client]) -> None:
    pm, client = inproc
    override = {"match": {"endpoint": "token"}, "error": "invalid_grant"}
    added = client.post("/_pm3/overrides", json=[override, override], environ_base=LOOPBACK)
    assert added.get_json() == {
        "added": 2,
        "pending": [
            "override #1 (error invalid_grant) on {endpoint=token}",
            "override #2 (error invalid_grant) on {endpoint=token}",
        ],
    }
    cleared = client.delete("/_pm3/overrides", environ_base=LOOPBACK)
    assert (cleared.status_code, cleared.get_json()) == (200, {"pending": []})
    assert pm.scripting.pending() == []


def test_expiring_an_unknown_user_says_who(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    response = client.post("/_pm3/expire", json={"user": "nobody"}, environ_base=LOOPBACK)
    assert response.status_code == 404
    assert response.get_json() == {"error": "expire.user: no user 'nobody'"}


@pytest.mark.parametrize(
    ("authority", "host"),
    [
        ("localhost:8080", "localhost"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8080", "::1"),
        ("[::1]", "::1"),
        ("[::1]:8080]", "::1"),  # the address ends at the first "]"
        ("::1", "::1"),  # a bare IPv6 address has no port to drop
        ("[::1", "[::1"),
    ],
)
def test_host_name_drops_port_and_brackets(authority: str, host: str) -> None:
    assert host_name(authority) == host


def test_a_delete_with_a_body_must_be_json(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    plain = client.delete(
        "/_pm3/overrides", data=b"x", content_type="text/plain", environ_base=LOOPBACK
    )
    assert plain.status_code == 415
    assert client.get("/_pm3/health", data=b"x", environ_base=LOOPBACK).status_code == 200


def test_a_known_command_with_the_wrong_method_is_named(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    response = client.get("/_pm3/reset", environ_base=LOOPBACK)
    assert (response.status_code, response.get_json()) == (
        405,
        {"error": "method GET not allowed on reset"},
    )


def test_clock_freezes_unfreezes_and_checks_advance(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    thawed = client.post("/_pm3/clock", json={"unfreeze": True}, environ_base=LOOPBACK)
    assert thawed.status_code == 200 and thawed.get_json()["frozen"] is False
    bad = client.post("/_pm3/clock", json={"advance": "soon"}, environ_base=LOOPBACK)
    assert (bad.status_code, bad.get_json()) == (
        400,
        {"error": "clock.advance: a number of seconds"},
    )


def test_expiring_one_token(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    token = client.post("/workflow/oauth2/token", data=password_params()).get_json()
    expired = client.post(
        "/_pm3/expire", json={"token": token["access_token"]}, environ_base=LOOPBACK
    )
    assert (expired.status_code, expired.get_json()) == (200, {"expired": 1})
    unknown = client.post("/_pm3/expire", json={"token": "nope"}, environ_base=LOOPBACK)
    assert (unknown.status_code, unknown.get_json()) == (
        404,
        {"error": "expire.token: no such access token"},
    )


def test_check_reports_an_ordered_miss(inproc: tuple[MockServer, Client]) -> None:
    pm, client = inproc
    assert client.get("/_pm3/check", environ_base=LOOPBACK).get_json() == {"ok": True}
    first = {"match": {"endpoint": "token"}, "error": "invalid_grant", "ordered": True}
    second = {"match": {"endpoint": "authorize"}, "error": "access_denied", "ordered": True}
    pm.apply_scenario({"overrides": [first, second]})
    client.get("/workflow/oauth2/authorize", query_string={"response_type": "code"})
    answer = client.get("/_pm3/check", environ_base=LOOPBACK).get_json()
    assert answer["ok"] is False
    assert set(answer) == {"ok", "failure"} and "order" in answer["failure"]


# --- complete answers: every key and value of every endpoint, and of every refusal ------------


def _ask(
    client: Client, method: str, path: str, body: object = None, **kwargs: object
) -> tuple[int, object]:
    response = client.open(
        f"/_pm3/{path}", method=method, json=body, environ_base=LOOPBACK, **kwargs
    )
    return response.status_code, response.get_json()


def test_reset_answers_exactly_reset(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    assert _ask(client, "POST", "reset", {}) == (200, {"status": "reset"})


def test_clock_answers_now_and_frozen(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    assert _ask(client, "POST", "clock", {"advance": 60}) == (
        200,
        {"now": "2026-01-01 00:01:00", "frozen": True},
    )
    assert _ask(client, "POST", "clock", {"set": "2030-01-01T00:00:00Z"}) == (
        200,
        {"now": "2030-01-01 00:00:00", "frozen": True},
    )
    status, thawed = _ask(client, "POST", "clock", {"unfreeze": True})
    assert status == 200 and isinstance(thawed, dict)
    assert set(thawed) == {"now", "frozen"} and thawed["frozen"] is False
    assert _ask(client, "POST", "clock", {"set": "2031-01-01T00:00:00Z", "freeze": True}) == (
        200,
        {"now": "2031-01-01 00:00:00", "frozen": True},
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "clock: use one of ['advance', 'freeze', 'set', 'unfreeze']; got nothing"),
        (
            {"tomorrow": 1, "advance": 1},
            "clock: use one of ['advance', 'freeze', 'set', 'unfreeze']; got ['advance', 'tomorrow']",
        ),
        ({"advance": True}, "clock.advance: a number of seconds"),
        ({"set": "soon"}, "clock.set: not an ISO 8601 instant: 'soon'"),
        ([1], "body must be a JSON object"),
    ],
)
def test_clock_mistakes_answer_exactly(
    inproc: tuple[MockServer, Client], body: object, error: str
) -> None:
    _, client = inproc
    assert _ask(client, "POST", "clock", body) == (400, {"error": error})


def test_a_clock_out_of_range_answers_exactly(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    bounds = "the mock's clock must stay between 1970-01-01 and 9000-01-01 (UTC)"
    assert _ask(client, "POST", "clock", {"advance": 1e308}) == (
        400,
        {"error": f"clock.advance: {bounds}"},
    )
    assert _ask(client, "POST", "clock", {"set": "9999-12-31T23:59:59Z"}) == (
        400,
        {"error": f"clock.set: {bounds}"},
    )


def test_refusals_answer_exactly(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    assert _ask(client, "GET", "nothing") == (
        404,
        {
            "error": "unknown control endpoint 'nothing'",
            "known": [
                "check",
                "clients",
                "clock",
                "expire",
                "faults",
                "health",
                "journal",
                "overrides",
                "profile",
                "reset",
                "scenario",
                "users",
            ],
        },
    )
    assert _ask(client, "DELETE", "clock") == (405, {"error": "method DELETE not allowed on clock"})
    plain = client.post("/_pm3/reset", data=b"{}", content_type="text/plain", environ_base=LOOPBACK)
    assert (plain.status_code, plain.get_json()) == (
        415,
        {"error": "control API writes must be sent as Content-Type: application/json"},
    )
    foreign = client.get("/_pm3/health", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert (foreign.status_code, foreign.get_json()) == (
        403,
        {"error": "the control API only answers loopback peers (or the control token)"},
    )
    rebound = client.get("/_pm3/health", environ_base=LOOPBACK, headers={"Host": "evil.example"})
    assert (rebound.status_code, rebound.get_json()) == (
        403,
        {"error": "the control API refuses Host 'evil.example': use localhost or 127.0.0.1"},
    )
    page = client.get(
        "/_pm3/health", environ_base=LOOPBACK, headers={"Origin": "http://evil.example"}
    )
    assert (page.status_code, page.get_json()) == (
        403,
        {"error": "the control API refuses requests from Origin 'http://evil.example'"},
    )


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (
            b"{nope",
            "body is not valid JSON: Expecting property name enclosed in double quotes:"
            " line 1 column 2 (char 1)",
        ),
        (b"[" * 100_000, "body is not valid JSON: nested too deeply"),
    ],
)
def test_bad_bodies_answer_exactly(
    inproc: tuple[MockServer, Client], raw: bytes, error: str
) -> None:
    _, client = inproc
    response = client.post(
        "/_pm3/clock", data=raw, content_type="application/json", environ_base=LOOPBACK
    )
    assert (response.status_code, response.get_json()) == (400, {"error": error})


def test_faults_and_overrides_answer_what_was_added_and_what_waits(
    inproc: tuple[MockServer, Client],
) -> None:
    _, client = inproc
    fault = {"match": {"endpoint": "token"}, "fault": "html_500"}
    assert _ask(client, "POST", "faults", fault) == (
        200,
        {"added": 1, "pending": ["override #1 (fault html_500) on {endpoint=token}"]},
    )
    wrapped = {"overrides": [{"match": {"endpoint": "token"}, "error": "invalid_grant"}]}
    assert _ask(client, "POST", "overrides", wrapped) == (
        200,
        {
            "added": 1,
            "pending": [
                "override #1 (fault html_500) on {endpoint=token}",
                "override #2 (error invalid_grant) on {endpoint=token}",
            ],
        },
    )


def test_override_and_fault_mistakes_answer_exactly(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    endpoints = "['token', 'authorize', 'expire', 'delete', 'api', 'login', 'applications',"
    endpoints += " 'options', 'other', '*']"
    assert _ask(client, "POST", "overrides", {"match": {"endpoint": "tokens"}, "error": "x"}) == (
        400,
        {
            "error": "POST /_pm3/overrides: overrides[0].match.endpoint: 'tokens' is not one of "
            + endpoints
        },
    )
    status, answer = _ask(client, "POST", "faults", {"fault": "explode"})
    assert status == 400 and isinstance(answer, dict) and set(answer) == {"error"}
    assert answer["error"].startswith("POST /_pm3/faults: faults[0].fault: 'explode' is not one of")


def test_journal_answers_its_entries_and_drops(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    client.get("/nothing-here")
    status, answer = _ask(client, "GET", "journal")
    assert status == 200 and isinstance(answer, dict)
    entry = answer["entries"][0]
    assert isinstance(entry.pop("duration_ms"), float)
    assert answer == {
        "entries": [
            {
                "seq": 1,
                "at": 1_767_225_600.0,
                "request": {
                    "method": "GET",
                    "path": "/nothing-here",
                    "endpoint": "other",
                    "workspace": "",
                    "query": {},
                    "params": {},
                    "encoding": "none",
                    "headers": {"Host": "localhost"},
                },
                "response": {
                    "status": 404,
                    "headers": {
                        "Content-Type": "application/json; charset=utf-8",
                        "Cache-Control": "no-cache, must-revalidate",
                        "Expires": "0",
                        "X-Powered-By": "Luracast Restler v3.0.0rc5",
                        "Content-Language": "en",
                        "Content-Length": "44",
                    },
                    "body": '{"error":{"code":404,"message":"Not Found"}}',
                },
                "scripted": "",
            }
        ],
        "dropped": 0,
    }
    assert _ask(client, "GET", "journal", query_string={"limit": "0"}) == (
        200,
        {"entries": [], "dropped": 0},
    )
    assert _ask(client, "GET", "journal", query_string={"limit": "x"}) == (
        400,
        {"error": "limit: a whole number"},
    )
    assert _ask(client, "DELETE", "journal") == (200, {"entries": []})


def test_clients_users_profile_answer_exactly(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    client_id = "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
    assert _ask(client, "POST", "clients", {"client_id": client_id, "client_secret": "s"}) == (
        200,
        {"client_id": client_id, "workspace": "workflow"},
    )
    assert _ask(client, "POST", "clients", {"client_id": "Z"}) == (
        400,
        {"error": "POST /_pm3/clients: clients[0]: 'client_secret' is a required property"},
    )
    assert _ask(client, "POST", "clients", {"workspace": "nope", "client_id": "Z"}) == (
        400,
        {"error": "clients.workspace: no workspace 'nope' (served: workflow)"},
    )
    assert _ask(client, "POST", "users", {"username": "bob", "password": "pw"}) == (
        200,
        {"username": "bob", "workspace": "workflow"},
    )
    assert _ask(client, "POST", "users", {"username": "bob"}) == (
        400,
        {"error": "POST /_pm3/users: users[0]: 'password' is a required property"},
    )
    assert _ask(client, "POST", "users", {"username": "b", "password": "p", "workspace": 3}) == (
        400,
        {"error": "users.workspace: no workspace 3 (served: workflow)"},
    )
    assert _ask(client, "POST", "profile", {"name": "pm-3.4.10"}) == (
        200,
        {"profile": "pm-3.4.10"},
    )
    assert _ask(client, "POST", "profile", {"name": "pm-9"}) == (
        400,
        {"error": "profile.name: one of documented, pm-3.0-rc, pm-3.4.10, pm-3.4.11, rfc6749"},
    )


def test_expire_answers_how_many(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    client.post("/workflow/oauth2/token", data=password_params())
    assert _ask(client, "POST", "expire", {}) == (200, {"expired": 2})
    assert _ask(client, "POST", "expire", {"workspace": "x"}) == (
        400,
        {"error": "expire.workspace: no workspace 'x' (served: workflow)"},
    )


def test_scenario_answers_what_it_applied(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    scenario = {"overrides": [{"match": {"endpoint": "token"}, "error": "invalid_grant"}]}
    assert _ask(client, "POST", "scenario", scenario) == (
        200,
        {"applied": True, "overrides": ["override #1 (error invalid_grant) on {endpoint=token}"]},
    )
    assert _ask(client, "POST", "scenario", {"bogus": 1}) == (
        400,
        {
            "error": "POST /_pm3/scenario: $: Additional properties are not allowed"
            " ('bogus' was unexpected)"
        },
    )


def test_check_answers_the_whole_ordered_miss(inproc: tuple[MockServer, Client]) -> None:
    pm, client = inproc
    first = {"match": {"endpoint": "token"}, "error": "invalid_grant", "ordered": True}
    second = {"match": {"endpoint": "authorize"}, "error": "access_denied", "ordered": True}
    pm.apply_scenario({"overrides": [first, second]})
    client.get("/workflow/oauth2/authorize", query_string={"response_type": "code"})
    assert _ask(client, "GET", "check") == (
        200,
        {
            "ok": False,
            "failure": "ordered miss: GET /workflow/oauth2/authorize matched override #2"
            " (error access_denied) on {endpoint=authorize} while override #1"
            " (error invalid_grant) on {endpoint=token} was still waiting",
        },
    )
    assert _ask(client, "GET", "check") == (200, {"ok": True})


def test_a_request_without_host_is_refused_by_name(inproc: tuple[MockServer, Client]) -> None:
    from werkzeug.test import create_environ
    from werkzeug.test import run_wsgi_app

    pm, _ = inproc
    environ = create_environ("/_pm3/health", environ_base=LOOPBACK)
    del environ["HTTP_HOST"]
    body, status, _ = run_wsgi_app(pm.app, environ)
    assert status.startswith("403 ")
    assert json.loads(b"".join(body)) == {
        "error": "the control API needs a Host header: localhost or 127.0.0.1"
    }


def test_answers_are_json_indented_by_two(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    text = client.get("/_pm3/health", environ_base=LOOPBACK).get_data(as_text=True)
    assert text.startswith('{\n  "status": "ok",\n  "profile": "documented",\n')
    assert text.endswith("\n}\n")


def test_expiring_by_client_leaves_other_clients_tokens(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    client.post("/workflow/oauth2/token", data=password_params())
    local = password_params(client_id=LOCAL_CLIENT_ID, client_secret=LOCAL_CLIENT_SECRET)
    other = client.post("/workflow/oauth2/token", data=local).get_json()
    assert _ask(client, "POST", "expire", {"client": DOC_CLIENT_ID}) == (200, {"expired": 2})
    users = client.get(
        "/api/1.0/workflow/users", headers={"Authorization": f"Bearer {other['access_token']}"}
    )
    assert users.status_code == 200


@pytest.mark.parametrize(
    ("bind", "host", "status"),
    [
        ("127.0.0.1", "localhost.:8080", 200),  # the fully qualified form of localhost
        ("mock.test", "mock.test:8080", 200),  # the host the server was told to bind
        ("mock.test", "other.test:8080", 403),
        ("0.0.0.0", "0.0.0.0:8080", 403),  # a wildcard bind names no host
    ],
)
def test_the_host_may_be_localhost_or_the_configured_one(bind: str, host: str, status: int) -> None:
    pm = MockServer(host=bind, control=True)
    response = Client(pm.app).get("/_pm3/health", environ_base=LOOPBACK, headers={"Host": host})
    assert response.status_code == status
    if status == 403:
        name = host.rsplit(":", 1)[0]
        assert response.get_json() == {
            "error": f"the control API refuses Host {name!r}: use localhost or 127.0.0.1"
        }
    pm.close()


@pytest.mark.parametrize(
    "origin",
    [
        "null",  # an opaque origin has no authority at all
        "http://localhost://evil.example:80",  # the authority runs to the end, not to a 2nd "://"
        "http://evil.example://localhost",  # the authority starts after the first "://"
    ],
)
def test_odd_origins_are_refused_by_name(inproc: tuple[MockServer, Client], origin: str) -> None:
    _, client = inproc
    response = client.get("/_pm3/health", environ_base=LOOPBACK, headers={"Origin": origin})
    assert (response.status_code, response.get_json()) == (
        403,
        {"error": f"the control API refuses requests from Origin {origin!r}"},
    )


def test_a_local_origin_with_a_trailing_dot_is_accepted(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    response = client.get(
        "/_pm3/health", environ_base=LOOPBACK, headers={"Origin": "http://localhost.:8080"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_every_write_method_must_be_json(inproc: tuple[MockServer, Client], method: str) -> None:
    _, client = inproc
    response = client.open(
        "/_pm3/reset", method=method, data=b"{}", content_type="text/plain", environ_base=LOOPBACK
    )
    assert (response.status_code, response.get_json()) == (
        415,
        {"error": "control API writes must be sent as Content-Type: application/json"},
    )


def test_expire_names_a_value_that_is_not_a_string(
    inproc: tuple[MockServer, Client],
) -> None:
    _, client = inproc
    assert _ask(client, "POST", "expire", {"client": 10**30}) == (
        400,
        {"error": f"expire.client: a string, not {10**30}"},
    )
    for key in ("token", "user"):
        assert _ask(client, "POST", "expire", {key: ["x"]}) == (
            400,
            {"error": f'expire.{key}: a string, not ["x"]'},
        )


def test_a_lone_surrogate_in_a_body_is_not_valid_json(inproc: tuple[MockServer, Client]) -> None:
    _, client = inproc
    response = client.post(
        "/_pm3/clock",
        data='{"\\ud800": 1}',
        content_type="application/json",
        environ_base=LOOPBACK,
    )
    assert (response.status_code, response.get_json()) == (
        400,
        {
            "error": "body is not valid JSON: 'utf-8' codec can't encode character '\\ud800'"
            " in position 2: surrogates not allowed"
        },
    )


@pytest.mark.parametrize(("limit", "seqs"), [("1", [3]), ("2", [2, 3]), ("9", [1, 2, 3])])
def test_the_journal_limit_keeps_the_newest(
    inproc: tuple[MockServer, Client], limit: str, seqs: list[int]
) -> None:
    _, client = inproc
    for _ in range(3):
        client.get("/nothing-here")
    status, answer = _ask(client, "GET", "journal", query_string={"limit": limit})
    assert status == 200 and isinstance(answer, dict)
    assert [entry["seq"] for entry in answer["entries"]] == seqs


def test_a_value_error_from_below_is_a_400_naming_the_endpoint(
    inproc: tuple[MockServer, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net for a value the store refuses that no check caught first: no 500."""
    pm, client = inproc

    def refuse(**_: object) -> int:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(pm, "expire_tokens", refuse)
    assert _ask(client, "POST", "expire", {}) == (
        400,
        {"error": "expire: Python int too large to convert to SQLite INTEGER"},
    )


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("::1%lo0", True),  # a zone (scope) suffix is dropped before parsing
        ("::1%", True),  # even an empty one: everything from the first "%" is the zone
        ("127.0.0.1%lo0", True),
        ("::1%a%b", True),
        ("10.0.0.1%lo0", False),
        (" 127.0.0.1", False),  # no whitespace is stripped
        ("127.0.0.1 x", False),
    ],
)
def test_a_loopback_address_may_carry_a_zone(address: str, expected: bool) -> None:
    assert is_loopback(address) is expected


@pytest.mark.parametrize(
    ("host", "configured", "expected"),
    [
        ("localhost", "0.0.0.0", True),
        ("localhost.", "::", True),
        ("127.0.0.2", "", True),
        ("mock.test", "MOCK.Test", True),  # the configured host is compared in lower case
        ("mock.test", "", False),  # no configured host names nothing
        ("other.test", "mock.test", False),
        ("0.0.0.0", "0.0.0.0", False),  # a wildcard bind names no host
        ("::", "::", False),
    ],
)
def test_a_local_name_is_loopback_or_the_configured_host(
    host: str, configured: str, expected: bool
) -> None:
    assert is_local_name(host, configured) is expected


def test_an_origin_may_be_the_configured_host() -> None:
    pm = MockServer(host="mock.test", control=True)
    response = Client(pm.app).get(
        "/_pm3/health",
        environ_base=LOOPBACK,
        headers={"Host": "mock.test:8080", "Origin": "http://mock.test:8080"},
    )
    assert (response.status_code, response.get_json()["status"]) == (200, "ok")
    pm.close()


@pytest.mark.parametrize("path", ["/_pm3/health/", "/_pm3//health//"])
def test_slashes_around_a_command_name_are_ignored(
    inproc: tuple[MockServer, Client], path: str
) -> None:
    _, client = inproc
    response = client.get(path, environ_base=LOOPBACK)
    assert (response.status_code, response.get_json()["status"]) == (200, "ok")


@pytest.mark.parametrize("name", ["XX", "Xhealth", "healthX", "health "])
def test_an_unknown_command_is_named_as_sent(inproc: tuple[MockServer, Client], name: str) -> None:
    _, client = inproc
    response = client.get(f"/_pm3/{name}", environ_base=LOOPBACK)
    assert response.status_code == 404
    assert response.get_json()["error"] == f"unknown control endpoint {name!r}"


def test_a_limit_longer_than_any_journal_keeps_every_entry(
    inproc: tuple[MockServer, Client],
) -> None:
    """Even one with more digits than Python's int() accepts: no error text from below."""
    _, client = inproc
    client.post("/workflow/oauth2/token", data=password_params())
    digits = sys.get_int_max_str_digits() + 1
    for limit in ("9" * digits, "0" * digits + "1", "1" + "0" * 18):
        status, answer = _ask(client, "GET", "journal", query_string={"limit": limit})
        assert status == 200
        assert isinstance(answer, dict) and len(answer["entries"]) == 1, limit
    status, answer = _ask(client, "GET", "journal", query_string={"limit": "0" * digits})
    assert (status, answer) == (200, {"entries": [], "dropped": 0})


@pytest.fixture
def two_workspaces() -> Iterator[tuple[MockServer, Client]]:
    pm = MockServer(workspaces=("workflow", "other"), control=True)
    yield pm, Client(pm.app)
    pm.close()


def test_an_unknown_workspace_lists_every_served_one(
    two_workspaces: tuple[MockServer, Client],
) -> None:
    _, client = two_workspaces
    assert _ask(client, "POST", "clients", {"workspace": "x"}) == (
        400,
        {"error": "clients.workspace: no workspace 'x' (served: other, workflow)"},
    )


def test_expire_acts_in_the_workspace_named(two_workspaces: tuple[MockServer, Client]) -> None:
    _, client = two_workspaces
    token = client.post("/other/oauth2/token", data=password_params()).get_json()["access_token"]
    assert _ask(client, "POST", "expire", {"token": token}) == (
        404,
        {"error": "expire.token: no such access token"},
    )
    assert _ask(client, "POST", "expire", {"token": token, "workspace": "other"}) == (
        200,
        {"expired": 1},
    )
    assert _ask(client, "POST", "expire", {}) == (200, {"expired": 0})
    assert _ask(client, "POST", "expire", {"workspace": "other"}) == (200, {"expired": 2})


@pytest.mark.parametrize("name", [["documented"], {"a": 1}, None, 3])
def test_a_profile_name_that_is_not_a_string_is_refused_not_a_500(
    inproc: tuple[MockServer, Client], name: object
) -> None:
    """Found by the fuzzer: a list as the name reached a dict lookup and raised TypeError."""
    _, client = inproc
    assert _ask(client, "POST", "profile", {"name": name}) == (
        400,
        {"error": "profile.name: one of documented, pm-3.0-rc, pm-3.4.10, pm-3.4.11, rfc6749"},
    )


def test_the_control_api_off_hints_at_control() -> None:
    """``pm3-mockserver`` without ``--control``, then ``curl -X POST …/_pm3/reset``: a 404 that
    says how to turn the control API on, not a bare Not Found."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    try:
        url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        for answer in (
            requests.post(f"{url}/_pm3/reset", timeout=10),
            requests.post(f"{url}/_pm3/faults", json={"fault": "truncate"}, timeout=10),
        ):
            assert answer.status_code == 404
            assert "--control" in answer.json()["error"]["message"], answer.text
        # ProcessMaker's own paths keep their plain 404
        assert "--control" not in requests.get(f"{url}/api/1.0", timeout=10).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
