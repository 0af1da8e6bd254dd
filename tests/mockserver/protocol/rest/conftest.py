"""Build a :class:`RestCall` without the front door, to test a resource handler on its own.

The front door (routing, authentication, permission, validation) has its own tests in
``tests/mockserver/protocol/test_api.py``; here a handler gets what the door would give it.

Every test here runs twice: on the SQLite store and on MariaDB (``--store``, ProcessMaker's own
tables; the server of ``tests/mariadb.py``), so the resources answer the same on both.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver import MockServer
from mockserver.protocol.context import RequestContext
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import HANDLERS
from mockserver.protocol.rest import RestCall
from mockserver.state.store import TokenRow

CallRest = Callable[..., Reply]


@pytest.fixture(params=["sqlite", "mariadb"])
def mock(request: pytest.FixtureRequest, profile_name: str) -> Iterator[MockServer]:
    """A mock that is not listening, on each store: SQLite, and a MariaDB server (emptied and
    seeded again first, as ``reset()`` does, so that each test starts from the seed)."""
    if request.param == "sqlite":
        server = MockServer(profile_name)
    else:
        server = MockServer(profile_name, store=request.getfixturevalue("mariadb_target"))
        server.reset()
    yield server
    server.check()
    server.close()


@pytest.fixture
def call_rest(mock: MockServer) -> CallRest:
    """``call_rest("User::index", user="admin", args={...}, body=..., method=..., path=...)``:
    the handler's reply. ``user=None`` stands for a client_credentials token."""

    def call(
        key: str,
        *,
        user: str | None = "admin",
        args: Mapping[str, object] | None = None,
        body: object = None,
        method: str = "GET",
        path: str = "",
        workspace: str = "workflow",
    ) -> Reply:
        store = mock.workspace(workspace)
        row = store.find_user(user) if user is not None else None
        token = TokenRow("0" * 40, "x-pm-local-client", row.uid if row else None, "2099-01-01", "*")
        request = Request(
            EnvironBuilder(method=method, path=f"/api/1.0/{workspace}/{path}").get_environ()
        )
        ctx = RequestContext(request, mock.state, workspace, store)
        rest = RestCall(ctx, token, row, method, path, key, dict(args or {}), body)
        return HANDLERS[key](rest)

    return call
