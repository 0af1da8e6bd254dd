"""Everything a running mock holds: profile, clock, token factory, one store per workspace, seed."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from mockserver.state.clock import Clock
from mockserver.state.formats import TokenFactory
from mockserver.state.formats import new_token
from mockserver.state.mysql import MysqlBackend
from mockserver.state.mysql import MysqlTarget
from mockserver.state.profiles import Profile
from mockserver.state.seed import DEFAULT_ORIGIN
from mockserver.state.seed import Seed
from mockserver.state.store import WorkspaceStore

DEFAULT_WORKSPACE = "workflow"
DEFAULT_MAX_BODY = 1024 * 1024

WORKSPACE_NAME = re.compile(r"[A-Za-z0-9_]{1,30}")
"""The one rule for workspace names, at every entry (URL, CLI, seed, scenario, control API).

ProcessMaker's installer accepts a workspace name only if it matches ``^[a-zA-Z_0-9]+$``, at most
30 characters (29 in later installers); the name becomes a folder (``shared/sites/{name}``) and
part of a database name (``wf_{name}``). The mock takes the wider of the two lengths, so every
name a real install can have is accepted, and nothing that could reach a path is."""


class WorkspaceNameError(ValueError):
    """A workspace name outside :data:`WORKSPACE_NAME`."""


def check_workspace_name(name: object) -> str:
    """``name`` if it is a valid workspace name; :class:`WorkspaceNameError` naming the rule if not."""
    if not isinstance(name, str) or WORKSPACE_NAME.fullmatch(name) is None:
        raise WorkspaceNameError(
            f"invalid workspace name {name!r}: use 1-30 letters, digits or underscores, "
            "as ProcessMaker's installer does"
        )
    return name


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; a directory the mock creates is 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class MockState:
    """The mutable state behind the WSGI app.

    :param db_dir: a directory for ``wf_<workspace>.sqlite`` files; ``None`` keeps them in memory.
    :param store: a MariaDB server for ``wf_<workspace>`` databases (instead of SQLite), which
        many mock processes and hosts may share.
    :param origin: ``scheme://host[:port]`` the built-in clients' callback is registered under
        (:meth:`set_origin` changes it once a server knows its URL).
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
        origin: str = DEFAULT_ORIGIN,
        store: MysqlTarget | None = None,
    ) -> None:
        self.profile = profile
        self.origin = origin
        self.seed = seed
        self.clock = clock or Clock()
        self.new_token: TokenFactory = token_factory or new_token
        self.max_body = max_body
        self.db_dir = db_dir
        self.store_target = store
        self._lock = threading.Lock()
        self.route_bodies: dict[tuple[str, str], tuple[int, object]] = {}
        """Answers given to REST routes the mock does not model (``MockServer.give_route``):
        (method, route path in the table's words) → (status, JSON body). Served behind the
        front door, as the route's handler would be."""
        self.given_secrets: set[str] = set()
        """Passwords and client secrets given at run time (stored hashed, or not at all)."""
        self.workspaces: dict[str, WorkspaceStore] = {}
        for name in workspaces:
            self.add_workspace(name)

    def add_workspace(self, name: str) -> WorkspaceStore:
        """Create (or open) a workspace and seed it if it is new or empty.

        :raises WorkspaceNameError: for a name outside :data:`WORKSPACE_NAME`.
        """
        check_workspace_name(name)
        with self._lock:
            if name in self.workspaces:
                return self.workspaces[name]
            path = None
            backend = None
            if self.store_target is not None:
                backend = MysqlBackend(self.store_target, name)
            elif self.db_dir is not None:
                path = self.database_path(name)
            store = WorkspaceStore(
                path, case_insensitive=self.profile.case_insensitive_lookups, backend=backend
            )
            if store.count("RBAC_USERS") == 0 and store.count("OAUTH_CLIENTS") == 0:
                self._seed(store, name)
            self.workspaces[name] = store
            return store

    def _seed(self, store: WorkspaceStore, workspace: str) -> None:
        self.seed.apply(
            store,
            workspace=workspace,
            origin=self.origin,
            mobile_client=self.profile.mobile_client_seeded,
        )

    def reseed(self) -> None:
        """Empty every workspace and seed it again (with the current seed, origin and profile)."""
        for name, store in self.workspaces.items():
            store.clear()
            self._seed(store, name)

    def _sync_builtins(self) -> None:
        for name, store in self.workspaces.items():
            self.seed.sync_builtins(
                store,
                workspace=name,
                origin=self.origin,
                mobile_client=self.profile.mobile_client_seeded,
            )

    def set_origin(self, origin: str) -> None:
        """Register the built-in clients' callback under ``origin`` (the serving URL)."""
        self.origin = origin
        self._sync_builtins()

    def database_path(self, name: str) -> Path:
        """``DIR/wf_{name}.sqlite``, verified to lie inside ``DIR`` once resolved."""
        assert self.db_dir is not None
        root = private_dir(self.db_dir).resolve()
        path = (root / f"wf_{check_workspace_name(name)}.sqlite").resolve()
        if path.parent != root:
            raise WorkspaceNameError(f"workspace database {path} would lie outside {root}")
        return path

    def store(self, workspace: str) -> WorkspaceStore | None:
        """The store of a workspace; names are case-sensitive, as PM's site folders are."""
        return self.workspaces.get(workspace)

    def set_profile(self, profile: Profile) -> None:
        previous = self.profile
        self.profile = profile
        for store in self.workspaces.values():
            store.case_insensitive = profile.case_insensitive_lookups
        if previous.mobile_client_seeded != profile.mobile_client_seeded:
            self._sync_builtins()

    def reset(self, *, profile: Profile | None = None) -> None:
        """Empty every workspace, seed it again, and let the clock run free."""
        self.route_bodies.clear()
        if profile is not None:
            self.set_profile(profile)
        self.reseed()
        self.clock.reset()

    def close(self) -> None:
        for store in self.workspaces.values():
            store.close()
