"""What every grant receives and returns.

A grant is a pure function of (request, workspace store, profile, clock): it validates what is
specific to its ``grant_type`` and says who the token is for, what scope is available, and which
single-use row (code or refresh token) must be spent before tokens are issued. It renders nothing;
the token endpoint (:mod:`mockserver.protocol.token`) runs the common steps and the rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from typing import Protocol

from mockserver.protocol.params import BodyParams
from mockserver.state.clock import Clock
from mockserver.state.formats import TokenFactory
from mockserver.state.profiles import Profile
from mockserver.state.store import WorkspaceStore


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """A parsed token request: body parameters, query, and the Basic credentials if any."""

    params: BodyParams
    query: dict[str, str]
    basic: tuple[str, str] | None = None

    def get(self, name: str) -> str | None:
        return self.params.get(name)


@dataclass(frozen=True, slots=True)
class GrantContext:
    store: WorkspaceStore
    profile: Profile
    clock: Clock
    new_token: TokenFactory


@dataclass(slots=True)
class Validated:
    """The outcome of a grant's own checks."""

    user_id: str | None
    available_scope: str | None = None
    """Scope stored with the code or refresh token; ``None`` = no limit beyond the supported list."""
    stored_client_id: str | None = None
    """Client the code or refresh token was issued to (checked against the authenticated client)."""
    spend: Callable[[], bool] | None = None
    """Atomically spend the single-use row; false when another request spent it first."""
    lost_race_description: str = ""
    issue_refresh_token: bool = True


class Grant(Protocol):
    GRANT_TYPE: ClassVar[str]

    def validate(self, request: TokenRequest, ctx: GrantContext) -> Validated:
        """Run the grant-specific checks. :raises OAuthError: on any failure."""
        ...
