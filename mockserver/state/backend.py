"""The store's one seam: a database connection and the few dialect bits that differ.

:class:`~mockserver.state.store.WorkspaceStore` and the areas' SQL modules in ``state/`` write
their SQL once, with ``?`` placeholders and the store's logical tables; a :class:`Backend` runs
it. Two backends exist: :class:`SqliteBackend` (embedded, the default: a file per workspace, or
memory) and ``MysqlBackend`` in :mod:`mockserver.state.mysql` (a MariaDB server shared by many
mock hosts, one database ``wf_<workspace>`` each, with ProcessMaker's DDL). Nothing above
``state/`` knows which one runs.

What a backend supplies:

- a connection: :meth:`Backend.fetch_all`, :meth:`Backend.execute`, :meth:`Backend.transaction`
  (a :class:`Tx` whose ``execute`` answers a cursor), :meth:`Backend.close`;
- the dialect: :meth:`Backend.nocase` and :meth:`Backend.exact` (case-insensitive and exact
  comparison of a column), :meth:`Backend.upsert` and :meth:`Backend.insert_ignore` (the two
  ``INSERT`` variants the store uses), :meth:`Backend.differs` (null-safe, exact inequality),
  :meth:`Backend.row_order` (the order a table scan gives), :meth:`Backend.fill_ids`
  (ProcessMaker's ``AUTO_INCREMENT`` ids), ``Backend.users_from`` (where the logical user row
  comes from), :meth:`Backend.table_names`, :meth:`Backend.column_names`,
  :meth:`Backend.ensure_schema` (an area's tables);
- single use: both backends run ``DELETE ... RETURNING`` (SQLite >= 3.35, MariaDB >= 10.5), so
  spending a refresh token or a code is one atomic statement on either.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from abc import ABC
from abc import abstractmethod
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from typing import Protocol

Params = tuple[object, ...]
Row = tuple[object, ...]

NO_LIMIT = 9223372036854775807
"""A ``LIMIT`` that reads to the end (an ``OFFSET`` needs one; both dialects take this value)."""


class StoreError(Exception):
    """A store that cannot serve (base class)."""


class StoreConfigError(StoreError, ValueError):
    """A store the mock will not open: a wrong URL, credentials or grant, a server too old, a
    database with a foreign schema. The CLI prints it as one line and exits 2."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached now (down, restarting): the request is answered
    503 and the next one reconnects."""


class StoreUnsupported(StoreError):
    """A part of the mock this backend does not carry (answered 501, naming it)."""


class Cursor(Protocol):
    """What a statement run inside a transaction answers (sqlite3's and PyMySQL's cursors)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


class Tx(Protocol):
    """A transaction's connection: statements with ``?`` placeholders."""

    def execute(self, sql: str, params: Params = ..., /) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Params], /) -> object: ...


class Backend(ABC):
    """One workspace's database."""

    name: str
    users_from: str
    """The ``FROM`` clause of the logical user row (alias ``U``, and ``UR`` taken): its ten
    columns are :data:`USER_COLUMNS`, the last (``USR_ROLE``) the mock's own."""
    role_column: str
    """The expression of the user's role code in ``users_from``."""
    role_table: str | None = None
    """Where the role is kept when ``RBAC_USERS`` has no column for it (``USR_UID, ROL_CODE``)."""

    # --- connection --------------------------------------------------------------------------
    @abstractmethod
    def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of one statement (run to completion: a ``DELETE ... RETURNING`` commits)."""

    def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the rows it touched."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction, serialised against other writers (threads and processes)."""

    @abstractmethod
    def close(self) -> None: ...

    # --- dialect -----------------------------------------------------------------------------
    @abstractmethod
    def nocase(self, column: str) -> str:
        """``column`` compared as MySQL's ``utf8_general_ci`` does (case and trailing blanks)."""

    @abstractmethod
    def exact(self, column: str) -> str:
        """``column`` compared byte for byte."""

    @abstractmethod
    def upsert(self, table: str, columns: Sequence[str]) -> str:
        """``INSERT`` of ``columns`` that replaces a row with the same key."""

    def insert_ignore(self, table: str, columns: Sequence[str]) -> str:
        """``INSERT`` of ``columns`` that keeps a row with the same key."""
        return f"{self.insert_ignore_into(table)} {values_list(columns)}"

    @abstractmethod
    def insert_ignore_into(self, table: str) -> str:
        """The head of an ``INSERT`` that keeps rows with the same key (``... SELECT`` follows)."""

    locking_read: str = ""
    """What makes a ``SELECT`` in a transaction lock what it read until the commit (a number
    taken as ``MAX(...) + 1``): nothing on SQLite, whose write transaction excludes other
    writers; ``FOR UPDATE`` on InnoDB, where transactions of many hosts run side by side."""

    @abstractmethod
    def differs(self, left: str, right: str) -> str:
        """``left`` and ``right`` differ, byte for byte, a NULL differing from any value."""

    @abstractmethod
    def row_order(self, alias: str, key: str) -> str:
        """The order a scan of a table (``alias``, primary key ``key``) gives its rows: the order
        they were written in on SQLite (rowid), the key's on InnoDB (its clustered index)."""

    @abstractmethod
    def fill_ids(self, table: str, column: str) -> str | None:
        """A statement numbering the rows just inserted with ``column`` 0, as ProcessMaker's
        ``AUTO_INCREMENT`` does, or ``None`` when the database numbers them itself."""

    @abstractmethod
    def table_names(self) -> list[str]:
        """The tables of this workspace's database."""

    @abstractmethod
    def column_names(self, table: str) -> list[str]:
        """The columns of one table (none when it does not exist)."""

    @abstractmethod
    def ensure_schema(self, key: str, ddl: str) -> None:
        """Create an area's tables (``CREATE TABLE IF NOT EXISTS``).

        :param ddl: the area's SQLite DDL; a backend with DDL of its own for the area
            (:mod:`mockserver.state.mysql`: ProcessMaker's) uses that instead."""


USER_COLUMNS = (
    "USR_UID",
    "USR_USERNAME",
    "USR_PASSWORD",
    "USR_FIRSTNAME",
    "USR_LASTNAME",
    "USR_EMAIL",
    "USR_DUE_DATE",
    "USR_STATUS",
    "USR_AUTH_TYPE",
)
"""ProcessMaker's ``RBAC_USERS`` columns the store reads and writes (the role is the mock's)."""


def values_list(columns: Sequence[str]) -> str:
    return f"({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


class SqliteBackend(Backend):
    """SQLite: a file (WAL, shared by processes on one machine) or a private in-memory database.

    :param path: a database file, or ``None`` for memory.
    :param schema: the store's DDL, run on open (``CREATE ... IF NOT EXISTS``).
    """

    name = "sqlite"
    users_from = "RBAC_USERS U"
    role_column = "U.USR_ROLE"

    def __init__(self, path: Path | None, schema: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        target = str(path) if path is not None else ":memory:"
        if path is not None:
            # The file holds client secrets, password hashes and tokens: owner-only (0600).
            # SQLite gives the -wal and -shm files the same mode as the database.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
        self._db = sqlite3.connect(
            target, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(schema)
        self._schemas: set[str] = set()

    def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        with self._lock:
            # fetchall() runs the statement to completion, so DELETE ... RETURNING commits at once.
            return [tuple(r) for r in self._db.execute(sql, params).fetchall()]

    def execute(self, sql: str, params: Params = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """An immediate (write-locking) transaction, across threads and processes."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def nocase(self, column: str) -> str:
        return f"{column} COLLATE NOCASE"

    def exact(self, column: str) -> str:
        return column

    def upsert(self, table: str, columns: Sequence[str]) -> str:
        return f"INSERT OR REPLACE INTO {table} {values_list(columns)}"

    def insert_ignore_into(self, table: str) -> str:
        return f"INSERT OR IGNORE INTO {table}"

    def differs(self, left: str, right: str) -> str:
        return f"{left} IS NOT {right}"

    def row_order(self, alias: str, key: str) -> str:
        return f"{alias}.rowid"

    def fill_ids(self, table: str, column: str) -> str | None:
        return f"UPDATE {table} SET {column} = rowid WHERE {column} = 0"

    def table_names(self) -> list[str]:
        return [
            str(row[0])
            for row in self.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]

    def column_names(self, table: str) -> list[str]:
        return [str(row[1]) for row in self.fetch_all(f"PRAGMA table_info({table})")]

    def ensure_schema(self, key: str, ddl: str) -> None:
        if key in self._schemas:
            return
        with self._lock:
            self._db.executescript(ddl)
            self._schemas.add(key)
