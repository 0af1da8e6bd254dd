"""``grant_type=client_credentials``: a token for the client itself, no user, no refresh token.

Source: doc 'Client Credentials'; source fact §2.5 (``PmClientCredentials``); RFC 6749 §4.4.

    POST /workflow/oauth2/token
    Authorization: Basic eC1wbS1sb2NhbC1jbGllbnQ6MTc5YWQ0NWM2Y2UyY2I5N2NmMTAyOWUyMTIwNDZlODE
    Content-Type: application/x-www-form-urlencoded

    grant_type=client_credentials
"""

from __future__ import annotations

from typing import ClassVar

from mockserver.protocol.grants.base import GrantContext
from mockserver.protocol.grants.base import TokenRequest
from mockserver.protocol.grants.base import Validated


class ClientCredentialsGrant:
    GRANT_TYPE: ClassVar[str] = "client_credentials"

    def validate(self, request: TokenRequest, ctx: GrantContext) -> Validated:
        # USER_ID stays NULL and no refresh token is issued (bshaffer ClientCredentials config).
        return Validated(user_id=None, issue_refresh_token=False)
