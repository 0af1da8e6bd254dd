"""Body parameters as ProcessMaker reads them: Restler's content negotiation, then bshaffer's view.

Source: source fact §2.2. Form-encoded, multipart and JSON bodies are accepted; a POST with
no Content-Type is decoded as JSON (Restler's default format); malformed JSON is a Restler 400 and
any other content type a Restler 403, both before PM code runs. A server that reads no JSON bodies
(:func:`read_form_body`) sees a JSON body, malformed or not, as no parameters. Values are coerced the way PHP would
see them (``true`` → ``"1"``, arrays → ``"Array"``), and a repeated form field keeps its last value,
as ``$_POST`` does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from werkzeug.exceptions import ClientDisconnected
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from mockserver.protocol.errors import RestlerError

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
JSON_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class BodyParams:
    """Parameters of a request body, and how they arrived."""

    values: Mapping[str, str]
    encoding: str  # "form" | "multipart" | "json" | "none"

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def php_string(value: object) -> str | None:
    """What PHP's string conversion of a decoded JSON value gives; ``None`` for ``null``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return value
    return "Array"


def php_empty(value: str | None) -> bool:
    """PHP's ``empty()`` on a request string: missing, ``""`` and ``"0"`` are empty."""
    return value is None or value in ("", "0")


def media_type(request: Request) -> str:
    """The Content-Type without parameters, as sent (case kept: PM's sniffing is case-sensitive)."""
    raw = request.headers.get("Content-Type", "")
    return raw.split(";", 1)[0].strip()


_CACHE_KEY = "pm3.body"


def parse_form(raw: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded`` as PHP's ``$_POST`` sees it: the last duplicate wins,
    blank values are kept, invalid UTF-8 is replaced (not dropped). The same result as
    ``parse_qsl`` with those options, without its generality (the token endpoint's hot path)."""
    out: dict[str, str] = {}
    for pair in raw.decode("utf-8", errors="replace").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "+" in name or "%" in name:
            name = unquote_plus(name, errors="replace")
        if "+" in value or "%" in value:
            value = unquote_plus(value, errors="replace")
        out[name] = value
    return out


def read_body(request: Request) -> BodyParams:
    """Parse a POST body the way Restler + bshaffer do (once per request; the result is cached).

    :raises RestlerError: 400 for malformed JSON, 403 for an unsupported content type.
    :raises werkzeug.exceptions.RequestEntityTooLarge: over the app's size limit.
    """
    cached = request.environ.get(_CACHE_KEY)
    if isinstance(cached, BodyParams):
        return cached
    if isinstance(cached, Exception):
        raise cached
    try:
        parsed = _parse_body(request)
    except (RestlerError, RequestEntityTooLarge, ClientGone) as exc:
        request.environ[_CACHE_KEY] = exc
        raise
    request.environ[_CACHE_KEY] = parsed
    return parsed


def read_form_body(request: Request) -> BodyParams:
    """A POST body as a server that reads no JSON bodies sees it (``accept_json_token_request``
    off): a body Restler would decode as JSON (``application/json``, or no Content-Type), well
    formed or not, gives no parameters, as an empty form does, so malformed JSON is no parse
    error there; any other body as :func:`read_body` reads it. The body is still read (its size
    limit holds, a client that went away is noticed), then dropped.

    :raises RestlerError: 403 for an unsupported content type.
    :raises werkzeug.exceptions.RequestEntityTooLarge: over the app's size limit.
    """
    mtype = media_type(request)
    if mtype == "" or mtype.startswith(JSON_TYPE):
        _raw(request)
        return BodyParams({}, "none")
    return read_body(request)


class ClientGone(Exception):
    """The client sent less than its Content-Length and went away: nothing is processed."""


def _raw(request: Request) -> bytes:
    try:
        raw = request.get_data(cache=True)
    except ClientDisconnected:
        raise ClientGone() from None
    if request.content_length is not None and len(raw) < request.content_length:
        raise ClientGone()
    return raw


def _parse_body(request: Request) -> BodyParams:
    mtype = media_type(request)
    if mtype == FORM:
        # Parsed here rather than by werkzeug so that invalid UTF-8 is kept (replaced), not dropped;
        # a later duplicate wins, as in $_POST.
        return BodyParams(parse_form(_raw(request)), "form")
    if mtype == MULTIPART:
        try:
            form = request.form  # may raise RequestEntityTooLarge
        except ClientDisconnected:
            raise ClientGone() from None
        # A part whose name the parser cannot read (werkzeug gives None) is not a parameter.
        values = {key: form.getlist(key)[-1] for key in form if isinstance(key, str)}
        return BodyParams(values, "multipart")
    if mtype == "" or mtype.startswith(JSON_TYPE):
        raw = _raw(request)
        if not raw.strip():
            return BodyParams({}, "none" if mtype == "" else "json")
        try:
            decoded = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise RestlerError(400, RestlerError.MALFORMED_JSON) from None
        if b"\\u" in raw and _has_lone_surrogate(decoded):
            # PHP 7's json_decode refuses an unpaired UTF-16 surrogate (JSON_ERROR_UTF16).
            raise RestlerError(400, RestlerError.MALFORMED_JSON)
        if not isinstance(decoded, dict):
            return BodyParams({}, "json")
        coerced = {str(k): php_string(v) for k, v in decoded.items()}
        return BodyParams({k: v for k, v in coerced.items() if v is not None}, "json")
    raise RestlerError(403, RestlerError.unsupported_content_type(mtype))


def _has_lone_surrogate(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


__all__ = [
    "BodyParams",
    "ClientGone",
    "RequestEntityTooLarge",
    "media_type",
    "php_empty",
    "php_string",
    "read_body",
]
