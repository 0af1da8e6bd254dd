"""The client_credentials grant: a token for the client itself."""

from __future__ import annotations

from conformance.context import CheckContext
from conformance.failures import HeaderMismatch
from conformance.registry import Severity
from conformance.registry import check

DOC = "Client Credentials"


@check(
    "PM3-TOKEN-CLIENTCRED-001",
    severity=Severity.HIGH,
    doc=DOC,
    source="§2.5 client_credentials",
    rfc="RFC 6749 §4.4.3",
    tags=("token", "client-credentials"),
)
def client_credentials_with_basic_header(ctx: CheckContext) -> None:
    """client_credentials with a Basic header (the doc's example) gets a token, no refresh token."""
    c = ctx.credentials
    response = ctx.token({"grant_type": "client_credentials"}, basic=(c.client_id, c.client_secret))
    ctx.expect_token_response(response, refresh=False, scope=None)


@check(
    "PM3-TOKEN-CLIENTCRED-002",
    severity=Severity.MEDIUM,
    doc=DOC,
    source="§2.3 (body credentials), §7",
    rfc="RFC 6749 §4.4.2",
    tags=("token", "client-credentials", "scope"),
)
def client_credentials_with_body_and_scope(ctx: CheckContext) -> None:
    """client_credentials with body credentials and a scope grants that scope."""
    c = ctx.credentials
    response = ctx.token(
        {
            "grant_type": "client_credentials",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "scope": "view_processes",
        }
    )
    ctx.expect_token_response(response, refresh=False, scope="view_processes")


@check(
    "PM3-TOKEN-CLIENTCRED-003",
    severity=Severity.HIGH,
    doc="Error Response",
    source="§2.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "client-credentials", "client-auth", "errors"),
)
def client_credentials_with_a_wrong_secret(ctx: CheckContext) -> None:
    """A wrong secret in the Basic header: invalid_client (401 + challenge under strict RFC 6749)."""
    c = ctx.credentials
    response = ctx.token(
        {"grant_type": "client_credentials"}, basic=(c.client_id, c.client_secret + "x")
    )
    status = ctx.profile.invalid_client_status_with_basic
    ctx.expect_oauth_error(
        response,
        "invalid_client",
        "The client credentials are invalid",
        status=status if status is not None else ctx.token_error_status(),
    )
    if status == 401:
        ctx.expect(
            (response.header("WWW-Authenticate") or "").startswith("Basic"),
            "a 401 for Basic client credentials needs a WWW-Authenticate Basic challenge, got "
            f"{response.header('WWW-Authenticate')!r}",
            HeaderMismatch,
            expectation="header:WWW-Authenticate",
        )


@check(
    "PM3-TOKEN-CLIENTCRED-004",
    severity=Severity.HIGH,
    source="§2.3 quirk (null == '' in PmPdo::checkClientCredentials, all 3.x)",
    rfc="RFC 6749 §2.3",
    tags=("token", "client-credentials", "security", "quirk"),
)
def unknown_client_with_an_empty_secret(ctx: CheckContext) -> None:
    """An unknown client_id with no secret: a token in PM 3.x (a known bug), refused otherwise."""
    response = ctx.token(
        {"grant_type": "client_credentials", "client_id": "PM3NOSUCHCLIENTZZZZZZZZZZZZZZZZZ"}
    )
    if ctx.profile.unknown_client_empty_secret_passes:
        ctx.expect_token_response(response, refresh=False, scope=None)
    else:
        ctx.expect_oauth_error(response, "invalid_client", "The client credentials are invalid")
