"""The MariaDB backend: one database ``wf_<workspace>`` per workspace on a server many mock hosts share.

``pm3-mockserver --store mysql://USER@HOST:PORT/`` (password from ``PM3_STORE_PASSWORD`` or
``--store-password-file``). The mock creates a workspace's database and tables when the user may,
as ProcessMaker's installer does, with ProcessMaker's DDL for the tables ProcessMaker has (cited
below by ``file:line`` of ``colosa/processmaker`` at commit 1429451be) and the mock's own
``PM3MOCK_*`` tables for what ProcessMaker keeps elsewhere (PHP sessions, the role a user holds,
role permissions). A database that exists with other tables is refused, never altered; a
database the mock created is dropped again if its tables could not all be made.

Single use across hosts: claiming a refresh token or a code is one ``DELETE ... RETURNING``
(MariaDB 10.5 and later); InnoDB's row lock makes exactly one of any number of concurrent
deletes find the row, whichever host sends it.

Driver: PyMySQL (pure Python, no C headers to install). Measured against mysqlclient with
``benchmarks/bench_store_driver.py``: mysqlclient reads a row by key about a quarter faster
(47 vs 63 us a statement), a gap that vanishes behind a write's commit (about 2 ms), and it
needs a compiler and the client library's headers where PyMySQL needs nothing.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from mockserver.state.backend import Backend
from mockserver.state.backend import Params
from mockserver.state.backend import Row
from mockserver.state.backend import StoreConfigError
from mockserver.state.backend import StoreUnavailable
from mockserver.state.backend import StoreUnsupported
from mockserver.state.backend import Tx

PASSWORD_ENV = "PM3_STORE_PASSWORD"
MIN_MARIADB = (10, 5)
"""``DELETE ... RETURNING`` arrived in MariaDB 10.5."""
IDLE_PING = 2.0
"""A connection idle this long (seconds) is pinged, and reopened if the server restarted."""

_WF = "colosa/processmaker@1429451be:workflow/engine/data/mysql/schema.sql"
_RBAC = "colosa/processmaker@1429451be:rbac/engine/data/mysql/schema.sql"
_PM_TAIL = "ENGINE=InnoDB DEFAULT CHARSET='utf8'"

TABLES: dict[str, tuple[str, str]] = {
    # name: (source, column and key definitions). ProcessMaker's tables, as its schema.sql has them.
    "OAUTH_ACCESS_TOKENS": (
        f"{_WF}:1739-1747",
        "ACCESS_TOKEN VARCHAR(40) NOT NULL, CLIENT_ID VARCHAR(80) NOT NULL, USER_ID VARCHAR(32), "
        "EXPIRES DATETIME NOT NULL, SCOPE VARCHAR(2000), PRIMARY KEY (ACCESS_TOKEN)",
    ),
    "OAUTH_AUTHORIZATION_CODES": (
        f"{_WF}:1755-1764",
        "AUTHORIZATION_CODE VARCHAR(40) NOT NULL, CLIENT_ID VARCHAR(80) NOT NULL, "
        "USER_ID VARCHAR(32), REDIRECT_URI VARCHAR(2000), EXPIRES DATETIME NOT NULL, "
        "SCOPE VARCHAR(2000), PRIMARY KEY (AUTHORIZATION_CODE)",
    ),
    "OAUTH_CLIENTS": (
        f"{_WF}:1772-1782",
        "CLIENT_ID VARCHAR(80) NOT NULL, CLIENT_SECRET VARCHAR(80) NOT NULL, "
        "CLIENT_NAME VARCHAR(256) NOT NULL, CLIENT_DESCRIPTION VARCHAR(1024) NOT NULL, "
        "CLIENT_WEBSITE VARCHAR(1024) NOT NULL, REDIRECT_URI VARCHAR(2000) NOT NULL, "
        "USR_UID VARCHAR(32) NOT NULL, PRIMARY KEY (CLIENT_ID)",
    ),
    "OAUTH_REFRESH_TOKENS": (
        f"{_WF}:1790-1798",
        "REFRESH_TOKEN VARCHAR(40) NOT NULL, CLIENT_ID VARCHAR(80) NOT NULL, "
        "USER_ID VARCHAR(32), EXPIRES DATETIME NOT NULL, SCOPE VARCHAR(2000), "
        "PRIMARY KEY (REFRESH_TOKEN)",
    ),
    "OAUTH_SCOPES": (
        f"{_WF}:1806-1811",
        "TYPE VARCHAR(40) NOT NULL, SCOPE VARCHAR(2000), CLIENT_ID VARCHAR(80)",
    ),
    "PMOAUTH_USER_ACCESS_TOKENS": (
        f"{_WF}:1819-1827",
        "ACCESS_TOKEN VARCHAR(40) NOT NULL, REFRESH_TOKEN VARCHAR(40) NOT NULL, "
        "USER_ID VARCHAR(32), SESSION_ID VARCHAR(64) NOT NULL, SESSION_NAME VARCHAR(64) NOT NULL, "
        "PRIMARY KEY (ACCESS_TOKEN)",
    ),
    "RBAC_USERS": (
        f"{_RBAC}:80-97",
        "USR_UID VARCHAR(32) default '' NOT NULL, USR_USERNAME VARCHAR(100) default '' NOT NULL, "
        "USR_PASSWORD VARCHAR(128) default '' NOT NULL, "
        "USR_FIRSTNAME VARCHAR(50) default '' NOT NULL, "
        "USR_LASTNAME VARCHAR(50) default '' NOT NULL, USR_EMAIL VARCHAR(100) default '' NOT NULL, "
        "USR_DUE_DATE DATE NOT NULL, USR_CREATE_DATE DATETIME, USR_UPDATE_DATE DATETIME, "
        "USR_STATUS INTEGER default 1 NOT NULL, USR_AUTH_TYPE VARCHAR(32) default '' NOT NULL, "
        "UID_AUTH_SOURCE VARCHAR(32) default '' NOT NULL, "
        "USR_AUTH_USER_DN VARCHAR(255) default '' NOT NULL, "
        "USR_AUTH_SUPERVISOR_DN VARCHAR(255) default '' NOT NULL, PRIMARY KEY (USR_UID)",
    ),
    # The mock's own tables: what ProcessMaker keeps elsewhere (same shapes as on SQLite).
    "PM3MOCK_USER_ROLES": (
        "mock: the role code a user holds (PM: RBAC_USERS_ROLES by role uid)",
        "USR_UID VARCHAR(32) NOT NULL, ROL_CODE VARCHAR(32) NOT NULL, PRIMARY KEY (USR_UID)",
    ),
    "PM3MOCK_USER_PERMISSIONS": (
        "mock: permissions granted to a user outside its role",
        "USR_UID VARCHAR(32) NOT NULL, PER_CODE VARCHAR(64) NOT NULL, "
        "PRIMARY KEY (USR_UID, PER_CODE)",
    ),
    "PM3MOCK_SESSIONS": (
        "mock: PHP login sessions",
        "SESSION_ID VARCHAR(64) NOT NULL, USR_UID VARCHAR(32) NOT NULL, "
        "EXPIRES DATETIME NOT NULL, PRIMARY KEY (SESSION_ID)",
    ),
    "PM3MOCK_SESSION_MESSAGES": (
        "mock: G::SendTemporalMessage's message carried by a session",
        "SESSION_ID VARCHAR(64) NOT NULL, G_MESSAGE VARCHAR(1024) NOT NULL, "
        "G_MESSAGE_TYPE VARCHAR(16) NOT NULL, PRIMARY KEY (SESSION_ID)",
    ),
}


def create_statements() -> list[str]:
    return [f"CREATE TABLE {name} ({cols}) {_PM_TAIL}" for name, (_, cols) in TABLES.items()]


def expected_columns() -> dict[str, list[str]]:
    """Each table's column names, in order (what an existing database must have)."""
    found: dict[str, list[str]] = {}
    for name, (_, cols) in TABLES.items():
        found[name] = [
            part.strip().split(" ")[0]
            for part in re.split(r",(?![^(]*\))", cols)
            if not part.strip().startswith("PRIMARY KEY")
        ]
    return found


@dataclass(frozen=True)
class MysqlTarget:
    """Where the store lives: a server and the credentials of a user that may create ``wf_*``."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    url: str = ""

    def database(self, workspace: str) -> str:
        return f"wf_{workspace}"


def parse_store_url(url: str, password: str | None) -> MysqlTarget:
    """``mysql://USER@HOST[:PORT]/`` and a password given apart (environment or file).

    :raises StoreConfigError: naming what is wrong.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb"):
        raise StoreConfigError(
            f"--store {url!r}: use mysql://USER@HOST:PORT/ (scheme {parts.scheme or 'missing'!r})"
        )
    try:
        port = parts.port or 3306
    except ValueError:
        raise StoreConfigError(f"--store {url!r}: the port is not a number 1-65535") from None
    if parts.password is not None:
        raise StoreConfigError(
            f"--store: put no password in the URL (other users see the command line); "
            f"set {PASSWORD_ENV} or use --store-password-file"
        )
    if not parts.username or not parts.hostname:
        raise StoreConfigError(f"--store {url!r}: name a user and a host: mysql://USER@HOST:PORT/")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise StoreConfigError(
            f"--store {url!r}: name no database; each workspace gets its own, wf_<workspace>"
        )
    if password is None:
        raise StoreConfigError(
            f"--store: no password; set {PASSWORD_ENV} or use --store-password-file"
        )
    return MysqlTarget(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=password,
        url=f"mysql://{parts.username}@{parts.hostname}:{port}/",
    )


_GONE = {2003, 2006, 2013, 2055, 1053, 1927, 4031}
"""Client and server errors of a connection that is lost or a server that is not there."""
_DENIED = {1044, 1045, 1142, 1227, 1698}


def _placeholders(sql: str) -> str:
    """``?`` placeholders to PyMySQL's ``%s``, ``%`` escaped, quoted text left alone."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class _Tx:
    def __init__(self, backend: MysqlBackend, conn: Any) -> None:
        self._backend = backend
        self._conn = conn

    def execute(self, sql: str, params: Params = (), /) -> Any:
        cur = self._conn.cursor()
        cur.execute(self._backend.sql(sql), params)
        return cur

    def executemany(self, sql: str, rows: Iterable[Params], /) -> object:
        rows = list(rows)
        if rows:
            self._conn.cursor().executemany(self._backend.sql(sql), rows)
        return None


class MysqlBackend(Backend):
    """One workspace's database on a MariaDB server.

    :raises StoreConfigError: the server refuses the user, is too old, or the database exists
        with a foreign schema, or cannot be created.
    :raises StoreUnavailable: the server cannot be reached.
    """

    name = "mysql"
    users_from = "RBAC_USERS U LEFT JOIN PM3MOCK_USER_ROLES R ON R.USR_UID = U.USR_UID"
    role_column = "COALESCE(R.ROL_CODE, '')"
    role_table = "PM3MOCK_USER_ROLES"

    def __init__(self, target: MysqlTarget, workspace: str) -> None:
        self.target = target
        self.database = target.database(workspace)
        self._lock = threading.RLock()
        self._sql: dict[str, str] = {}
        self._conn: Any = None
        self._used = 0.0
        self._prepare()

    # --- opening -----------------------------------------------------------------------------
    def _connect(self, database: str | None) -> Any:
        import pymysql
        from pymysql.constants import FIELD_TYPE
        from pymysql.converters import conversions

        conv = dict(conversions)
        for kind in (FIELD_TYPE.DATETIME, FIELD_TYPE.DATE, FIELD_TYPE.TIMESTAMP):
            conv[kind] = str  # the store compares dates as 'YYYY-MM-DD HH:MM:SS' text
        try:
            return pymysql.connect(
                host=self.target.host,
                port=self.target.port,
                user=self.target.user,
                password=self.target.password,
                database=database,
                autocommit=True,
                charset="utf8mb4",
                conv=conv,
                connect_timeout=5,
            )
        except pymysql.err.OperationalError as exc:
            code = exc.args[0] if exc.args else 0
            if code in _DENIED:
                raise StoreConfigError(
                    f"--store {self.target.url}: the server refused user {self.target.user!r}: "
                    f"{exc.args[1] if len(exc.args) > 1 else exc}"
                ) from None
            raise StoreUnavailable(
                f"--store {self.target.url}: cannot reach the server: "
                f"{exc.args[1] if len(exc.args) > 1 else exc}"
            ) from None

    def _prepare(self) -> None:
        """Check the server, then use, or create, ``wf_<workspace>`` with the mock's tables."""
        import pymysql

        conn = self._connect(None)
        try:
            cur = conn.cursor()
            cur.execute("SELECT VERSION()")
            version = str(cur.fetchone()[0])
            numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
            if "mariadb" not in version.lower() or numbers < MIN_MARIADB:
                raise StoreConfigError(
                    f"--store {self.target.url}: server {version} is too old or not MariaDB; "
                    "the mock needs MariaDB 10.5 or later (DELETE ... RETURNING)"
                )
            lock = f"pm3mock.{self.database}"
            cur.execute("SELECT GET_LOCK(%s, 30)", (lock,))
            try:
                self._create_or_check(cur)
            finally:
                cur.execute("SELECT RELEASE_LOCK(%s)", (lock,))
        except pymysql.err.MySQLError as exc:
            code = exc.args[0] if exc.args else 0
            if code in _GONE:
                raise StoreUnavailable(f"--store {self.target.url}: {exc.args[-1]}") from None
            raise StoreConfigError(f"--store {self.target.url}: {exc.args[-1]}") from None
        finally:
            conn.close()

    def _create_or_check(self, cur: Any) -> None:
        import pymysql

        db = self.database
        cur.execute(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", (db,)
        )
        exists = int(cur.fetchone()[0]) > 0
        if exists:
            cur.execute(
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
                (db,),
            )
            have: dict[str, list[str]] = {}
            for table, column in cur.fetchall():
                have.setdefault(str(table), []).append(str(column))
            if have == expected_columns():
                return
            if have:
                extra = sorted(set(have) - set(TABLES))
                missing = sorted(set(TABLES) - set(have))
                changed = sorted(
                    t for t in set(have) & set(TABLES) if have[t] != expected_columns()[t]
                )
                what = "; ".join(
                    part
                    for part in (
                        f"tables not the mock's: {', '.join(extra[:5])}" if extra else "",
                        f"missing: {', '.join(missing[:5])}" if missing else "",
                        f"other columns: {', '.join(changed[:5])}" if changed else "",
                    )
                    if part
                )
                raise StoreConfigError(
                    f"--store {self.target.url}: database {db} exists with a foreign schema "
                    f"({what}); the mock does not alter it: name another workspace or drop it"
                )
        else:
            try:
                cur.execute(f"CREATE DATABASE `{db}` DEFAULT CHARACTER SET utf8")
            except pymysql.err.MySQLError as exc:
                raise StoreConfigError(
                    f"--store {self.target.url}: cannot create database {db}: {exc.args[-1]}"
                ) from None
        try:
            cur.execute(f"USE `{db}`")
            for statement in create_statements():
                cur.execute(statement)
        except pymysql.err.MySQLError as exc:
            if not exists:  # nothing created half-way
                cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
            raise StoreConfigError(
                f"--store {self.target.url}: cannot create the tables of {db}: {exc.args[-1]}"
            ) from None

    # --- connection --------------------------------------------------------------------------
    def sql(self, text: str) -> str:
        found = self._sql.get(text)
        if found is None:
            found = self._sql[text] = _placeholders(text)
        return found

    def _live(self) -> Any:
        now = time.monotonic()
        if self._conn is not None and now - self._used > IDLE_PING:
            try:
                self._conn.ping(reconnect=False)
            except Exception:
                self._drop()
        if self._conn is None:
            self._conn = self._connect(self.database)
        self._used = now
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    def _lost(self, exc: Exception) -> StoreUnavailable:
        self._drop()
        return StoreUnavailable(f"the store's server {self.target.url} is unavailable: {exc}")

    def _run(self, sql: str, params: Params, rows: bool) -> Any:
        import pymysql

        for attempt in (0, 1):
            with self._lock:
                try:
                    cur = self._live().cursor()
                    count = cur.execute(self.sql(sql), params)
                    return cur.fetchall() if rows else count
                except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
                    code = exc.args[0] if exc.args else 0
                    if not isinstance(exc, pymysql.err.InterfaceError) and code not in _GONE:
                        raise
                    reading = sql.lstrip()[:6].upper() == "SELECT"
                    if attempt == 0 and reading:
                        self._drop()
                        continue  # a read is safe to send again on a new connection
                    raise self._lost(exc) from None
        raise AssertionError("unreachable")

    def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(r) for r in self._run(sql, params, True)]

    def execute(self, sql: str, params: Params = ()) -> int:
        return int(self._run(sql, params, False))

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        import pymysql

        with self._lock:
            try:
                conn = self._live()
                conn.begin()
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
                raise self._lost(exc) from None
            try:
                yield _Tx(self, conn)
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
                self._drop()
                raise self._lost(exc) from None
            except BaseException:
                try:
                    conn.rollback()
                except Exception:
                    self._drop()
                raise
            try:
                conn.commit()
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
                raise self._lost(exc) from None

    def close(self) -> None:
        with self._lock:
            self._drop()

    # --- dialect -----------------------------------------------------------------------------
    def nocase(self, column: str) -> str:
        return column  # ProcessMaker's tables are utf8 with utf8_general_ci: case-insensitive

    def exact(self, column: str) -> str:
        return f"BINARY {column}"

    def upsert(self, table: str, columns: Sequence[str]) -> str:
        return f"REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

    def insert_ignore(self, table: str, columns: Sequence[str]) -> str:
        return (
            f"INSERT IGNORE INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )

    def table_names(self) -> list[str]:
        return [
            str(r[0])
            for r in self.fetch_all(
                "SELECT TABLE_NAME FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
            )
        ]

    def ensure_schema(self, key: str, ddl: str) -> None:
        raise StoreUnsupported(
            f"the REST resources kept in the {key!r} tables run on the SQLite store only; "
            "this mock's --store is MariaDB, which carries the OAuth and user tables"
        )
