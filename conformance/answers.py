"""What a server answered, in words: the shape of an answer and a one-line description of it.

Failure messages say what the server did (its status and the shape of its body), never only
what was expected, so a report read without the evidence still tells the story.
"""

from __future__ import annotations

import re
from typing import Any
from typing import assert_never

from mockserver.redaction import SecretSet
from mockserver.state.profiles import UnknownWorkspaceStyle

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

UNAVAILABLE_WORKSPACE = "Bad Request: You have specified an unavailable workspace."
"""Restler's message for a workspace the server does not have (3.0 GA on, source facts)."""

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


def unknown_workspace_style(response: HttpResponse) -> UnknownWorkspaceStyle | None:
    """Which of ProcessMaker's answers for a workspace it does not have ``response`` is, if any:
    the one classifier the checks, ``fingerprint``, ``record`` and the login's diagnosis share.

    ``empty-503``: HTTP 503 and no body (the documentation); ``html-503``: 503 with an HTML page
    (3.0 betas); ``restler-400``: Restler's 400 :data:`UNAVAILABLE_WORKSPACE`; ``plain-404``:
    Restler's 404, with no message of its own (so a 404 alone does not prove the workspace
    unknown; callers that diagnose say so). ``None``: none of these (a token, another error).
    """
    if response.status == 503:
        if not response.body.strip():
            return "empty-503"
        ctype = (response.header("Content-Type") or "").lower()
        return "html-503" if ctype.startswith("text/html") else None
    shape = shape_of(response)
    if response.status == 400 and shape == "restler-error":
        message = response.json()["error"].get("message")
        return "restler-400" if message == UNAVAILABLE_WORKSPACE else None
    if response.status == 404 and shape in ("restler-error", "empty"):
        return "plain-404"
    return None


def unknown_workspace_phrase(style: UnknownWorkspaceStyle) -> str:
    """How a report names each unknown-workspace answer."""
    if style == "empty-503":
        return "HTTP 503 with an empty body"
    if style == "html-503":
        return "HTTP 503 with an HTML page"
    if style == "restler-400":
        return f"Restler's 400 {UNAVAILABLE_WORKSPACE!r}"
    if style == "plain-404":
        return "Restler's 404"
    assert_never(style)
