"""``grant_type=refresh_token``: a new access token (and, when rotating, a new refresh token).

Source: doc 'Get a New Access Token Using the Refresh Token'; source fact §4
(bshaffer ``GrantType/RefreshToken``, ``always_issue_new_refresh_token``); RFC 6749 §6.

    POST /workflow/oauth2/token
    Content-Type: application/json

    {"grant_type": "refresh_token", "client_id": "...", "client_secret": "...", "refresh_token": "..."}
"""

from __future__ import annotations

from typing import ClassVar

from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.grants.base import GrantContext
from mockserver.protocol.grants.base import TokenRequest
from mockserver.protocol.grants.base import Validated
from mockserver.protocol.params import php_empty


class RefreshTokenGrant:
    GRANT_TYPE: ClassVar[str] = "refresh_token"

    def validate(self, request: TokenRequest, ctx: GrantContext) -> Validated:
        token = request.get("refresh_token")
        if php_empty(token):
            raise InvalidRequestError(InvalidRequestError.MISSING_REFRESH_TOKEN)
        assert token is not None
        row = ctx.store.get_refresh_token(token)
        if row is None:
            raise InvalidGrantError(InvalidGrantError.BAD_REFRESH_TOKEN)
        if row.expires < ctx.clock.stamp():
            raise InvalidGrantError(InvalidGrantError.REFRESH_EXPIRED)
        rotate = ctx.profile.always_issue_new_refresh_token
        single_use = ctx.profile.refresh_token_single_use
        return Validated(
            user_id=row.user_id,
            available_scope=row.scope,
            stored_client_id=row.client_id,
            spend=(lambda: ctx.store.spend_refresh_token(row.token)) if single_use else None,
            lost_race_description=InvalidGrantError.BAD_REFRESH_TOKEN,
            issue_refresh_token=rotate,
        )
