"""The refresh_token grant: rotation, single use, expiry, scope, client binding."""

from __future__ import annotations

from typing import Any

from conformance.answers import shape_of
from conformance.context import CheckContext
from conformance.context import lifetime_margin
from conformance.failures import SkipCheck
from conformance.failures import TokenReuseAccepted
from conformance.registry import Severity
from conformance.registry import check
from conformance.target import BUILTIN_CLIENTS

DOC = "Get a New Access Token Using the Refresh Token"
INVALID = "Invalid refresh token"


def _refreshed(ctx: CheckContext, token: str) -> dict[str, Any]:
    return ctx.expect_token_response(
        ctx.refresh(token), refresh=ctx.profile.always_issue_new_refresh_token
    )


@check(
    "PM3-TOKEN-REFRESH-001",
    severity=Severity.CRITICAL,
    doc=DOC,
    source="§4",
    rfc="RFC 6749 §6",
    tags=("token", "refresh"),
)
def refresh_issues_a_new_access_token(ctx: CheckContext) -> None:
    """A refresh returns a new access token (and a new refresh token when the profile rotates)."""
    first = ctx.tokens()
    body = _refreshed(ctx, first["refresh_token"])
    ctx.expect(
        body["access_token"] != first["access_token"],
        "the refresh returned the access token it was meant to replace (HTTP 200)",
        expectation="rotation",
    )
    if ctx.profile.always_issue_new_refresh_token:
        ctx.expect(
            body["refresh_token"] != first["refresh_token"],
            "the refresh returned the refresh token it spent, not a new one (HTTP 200)",
            expectation="rotation",
        )


@check(
    "PM3-TOKEN-REFRESH-002",
    severity=Severity.CRITICAL,
    doc=f"{DOC}: it is only used once",
    source="§4 (unsetRefreshToken)",
    rfc="RFC 6749 §10.4",
    tags=("token", "refresh", "single-use"),
)
def refresh_token_is_single_use(ctx: CheckContext) -> None:
    """A spent refresh token is refused with "Invalid refresh token" (or reusable where the profile says)."""
    first = ctx.tokens()
    _refreshed(ctx, first["refresh_token"])
    again = ctx.refresh(first["refresh_token"])
    if ctx.profile.refresh_token_single_use:
        ctx.expect(
            shape_of(again) != "token",
            f"a spent refresh token was accepted: {ctx.describe(again)}",
            TokenReuseAccepted,
            expectation="reuse",
        )
        ctx.expect_oauth_error(again, "invalid_grant", INVALID)
    else:
        ctx.expect_token_response(again, refresh=ctx.profile.always_issue_new_refresh_token)


@check(
    "PM3-TOKEN-REFRESH-003",
    severity=Severity.HIGH,
    source="§2.4 (scope checked before the token is spent)",
    tags=("token", "refresh", "scope"),
)
def failed_refresh_does_not_spend_the_token(ctx: CheckContext) -> None:
    """A refresh refused for its scope does not spend the refresh token."""
    first = ctx.tokens()
    ctx.expect_oauth_error(
        ctx.refresh(first["refresh_token"], scope="delete_everything"),
        "invalid_scope",
        "An unsupported scope was requested",
    )
    _refreshed(ctx, first["refresh_token"])


@check(
    "PM3-TOKEN-REFRESH-004",
    severity=Severity.HIGH,
    source="§2.4 step 6, §6 (the built-in clients)",
    rfc="RFC 6749 §6",
    tags=("token", "refresh", "client-auth"),
)
def refresh_token_is_bound_to_its_client(ctx: CheckContext) -> None:
    """Another client's refresh: "refresh_token doesn't exist or is invalid for the client".

    The other client is one ProcessMaker ships (``x-pm-local-client``, or from 3.3
    ``x-pm-mobile-client``), so a live install has it too; one the install does not know
    (invalid_client: its credentials are checked first) leaves nothing to test."""
    first = ctx.tokens()
    unknown = []
    for client_id, client_secret in BUILTIN_CLIENTS:
        if client_id == ctx.credentials.client_id:
            continue
        ctx.secrets.update((client_secret,))
        response = ctx.refresh(
            first["refresh_token"], client_id=client_id, client_secret=client_secret
        )
        body: Any = response.json()
        if isinstance(body, dict) and body.get("error") == "invalid_client":
            unknown.append(client_id)
            continue
        ctx.expect(
            shape_of(response) != "token",
            f"{client_id} refreshed a refresh token issued to {ctx.credentials.client_id}: "
            f"{ctx.describe(response)}",
            expectation="refused",
        )
        ctx.expect_oauth_error(
            response, "invalid_grant", "refresh_token doesn't exist or is invalid for the client"
        )
        return
    raise SkipCheck(
        f"needs a second client: the built-in {' and '.join(unknown)} (source facts §6) "
        "answered invalid_client, so this install does not have them with their shipped secrets"
    )


@check(
    "PM3-TOKEN-REFRESH-005",
    severity=Severity.MEDIUM,
    source="§2.5 refresh_token, §3.3",
    rfc="RFC 6749 §5.2",
    tags=("token", "refresh", "errors"),
)
def missing_and_unknown_refresh_tokens(ctx: CheckContext) -> None:
    """No refresh_token: invalid_request; an unknown one: invalid_grant "Invalid refresh token"."""
    ctx.expect_oauth_error(
        ctx.refresh(None), "invalid_request", 'Missing parameter: "refresh_token" is required'
    )
    ctx.expect_oauth_error(
        ctx.refresh("0123456789abcdef0123456789abcdef01234567"), "invalid_grant", INVALID
    )


@check(
    "PM3-TOKEN-REFRESH-006",
    severity=Severity.MEDIUM,
    source="§4 (the stored scope is a literal: '*' is not a superset)",
    tags=("token", "refresh", "scope", "quirk"),
)
def narrowing_scope_on_refresh(ctx: CheckContext) -> None:
    """Narrowing a list scope on refresh works; narrowing '*' is refused (it is a literal)."""
    listed = ctx.tokens(scope="view_processes edit_processes")
    ctx.expect_token_response(
        ctx.refresh(listed["refresh_token"], scope="view_processes"),
        refresh=ctx.profile.always_issue_new_refresh_token,
        scope="view_processes",
    )
    star = ctx.tokens(scope="*")
    ctx.expect_oauth_error(
        ctx.refresh(star["refresh_token"], scope="view_processes"),
        "invalid_scope",
        "An unsupported scope was requested",
    )


@check(
    "PM3-TOKEN-REFRESH-007",
    severity=Severity.HIGH,
    doc=f"{DOC}: the refresh_token does not expire",
    source="§4 (expires after 14 days; purged on issuance)",
    tags=("token", "refresh", "lifetime"),
    waits="refresh_token_lifetime",
)
def refresh_token_lifetime(ctx: CheckContext) -> None:
    """Refresh tokens never expire (documentation) or expire after the profile's lifetime."""
    first = ctx.tokens()
    lifetime = ctx.profile.refresh_token_lifetime
    if lifetime is None:
        ctx.wait(10 * 365 * 86400)  # the mock's clock: a live run skips an unlimited lifetime
        response = ctx.refresh(first["refresh_token"])
        ctx.expect(
            shape_of(response) == "token",
            "a refresh token ten years old should still work (the profile: refresh tokens never "
            f"expire), got {ctx.describe(response)}",
            expectation="lifetime",
        )
        ctx.expect_token_response(response, refresh=ctx.profile.always_issue_new_refresh_token)
        return
    ctx.wait(lifetime + 1)
    if ctx.profile.purge_expired_on_issue:
        ctx.tokens()  # any issuance purges expired rows first
    response = ctx.refresh(first["refresh_token"])
    ctx.expect(
        shape_of(response) != "token",
        f"a refresh token {lifetime + 1} s old should have expired (the profile: {lifetime} s), "
        f"got {ctx.describe(response)}",
        expectation="lifetime",
    )
    ctx.expect_oauth_error(
        response,
        "invalid_grant",
        INVALID if ctx.profile.purge_expired_on_issue else "Refresh token has expired",
    )


@check(
    "PM3-TOKEN-REFRESH-008",
    severity=Severity.HIGH,
    doc='"Password" Grant Type: expires_in, by default 86400',
    source="§5",
    rfc="RFC 6750 §3.1",
    tags=("token", "lifetime", "rest"),
    waits="access_lifetime",
)
def access_token_expires_after_expires_in(ctx: CheckContext) -> None:
    """An access token works until expires_in seconds have passed, then gets 401."""
    token = ctx.tokens()["access_token"]
    lifetime = ctx.profile.access_lifetime
    margin = lifetime_margin(lifetime)
    ctx.wait(lifetime - margin)
    ctx.expect_status(
        ctx.api("users", token),
        200,
        f"{lifetime - margin} s after issue (before expiry)",
        expectation="lifetime",
    )
    ctx.wait(2 * margin)
    ctx.expect_status(
        ctx.api("users", token),
        401,
        f"{lifetime + margin} s after issue (after expiry)",
        expectation="lifetime",
    )
