"""The authorization_code grant: exchanging the code the consent page redirected with."""

from __future__ import annotations

from conformance.answers import shape_of
from conformance.context import CheckContext
from conformance.failures import TokenReuseAccepted
from conformance.registry import Severity
from conformance.registry import check

DOC = '"authorization_code" Grant Type'
BAD_CODE = "Authorization code doesn't exist or is invalid for the client"


@check(
    "PM3-TOKEN-CODE-001",
    severity=Severity.CRITICAL,
    doc=f"{DOC}: Second Step",
    source="§2.5 authorization_code",
    rfc="RFC 6749 §4.1.3",
    tags=("token", "code"),
    requires=("login",),
)
def code_exchange_issues_tokens(ctx: CheckContext) -> None:
    """A code from the consent page, exchanged with Basic client credentials, gives both tokens."""
    code = ctx.code()
    ctx.expect_token_response(ctx.exchange_code(code), refresh=True, scope="*")


@check(
    "PM3-TOKEN-CODE-002",
    severity=Severity.CRITICAL,
    source="§2.5 (the code row is deleted on use), §8.8",
    rfc="RFC 6749 §4.1.2, §10.5",
    tags=("token", "code", "single-use"),
    requires=("login",),
)
def code_is_single_use(ctx: CheckContext) -> None:
    """A code works once; the second exchange is invalid_grant."""
    code = ctx.code()
    ctx.expect_token_response(ctx.exchange_code(code), refresh=True, scope="*")
    again = ctx.exchange_code(code)
    ctx.expect(
        shape_of(again) != "token",
        f"a spent authorization code was accepted: {ctx.describe(again)}",
        TokenReuseAccepted,
        expectation="reuse",
    )
    ctx.expect_oauth_error(again, "invalid_grant", BAD_CODE)


@check(
    "PM3-TOKEN-CODE-003",
    severity=Severity.HIGH,
    source="§5 (auth_code_lifetime 30 s)",
    rfc="RFC 6749 §4.1.2",
    tags=("token", "code", "lifetime"),
    requires=("login",),
    waits="auth_code_lifetime",
)
def code_expires(ctx: CheckContext) -> None:
    """A code older than its lifetime: invalid_grant "The authorization code has expired".

    On a live install (``--slow``) the lifetime passes in real time: ProcessMaker's 30 s."""
    code = ctx.code()
    ctx.wait(ctx.profile.auth_code_lifetime + 1)
    response = ctx.exchange_code(code)
    ctx.expect(
        shape_of(response) != "token",
        f"a code {ctx.profile.auth_code_lifetime + 1} s old should have expired (the profile: "
        f"{ctx.profile.auth_code_lifetime} s), got {ctx.describe(response)}",
        expectation="lifetime",
    )
    ctx.expect_oauth_error(response, "invalid_grant", "The authorization code has expired")


@check(
    "PM3-TOKEN-CODE-004",
    severity=Severity.HIGH,
    source="§2.5 (a redirect_uri given to authorize must be repeated)",
    rfc="RFC 6749 §4.1.3",
    tags=("token", "code", "redirect"),
    requires=("login",),
)
def redirect_uri_must_be_repeated(ctx: CheckContext) -> None:
    """A code issued for a redirect_uri needs the same one at the token step."""
    callback = ctx.callback
    code = ctx.code(redirect_uri=callback)
    ctx.expect_oauth_error(
        ctx.exchange_code(code),
        "redirect_uri_mismatch",
        "The redirect URI is missing or do not match",
        error_uri="http://tools.ietf.org/html/rfc6749#section-4.1.3",
    )
    ctx.expect_token_response(
        ctx.exchange_code(code, redirect_uri=callback), refresh=True, scope="*"
    )


@check(
    "PM3-TOKEN-CODE-005",
    severity=Severity.MEDIUM,
    source="§2.5 authorization_code, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "code", "errors"),
)
def missing_and_unknown_codes(ctx: CheckContext) -> None:
    """No code: invalid_request; an unknown code: invalid_grant."""
    ctx.expect_oauth_error(
        ctx.exchange_code(""), "invalid_request", 'Missing parameter: "code" is required'
    )
    ctx.expect_oauth_error(
        ctx.exchange_code("0123456789abcdef0123456789abcdef01234567"), "invalid_grant", BAD_CODE
    )
