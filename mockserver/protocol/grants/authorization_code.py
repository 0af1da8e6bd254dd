"""``grant_type=authorization_code``: exchange the code the consent page redirected with.

Source: doc '"authorization_code" Grant Type, Second Step'; source fact §2.5 and §8
(bshaffer ``GrantType/AuthorizationCode``); RFC 6749 §4.1.3.

    POST /workflow/oauth2/token
    Authorization: Basic SFdBWVVFR1dSTVdOVkxTVEtQWEFKREdVUUtBWEtTRjoyODA2MDU2NjM1NmYwYjlkYjRmMDQyOTA5MDUxNTMwMw==

    grant_type=authorization_code&code=0c0a5b0a...
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import unquote_plus

from mockserver.protocol.errors import RFC_4_1_3
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import RedirectUriMismatchError
from mockserver.protocol.grants.base import GrantContext
from mockserver.protocol.grants.base import TokenRequest
from mockserver.protocol.grants.base import Validated
from mockserver.protocol.params import php_empty


class AuthorizationCodeGrant:
    GRANT_TYPE: ClassVar[str] = "authorization_code"

    def validate(self, request: TokenRequest, ctx: GrantContext) -> Validated:
        code = request.get("code")
        if php_empty(code):
            raise InvalidRequestError(InvalidRequestError.MISSING_CODE)
        assert code is not None
        row = ctx.store.get_code(code)
        if row is None:
            raise InvalidGrantError(InvalidGrantError.BAD_CODE)
        # Only a redirect_uri supplied to authorize is stored, and only then must it match.
        if row.redirect_uri:
            given = request.get("redirect_uri")
            if given is None or unquote_plus(given) != row.redirect_uri:
                raise RedirectUriMismatchError(
                    RedirectUriMismatchError.TOKEN_MISMATCH, error_uri=RFC_4_1_3
                )
        if row.expires < ctx.clock.stamp():
            raise InvalidGrantError(InvalidGrantError.CODE_EXPIRED)
        return Validated(
            user_id=row.user_id,
            available_scope=row.scope,
            stored_client_id=row.client_id,
            spend=lambda: ctx.store.spend_code(row.token),
            lost_race_description=InvalidGrantError.BAD_CODE,
        )
