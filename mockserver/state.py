"""Everything a running mock holds: profile, clock, token factory, one store per workspace, seed."""

from __future__ import annotations

import threading
from pathlib import Path

from .clock import Clock
from .formats import TokenFactory
from .formats import new_token
from .profiles import Profile
from .seed import Seed
from .store import WorkspaceStore

DEFAULT_WORKSPACE = "workflow"
DEFAULT_MAX_BODY = 1024 * 1024


class MockState:
    """The mutable world behind the WSGI app.

    :param db_dir: a directory for ``wf_<workspace>.sqlite`` files; ``None`` keeps them in memory.
    """

    def __init__(
        self,
        *,
        profile: Profile,
        seed: Seed,
        workspaces: tuple[str, ...] = (DEFAULT_WORKSPACE,),
        db_dir: Path | None = None,
        clock: Clock | None = None,
        token_factory: TokenFactory | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.profile = profile
        self.seed = seed
        self.clock = clock or Clock()
        self.new_token: TokenFactory = token_factory or new_token
        self.max_body = max_body
        self.db_dir = db_dir
        self._lock = threading.Lock()
        self.workspaces: dict[str, WorkspaceStore] = {}
        for name in workspaces:
            self.add_workspace(name)

    def add_workspace(self, name: str) -> WorkspaceStore:
        """Create (or open) a workspace and seed it if it is new or empty."""
        with self._lock:
            if name in self.workspaces:
                return self.workspaces[name]
            path = None
            if self.db_dir is not None:
                self.db_dir.mkdir(parents=True, exist_ok=True)
                path = self.db_dir / f"wf_{name}.sqlite"
            store = WorkspaceStore(path, case_insensitive=self.profile.case_insensitive_lookups)
            if store.count("RBAC_USERS") == 0 and store.count("OAUTH_CLIENTS") == 0:
                self.seed.apply(store)
            self.workspaces[name] = store
            return store

    def store(self, workspace: str) -> WorkspaceStore | None:
        """The store of a workspace; names are case-sensitive, as PM's site folders are."""
        return self.workspaces.get(workspace)

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        for store in self.workspaces.values():
            store.case_insensitive = profile.case_insensitive_lookups

    def reset(self, *, profile: Profile | None = None) -> None:
        """Empty every workspace, seed it again, and let the clock run free."""
        if profile is not None:
            self.set_profile(profile)
        for store in self.workspaces.values():
            store.clear()
            self.seed.apply(store)
        self.clock.reset()

    def close(self) -> None:
        for store in self.workspaces.values():
            store.close()
