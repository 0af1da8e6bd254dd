"""MockServer: the facade over the state, the app and the embedded engine.

The engine (:mod:`mockserver.serving.http11`) serves HTTP/1.1 with keep-alive from a background
thread; start and stop take about a millisecond.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path
from types import EllipsisType
from types import TracebackType
from typing import TYPE_CHECKING
from typing import Any
from typing import Self
from urllib.parse import urlencode

from mockserver.app import MockApp
from mockserver.scripting.control import Control
from mockserver.scripting.journal import DEFAULT_CAPACITY
from mockserver.scripting.journal import Journal
from mockserver.scripting.matching import RequestMatcher
from mockserver.scripting.overrides import Action
from mockserver.scripting.overrides import Alter
from mockserver.scripting.overrides import Fault
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import RespondError
from mockserver.scripting.overrides import RespondRaw
from mockserver.scripting.overrides import Scripting
from mockserver.scripting.shared import SharedScripting
from mockserver.serving.http11 import EmbeddedServer
from mockserver.serving.inprocess import INPROCESS_URL
from mockserver.serving.inprocess import httpx_transport
from mockserver.serving.inprocess import requests_adapter
from mockserver.state.clock import Clock
from mockserver.state.formats import TokenFactory
from mockserver.state.mock_state import DEFAULT_MAX_BODY
from mockserver.state.mock_state import DEFAULT_WORKSPACE
from mockserver.state.mock_state import MockState
from mockserver.state.mysql import MysqlTarget
from mockserver.state.profiles import DEFAULT_PROFILE
from mockserver.state.profiles import Profile
from mockserver.state.profiles import get_profile
from mockserver.state.seed import Seed
from mockserver.state.seed import default_seed
from mockserver.state.seed import seed_from_data
from mockserver.state.shared import SharedClock
from mockserver.state.shared import SharedControl
from mockserver.state.store import WorkspaceStore

if TYPE_CHECKING:
    import httpx
    import requests.adapters


class OverrideBuilder:
    """The second half of ``server.override(...)``: what matching requests get."""

    def __init__(
        self, scripting: Scripting, matcher: RequestMatcher, times: int | None, ordered: bool
    ) -> None:
        self._scripting = scripting
        self._matcher = matcher
        self._times = times
        self._ordered = ordered

    def _add(self, action: Action) -> Override:
        return self._scripting.add(Override(self._matcher, action, self._times, self._ordered))

    def respond_with_error(self, error: str | int, description: str | None = None) -> Override:
        """A protocol error in the active profile's shape and status.

        :param error: an OAuth code (``invalid_grant``) or a Restler HTTP status (``503``).
        """
        return self._add(RespondError(error, description))

    def respond_with(
        self,
        status: int = 200,
        *,
        body: str | bytes = b"",
        json: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Override:
        """A fixed answer: status, body (or JSON), headers."""
        hdrs = tuple((headers or {}).items())
        if json is not None:
            import json as _json

            data = _json.dumps(json).encode()
            if not any(k.lower() == "content-type" for k, _ in hdrs):
                hdrs += (("Content-Type", "application/json"),)
        else:
            data = body.encode() if isinstance(body, str) else body
        return self._add(RespondRaw(status, data, hdrs))

    def alter(
        self,
        *,
        drop: tuple[str, ...] | list[str] = (),
        set: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> Override:
        """The real answer, with JSON fields dropped or set (e.g. ``expires_in`` as a string)."""
        return self._add(Alter(tuple(drop), dict(set or {}), status))

    def fault(
        self,
        kind: str,
        *,
        seconds: float | None = None,
        max_seconds: float | None = None,
        body: str | None = None,
    ) -> Override:
        return self._add(Fault(kind, seconds, max_seconds, body))


class MockServer:
    """A mock ProcessMaker 3 server.

    .. code-block:: python

        with MockServer(profile="pm-3.4.10") as pm:
            requests.post(pm.token_url(), data={...})

    :param profile: a profile name or :class:`Profile`.
    :param workspaces: workspace names it serves (``workflow`` by default).
    :param host: the address to bind; loopback unless told otherwise.
    :param port: ``0`` for an ephemeral port.
    :param db_dir: where workspace databases persist; ``None`` keeps them in memory.
    :param store: a MariaDB server holding the workspaces' databases instead
        (:func:`mockserver.state.mysql.parse_store_url`); mocks on one store act as one.
    """

    def __init__(
        self,
        profile: str | Profile = DEFAULT_PROFILE,
        *,
        workspaces: tuple[str, ...] = (DEFAULT_WORKSPACE,),
        host: str = "127.0.0.1",
        port: int = 0,
        db_dir: Path | None = None,
        store: MysqlTarget | None = None,
        seed: Seed | None = None,
        clock: Clock | None = None,
        token_factory: TokenFactory | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_body: int | None = None,
        journal_capacity: int = DEFAULT_CAPACITY,
        control: bool = False,
        control_token: str | None = None,
    ) -> None:
        prof = get_profile(profile) if isinstance(profile, str) else profile
        # On a shared store the clock and the overrides are the store's (SharedScripting), unless
        # the caller brings a clock of its own (then they stay in this process).
        sharing = store is not None and clock is None
        if sharing:
            clock = SharedClock()
        self.state = MockState(
            profile=prof,
            seed=seed if seed is not None else default_seed(),
            workspaces=workspaces,
            db_dir=db_dir,
            store=store,
            clock=clock,
            token_factory=token_factory,
            max_body=max_body if max_body is not None else DEFAULT_MAX_BODY,
        )
        scripting: Scripting | None = None
        if sharing and isinstance(clock, SharedClock):
            first = self.state.store(workspaces[0])
            assert first is not None and store is not None
            scripting = SharedScripting(
                SharedControl(first), clock, f"{store.url} ({store.database(workspaces[0])})"
            )
        self.app = MockApp(self.state, journal=Journal(journal_capacity), scripting=scripting)
        self._initial_profile = prof
        self._initial_seed = self.state.seed
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: EmbeddedServer | None = None
        if control:
            self.app.control = Control(self, token=control_token)

    # --- facade ------------------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.state.profile

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def workspace(self, name: str = DEFAULT_WORKSPACE) -> WorkspaceStore:
        """The store of a served workspace.

        :raises KeyError: if the mock does not serve ``name`` (see :meth:`add_workspace`).
        """
        store = self.state.store(name)
        if store is None:
            raise KeyError(
                f"no workspace {name!r}; served: {', '.join(sorted(self.state.workspaces))}"
            )
        return store

    def add_workspace(self, name: str) -> WorkspaceStore:
        """Serve one more workspace (seeded), or return it if it is served already.

        :raises WorkspaceNameError: for a name ProcessMaker's installer would refuse.
        """
        return self.state.add_workspace(name)

    def add_user(
        self,
        username: str,
        password: str,
        *,
        role: str = "PROCESSMAKER_OPERATOR",
        workspace: str = DEFAULT_WORKSPACE,
        **fields: str,
    ) -> str:
        """Add (or replace) a user with an RBAC role, as a seed file's ``users`` entry would;
        returns its ``USR_UID``. ``fields`` are the other seed-file user fields (``firstname``,
        ``email``, ``status``, ``uid``, ...).

        :raises SeedError: for a field or role the seed file would refuse.
        """
        seed = seed_from_data(
            {"users": [{"username": username, "password": password, "role": role, **fields}]},
            "add_user",
        )
        store = self.workspace(workspace)
        seed.apply(store, workspace=workspace)
        self.state.given_secrets.add(password)
        user = store.find_user(username)
        assert user is not None
        return user.uid

    def give_route(self, method: str, path: str, body: object = None, status: int = 200) -> str:
        """Give a REST route the mock does not model (answered 501) a JSON body, served behind
        Restler's front door: a request still needs its token, permission and valid parameters,
        then gets ``body`` with ``status`` in Restler's headers. ``path`` is a request path under
        ``/api/1.0/{ws}/`` (``calendar/123``) or the route's own (``calendar/{cal_uid}``);
        returns the route's path. Cleared by :meth:`reset`.

        :raises KeyError: no route of the profile's release answers ``method`` there.
        """
        from mockserver.protocol import restler_routes

        table = restler_routes.table(self.profile.rest_release)
        found = table.find(method.upper(), path)
        route = found.route if isinstance(found, restler_routes.Found) else None
        if route is None:
            route = next(
                (r for r in table.routes if r.method == method.upper() and r.path == path), None
            )
        if route is None:
            raise KeyError(
                f"no {method.upper()} route at {path!r} in ProcessMaker {table.release}'s table"
            )
        self.state.route_bodies[(route.method, route.path)] = (status, body)
        return route.path

    @property
    def journal(self) -> Journal:
        """Every exchange answered, newest last (a bounded ring)."""
        return self.app.journal

    @property
    def scripting(self) -> Scripting:
        return self.app.scripting

    def set_profile(self, profile: str | Profile) -> None:
        self.state.set_profile(get_profile(profile) if isinstance(profile, str) else profile)

    def set_seed(self, seed: Seed) -> None:
        """Use another seed: every workspace is emptied and seeded with it now."""
        self.state.seed = seed
        self.state.reseed()

    def set_lifetimes(
        self,
        *,
        access: int | None = None,
        code: int | None = None,
        refresh: int | EllipsisType | None = ...,
        session: int | None = None,
    ) -> Profile:
        """Change lifetimes (seconds) on top of the active profile; ``refresh=None`` = never expire."""
        changes: dict[str, object] = {}
        if access is not None:
            changes["access_lifetime"] = access
        if code is not None:
            changes["auth_code_lifetime"] = code
        if refresh is not ...:
            changes["refresh_token_lifetime"] = refresh
        if session is not None:
            changes["login_session_lifetime"] = session
        if changes:
            base = self.profile
            self.set_profile(base.derive(base.name, **changes))
        return self.profile

    def reset(self) -> None:
        """Back to the start: seed, profile, clock; no overrides, empty journal."""
        self.scripting.clear()
        self.journal.clear()
        self.state.seed = self._initial_seed
        self.state.reset(profile=self._initial_profile)

    def check(self) -> None:
        """Re-raise an exception raised while serving, or an ordered-override miss."""
        self.app.check()

    # --- scripting ---------------------------------------------------------------------------
    def override(
        self,
        endpoint: str = "*",
        *,
        times: int | None = 1,
        ordered: bool = False,
        method: str = "*",
        workspace: str = "*",
        grant_type: object = None,
        resource: object = None,
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
    ) -> OverrideBuilder:
        """Start an override; finish it with ``respond_with_error``, ``respond_with``, ``alter`` or ``fault``.

        .. code-block:: python

            pm.override("token", grant_type="refresh_token").respond_with_error("invalid_grant")
        """
        matcher = RequestMatcher.build(
            endpoint,
            method=method,
            workspace=workspace,
            grant_type=grant_type,
            resource=resource,
            params=params,
            headers=headers,
        )
        return OverrideBuilder(self.scripting, matcher, times, ordered)

    def fault(
        self,
        kind: str,
        endpoint: str = "*",
        *,
        times: int | None = 1,
        seconds: float | None = None,
        max_seconds: float | None = None,
        body: str | None = None,
        **match: Any,
    ) -> Override:
        """Inject a fault (``reset``, ``truncate``, ``slow``, ``php_warning``, ...) on matching requests."""
        return self.override(endpoint, times=times, **match).fault(
            kind, seconds=seconds, max_seconds=max_seconds, body=body
        )

    def assert_request_made(
        self,
        endpoint: str = "*",
        *,
        count: int | None = None,
        method: str = "*",
        workspace: str = "*",
        grant_type: object = None,
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
    ) -> None:
        """Assert the journal holds matching requests (exactly ``count`` of them if given)."""
        matcher = RequestMatcher.build(
            endpoint,
            method=method,
            workspace=workspace,
            grant_type=grant_type,
            params=params,
            headers=headers,
        )
        self.journal.assert_request_made(matcher, count)

    def apply_scenario(self, scenario: Mapping[str, Any] | Path) -> list[Override]:
        """Apply a scenario (a mapping, or a JSON/YAML file path)."""
        from mockserver.scripting.scenario import apply_scenario
        from mockserver.scripting.scenario import load_scenario

        if isinstance(scenario, Path):
            return apply_scenario(self, load_scenario(scenario), str(scenario))
        return apply_scenario(self, scenario)

    def expire_token(self, token: str, *, workspace: str = DEFAULT_WORKSPACE) -> bool:
        """Make one access token expired now (as ``POST /{ws}/oauth2/{token}/expire`` does)."""
        return self.workspace(workspace).set_access_token_expiry(token, self.clock.stamp(-1))

    def expire_tokens(
        self,
        *,
        user: str | None = None,
        client: str | None = None,
        workspace: str = DEFAULT_WORKSPACE,
    ) -> int:
        """Expire now every access and refresh token (of a username or a client id). Returns rows.

        :raises KeyError: for an unknown username.
        """
        store = self.workspace(workspace)
        user_id = None
        if user is not None:
            row = store.find_user(user)
            if row is None:
                raise KeyError(f"no user {user!r}")
            user_id = row.uid
        return store.expire_tokens(self.clock.stamp(-1), user_id=user_id, client_id=client)

    def known_secrets(self) -> tuple[str, ...]:
        """Every secret the mock knows in clear, for redacting free text by value.

        Seeded client secrets and passwords, every client secret in a workspace database (those
        created at run time by the applications page, ``clientSetupAjax`` or the control API
        included), and passwords given at run time (control API, scenarios)."""
        seed = self.state.seed
        found = [c.client_secret for c in seed.clients] + [u.password for u in seed.users]
        for store in list(self.state.workspaces.values()):
            found += [str(row[0]) for row in store.query("SELECT CLIENT_SECRET FROM OAUTH_CLIENTS")]
        found += sorted(self.state.given_secrets)
        return tuple(dict.fromkeys(s for s in found if s))

    # --- in process: no socket ------------------------------------------------------------------
    inprocess_url = INPROCESS_URL
    """Base URL of in-process clients (:meth:`httpx_transport`, :meth:`requests_adapter`)."""

    def httpx_transport(self) -> httpx.BaseTransport:
        """An ``httpx`` transport calling this mock in process (no port; works unstarted).

        .. code-block:: python

            client = httpx.Client(transport=pm.httpx_transport(), base_url=pm.inprocess_url)
            client.post("/workflow/oauth2/token", data={...})
        """
        return httpx_transport(self.app)

    def requests_adapter(self) -> requests.adapters.BaseAdapter:
        """A ``requests`` adapter calling this mock in process; mount it on ``inprocess_url``.

        .. code-block:: python

            session = requests.Session()
            session.mount(pm.inprocess_url, pm.requests_adapter())
            session.post(f"{pm.inprocess_url}/workflow/oauth2/token", data={...})
        """
        return requests_adapter(self.app)

    # --- URLs --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use start() or a with block")
        scheme = "https" if self.ssl_context is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def url_for(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/{workspace}"

    def token_url(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/{workspace}/oauth2/token"

    def authorize_url(self, workspace: str = DEFAULT_WORKSPACE, **params: str) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.url}/{workspace}/oauth2/authorize{query}"

    def login_url(
        self, workspace: str = DEFAULT_WORKSPACE, lang: str = "en", skin: str = "neoclassic"
    ) -> str:
        return f"{self.url}/sys{workspace}/{lang}/{skin}/login/login"

    def applications_url(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/sys{workspace}/en/neoclassic/oauth2/applications"

    def api_url(self, workspace: str = DEFAULT_WORKSPACE, resource: str = "users") -> str:
        return f"{self.url}/api/1.0/{workspace}/{resource}"

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self, *, fd: int | None = None) -> Self:
        """Serve in a background thread; ``fd`` is an already-listening socket (multi-process mode)."""
        if self._server is None:
            self._server = EmbeddedServer(
                self.app,
                self.host,
                self.port,
                self.ssl_context,
                fd=fd,
                on_error=self.app.record_error,
            )
            self.port = self._server.port
            # As an install records the origin it was installed from: the built-in clients'
            # callback is the grant page of this server.
            self.state.set_origin(self.url)
            self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving: no new connections; requests in flight finish (for up to 5 s), then every
        connection is closed."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def close(self) -> None:
        """Stop serving and close the workspace databases."""
        self.stop()
        self.state.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
