"""The hot-path ``Answer`` sends exactly the bytes the equivalent werkzeug ``Response`` sends."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from mockserver import get_profile
from mockserver.protocol import render
from mockserver.protocol.errors import InvalidClientError
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import RestlerError


def _wire(app: Any, method: str = "POST") -> tuple[str, list[tuple[str, str]], bytes]:
    environ = EnvironBuilder(method=method).get_environ()
    seen: list[Any] = []
    body = b"".join(app(environ, lambda status, headers, exc=None: seen.extend([status, headers])))
    return seen[0], list(seen[1]), body


ANSWERS = {
    "success": lambda p: render.token_success({"access_token": "a" * 40, "scope": "*/x"}, p),
    "error": lambda p: render.token_error(InvalidGrantError("Invalid username é"), p),
    "basic-401": lambda p: render.token_error(
        InvalidClientError("The client credentials are invalid"), p, basic_used=True
    ),
    "rest": lambda p: render.rest_json([{"usr_uid": "1"}], p, 201),
}


@pytest.mark.parametrize("profile", ["documented", "pm-3.4.10", "rfc6749"])
@pytest.mark.parametrize("kind", list(ANSWERS))
@pytest.mark.parametrize("method", ["POST", "HEAD"])
def test_an_answer_is_byte_identical_to_its_response(profile: str, kind: str, method: str) -> None:
    answer = ANSWERS[kind](get_profile(profile))
    assert isinstance(answer, render.Answer)
    assert _wire(answer, method) == _wire(answer.to_response(), method)
    assert render.header_items(answer) == tuple(answer.to_response().headers.items())
    assert answer.status == answer.to_response().status


@pytest.mark.parametrize(
    ("allowed", "header"),
    [
        ({"GET", "HEAD"}, "GET, OPTIONS"),
        ({"post", "get"}, "GET, OPTIONS, POST"),
        (set(), "OPTIONS"),
    ],
)
def test_a_405_allows_options_and_leaves_head_out(allowed: set[str], header: str) -> None:
    response = render.method_not_allowed(get_profile("documented"), allowed)
    assert response.status_code == 405
    assert response.headers["Allow"] == header
    # the name as sent (a journal and the wire keep its case; RFC 9110 §10.2.1 spells it so)
    assert ("Allow", header) in _wire(response, "GET")[1]


@pytest.mark.parametrize("headers", [None, [("X-A", "1")]])
def test_an_empty_answer_sends_no_content_type(headers: list[tuple[str, str]] | None) -> None:
    response = render.empty(503, headers)
    expected = [*(headers or []), ("Content-Length", "0")]
    assert render.header_items(response) == tuple(expected)
    assert _wire(response, "GET") == ("503 Service Unavailable", expected, b"")


def test_the_html_unknown_workspace_page_before_3_0_rc2() -> None:
    # pm3-behavior.md §1.5: app.php's 503 with Exception.phtml (title "Runtime Exception.") and
    # ID_NOT_WORKSPACE; the mock's page is its own minimal rendering of those two texts
    response = render.unknown_workspace(get_profile("pm-3.0-rc"))
    assert response.status_code == 503
    assert response.content_type == "text/html; charset=utf-8"
    assert response.get_data(as_text=True) == (
        "<!DOCTYPE html>\n<html><head><title>Runtime Exception.</title></head>\n"
        "<body><h1>Runtime Exception.</h1>\n"
        "<p>You have specified an unavailable workspace.</p></body></html>\n"
    )


@pytest.mark.parametrize(
    ("uri", "params", "options", "location", "body"),
    [
        # a callback with a query keeps it and the parameters follow with "&"
        (
            "http://cb.example/x?a=1",
            [("code", "c d"), ("state", "s")],
            {},
            "http://cb.example/x?a=1&code=c+d&state=s",
            b'{"code":"c d","state":"s"}',
        ),
        (
            "http://cb.example/",
            [("error", "access_denied")],
            {},
            "http://cb.example/?error=access_denied",
            b'{"error":"access_denied"}',
        ),
        ("http://cb.example/", [("code", "c")], {"body": "[]"}, "http://cb.example/?code=c", b"[]"),
        (
            "http://cb.example/?a",
            [("access_token", "t")],
            {"fragment": True},
            "http://cb.example/?a#access_token=t",
            b"[]",
        ),
    ],
)
def test_a_callback_redirect_is_sent_exactly(
    uri: str, params: list[tuple[str, str]], options: Any, location: str, body: bytes
) -> None:
    response = render.oauth_redirect(uri, params, **options)
    assert response.status_code == 302
    assert render.header_items(response) == (
        ("Location", location),
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        ("Access-Control-Allow-Origin", "*"),
        ("Content-Length", str(len(body))),
    )
    assert response.get_data() == body


@pytest.mark.parametrize("with_error", [False, True])
def test_an_rfc6750_401_is_sent_exactly(with_error: bool) -> None:
    from mockserver.protocol.errors import InvalidTokenError

    err = InvalidTokenError(InvalidTokenError.INVALID) if with_error else None
    response = render.rest_unauthorized(get_profile("rfc6749"), err)
    challenge = 'Bearer realm="Service"'
    body = b""
    if with_error:
        challenge += (
            ', error="invalid_token", error_description="The access token provided is invalid"'
        )
        body = (
            b'{"error":"invalid_token","error_description":"The access token provided is invalid"}'
        )
    assert response.status_code == 401
    assert render.header_items(response) == (
        ("Content-Type", "application/json"),
        ("WWW-Authenticate", challenge),
        ("Cache-Control", "no-store"),
        ("Access-Control-Allow-Origin", "*"),
        ("Content-Length", str(len(body))),
    )
    assert response.get_data() == body


@pytest.mark.parametrize(
    ("options", "cors"), [({}, True), ({"cors": True}, True), ({"cors": False}, False)]
)
def test_a_restler_error_allows_any_origin_unless_dispatch_was_not_reached(
    options: Any, cors: bool
) -> None:
    """pm3-behavior.md §1.5: an error before dispatch (unknown workspace) has no
    Access-Control-Allow-Origin; errors of a dispatched request have it."""
    profile = get_profile("pm-3.4.10")
    response = render.restler_error(RestlerError(404), profile, **options)
    body = b'{"error":{"code":404,"message":"Not Found"}}'
    assert render.header_items(response) == (
        *render.restler_headers(profile),
        *([("Access-Control-Allow-Origin", "*")] if cors else []),
        ("Content-Length", str(len(body))),
    )
    assert response.get_data() == body


def test_a_debug_restler_error_carries_restlers_debug_block() -> None:
    err = RestlerError(401, debug=True)
    answer = render.restler_error(err, get_profile("documented"))
    assert answer.get_json()["debug"] == {
        "source": "WebApplication.php:566 at setup stage",
        "stages": {"success": [], "failure": ["message"]},
    }


def test_header_names_are_written_as_php_writes_them() -> None:
    """Names are case-insensitive on the wire, but a journal, a fingerprint or a strict proxy
    sees them as sent; PHP's header() and bshaffer send them capitalised."""
    names = [k for k, _ in render.restler_headers(get_profile("pm-3.4.10"))]
    assert names[:2] == ["Content-Type", "Cache-Control"]
    err = render.oauth_json_error(InvalidClientError(InvalidClientError.NO_CLIENT_ID))
    assert [k for k, _ in render.header_items(err)][:2] == ["Content-Type", "Cache-Control"]
    redirect = render.oauth_redirect("http://cb.example/", [("code", "c")])
    assert [k for k, _ in render.header_items(redirect)][:3] == [
        "Location",
        "Content-Type",
        "Cache-Control",
    ]
