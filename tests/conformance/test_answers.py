"""Shapes of answers and the one-line descriptions failure messages use."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.answers import UNAVAILABLE_WORKSPACE
from conformance.answers import describe
from conformance.answers import shape_of
from conformance.answers import unknown_workspace_style
from conformance.http import HttpResponse
from mockserver.redaction import SecretSet


def answer(status: int, body: object = b"", **headers: str) -> HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, tuple((k.replace("_", "-"), v) for k, v in headers.items()), raw)


@pytest.mark.parametrize(
    ("response", "shape"),
    [
        (answer(503), "empty"),
        (answer(200, {"access_token": "a" * 40, "token_type": "bearer"}), "token"),
        (answer(200, {"error": "invalid_grant", "error_description": "x"}), "oauth-error"),
        (answer(400, {"error": {"code": 400, "message": "Bad Request"}}), "restler-error"),
        (answer(200, []), "json"),
        (answer(500, b"<html><title>500</title></html>", Content_Type="text/html"), "html"),
        (answer(502, b"Bad gateway"), "text"),
    ],
)
def test_every_shape_is_told_apart(response: HttpResponse, shape: str) -> None:
    assert shape_of(response) == shape


def test_descriptions_name_the_status_and_the_shape() -> None:
    assert describe(answer(503)) == "HTTP 503 with an empty body"
    assert (
        describe(
            answer(200, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
        )
        == "HTTP 200 with a flat OAuth error 'invalid_grant': 'Invalid refresh token'"
    )
    assert (
        describe(answer(405, {"error": {"code": 405, "message": "Method Not Allowed"}}))
        == "HTTP 405 with Restler's nested error 405 'Method Not Allowed'"
    )
    page = answer(404, b"<html><head><title> Not Found </title></head></html>")
    assert describe(page) == "HTTP 404 with an HTML page titled 'Not Found'"


def test_redirects_say_where_to_and_hide_secrets() -> None:
    code = "0123456789abcdef0123456789abcdef01234567"
    response = answer(302, Location=f"http://localhost/callback?code={code}")
    text = describe(response, SecretSet([code]))
    assert text.startswith("HTTP 302 to 'http://localhost/callback?code=")
    assert code not in text


@pytest.mark.parametrize(
    ("response", "style"),
    [
        (HttpResponse(503, (), b""), "empty-503"),
        (
            HttpResponse(503, (("Content-Type", "text/html; charset=utf-8"),), b"<html/>"),
            "html-503",
        ),
        (
            HttpResponse(
                400,
                (("Content-Type", "application/json"),),
                json.dumps({"error": {"code": 400, "message": UNAVAILABLE_WORKSPACE}}).encode(),
            ),
            "restler-400",
        ),
        (
            HttpResponse(
                404, (), json.dumps({"error": {"code": 404, "message": "Not Found"}}).encode()
            ),
            "plain-404",
        ),
        # none of ProcessMaker's answers for a workspace it does not have
        (HttpResponse(503, (("Content-Type", "text/plain"),), b"down for maintenance"), None),
        (
            HttpResponse(
                400, (), json.dumps({"error": {"code": 400, "message": "Bad Request"}}).encode()
            ),
            None,
        ),
        (HttpResponse(200, (), json.dumps({"access_token": "a" * 40}).encode()), None),
        (HttpResponse(404, (), b"<html>nginx</html>"), None),
    ],
)
def test_one_classifier_names_each_unknown_workspace_answer(
    response: HttpResponse, style: str | None
) -> None:
    assert unknown_workspace_style(response) == style


def test_fingerprint_and_record_read_the_unknown_workspace_with_the_one_classifier() -> None:
    from conformance.fingerprint import probe
    from conformance.http import HttpTransport
    from conformance.record import record
    from conformance.target import load_credentials
    from mockserver import MockServer
    from tests.conformance.proxy_kit import behind_proxy

    def ok_for_unknown(environ: Any, status: int, headers: Any, body: bytes) -> Any:
        if str(environ.get("PATH_INFO", "")).startswith("/pm3probe"):
            return 200, [("Content-Type", "application/json")], b'{"ok": 1}'
        return status, headers, body

    credentials = load_credentials(env={})
    pm = MockServer()
    behind_proxy(ok_for_unknown)(pm)  # a proxy that answers 200 for any unknown workspace
    with pm:
        seen = probe(HttpTransport(pm.url), "workflow", credentials)
        recording = record(HttpTransport(pm.url), "workflow", credentials, url=pm.url)
    (observed,) = [o for o in seen.observations if o.field == "unknown_workspace"]
    assert observed.observed == "other (HTTP 200)"  # never mistaken for one of the four
    assert "unknown_workspace" not in recording.measured  # inherited, not guessed
    assert "none of ProcessMaker's answers" in recording.notes["unknown_workspace"]
