"""``seeded``: a seeded store on each backend, SQLite and MariaDB (``tests/mariadb.py``'s server).

The areas' SQL (``state/directory.py``, ``state/casework.py``) must answer the same on both."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

import pytest

from mockserver.state.mysql import MysqlBackend
from mockserver.state.seed import Seed
from mockserver.state.seed import default_seed
from mockserver.state.store import WorkspaceStore

Seeded = Callable[..., WorkspaceStore]


@pytest.fixture(params=["sqlite", "mariadb"])
def seeded(request: pytest.FixtureRequest) -> Iterator[Seeded]:
    """``seeded(seed=None)``: an empty store of workspace ``workflow`` with ``seed`` (the
    default seed) applied; on MariaDB the shared database, emptied first."""
    made: list[WorkspaceStore] = []

    def make(seed: Seed | None = None) -> WorkspaceStore:
        if request.param == "sqlite":
            store = WorkspaceStore()
        else:
            target = request.getfixturevalue("mariadb_target")
            store = WorkspaceStore(backend=MysqlBackend(target, "workflow"))
            store.clear()
        made.append(store)
        (seed or default_seed()).apply(store, workspace="workflow")
        return store

    yield make
    for store in made:
        store.close()
