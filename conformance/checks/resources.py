"""The REST resources under /api/1.0/{workspace}: bearer tokens, the 401 shape, token maintenance."""

from __future__ import annotations

from typing import assert_never

from conformance.context import CheckContext
from conformance.context import lifetime_margin
from conformance.failures import HeaderMismatch
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check

UNAUTHORIZED = {"error": {"code": 401, "message": "Unauthorized"}}


def expect_unauthorized(
    ctx: CheckContext, response: HttpResponse, what: str, *, expectation: str = "status"
) -> None:
    """401 in the profile's shape; ``expectation`` names what a wrong status means (``refused``:
    the request was served)."""
    ctx.expect_status(response, 401, what, expectation=expectation)
    challenge = response.header("WWW-Authenticate")
    style = ctx.profile.resource_errors
    if style == "restler-401":
        ctx.expect(
            response.json() == UNAUTHORIZED,
            f"{what}: expected Restler's 401 {{'error': {{'code': 401, 'message': 'Unauthorized'}}}}, "
            f"got {ctx.describe(response)}",
            expectation="body",
        )
        ctx.expect(
            challenge is None,
            f"{what}: unexpected WWW-Authenticate {challenge!r} (HTTP {response.status})",
            HeaderMismatch,
            expectation="header:WWW-Authenticate",
        )
    elif style == "rfc6750":
        ctx.expect(
            (challenge or "").startswith("Bearer"),
            f"{what}: expected a Bearer challenge, got WWW-Authenticate {challenge!r} "
            f"(HTTP {response.status})",
            HeaderMismatch,
            expectation="header:WWW-Authenticate",
        )
    else:
        assert_never(style)


def expect_query_refused_as_header(ctx: CheckContext, token: str, what: str) -> None:
    """The token in ``?access_token=`` is refused (the profile's 401), and the same way as in
    the Authorization header: the same status and body (bshaffer reads both into one token,
    source fact §9), so a query token is never re-used where a header token is not."""
    by_query = ctx.api("users", token, via="query")
    expect_unauthorized(ctx, by_query, f"?access_token= of {what}", expectation="refused")
    by_header = ctx.api("users", token)
    ctx.expect(
        (by_query.status, by_query.body) == (by_header.status, by_header.body),
        f"?access_token= of {what} got {ctx.describe(by_query)}, the same token in the "
        f"Authorization header {ctx.describe(by_header)}: a refusal should not depend on where "
        "the token is",
        expectation="refused",
    )


def _expect_users(ctx: CheckContext, response: HttpResponse, what: str) -> None:
    """The users resource served: HTTP 200 and a JSON list (a status alone would let an error
    page with HTTP 200 pass)."""
    ctx.expect_status(response, 200, what)
    ctx.expect(
        isinstance(response.json(), list),
        f"{what}: expected the users as a JSON list, got {ctx.describe(response)}",
        expectation="body",
    )


@check(
    "PM3-REST-001",
    severity=Severity.CRITICAL,
    doc="Calling pmRestLogin(): GET /api/1.0/workflow/users",
    source="§9",
    rfc="RFC 6750 §2.1",
    tags=("rest",),
)
def bearer_header_opens_the_api(ctx: CheckContext) -> None:
    """A fresh access token in Authorization: Bearer gets a JSON list from /api/1.0/{ws}/users."""
    _expect_users(ctx, ctx.api("users", ctx.tokens()["access_token"]), "bearer header")


@check(
    "PM3-REST-002",
    severity=Severity.MEDIUM,
    source="§9 (token_param_name access_token)",
    rfc="RFC 6750 §2.3",
    tags=("rest",),
)
def access_token_query_parameter_works(ctx: CheckContext) -> None:
    """The token in ?access_token= is accepted, and refused once it is expired or deleted.

    The same URL is asked again after POST .../expire and after DELETE, as a cache keyed on URLs
    would answer it from memory."""
    for action, method, suffix in (("expired", "POST", "/expire"), ("deleted", "DELETE", "")):
        token = ctx.tokens()["access_token"]
        _expect_users(ctx, ctx.api("users", token, via="query"), "?access_token=")
        done = ctx.request(method, f"/{ctx.workspace}/oauth2/{token}{suffix}", cookies=False)
        ctx.expect_status(done, 200, f"{method} /{{ws}}/oauth2/{{token}}{suffix}")
        expect_query_refused_as_header(ctx, token, f"a token {action} a moment ago")


@check(
    "PM3-REST-003",
    severity=Severity.HIGH,
    source="§9 (Restler 401, no WWW-Authenticate)",
    rfc="RFC 6750 §3",
    tags=("rest", "errors"),
)
def missing_or_invalid_token_gets_the_401_shape(ctx: CheckContext) -> None:
    """No token or an unknown one: 401 {"error":{"code":401,"message":"Unauthorized"}} (per profile)."""
    expect_unauthorized(ctx, ctx.api("users"), "no token")
    expect_unauthorized(
        ctx, ctx.api("users", "0123456789abcdef0123456789abcdef01234567"), "unknown token"
    )


@check(
    "PM3-REST-004",
    severity=Severity.MEDIUM,
    source="§9 (regex /Bearer\\s(\\S+)/ is case-sensitive)",
    tags=("rest", "quirk"),
)
def lowercase_bearer_is_refused(ctx: CheckContext) -> None:
    """The scheme must be spelled "Bearer": a lowercase "bearer" is refused."""
    token = ctx.tokens()["access_token"]
    expect_unauthorized(
        ctx, ctx.api("users", token, scheme="bearer"), "lowercase bearer", expectation="refused"
    )


@check(
    "PM3-REST-005",
    severity=Severity.HIGH,
    source="§9 (routing before authentication)",
    tags=("rest", "errors"),
)
def unknown_resource_is_404_before_authentication(ctx: CheckContext) -> None:
    """An unknown resource is Restler's 404, even without a token."""
    ctx.expect_restler_error(ctx.api("no-such-resource"), 404, "Not Found")


@check(
    "PM3-REST-006",
    severity=Severity.LOW,
    source="§1.3 (PM-1872)",
    tags=("rest", "errors", "routing"),
)
def unknown_api_version_is_a_400(ctx: CheckContext) -> None:
    """/api/2.0/... gets 400 "Bad Request: Invalid API version."."""
    ctx.expect_restler_error(
        ctx.api("users", version="2.0"), 400, "Bad Request: Invalid API version."
    )


@check(
    "PM3-REST-007",
    severity=Severity.HIGH,
    source="§9 (POST /{ws}/oauth2/{token}/expire, unauthenticated)",
    tags=("rest", "maintenance"),
)
def expire_endpoint_expires_a_token(ctx: CheckContext) -> None:
    """POST /{ws}/oauth2/{token}/expire answers 200 with no body and the token stops working."""
    token = ctx.tokens()["access_token"]
    response = ctx.request("POST", f"/{ctx.workspace}/oauth2/{token}/expire", cookies=False)
    ctx.expect_status(response, 200)
    ctx.expect(
        response.body == b"",
        f"expected an empty body, got {ctx.describe(response)}",
        expectation="body",
    )
    expect_unauthorized(ctx, ctx.api("users", token), "expired token", expectation="refused")


@check(
    "PM3-REST-008",
    severity=Severity.MEDIUM,
    source="§9 (DELETE /{ws}/oauth2/{token})",
    tags=("rest", "maintenance"),
)
def delete_endpoint_removes_a_token(ctx: CheckContext) -> None:
    """DELETE /{ws}/oauth2/{token} answers 200 and the token stops working."""
    token = ctx.tokens()["access_token"]
    ctx.expect_status(ctx.request("DELETE", f"/{ctx.workspace}/oauth2/{token}", cookies=False), 200)
    expect_unauthorized(ctx, ctx.api("users", token), "deleted token", expectation="refused")


@check(
    "PM3-REST-009",
    severity=Severity.LOW,
    source="§9 (OauthAccessTokens::load)",
    tags=("rest", "maintenance", "errors"),
)
def maintenance_of_an_unknown_token_is_a_400(ctx: CheckContext) -> None:
    """Expiring an unknown token: 400 naming the missing OAUTH_ACCESS_TOKENS row."""
    token = "0123456789abcdef0123456789abcdef01234567"
    response = ctx.request("POST", f"/{ctx.workspace}/oauth2/{token}/expire", cookies=False)
    ctx.expect_restler_error(
        response,
        400,
        f'Bad Request: The row "{token}" in table OAUTH_ACCESS_TOKENS doesn\'t exist!',
    )


@check(
    "PM3-REST-010",
    severity=Severity.MEDIUM,
    source="§7 (no scope enforcement on /api/1.0)",
    rfc="RFC 6750 §3.1 (insufficient_scope never sent)",
    tags=("rest", "scope", "quirk"),
)
def scope_is_not_enforced_on_resources(ctx: CheckContext) -> None:
    """A token with scope view_processes (or none) can call any resource: PM checks RBAC, not scope."""
    for scope in ("view_processes", None):
        token = ctx.tokens(scope=scope)["access_token"]
        _expect_users(ctx, ctx.api("users", token), f"token with scope {scope!r}")


@check(
    "PM3-REST-011",
    severity=Severity.LOW,
    source="§9 (routing before authentication); Services/api.ini [alias: project], "
    "[alias: projects]; no alias or Api class is named processes",
    tags=("rest", "routing"),
)
def project_and_projects_are_routes_and_processes_is_not(ctx: CheckContext) -> None:
    """project and projects are routed (401 without a token); processes is Restler's 404."""
    for name in ("project", "projects"):
        expect_unauthorized(ctx, ctx.api(name), f"{name} without a token")
    ctx.expect_restler_error(ctx.api("processes"), 404, "Not Found")
    token = ctx.tokens()["access_token"]
    ctx.expect_restler_error(ctx.api("processes", token), 404, "Not Found")


@check(
    "PM3-REST-012",
    severity=Severity.HIGH,
    source="§5, §9 (token_param_name access_token; an expired token is refused)",
    rfc="RFC 6750 §2.3, §3.1",
    tags=("rest", "lifetime"),
    waits="access_lifetime",
)
def access_token_query_parameter_expires(ctx: CheckContext) -> None:
    """The token in ?access_token= is refused once its lifetime has passed, as in the header.

    The same URL is asked before and after, as a cache keyed on URLs would answer it from
    memory; on a live install (``--slow``) the lifetime passes in real time."""
    token = ctx.tokens()["access_token"]
    _expect_users(ctx, ctx.api("users", token, via="query"), "?access_token= of a fresh token")
    lifetime = ctx.profile.access_lifetime
    ctx.wait(lifetime + lifetime_margin(lifetime))
    expect_query_refused_as_header(
        ctx, token, f"a token past its lifetime ({lifetime} s, the profile's access_lifetime)"
    )
