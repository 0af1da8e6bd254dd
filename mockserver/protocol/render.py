"""The one seam that turns results and errors into HTTP responses, per profile.

Source: source fact §1.4-§1.5 (CORS, unknown workspace), §2.4 step 8 and §3.2 (which headers
and status a token answer carries in each version), §9 (the REST 401).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import assert_never
from urllib.parse import quote_plus

from werkzeug.datastructures import Headers
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from mockserver.protocol.errors import HTTP_REASONS
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.state.profiles import Profile

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

CORS_ALLOW_ORIGIN = ("Access-Control-Allow-Origin", "*")

REASON_PHRASES: Mapping[int, str] = HTTP_REASONS
"""The reason phrase of each status line, as ProcessMaker's server sends it (Restler's, bshaffer's
and Apache's agree; :data:`mockserver.protocol.errors.HTTP_REASONS`). werkzeug would send them
in capitals (``404 NOT FOUND``)."""


def status_line(code: int) -> str:
    """``404 Not Found``: the status as ProcessMaker's Apache sends it."""
    reason = REASON_PHRASES.get(code) or HTTP_STATUS_CODES.get(code, "Unknown")
    return f"{code} {reason}"


class Answer:
    """A finished JSON answer of a hot path (token endpoint, REST resources): status, header pairs
    and body, sent as werkzeug would send the same :class:`Response`, without building one.

    What edits an answer (an ``alter`` override, a fault) gets a real :class:`Response` from
    :meth:`to_response`; the bytes on the wire are the same either way (a test holds them equal).
    """

    __slots__ = ("data", "header_list", "status_code")

    def __init__(self, body: str, status: int, headers: list[tuple[str, str]]) -> None:
        self.data = body.encode("utf-8")
        self.status_code = status
        self.header_list = [*headers, ("Content-Length", str(len(self.data)))]

    @property
    def status(self) -> str:
        return status_line(self.status_code)

    @property
    def headers(self) -> Headers:
        return Headers(self.header_list)

    def get_data(self) -> bytes:
        return self.data

    def to_response(self) -> Response:
        return Response(self.data, status=self.status, headers=self.header_list[:-1])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response(self.status, list(self.header_list))
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.data]


Reply = Response | Answer
"""What an endpoint returns."""


def as_response(reply: Reply) -> Response:
    """A werkzeug :class:`Response` to edit (overrides, faults)."""
    return reply.to_response() if isinstance(reply, Answer) else reply


def header_items(reply: Reply) -> tuple[tuple[str, str], ...]:
    """The headers of a reply, as werkzeug's ``Response.headers`` lists them."""
    return tuple(reply.header_list) if isinstance(reply, Answer) else tuple(reply.headers.items())


OPTIONS_HEADERS = (
    ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS, HEADERS"),
    ("Access-Control-Allow-Headers", "authorization, content-type"),
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Max-Age", "60"),
)


def json_text(data: object, *, pretty: bool = False) -> str:
    """JSON as PHP's ``json_encode`` writes it (``/`` escaped), compact unless ``pretty``."""
    # PHP json_encode escapes "/" by default; bshaffer and Restler both use it.
    if pretty:
        text = json.dumps(data, indent=4, ensure_ascii=False)
    else:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("/", "\\/")


def restler_headers(profile: Profile) -> list[tuple[str, str]]:
    """Headers Restler's ``compose()`` sets on everything it answers."""
    return [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Cache-Control", "no-cache, must-revalidate"),
        ("Expires", "0"),
        ("X-Powered-By", f"Luracast Restler v{profile.restler_version}"),
        ("Content-Language", "en"),
    ]


def token_headers(profile: Profile) -> list[tuple[str, str]]:
    """Headers of a token-endpoint answer (success or error) in this profile."""
    style = profile.token_headers
    if style == "restler":
        # bshaffer's Pragma survives Restler's rewrite (§3.2 row 3).
        return [*restler_headers(profile), ("Pragma", "no-cache"), CORS_ALLOW_ORIGIN]
    if style == "bshaffer":
        return [
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            ("Pragma", "no-cache"),
            CORS_ALLOW_ORIGIN,
        ]
    assert_never(style)


def token_success(body: dict[str, object], profile: Profile) -> Answer:
    return Answer(json_text(body), 200, token_headers(profile))


def token_error(err: OAuthError, profile: Profile, *, basic_used: bool = False) -> Answer:
    """A flat bshaffer error from the token endpoint, with the profile's status and headers."""
    status = err.http_status if profile.token_error_status is None else profile.token_error_status
    headers = token_headers(profile)
    if (
        err.error == "invalid_client"
        and basic_used
        and profile.invalid_client_status_with_basic is not None
    ):
        status = profile.invalid_client_status_with_basic
        headers.append(("WWW-Authenticate", 'Basic realm="Service"'))
    return Answer(json_text(err.body()), status, headers)


def oauth_json_error(err: OAuthError) -> Response:
    """A flat error the authorize POST sends as JSON (status always preserved, §8.3)."""
    return Response(
        json_text(err.body()),
        status=err.http_status,
        headers=[
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            CORS_ALLOW_ORIGIN,
        ],
    )


def method_not_allowed(profile: Profile, allowed: Iterable[str]) -> Response:
    """Restler's 405, with the ``Allow`` header RFC 9110 §15.5.6 requires (OPTIONS always works)."""
    response = restler_error(RestlerError(405), profile)
    methods = sorted({*(m.upper() for m in allowed), "OPTIONS"} - {"HEAD"})
    response.headers["Allow"] = ", ".join(methods)
    return response


def restler_error(err: RestlerError, profile: Profile, *, cors: bool = True) -> Response:
    """A Restler error object; pretty-printed with a ``debug`` block in debug mode (§1.5)."""
    body: dict[str, object] = dict(err.body())
    if err.debug:
        body["debug"] = {
            "source": "WebApplication.php:566 at setup stage",
            "stages": {"success": [], "failure": ["message"]},
        }
    headers = restler_headers(profile)
    if cors:
        headers.append(CORS_ALLOW_ORIGIN)
    return Response(json_text(body, pretty=err.debug), status=err.code, headers=headers)


def rest_unauthorized(profile: Profile, err: OAuthError | None) -> Response:
    """The answer of ``/api/1.0`` to a missing, invalid or expired token."""
    style = profile.resource_errors
    if style == "rfc6750":
        challenge = 'Bearer realm="Service"'
        if err is not None:
            challenge += f', error="{err.error}", error_description="{err.description}"'
            body = json_text(err.body())
        else:
            body = ""
        return Response(
            body,
            status=401,
            headers=[
                ("Content-Type", "application/json"),
                ("WWW-Authenticate", challenge),
                ("Cache-Control", "no-store"),
                CORS_ALLOW_ORIGIN,
            ],
        )
    if style == "restler-401":
        return restler_error(RestlerError(401), profile)
    assert_never(style)


def rest_json(data: object, profile: Profile, status: int = 200) -> Answer:
    return Answer(json_text(data), status, [*restler_headers(profile), CORS_ALLOW_ORIGIN])


def empty(status: int, headers: list[tuple[str, str]] | None = None) -> Response:
    response = Response(b"", status=status_line(status), headers=headers or [])
    del response.content_type  # werkzeug always adds one; an empty answer has none
    return response


def unknown_workspace(profile: Profile) -> Response:
    """Unknown workspace, per profile (§1.5 and the documentation's 'Error Response')."""
    style = profile.unknown_workspace
    if style == "empty-503":
        return empty(503)
    if style == "html-503":
        page = (
            "<!DOCTYPE html>\n<html><head><title>Runtime Exception.</title></head>\n"
            "<body><h1>Runtime Exception.</h1>\n"
            "<p>You have specified an unavailable workspace.</p></body></html>\n"
        )
        return Response(page, status=503, content_type="text/html; charset=utf-8")
    if style == "plain-404":
        return restler_error(RestlerError(404), profile, cors=False)
    if style == "restler-400":
        return restler_error(
            RestlerError(400, RestlerError.UNKNOWN_WORKSPACE, debug=True), profile, cors=False
        )
    assert_never(style)


def html(page: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(
        page, status=status, headers=headers or [], content_type="text/html; charset=utf-8"
    )


# --- redirects to a client's callback (authorize) -------------------------------------------------
def php_urlencode(value: str) -> str:
    """PHP ``urlencode``: spaces as ``+``, everything but ``A-Za-z0-9-_.`` escaped (``*`` → ``%2A``)."""
    return quote_plus(value, safe="").replace("~", "%7E")


def http_build_query(params: list[tuple[str, str]]) -> str:
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in params)


def oauth_redirect(
    uri: str, params: list[tuple[str, str]], *, fragment: bool = False, body: str | None = None
) -> Response:
    """bshaffer's 302 to a callback: the parameters in the query (or the fragment, implicit),
    PHP-encoded; the body is the parameters as JSON unless ``body`` is given."""
    if fragment:
        location = f"{uri}#{http_build_query(params)}"
    else:
        location = uri + ("&" if "?" in uri else "?") + http_build_query(params)
    if body is None:
        body = json_text(dict(params)) if not fragment else "[]"
    return Response(
        body,
        status=302,
        headers=[
            ("Location", location),
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            CORS_ALLOW_ORIGIN,
        ],
    )


def oauth_redirect_error(uri: str, err: OAuthError, state: str | None) -> Response:
    """An authorize error delivered to the callback (``error``, ``error_description``, ``state``)."""
    params = [("error", err.error), ("error_description", err.description)]
    if state is not None:
        params.append(("state", state))
    return oauth_redirect(uri, params)
