"""The token endpoint's common steps, in bshaffer's order, around the grant-specific checks.

Source: source fact §2.3-§2.4 (``TokenController::grantAccessToken``, ``HttpBasic``,
``PmPdo::checkClientCredentials``) and §7 (scopes). Order: (3.4.11 password body-credentials
rule) → grant_type missing → unsupported → client authentication → grant checks → client
mismatch → scope → spend the single-use row → issue.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass

from mockserver.protocol.errors import InvalidClientError
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidScopeError
from mockserver.protocol.errors import UnsupportedGrantTypeError
from mockserver.protocol.grants import GRANTS
from mockserver.protocol.grants import GrantContext
from mockserver.protocol.grants import TokenRequest
from mockserver.protocol.params import php_empty
from mockserver.state.clock import NEVER
from mockserver.state.store import TokenRow

_PHP_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What the token endpoint answers on success, in bshaffer's key order."""

    access_token: str
    expires_in: int
    scope: str | None
    refresh_token: str | None
    user_id: str | None
    client_id: str

    def body(self, *, scope_when_none: str) -> dict[str, object]:
        out: dict[str, object] = {
            "access_token": self.access_token,
            "expires_in": self.expires_in,
            "token_type": "bearer",
        }
        if self.scope is not None or scope_when_none == "null":
            out["scope"] = self.scope
        if self.refresh_token is not None:
            out["refresh_token"] = self.refresh_token
        return out


def basic_credentials(
    authorization: str | None, split: str = "first-colon"
) -> tuple[str, str] | None:
    """Client credentials of an ``Authorization: Basic`` header, as the profile's PHP reads them.

    The scheme is matched on its first five characters, case-insensitively. ``first-colon``
    (PHP under Apache) splits the decoded value at the first ``:``, so a secret may contain one;
    ``single-colon`` (the OAuth library's own parse) uses it only when it holds exactly one ``:``
    (else the body's credentials count).
    """
    if not authorization or authorization[:5].lower() != "basic":
        return None
    raw = authorization[6:].strip()
    raw += "=" * (-len(raw) % 4)  # PHP's base64_decode accepts missing padding (the doc's example)
    try:
        decoded = base64.b64decode(raw, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if ":" not in decoded or (split == "single-colon" and decoded.count(":") != 1):
        return None
    user, password = decoded.split(":", 1)
    return user, password


def php_loose_equals(stored: str | None, given: str) -> bool:
    """PHP < 8 ``==`` between two strings: numeric strings compare as numbers."""
    if stored is None:
        return given == ""  # null == '' is true: the unknown-client quirk (§2.3)
    if _PHP_NUMERIC.match(stored) and _PHP_NUMERIC.match(given):
        return float(stored) == float(given)
    return hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))


def authenticate_client(request: TokenRequest, ctx_store: GrantContext) -> str:
    """Return the authenticated client id, as the request spelled it.

    :raises InvalidClientError: no credentials, or credentials that do not match.
    """
    store, profile = ctx_store.store, ctx_store.profile
    if request.basic is not None:
        client_id, secret = request.basic
    else:
        body_id = request.get("client_id")
        if body_id is None:
            raise InvalidClientError(InvalidClientError.NOT_FOUND)
        client_id, secret = body_id, request.get("client_secret") or ""
    client = store.get_client(client_id)
    if client is None:
        if profile.unknown_client_empty_secret_passes and php_loose_equals(None, secret):
            return client_id
        raise InvalidClientError(InvalidClientError.INVALID)
    if not php_loose_equals(client.client_secret, secret):
        raise InvalidClientError(InvalidClientError.INVALID)
    return client_id


def check_scope(requested: str | None, available: str | None, supported: tuple[str, ...]) -> None:
    """bshaffer ``Scope::checkScope``: every space-separated token supported and available.

    ``*`` is a literal here, so a narrower scope than a stored ``*`` is rejected (§4).
    """
    if requested is None:
        return
    parts = requested.strip(" ").split(" ")
    if any(p not in supported for p in parts):
        raise InvalidScopeError(InvalidScopeError.UNSUPPORTED)
    if available is not None:
        allowed = available.split(" ")
        if any(p not in allowed for p in parts):
            raise InvalidScopeError(InvalidScopeError.UNSUPPORTED)


def grant_access_token(request: TokenRequest, base: GrantContext) -> IssuedTokens:
    """Run the whole token endpoint for one request.

    :raises OAuthError: any protocol error, to be rendered by the caller.
    """
    profile = base.profile
    grant_type = request.get("grant_type")
    if (
        profile.password_requires_body_client_credentials
        and grant_type == "password"
        and (php_empty(request.get("client_id")) or php_empty(request.get("client_secret")))
    ):
        # PMCORE-1181 (3.4.11+): checked on the body alone, before anything else.
        raise InvalidClientError(InvalidClientError.PM_BODY_CREDENTIALS)
    if php_empty(grant_type):
        raise InvalidRequestError(InvalidRequestError.NO_GRANT_TYPE)
    assert grant_type is not None
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise UnsupportedGrantTypeError(UnsupportedGrantTypeError.describe(grant_type))
    client_id = authenticate_client(request, base)
    ctx = GrantContext(base.store, profile, base.clock, base.new_token)
    validated = grant.validate(request, ctx)
    if validated.stored_client_id is not None and validated.stored_client_id != client_id:
        raise InvalidGrantError(InvalidGrantError.client_mismatch(grant_type))
    if (
        profile.refresh_requires_login_session
        and grant_type == "refresh_token"
        and validated.user_id is not None
        and not base.store.user_has_live_session(validated.user_id, base.clock.stamp())
    ):
        raise InvalidGrantError(InvalidGrantError.BAD_REFRESH_TOKEN)
    # scope from the body, else the query string (bshaffer Scope::getScopeFromRequest)
    requested = request.get("scope")
    if requested is None:
        requested = request.query.get("scope")
    if requested == "":
        requested = None
    check_scope(requested, validated.available_scope, profile.supported_scopes)
    scope = requested if requested is not None else validated.available_scope
    if validated.spend is not None and not validated.spend():
        raise InvalidGrantError(validated.lost_race_description)
    return issue_tokens(base, client_id, validated.user_id, scope, validated.issue_refresh_token)


def issue_tokens(
    ctx: GrantContext, client_id: str, user_id: str | None, scope: str | None, refresh: bool
) -> IssuedTokens:
    """The one token issuer (token endpoint and implicit authorize): purge per profile, store the
    access token and, if asked, a refresh token."""
    profile, store, clock = ctx.profile, ctx.store, ctx.clock
    if profile.purge_expired_on_issue:
        store.purge_expired(clock.stamp())
    access = ctx.new_token()
    store.insert_access_token(
        TokenRow(access, client_id, user_id, clock.stamp(profile.access_lifetime), scope)
    )
    refresh_token: str | None = None
    if refresh:
        refresh_token = ctx.new_token()
        lifetime = profile.refresh_token_lifetime
        expires = NEVER if lifetime is None else clock.stamp(lifetime)
        store.insert_refresh_token(TokenRow(refresh_token, client_id, user_id, expires, scope))
    return IssuedTokens(access, profile.access_lifetime, scope, refresh_token, user_id, client_id)
