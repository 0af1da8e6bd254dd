"""The grants the token endpoint dispatches to, keyed by their wire ``grant_type``."""

from __future__ import annotations

from collections.abc import Mapping

from .authorization_code import AuthorizationCodeGrant as AuthorizationCodeGrant
from .base import Grant as Grant
from .base import GrantContext as GrantContext
from .base import TokenRequest as TokenRequest
from .base import Validated as Validated
from .client_credentials import ClientCredentialsGrant as ClientCredentialsGrant
from .password import PasswordGrant as PasswordGrant
from .refresh_token import RefreshTokenGrant as RefreshTokenGrant

GRANTS: Mapping[str, Grant] = {
    g.GRANT_TYPE: g
    for g in (
        PasswordGrant(),
        AuthorizationCodeGrant(),
        ClientCredentialsGrant(),
        RefreshTokenGrant(),
    )
}
