"""The narrow interface the scripting side (scenarios, the control API) drives a mock through.

:class:`mockserver.MockServer` satisfies it; scripting never imports the facade, so the layers stay
acyclic (``server`` → ``app`` → ``scripting`` → ``protocol`` → ``state``).
"""

from __future__ import annotations

from types import EllipsisType
from typing import Protocol

from mockserver.scripting.journal import Journal
from mockserver.scripting.overrides import Scripting
from mockserver.state.clock import Clock
from mockserver.state.mock_state import MockState
from mockserver.state.profiles import Profile
from mockserver.state.seed import Seed
from mockserver.state.store import WorkspaceStore


class ScriptedMock(Protocol):
    """What a scenario or the control API may read and change on a running mock."""

    host: str
    state: MockState

    @property
    def profile(self) -> Profile: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def scripting(self) -> Scripting: ...

    def add_workspace(self, name: str) -> WorkspaceStore: ...

    def set_profile(self, profile: str | Profile) -> None: ...

    def set_seed(self, seed: Seed) -> None: ...

    def set_lifetimes(
        self,
        *,
        access: int | None = None,
        code: int | None = None,
        refresh: int | EllipsisType | None = ...,
        session: int | None = None,
    ) -> Profile: ...

    def reset(self) -> None: ...

    def check(self) -> None: ...

    def expire_token(self, token: str, *, workspace: str = ...) -> bool: ...

    def expire_tokens(
        self, *, user: str | None = None, client: str | None = None, workspace: str = ...
    ) -> int: ...

    def known_secrets(self) -> tuple[str, ...]: ...
