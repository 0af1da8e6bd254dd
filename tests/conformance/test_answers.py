"""Shapes of answers and the one-line descriptions failure messages use."""

from __future__ import annotations

import json

import pytest

from conformance.answers import describe
from conformance.answers import shape_of
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
