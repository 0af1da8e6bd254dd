"""The grants the token endpoint dispatches to, keyed by their wire ``grant_type``."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.protocol.grants.authorization_code import (
    AuthorizationCodeGrant as AuthorizationCodeGrant,
)
from mockserver.protocol.grants.base import Grant as Grant
from mockserver.protocol.grants.base import GrantContext as GrantContext
from mockserver.protocol.grants.base import TokenRequest as TokenRequest
from mockserver.protocol.grants.base import Validated as Validated
from mockserver.protocol.grants.client_credentials import (
    ClientCredentialsGrant as ClientCredentialsGrant,
)
from mockserver.protocol.grants.password import PasswordGrant as PasswordGrant
from mockserver.protocol.grants.refresh_token import RefreshTokenGrant as RefreshTokenGrant

GRANTS: Mapping[str, Grant] = {
    g.GRANT_TYPE: g
    for g in (
        PasswordGrant(),
        AuthorizationCodeGrant(),
        ClientCredentialsGrant(),
        RefreshTokenGrant(),
    )
}
