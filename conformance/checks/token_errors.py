"""Token endpoint: request validation, body formats, error shape, status and headers, scopes."""

from __future__ import annotations

from typing import assert_never

from conformance.answers import shape_of
from conformance.checks.token_password import JSON_REFUSED
from conformance.context import CheckContext
from conformance.registry import Severity
from conformance.registry import check

ERR = "Error Response"


@check(
    "PM3-TOKEN-ERRORS-001",
    severity=Severity.MEDIUM,
    source="§2.4 step 2, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "errors"),
)
def missing_grant_type_is_invalid_request(ctx: CheckContext) -> None:
    """No grant_type: invalid_request "The grant type was not specified in the request"."""
    response = ctx.token({"client_id": ctx.credentials.client_id})
    ctx.expect_oauth_error(
        response, "invalid_request", "The grant type was not specified in the request"
    )


@check(
    "PM3-TOKEN-ERRORS-002",
    severity=Severity.MEDIUM,
    doc=f"{ERR}: 'Grant type \"X\" not supported'",
    source="§2.4 step 3",
    rfc="RFC 6749 §5.2",
    tags=("token", "errors"),
)
def unknown_grant_type_echoes_the_value(ctx: CheckContext) -> None:
    """An unknown grant_type gets unsupported_grant_type naming the value sent."""
    response = ctx.token(ctx.password_params(grant_type="magic_beans"))
    ctx.expect_oauth_error(
        response, "unsupported_grant_type", 'Grant type "magic_beans" not supported'
    )


@check(
    "PM3-TOKEN-ERRORS-003",
    severity=Severity.HIGH,
    doc=f"{ERR}: the error object",
    source="§3.1",
    rfc="RFC 6749 §5.2",
    tags=("token", "errors", "shape"),
)
def token_errors_are_flat_objects(ctx: CheckContext) -> None:
    """Token errors are the flat {"error","error_description"} object, never the nested one."""
    response = ctx.password_grant(client_secret=ctx.credentials.client_secret + "x")
    ctx.expect(
        shape_of(response) != "token",
        f"a wrong client secret should be refused, got {ctx.describe(response)}",
        expectation="refused",
    )
    ctx.expect_schema(ctx.expect_json(response), "oauth-error", response)


@check(
    "PM3-TOKEN-ERRORS-004",
    severity=Severity.HIGH,
    doc=f"{ERR}: HTTP status code of 200 (OK)",
    source="§3.2",
    rfc="RFC 6749 §5.2",
    tags=("token", "errors", "status"),
)
def token_error_status_follows_the_profile(ctx: CheckContext) -> None:
    """A token error comes with the HTTP status the profile says (200 per the doc, 400 in 3.0-3.4.10)."""
    response = ctx.token({"grant_type": "password"})
    # the status alone would let a server that hands out a token with HTTP 200 pass: the answer
    # must be a flat OAuth error first (which one is other checks' business), then have the status
    ctx.expect(
        shape_of(response) != "token",
        f"a password grant without credentials should be refused, got {ctx.describe(response)}",
        expectation="refused",
    )
    ctx.expect_schema(ctx.expect_json(response), "oauth-error", response)
    ctx.expect_status(response, ctx.token_error_status(), "token error")


@check(
    "PM3-TOKEN-ERRORS-005",
    severity=Severity.MEDIUM,
    source="§2.2 (Restler parses the body first)",
    tags=("token", "errors", "encoding"),
)
def malformed_json_is_a_restler_400(ctx: CheckContext) -> None:
    """A malformed JSON body gets Restler's 400 "Error parsing JSON, malformed JSON".

    A server that reads no JSON bodies (``accept_json_token_request`` off) answers it as an empty
    form: no grant type.
    """
    response = ctx.request(
        "POST", ctx.token_path, body=b'{"grant_type": ', content_type="application/json"
    )
    if not ctx.profile.accept_json_token_request:
        # nothing decodes the body: it is no parameters, whatever it holds
        ctx.expect_oauth_error(response, "invalid_request", JSON_REFUSED)
        return
    # Restler decodes the body before the OAuth server sees it
    ctx.expect_restler_error(response, 400, "Bad Request: Error parsing JSON, malformed JSON")


@check(
    "PM3-TOKEN-ERRORS-006",
    severity=Severity.LOW,
    source="§2.2 (Restler content negotiation)",
    tags=("token", "errors", "encoding"),
)
def unsupported_content_type_is_a_restler_403(ctx: CheckContext) -> None:
    """An unsupported Content-Type gets Restler's 403 naming it."""
    response = ctx.request(
        "POST", ctx.token_path, body=b"grant_type=password", content_type="text/plain"
    )
    ctx.expect_restler_error(
        response, 403, "Forbidden: Content type `text/plain` is not supported."
    )


@check(
    "PM3-TOKEN-ERRORS-007",
    severity=Severity.MEDIUM,
    source="§2.4 step 8, §3.2 (headers per version)",
    rfc="RFC 6749 §5.1",
    tags=("token", "headers"),
)
def token_responses_are_not_cached(ctx: CheckContext) -> None:
    """Token answers carry the profile's Cache-Control, Pragma and Content-Type headers."""
    response = ctx.password_grant()
    ctx.expect_status(response, 200)
    style = ctx.profile.token_headers
    if style == "bshaffer":
        ctx.expect_header(response, "Cache-Control", "no-store")
        ctx.expect_header(response, "Content-Type", "application/json")
    elif style == "restler":
        ctx.expect_header(response, "Cache-Control", "no-cache, must-revalidate")
        ctx.expect_header(response, "Content-Type", "application/json; charset=utf-8")
    else:
        assert_never(style)
    ctx.expect_header(response, "Pragma", "no-cache")


@check(
    "PM3-TOKEN-ERRORS-008",
    severity=Severity.HIGH,
    doc='"authorization_code": credentials as the Basic username and password',
    source="§2.3 (Basic header wins over the body)",
    rfc="RFC 6749 §2.3.1",
    tags=("token", "client-auth"),
)
def basic_header_wins_over_body_credentials(ctx: CheckContext) -> None:
    """With credentials in both places, the Basic header is the one checked."""
    c = ctx.credentials
    response = ctx.token(
        {"grant_type": "client_credentials", "client_id": c.client_id, "client_secret": "wrong"},
        basic=(c.client_id, c.client_secret),
    )
    ctx.expect_token_response(response, refresh=False, scope=None)


@check(
    "PM3-TOKEN-ERRORS-009",
    severity=Severity.LOW,
    source="§2.3 (how a Basic value with two ':' is read; see basic_split)",
    rfc="RFC 7617 §2",
    tags=("token", "client-auth", "quirk"),
)
def basic_secret_with_colon_is_read_as_php_reads_it(ctx: CheckContext) -> None:
    """A Basic value with two ':' is split at the first (secret 'a:b', refused) or ignored, as the profile says."""
    c = ctx.credentials
    response = ctx.token(
        {
            "grant_type": "client_credentials",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
        },
        basic=(c.client_id, "a:b"),
    )
    split = ctx.profile.basic_split
    if split == "first-colon":
        ctx.expect_oauth_error(
            response,
            "invalid_client",
            "The client credentials are invalid",
            status=ctx.profile.invalid_client_status_with_basic,
        )
    elif split == "single-colon":
        ctx.expect_token_response(response, refresh=False, scope=None)
    else:
        assert_never(split)


@check(
    "PM3-TOKEN-ERRORS-010",
    severity=Severity.HIGH,
    doc=f"{ERR}: 'An unsupported scope was requested'",
    source="§7",
    rfc="RFC 6749 §5.2",
    tags=("token", "scope", "errors"),
)
def unsupported_scope_is_invalid_scope(ctx: CheckContext) -> None:
    """An unsupported scope gets invalid_scope "An unsupported scope was requested"."""
    response = ctx.password_grant(scope="delete_everything")
    ctx.expect_oauth_error(response, "invalid_scope", "An unsupported scope was requested")


@check(
    "PM3-TOKEN-ERRORS-011",
    severity=Severity.HIGH,
    doc='"Password" Grant Type: scope "view_process" / "edit_process"',
    source="§7 (only view_processes, edit_processes, *)",
    tags=("token", "scope", "quirk"),
)
def singular_scope_spelling_per_profile(ctx: CheckContext) -> None:
    """The documentation's singular view_process is accepted or refused as the profile says."""
    response = ctx.password_grant(scope="view_process")
    if "view_process" in ctx.profile.supported_scopes:
        ctx.expect_token_response(response, refresh=True, scope="view_process")
    else:
        ctx.expect_oauth_error(response, "invalid_scope", "An unsupported scope was requested")


@check(
    "PM3-TOKEN-ERRORS-012",
    severity=Severity.MEDIUM,
    doc='"authorization_code": scopes separated by a single space',
    source="§7 (explode on one space)",
    tags=("token", "scope"),
)
def scopes_are_separated_by_one_space(ctx: CheckContext) -> None:
    """Two scopes with one space are granted verbatim; a double space is invalid_scope."""
    ctx.expect_token_response(
        ctx.password_grant(scope="view_processes edit_processes"),
        refresh=True,
        scope="view_processes edit_processes",
    )
    response = ctx.password_grant(scope="view_processes  edit_processes")
    ctx.expect_oauth_error(response, "invalid_scope", "An unsupported scope was requested")


@check(
    "PM3-TOKEN-ERRORS-013",
    severity=Severity.MEDIUM,
    source="§7 (no default scope: JSON null)",
    rfc="RFC 6749 §5.1",
    tags=("token", "scope"),
)
def no_scope_asked_gives_a_null_scope(ctx: CheckContext) -> None:
    """Without a scope the token's scope is JSON null (omitted under strict RFC 6749)."""
    ctx.expect_token_response(ctx.password_grant(scope=None), refresh=True, scope=None)


@check(
    "PM3-TOKEN-ERRORS-014",
    severity=Severity.LOW,
    source="§2.2 (scope falls back to the query string)",
    tags=("token", "scope", "quirk"),
)
def scope_may_come_from_the_query_string(ctx: CheckContext) -> None:
    """A scope in the query string is used when the body has none."""
    params = ctx.password_params(scope=None)
    response = ctx.token(params, query={"scope": "edit_processes"})
    ctx.expect_token_response(response, refresh=True, scope="edit_processes")
