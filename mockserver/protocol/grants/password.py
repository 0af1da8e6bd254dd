"""``grant_type=password``: the resource owner's username and password.

Source: doc '"Password" Grant Type'; source fact §2.5 (bshaffer ``UserCredentials``,
``RBAC::VerifyLogin``); RFC 6749 §4.3.

    POST /workflow/oauth2/token
    Content-Type: application/x-www-form-urlencoded

    grant_type=password&scope=*&client_id=...&client_secret=...&username=johndoe&password=p4ssw0rd
"""

from __future__ import annotations

import hmac
from typing import ClassVar

from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.grants.base import GrantContext
from mockserver.protocol.grants.base import TokenRequest
from mockserver.protocol.grants.base import Validated
from mockserver.protocol.params import php_empty
from mockserver.state.store import hash_password


class PasswordGrant:
    GRANT_TYPE: ClassVar[str] = "password"

    def validate(self, request: TokenRequest, ctx: GrantContext) -> Validated:
        username, password = request.get("username"), request.get("password")
        # PHP truthiness: "0" counts as missing (bshaffer UserCredentials::validateRequest).
        if php_empty(username) or php_empty(password):
            raise InvalidRequestError(InvalidRequestError.MISSING_USER_CREDENTIALS)
        assert username is not None and password is not None
        user = ctx.store.find_user(username)
        # Unknown user, wrong password, inactive and past due date all read the same (VerifyLogin).
        if user is None or user.username.upper() != username.upper():
            raise InvalidGrantError(InvalidGrantError.BAD_USER_CREDENTIALS)
        if not hmac.compare_digest(user.password_hash, hash_password(password)):
            raise InvalidGrantError(InvalidGrantError.BAD_USER_CREDENTIALS)
        if ctx.profile.verify_user_status:
            today = ctx.clock.stamp()[:10]
            if user.status != 1 or (user.due_date and user.due_date < today):
                raise InvalidGrantError(InvalidGrantError.BAD_USER_CREDENTIALS)
        return Validated(user_id=user.uid)
