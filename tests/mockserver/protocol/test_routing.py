"""The one routing table: what the app dispatches on and what scripting matches on agree."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.routing import endpoints
from mockserver.protocol.routing import route

CASES = [
    # (method, path, mode, endpoint, family, workspace, resource)
    ("POST", "/workflow/oauth2/token", "oauth", "token", "token", "workflow", ""),
    ("GET", "/workflow/oauth2/token", "oauth", "token", "token", "workflow", ""),
    ("OPTIONS", "/workflow/oauth2/token", "oauth", "token", "options", "workflow", ""),
    ("GET", "/workflow/oauth2/authorize", "oauth", "authorize", "authorize", "workflow", ""),
    ("POST", "/workflow/oauth2/abc/expire", "oauth", "expire", "expire", "workflow", "abc"),
    ("DELETE", "/workflow/oauth2/abc", "oauth", "delete", "delete", "workflow", "abc"),
    ("GET", "/workflow/oauth2/abc", "oauth", "delete", "other", "workflow", "abc"),
    ("GET", "/workflow/oauth2/a/b/c", "oauth", "not_found", "other", "workflow", ""),
    ("POST", "/api/oauth2/token", "oauth", "token", "token", "api", ""),
    ("GET", "/api/1.0/workflow/users", "api", "api", "api", "workflow", "users"),
    ("POST", "/api/1.0/workflow/token", "api", "api_token", "token", "workflow", "token"),
    ("GET", "/api/1.0/workflow/oauth2/token", "api", "api", "token", "workflow", "oauth2/token"),
    # PM's front controller: a first segment beginning with "api" is API mode.
    ("POST", "/apitest/oauth2/token/x", "api", "api", "api", "token", "x"),
    (
        "GET",
        "/sysworkflow/en/neoclassic/login/login",
        "classic",
        "login",
        "login",
        "workflow",
        "login/login",
    ),
    (
        "POST",
        "/sysworkflow/en/neoclassic/login/authentication.php",
        "classic",
        "authentication",
        "login",
        "workflow",
        "login/authentication.php",
    ),
    (
        "GET",
        "/sysworkflow/en/neoclassic/login/nope",
        "classic",
        "not_found",
        "login",
        "workflow",
        "login/nope",
    ),
    (
        "GET",
        "/sysworkflow/en/neoclassic/oauth2/grant",
        "classic",
        "grant",
        "applications",
        "workflow",
        "oauth2/grant",
    ),
    (
        "POST",
        "/sysworkflow/en/neoclassic/oauth2/clientSetupAjax",
        "classic",
        "client_setup",
        "applications",
        "workflow",
        "oauth2/clientSetupAjax",
    ),
    ("GET", "/_pm3/journal", "control", "control", "control", "", "journal"),
    ("GET", "/favicon.ico", "none", "not_found", "other", "", ""),
]


@pytest.mark.parametrize(("method", "path", "mode", "endpoint", "family", "ws", "resource"), CASES)
def test_route(
    method: str, path: str, mode: str, endpoint: str, family: str, ws: str, resource: str
) -> None:
    r = route(path, method)
    assert (r.mode, r.endpoint, r.family, r.workspace, r.resource) == (
        mode,
        endpoint,
        family,
        ws,
        resource,
    )


def test_methods_and_head() -> None:
    login = route("/sysworkflow/en/neoclassic/login/login", "HEAD")
    assert login.allowed("HEAD") and login.allowed("GET") and not login.allowed("POST")
    assert not route("/workflow/oauth2/token", "GET").allowed("GET")
    assert set(endpoints()) >= {"token", "authorize", "expire", "delete", "login", "grant"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/workflow/oauth2/token", 405),
        ("PUT", "/workflow/oauth2/authorize", 405),
        ("GET", "/workflow/oauth2/a/b/c", 404),
        ("POST", "/sysworkflow/en/neoclassic/login/login", 405),
        ("GET", "/sysworkflow/en/neoclassic/login/nope", 404),
        ("HEAD", "/sysworkflow/en/neoclassic/login/login", 200),
    ],
)
def test_the_app_answers_what_the_route_says(method: str, path: str, status: int) -> None:
    pm = MockServer()
    answer = Client(pm.app).open(path, method=method)
    pm.close()
    assert answer.status_code == status


def test_the_journal_files_requests_under_the_route_family() -> None:
    pm = MockServer()
    client = Client(pm.app)
    client.get("/workflow/oauth2/abc")
    client.delete("/workflow/oauth2/abc")
    client.get("/sysworkflow/en/neoclassic/oauth2/grant")
    assert [e.request.endpoint for e in pm.journal] == ["other", "delete", "applications"]
    pm.close()


def test_a_request_is_routed_once() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from mockserver.protocol.routing import route_of

    request = Request(EnvironBuilder(path="/workflow/oauth2/token", method="POST").get_environ())
    first = route_of(request)
    assert route_of(request) is first
    assert first == route("/workflow/oauth2/token", "POST")
