"""What a server answered, in words: the shape of an answer and a one-line description of it.

Failure messages say what the server did (its status and the shape of its body), never only
what was expected, so a report read without the evidence still tells the story.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.redaction import SecretSet

from . import strictjson
from .http import HttpResponse

SHAPES: dict[str, str] = {
    "empty": "an empty body",
    "token": "a token",
    "oauth-error": "a flat OAuth error",
    "restler-error": "Restler's nested error",
    "json": "another JSON value",
    "html": "an HTML page",
    "text": "a body that is not JSON",
}
"""Every shape :func:`shape_of` names, as a phrase."""

SCHEMA_SHAPES = {
    "oauth-error": "oauth-error",
    "restler-error": "restler-error",
    "token-response": "token",
}
"""The schemas that stand for one shape each."""

_TITLE = re.compile(r"<title>\s*([^<]*?)\s*</title>", re.IGNORECASE)


def shape_of_value(value: Any) -> str:
    """The shape of a decoded JSON value: token, oauth-error, restler-error or json."""
    if isinstance(value, dict):
        if "access_token" in value:
            return "token"
        error = value.get("error")
        if isinstance(error, str):
            return "oauth-error"
        if isinstance(error, dict):
            return "restler-error"
    return "json"


def shape_of(response: HttpResponse) -> str:
    """The shape of an answer's body: one of :data:`SHAPES`."""
    if not response.body.strip():
        return "empty"
    body = response.json()
    if body is not None or response.body.strip() == b"null":
        return shape_of_value(body)
    ctype = (response.header("Content-Type") or "").lower()
    if ctype.startswith("text/html") or response.body.lstrip()[:1] == b"<":
        return "html"
    return "text"


def _not_json(response: HttpResponse) -> str:
    """ "a body that is not JSON", or, for JSON Python reads but PHP does not, which rule
    :data:`~conformance.strictjson.PARSER` applied."""
    refused = strictjson.refusal(response.body)
    if refused is not None and strictjson.lenient_reads(response.body):
        return f"a body {strictjson.PARSER} refuses with {refused.php_error!r} ({refused.reason})"
    return SHAPES["text"]


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe(response: HttpResponse, secrets: SecretSet | None = None) -> str:
    """``HTTP <status> with <the shape, and what identifies it>``, secrets hidden.

    e.g. ``HTTP 200 with a flat OAuth error 'invalid_grant': 'Invalid refresh token'``,
    ``HTTP 503 with an empty body``, ``HTTP 302 to '/sysworkflow/en/neoclassic/login/login?u=…'``.
    """
    vault = secrets if secrets is not None else SecretSet()
    shape = shape_of(response)
    body = response.json()
    if shape == "oauth-error":
        what = f"{SHAPES[shape]} {body['error']!r}: {body.get('error_description')!r}"
    elif shape == "restler-error":
        error = body["error"]
        what = f"{SHAPES[shape]} {error.get('code')!r} {error.get('message')!r}"
    elif shape == "json":
        what = f"JSON {_one_line(vault.redact(response.text), 80)!r}"
    elif shape == "html":
        title = _TITLE.search(response.text)
        what = SHAPES[shape] + (f" titled {_one_line(title.group(1), 60)!r}" if title else "")
    elif shape == "text":
        what = f"{_not_json(response)}: {_one_line(vault.redact(response.text), 80)!r}"
    else:
        what = SHAPES[shape]
    location = response.header("Location")
    if 300 <= response.status < 400 and location is not None:
        where = f" to {vault.redact(location)!r}"
        return f"HTTP {response.status}{where}" + ("" if shape == "empty" else f" with {what}")
    return vault.redact(f"HTTP {response.status} with {what}")
