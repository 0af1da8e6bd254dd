"""The documentation's own examples, sent as their clients put them on the wire.

Other checks vary one property of a request at a time; these replay what each example in the
ProcessMaker documentation would send, headers and body, so that a server (or a proxy or WAF in
front of it) refusing any of those forms fails the suite. Each builder below names the client and
the facts it reproduces:

- PHP's cURL with an array as ``CURLOPT_POSTFIELDS`` (``pmRestLogin()``, ``pmRestRefresh()``,
  ``gettoken.php``) posts ``multipart/form-data``. The shape is libcurl's form post as built by
  the 7.2x-7.5x releases of ProcessMaker 3's platforms (CentOS 7, Ubuntu 16.04): ``Accept: */*``,
  no User-Agent (PHP sets none), ``Expect: 100-continue`` on every form post (libcurl's
  ``Curl_http``, case ``HTTPREQ_POST_FORM``, calls ``expect100()`` whatever the size), and a
  boundary of 28 dashes and 12 hex digits. Ours is fixed, so runs are reproducible.
- jQuery 1.11's ``$.ajax`` with a ``data`` object: ``jQuery.param`` (``encodeURIComponent``, so
  ``*`` stays literal, then ``%20`` as ``+``), ``Content-Type: application/x-www-form-urlencoded;
  charset=UTF-8``, ``Accept`` for ``dataType: 'json'``, and ``X-Requested-With: XMLHttpRequest``
  on same-origin requests only (jQuery leaves it out cross-domain).
- The JavaScript ``pmRestRefresh()``: a synchronous ``XMLHttpRequest`` with ``JSON.stringify``
  (no spaces) and ``Content-type: application/json; charset=utf-8``; from another origin the
  browser first sends a CORS preflight, since JSON is not a "simple" content type.
- The client_credentials example's ``Authorization`` header, byte for byte: its base64 has no
  ``=`` padding (PHP's ``base64_decode`` does not need it).
- ``?access_token=`` on ``/api/1.0`` resources (bshaffer's ``token_param_name``).

The documentation has no curl command lines (its cURL is PHP's), so none is replayed. Host and
Content-Length are set by the transport, with the values libcurl would send; over a socket the
standard library also adds ``Accept-Encoding: identity``, which PHP's cURL does not send.

Profiles: multipart and form bodies are accepted by every shipped profile (no profile field
refuses them; ``rfc6749`` is strict about JSON only), so those checks expect a token everywhere.
The JSON example follows ``accept_json_token_request``: where it is false the expected answer is
an empty form's (``invalid_request``, no grant type), as for PM3-TOKEN-PASSWORD-002.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote
from urllib.parse import urlsplit

from conformance.checks.token_password import JSON_REFUSED
from conformance.context import CheckContext
from conformance.failures import Failure
from conformance.failures import HeaderMismatch
from conformance.failures import SkipCheck
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check

LIBCURL_BOUNDARY = "-" * 28 + "5a1f0c3e9b27"
"""libcurl's form-post boundary shape (28 dashes, 12 hex digits), fixed for reproducible runs."""
JQUERY_FORM_TYPE = "application/x-www-form-urlencoded; charset=UTF-8"
JQUERY_JSON_ACCEPT = "application/json, text/javascript, */*; q=0.01"
XHR_JSON_TYPE = "application/json; charset=utf-8"
DOC_BASIC = "Basic eC1wbS1sb2NhbC1jbGllbnQ6MTc5YWQ0NWM2Y2UyY2I5N2NmMTAyOWUyMTIwNDZlODE"
"""The client_credentials example's header as the documentation prints it (no base64 padding);
it decodes to the built-in designer client, ``x-pm-local-client``."""
PAGE_ORIGIN = "http://example.com"
"""The origin of the documentation's example pages (its gettoken.php lives there)."""
DOC_RESOURCES = ("users", "cases", "projects")

Fields = Sequence[tuple[str, str]]


# --- what each documented client sends ---------------------------------------------------------
def php_curl_multipart(fields: Fields, boundary: str = LIBCURL_BOUNDARY) -> tuple[Fields, bytes]:
    """Headers and body of PHP's cURL posting ``fields`` (an array) as ``CURLOPT_POSTFIELDS``."""
    body = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), name.encode(), value.encode())
        for name, value in fields
    )
    body += b"--%s--\r\n" % boundary.encode()
    headers = (
        ("Accept", "*/*"),
        ("Expect", "100-continue"),
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
    )
    return headers, body


def jquery_param(fields: Fields) -> bytes:
    """``jQuery.param``: ``encodeURIComponent`` on names and values, then spaces as ``+``."""
    pairs = (
        f"{quote(name, safe=_URI_COMPONENT)}={quote(value, safe=_URI_COMPONENT)}"
        for name, value in fields
    )
    return "&".join(pairs).replace("%20", "+").encode()


_URI_COMPONENT = "-_.!~*'()"  # what encodeURIComponent leaves alone, besides letters and digits


def jquery_ajax_form(fields: Fields, *, origin: str, same_origin: bool) -> tuple[Fields, bytes]:
    """Headers and body of ``$.ajax({type: "POST", dataType: 'json', data: {...}})``."""
    headers: list[tuple[str, str]] = [
        ("Accept", JQUERY_JSON_ACCEPT),
        ("Content-Type", JQUERY_FORM_TYPE),
        ("Origin", origin),
    ]
    if same_origin:
        headers.append(("X-Requested-With", "XMLHttpRequest"))
    return headers, jquery_param(fields)


def xhr_json(fields: Fields, *, origin: str) -> tuple[Fields, bytes]:
    """Headers and body of the JavaScript ``pmRestRefresh()`` (``JSON.stringify`` of an object)."""
    body = json.dumps(dict(fields), separators=(",", ":"), ensure_ascii=False).encode()
    # The script's own Content-length is a forbidden header: the browser sends the real one.
    return (("Accept", "*/*"), ("Content-type", XHR_JSON_TYPE), ("Origin", origin)), body


# --- helpers -----------------------------------------------------------------------------------
@contextmanager
def _form(name: str) -> Iterator[None]:
    """Failures inside the block name the documented request form that was refused."""
    try:
        yield
    except Failure as exc:
        raise type(exc)(
            f"{name}: {exc.message}",
            expectation=exc.expectation,
            evidence=exc.evidence,
            curl=exc.curl,
        ) from None


def _post(ctx: CheckContext, headers: Fields, body: bytes, path: str = "") -> HttpResponse:
    response = ctx.request(
        "POST", path or ctx.token_path, body=body, headers=dict(headers), cookies=False
    )
    parsed = response.json()
    if isinstance(parsed, dict) and isinstance(parsed.get("access_token"), str):
        ctx.issued_access_tokens.append(parsed["access_token"])  # expired after a live run
    return response


def _own_origin(ctx: CheckContext) -> str:
    parts = urlsplit(ctx.session.transport.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def _expect_readable_cross_origin(ctx: CheckContext, response: HttpResponse) -> None:
    allowed = response.header("Access-Control-Allow-Origin")
    ctx.expect(
        allowed in ("*", PAGE_ORIGIN),
        f"a page on {PAGE_ORIGIN} cannot read the answer: Access-Control-Allow-Origin is "
        f"{allowed!r}",
        HeaderMismatch,
        expectation="header:Access-Control-Allow-Origin",
    )


def _login_fields(ctx: CheckContext) -> list[tuple[str, str]]:
    c = ctx.credentials
    return [
        ("grant_type", "password"),
        ("scope", "*"),
        ("client_id", c.client_id),
        ("client_secret", c.client_secret),
        ("username", c.username),
        ("password", c.password),
    ]


def _refresh_fields(ctx: CheckContext, refresh_token: str) -> list[tuple[str, str]]:
    c = ctx.credentials
    return [
        ("grant_type", "refresh_token"),
        ("client_id", c.client_id),
        ("client_secret", c.client_secret),
        ("refresh_token", refresh_token),
    ]


# --- checks ------------------------------------------------------------------------------------
@check(
    "PM3-DOCFORM-001",
    severity=Severity.CRITICAL,
    doc='"Password" Grant Type: PHP Example (pmRestLogin)',
    source="§2.2",
    tags=("doc-forms", "token", "password", "encoding"),
)
def php_pm_rest_login(ctx: CheckContext) -> None:
    """pmRestLogin() as PHP's cURL sends it (multipart, Expect: 100-continue) gets a token."""
    headers, body = php_curl_multipart(_login_fields(ctx))
    with _form("pmRestLogin() (PHP cURL multipart, Expect: 100-continue)"):
        ctx.expect_token_response(_post(ctx, headers, body), refresh=True, scope="*")


@check(
    "PM3-DOCFORM-002",
    severity=Severity.HIGH,
    doc="Get a New Access Token Using the Refresh Token: PHP Example (pmRestRefresh)",
    source="§2.2, §4",
    tags=("doc-forms", "token", "refresh", "encoding"),
)
def php_pm_rest_refresh(ctx: CheckContext) -> None:
    """pmRestRefresh() as PHP's cURL sends it (multipart) gets a new access token."""
    first = ctx.tokens()
    headers, body = php_curl_multipart(_refresh_fields(ctx, first["refresh_token"]))
    with _form("pmRestRefresh() (PHP cURL multipart, Expect: 100-continue)"):
        answer = ctx.expect_token_response(
            _post(ctx, headers, body), refresh=ctx.profile.always_issue_new_refresh_token
        )
        ctx.expect(
            answer["access_token"] != first["access_token"],
            "the refresh returned the same access token",
            expectation="rotation",
        )


@check(
    "PM3-DOCFORM-003",
    severity=Severity.HIGH,
    doc='"authorization_code" Grant Type: PHP Example (gettoken.php)',
    source="§2.2, §2.5 authorization_code",
    tags=("doc-forms", "token", "code", "encoding"),
    requires=("login",),
)
def php_gettoken_code_exchange(ctx: CheckContext) -> None:
    """gettoken.php's code exchange (PHP cURL multipart, credentials in the body) gets tokens."""
    c = ctx.credentials
    code = ctx.code()
    headers, body = php_curl_multipart(
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", c.client_id),
            ("client_secret", c.client_secret),
        ]
    )
    with _form("gettoken.php (PHP cURL multipart, Expect: 100-continue)"):
        ctx.expect_token_response(_post(ctx, headers, body), refresh=True, scope="*")


@check(
    "PM3-DOCFORM-004",
    severity=Severity.HIGH,
    doc='"Password" Grant Type: jQuery Example',
    source="§2.2",
    rfc="RFC 6749 §4.3.2",
    tags=("doc-forms", "token", "password", "encoding", "browser"),
)
def jquery_password_grant_same_origin(ctx: CheckContext) -> None:
    """The jQuery example from a page of the same origin (charset=UTF-8, X-Requested-With) gets a token."""
    headers, body = jquery_ajax_form(_login_fields(ctx), origin=_own_origin(ctx), same_origin=True)
    with _form("the jQuery $.ajax example (same origin: form; charset=UTF-8, X-Requested-With)"):
        ctx.expect_token_response(_post(ctx, headers, body), refresh=True, scope="*")


@check(
    "PM3-DOCFORM-005",
    severity=Severity.MEDIUM,
    doc='"Password" Grant Type: jQuery Example (restServer on another host)',
    source="§1.4 (Access-Control-Allow-Origin on dispatched requests), §2.2",
    tags=("doc-forms", "token", "password", "encoding", "browser", "cors"),
)
def jquery_password_grant_cross_origin(ctx: CheckContext) -> None:
    """The jQuery example from another origin gets a token its page may read (CORS)."""
    headers, body = jquery_ajax_form(_login_fields(ctx), origin=PAGE_ORIGIN, same_origin=False)
    with _form(f"the jQuery $.ajax example (from {PAGE_ORIGIN}: form; charset=UTF-8)"):
        response = _post(ctx, headers, body)
        ctx.expect_token_response(response, refresh=True, scope="*")
        _expect_readable_cross_origin(ctx, response)


@check(
    "PM3-DOCFORM-006",
    severity=Severity.HIGH,
    doc="Get a New Access Token Using the Refresh Token: JavaScript Example (JSON.stringify)",
    source="§1.4 (OPTIONS short-circuit), §2.2",
    tags=("doc-forms", "token", "refresh", "encoding", "browser", "cors"),
)
def xhr_json_refresh(ctx: CheckContext) -> None:
    """The JavaScript pmRestRefresh() (preflight, then a JSON body) refreshes, or is refused per profile."""
    first = ctx.tokens()
    name = f"the JavaScript pmRestRefresh() example (XMLHttpRequest from {PAGE_ORIGIN}, JSON)"
    with _form(f"{name}, CORS preflight"):
        preflight = ctx.request(
            "OPTIONS",
            ctx.token_path,
            headers={
                "Origin": PAGE_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            cookies=False,
        )
        ctx.expect(
            200 <= preflight.status < 300,
            f"the preflight answered HTTP {preflight.status}, not a 2xx",
            expectation="status",
        )
        _expect_readable_cross_origin(ctx, preflight)
        allow_headers = _token_list(preflight.header("Access-Control-Allow-Headers"))
        ctx.expect(
            "content-type" in allow_headers,
            f"Access-Control-Allow-Headers {preflight.header('Access-Control-Allow-Headers')!r} "
            "does not allow content-type",
            HeaderMismatch,
            expectation="header:Access-Control-Allow-Headers",
        )
        allow_methods = _token_list(preflight.header("Access-Control-Allow-Methods"))
        ctx.expect(
            "post" in allow_methods,
            "Access-Control-Allow-Methods does not allow POST",
            expectation="header:Access-Control-Allow-Methods",
        )
    headers, body = xhr_json(_refresh_fields(ctx, first["refresh_token"]), origin=PAGE_ORIGIN)
    with _form(name):
        response = _post(ctx, headers, body)
        if ctx.profile.accept_json_token_request:
            ctx.expect_token_response(response, refresh=ctx.profile.always_issue_new_refresh_token)
        else:
            ctx.expect_oauth_error(response, "invalid_request", JSON_REFUSED)
        _expect_readable_cross_origin(ctx, response)


def _token_list(value: str | None) -> set[str]:
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


@check(
    "PM3-DOCFORM-007",
    severity=Severity.HIGH,
    doc="Client Credentials (Authorization: Basic eC1wbS1s…, as printed)",
    source="§2.3, §2.5 client_credentials, §12 (x-pm-local-client)",
    rfc="RFC 7617 §2",
    tags=("doc-forms", "token", "client-credentials", "client-auth"),
)
def documented_basic_header_verbatim(ctx: CheckContext) -> None:
    """The documentation's Basic header, verbatim (unpadded base64), gets a client_credentials token."""
    with _form("the documentation's exact Basic header (x-pm-local-client, no base64 padding)"):
        response = ctx.request(
            "POST",
            ctx.token_path,
            form={"grant_type": "client_credentials"},
            headers={"Authorization": DOC_BASIC},
            cookies=False,
        )
        parsed: Any = response.json()
        if isinstance(parsed, dict) and isinstance(parsed.get("access_token"), str):
            ctx.issued_access_tokens.append(parsed["access_token"])
        ctx.expect_token_response(response, refresh=False, scope=None)


@check(
    "PM3-DOCFORM-008",
    severity=Severity.MEDIUM,
    doc="Calling pmRestLogin(): /api/1.0/workflow/... resources",
    source="§9 (token_param_name access_token)",
    rfc="RFC 6750 §2.3",
    tags=("doc-forms", "rest"),
)
def access_token_in_the_query_on_every_resource(ctx: CheckContext) -> None:
    """?access_token= opens each documented /api/1.0 resource (users, cases, projects) as the
    Authorization header does."""
    token = ctx.tokens()["access_token"]
    readable = 0
    for resource in DOC_RESOURCES:
        path = f"/api/1.0/{ctx.workspace}/{resource}"
        # The user's role decides what it may read (GET projects needs PM_FACTORY from 3.2, which
        # PROCESSMAKER_MANAGER lacks): the header's answer says what the token alone gets.
        by_header = ctx.request(
            "GET",
            path,
            headers={"Accept": "*/*", "Authorization": f"Bearer {token}"},
            cookies=False,
        )
        with _form(f"GET /api/1.0/{{workspace}}/{resource} with the access_token query parameter"):
            response = ctx.request(
                "GET", path, query={"access_token": token}, headers={"Accept": "*/*"}, cookies=False
            )
            if by_header.status != 200:
                ctx.expect_status(
                    response, by_header.status, "as with the token in the header (refused)"
                )
                continue
            readable += 1
            ctx.expect_status(response, 200, "token in the query string")
            ctx.expect(
                isinstance(response.json(), list),
                f"{resource}: the answer is not a JSON list",
                expectation="body",
            )
    if readable == 0:
        raise SkipCheck(
            "the credentials' user may read none of users, cases, projects with the header token"
        )
