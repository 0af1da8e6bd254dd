"""Broken servers the checks' first inputs were too tame to see (issue 25, item 3).

Each is a proxy in front of the mock (:mod:`tests.conformance.proxy_kit`) breaking one rule the
way a configuration change or a reverse proxy really does; each was run against the check as it
was before (it passed: the break went unseen) and is caught now. ``test_proxy_controls.py`` runs
them: the check must fail, on ``breaks``, for the reason ``reason`` names.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode
from urllib.parse import urlsplit

from tests.conformance.control_kit import Control
from tests.conformance.proxy_kit import Headers
from tests.conformance.proxy_kit import behind_proxy

REGISTERED = "http://localhost/callback"
"""The documentation's example client's callback, as the mock seeds it."""
_SUPPLIED = "pm3.supplied_redirect_uri"


def _with_redirect_uri(environ: dict[str, Any], accept: Any) -> None:
    """Replace a supplied ``redirect_uri`` that ``accept`` lets through by the registered one
    (so the mock accepts it), remembering it to put it back into the Location."""
    pairs = parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    supplied = dict(pairs).get("redirect_uri")
    if supplied is None or supplied == REGISTERED or "#" in supplied or not accept(supplied):
        return
    environ[_SUPPLIED] = supplied
    pairs = [(k, REGISTERED if k == "redirect_uri" else v) for k, v in pairs]
    environ["QUERY_STRING"] = urlencode(pairs)


def _to_supplied(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    supplied = environ.get(_SUPPLIED)
    if supplied is None:
        return status, headers, body
    out = []
    for key, value in headers:
        if key.lower() == "location" and value.startswith(REGISTERED):
            rest = value[len(REGISTERED) :]
            joiner = "&" if "?" in supplied and rest.startswith("?") else ""
            value = supplied + (joiner + rest[1:] if joiner else rest)
        out.append((key, value))
    return status, out, body


def _prefix_match(supplied: str) -> bool:
    # bshaffer's AuthorizeController::validateRedirectUri with require_exact_redirect_uri =>
    # false: strcasecmp(substr($inputUri, 0, strlen($registered)), $registered) === 0
    return supplied[: len(REGISTERED)].lower() == REGISTERED.lower()


def _normalised(uri: str) -> str:
    split = urlsplit(unquote(uri))
    host = (split.hostname or "").lower()
    return f"{split.scheme.lower()}://{host}{split.path.rstrip('/')}"


def _normalising_match(supplied: str) -> bool:
    # a "friendly" comparison: scheme and host case, userinfo, a trailing slash and percent
    # encoding ignored, as URL-normalising libraries do before comparing
    return _normalised(supplied) == _normalised(REGISTERED) and "?" not in supplied


def _double_encoded_state(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    out = []
    for key, value in headers:
        if key.lower() == "location":
            value = re.sub(r"([?&#]state=)([^&#]*)", lambda m: m[1] + quote(m[2], safe=""), value)
        out.append((key, value))
    return status, out, body


class _UrlCache:
    """A reverse proxy caching GET answers of the REST API by their full URL: a token in
    ``?access_token=`` is part of the key, so its answer outlives the token."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[int, Headers, bytes]] = {}

    def key(self, environ: dict[str, Any]) -> str | None:
        path = str(environ.get("PATH_INFO", ""))
        query = str(environ.get("QUERY_STRING", ""))
        if environ.get("REQUEST_METHOD") == "GET" and "/api/" in path and "access_token=" in query:
            return f"{path}?{query}"
        return None

    def rewrite(
        self, environ: dict[str, Any], status: int, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        key = self.key(environ)
        if key is None:
            return status, headers, body
        if key in self.kept:
            return self.kept[key]
        if status == 200:
            self.kept[key] = (status, headers, body)
        return status, headers, body


def _url_cache() -> Any:
    def prepare(pm: Any) -> None:
        behind_proxy(_UrlCache().rewrite)(pm)

    return prepare


def _gateway_refusal_for_query_tokens(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    # a gateway in front of an RFC 6750 server that checks query tokens itself: the same 401
    # and challenge, its own body (the header token's refusal is the server's)
    query = str(environ.get("QUERY_STRING", ""))
    challenged = any(k.lower() == "www-authenticate" for k, _ in headers)
    if status == 401 and challenged and "access_token=" in query:
        return status, headers, b'{"message":"Unauthorized"}'
    return status, headers, body


def _no_cors_on_errors(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    if status >= 400 and "/api/" in str(environ.get("PATH_INFO", "")):
        headers = [(k, v) for k, v in headers if k.lower() != "access-control-allow-origin"]
    return status, headers, body


def _any_api_workspace(environ: dict[str, Any]) -> None:
    # a rewrite rule that sends /api/1.0/<anything>/ to the one workspace installed
    path = str(environ.get("PATH_INFO", ""))
    match = re.match(r"^/api/1\.0/([^/]+)/", path)
    if match and match[1] != "workflow":
        environ["PATH_INFO"] = "/api/1.0/workflow/" + path[match.end() :]


ADVERSARIAL_CONTROLS: dict[str, list[Control]] = {
    "PM3-AUTHZ-010": [
        Control(
            prepare=behind_proxy(
                _to_supplied, edit_request=lambda e: _with_redirect_uri(e, _prefix_match)
            ),
            note="bshaffer's require_exact_redirect_uri => false: a case-insensitive prefix",
            breaks="redirect",
            reason=r"http://localhost/callback",
        ),
        Control(
            prepare=behind_proxy(
                _to_supplied, edit_request=lambda e: _with_redirect_uri(e, _normalising_match)
            ),
            note="URIs normalised before comparing (host case, userinfo, slash, %-encoding)",
            breaks="redirect",
            reason=r"(?i)localhost",
        ),
    ],
    "PM3-AUTHZ-003": [
        Control(
            prepare=behind_proxy(_double_encoded_state),
            note="the state encoded twice in the Location",
            breaks="field:state",
            reason="state not echoed",
        ),
    ],
    "PM3-REST-002": [
        Control(
            prepare=_url_cache(),
            note="a proxy caching GET /api answers by URL, ?access_token= included",
            breaks="refused",
            reason=r"(expired|deleted)",
        ),
        Control(
            expected="rfc6749",
            prepare=behind_proxy(_gateway_refusal_for_query_tokens),
            note="a gateway refusing ?access_token= with its own 401 body, not the server's",
            breaks="refused",
            reason="Authorization header",
        ),
    ],
    "PM3-REST-012": [
        Control(
            prepare=_url_cache(),
            note="a proxy caching GET /api answers by URL, ?access_token= included",
            breaks="refused",
            reason=r"past its lifetime",
        ),
    ],
    "PM3-WS-004": [
        Control(
            prepare=behind_proxy(_no_cors_on_errors),
            note="Access-Control-Allow-Origin on the API's 200s only, not on its 401",
            breaks="header:Access-Control-Allow-Origin",
            reason="401",
        ),
    ],
    "PM3-WS-001": [
        Control(
            prepare=behind_proxy(edit_request=_any_api_workspace),
            note="/api/1.0/<any workspace>/ routed to the installed one",
            breaks="status",
            reason=r"/api/1\.0/",
        ),
    ],
}
"""Check id → the broken servers it must catch beyond its first control."""
