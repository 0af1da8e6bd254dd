"""The password grant: documented request encodings, credentials placement, and answers."""

from __future__ import annotations

from conformance.context import CheckContext
from conformance.registry import Severity
from conformance.registry import check

DOC = '"Password" Grant Type'
INVALID_CLIENT = "The client credentials are invalid"
PASSWORD_BODY_CREDENTIALS = (
    "Invalid REST API credentials, please send a valid client_id and client_secret."
)
JSON_REFUSED = "The grant type was not specified in the request"
"""What a server that reads only form bodies (``accept_json_token_request`` off) answers a JSON
body, well-formed or not: it sees no parameters, as in an empty form, so no grant type."""


@check(
    "PM3-TOKEN-PASSWORD-001",
    severity=Severity.CRITICAL,
    doc=DOC,
    source="§2.4 step 8",
    rfc="RFC 6749 §4.3.3",
    tags=("token", "password"),
)
def password_grant_issues_a_bearer_token(ctx: CheckContext) -> None:
    """A valid password grant (form body) returns access and refresh tokens of type bearer."""
    # the token-response schema holds token_type to "bearer"
    ctx.expect_token_response(ctx.password_grant(), refresh=True, scope="*")


@check(
    "PM3-TOKEN-PASSWORD-002",
    severity=Severity.HIGH,
    doc="jQuery/JavaScript examples (JSON bodies)",
    source="§2.2",
    tags=("token", "password", "encoding"),
)
def password_grant_accepts_json_bodies(ctx: CheckContext) -> None:
    """A password grant sent as application/json is accepted as the documentation's JS does."""
    response = ctx.password_grant(encoding="json")
    if ctx.profile.accept_json_token_request:
        ctx.expect_token_response(response, refresh=True, scope="*")
    else:
        ctx.expect_oauth_error(response, "invalid_request", JSON_REFUSED)


@check(
    "PM3-TOKEN-PASSWORD-003",
    severity=Severity.HIGH,
    doc=f"{DOC} (PHP example: cURL with an array, multipart)",
    source="§2.2",
    tags=("token", "password", "encoding"),
)
def password_grant_accepts_multipart_bodies(ctx: CheckContext) -> None:
    """A password grant sent as multipart/form-data (PHP cURL with an array) is accepted."""
    ctx.expect_token_response(ctx.password_grant(encoding="multipart"), refresh=True, scope="*")


@check(
    "PM3-TOKEN-PASSWORD-004",
    severity=Severity.HIGH,
    doc=f"{DOC}: the username is case insensitive",
    source="§2.5 password",
    tags=("token", "password"),
)
def username_is_case_insensitive(ctx: CheckContext) -> None:
    """The username is matched case-insensitively."""
    for variant in (ctx.credentials.username.upper(), ctx.credentials.username.title()):
        ctx.expect_token_response(ctx.password_grant(username=variant), refresh=True, scope="*")


@check(
    "PM3-TOKEN-PASSWORD-005",
    severity=Severity.HIGH,
    doc="Error Response",
    source="§2.5 password, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "password", "errors"),
    requires=("lockout-risk",),
)
def wrong_password_is_invalid_grant(ctx: CheckContext) -> None:
    """A wrong password gets invalid_grant "Invalid username and password combination"."""
    response = ctx.password_grant(password=ctx.credentials.password + "-wrong")
    ctx.expect_oauth_error(response, "invalid_grant", "Invalid username and password combination")


@check(
    "PM3-TOKEN-PASSWORD-006",
    severity=Severity.MEDIUM,
    source="§2.5 password, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "password", "errors"),
)
def missing_password_is_invalid_request(ctx: CheckContext) -> None:
    """A password grant without a password gets invalid_request naming both parameters."""
    response = ctx.password_grant(password=None)
    ctx.expect_oauth_error(
        response, "invalid_request", 'Missing parameters: "username" and "password" required'
    )


@check(
    "PM3-TOKEN-PASSWORD-007",
    severity=Severity.MEDIUM,
    source="§2.5 password (PHP truthiness)",
    tags=("token", "password", "errors", "quirk"),
)
def password_zero_counts_as_missing(ctx: CheckContext) -> None:
    """A password of "0" counts as missing (PHP empty()), not as a wrong password."""
    response = ctx.password_grant(password="0")
    ctx.expect_oauth_error(
        response, "invalid_request", 'Missing parameters: "username" and "password" required'
    )


@check(
    "PM3-TOKEN-PASSWORD-008",
    severity=Severity.HIGH,
    doc='"authorization_code" Grant Type (client_id/secret as the Basic username/password)',
    source="§2.3 (PMCORE-1181 from 3.4.11)",
    rfc="RFC 6749 §2.3.1",
    tags=("token", "password", "client-auth"),
)
def password_grant_with_basic_client_credentials(ctx: CheckContext) -> None:
    """Client credentials in an HTTP Basic header: accepted, or refused as 3.4.11+ does."""
    response = ctx.password_grant(basic=True)
    if ctx.profile.password_requires_body_client_credentials:
        ctx.expect_oauth_error(response, "invalid_client", PASSWORD_BODY_CREDENTIALS)
    else:
        ctx.expect_token_response(response, refresh=True, scope="*")


@check(
    "PM3-TOKEN-PASSWORD-009",
    severity=Severity.HIGH,
    doc="Error Response",
    source="§2.3, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "client-auth", "errors"),
)
def wrong_client_secret_is_invalid_client(ctx: CheckContext) -> None:
    """A wrong client secret gets invalid_client "The client credentials are invalid"."""
    response = ctx.password_grant(client_secret=ctx.credentials.client_secret + "x")
    ctx.expect_oauth_error(response, "invalid_client", INVALID_CLIENT)


@check(
    "PM3-TOKEN-PASSWORD-010",
    severity=Severity.MEDIUM,
    doc="Error Response",
    source="§2.3, §3.3",
    tags=("token", "client-auth", "errors"),
)
def no_client_credentials_is_invalid_client(ctx: CheckContext) -> None:
    """No client credentials at all: "Client credentials were not found in the headers or body"."""
    response = ctx.token(
        {"grant_type": "client_credentials"},
    )
    ctx.expect_oauth_error(
        response, "invalid_client", "Client credentials were not found in the headers or body"
    )
