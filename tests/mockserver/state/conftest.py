"""``seeded``: a seeded store on each backend, SQLite and MariaDB (``tests/mariadb.py``'s server).

The areas' SQL (``state/directory.py``, ``state/casework.py``) must answer the same on both."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

import pytest

from mockserver.state.mysql import MysqlBackend
from mockserver.state.mysql import MysqlTarget
from mockserver.state.seed import Seed
from mockserver.state.seed import default_seed
from mockserver.state.store import WorkspaceStore
from tests.mariadb import Server

Seeded = Callable[..., WorkspaceStore]


@pytest.fixture(scope="session")
def state_store(mariadb: Server) -> Iterator[MysqlTarget]:
    """The MariaDB databases these tests share (made once: ProcessMaker's tables are many)."""
    target = mariadb.private_target()
    try:
        yield target
    finally:
        mariadb.drop(target)


@pytest.fixture(params=["sqlite", "mariadb"])
def seeded(request: pytest.FixtureRequest) -> Iterator[Seeded]:
    """``seeded(seed=None)``: an empty store of workspace ``workflow`` with ``seed`` (the
    default seed) applied; on MariaDB the shared database, emptied first."""
    made: list[WorkspaceStore] = []

    def make(seed: Seed | None = None) -> WorkspaceStore:
        if request.param == "sqlite":
            store = WorkspaceStore()
        else:
            target = request.getfixturevalue("state_store")
            store = WorkspaceStore(backend=MysqlBackend(target, "workflow"))
            store.clear()
        made.append(store)
        (seed or default_seed()).apply(store, workspace="workflow")
        return store

    yield make
    for store in made:
        store.close()
