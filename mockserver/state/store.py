"""The workspace store: tables named and shaped like ProcessMaker's ``wf_<workspace>`` database.

It runs on a :class:`~mockserver.state.backend.Backend`: SQLite (the default, :data:`SCHEMA`
below) or MariaDB (:mod:`mockserver.state.mysql`, ProcessMaker's own DDL), with the same logical
rows either way.

One database per workspace, as ProcessMaker has. ``OAUTH_*`` tables and
``PMOAUTH_USER_ACCESS_TOKENS`` (the designer's tokens linked to a PHP session) follow source fact
§10, users live in ``RBAC_USERS``, so the documentation's trigger query
``SELECT ACCESS_TOKEN FROM OAUTH_ACCESS_TOKENS WHERE USER_ID=... ORDER BY EXPIRES DESC`` runs as is.
Tables prefixed ``PM3MOCK_`` hold what PM keeps elsewhere (PHP sessions and the temporary message
a session carries to the next page, role permissions).

Single use is atomic: spending a refresh token or a code is one ``DELETE ... RETURNING``, so of
many concurrent spends exactly one gets the row, across threads and across processes sharing a file.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from mockserver.state.backend import USER_COLUMNS
from mockserver.state.backend import Backend
from mockserver.state.backend import SqliteBackend
from mockserver.state.backend import Tx
from mockserver.state.backend import values_list

SCHEMA = """
CREATE TABLE IF NOT EXISTS OAUTH_CLIENTS (
    CLIENT_ID VARCHAR(80) NOT NULL PRIMARY KEY,
    CLIENT_SECRET VARCHAR(80) NOT NULL,
    CLIENT_NAME VARCHAR(256) NOT NULL,
    CLIENT_DESCRIPTION VARCHAR(1024) NOT NULL DEFAULT '',
    CLIENT_WEBSITE VARCHAR(1024) NOT NULL DEFAULT '',
    REDIRECT_URI VARCHAR(2000) NOT NULL DEFAULT '',
    USR_UID VARCHAR(32) NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS OAUTH_ACCESS_TOKENS (
    ACCESS_TOKEN VARCHAR(40) NOT NULL PRIMARY KEY,
    CLIENT_ID VARCHAR(80) NOT NULL,
    USER_ID VARCHAR(32) NULL,
    EXPIRES DATETIME NOT NULL,
    SCOPE VARCHAR(2000) NULL
);
CREATE INDEX IF NOT EXISTS OAUTH_ACCESS_TOKENS_EXPIRES ON OAUTH_ACCESS_TOKENS (EXPIRES);
CREATE TABLE IF NOT EXISTS OAUTH_AUTHORIZATION_CODES (
    AUTHORIZATION_CODE VARCHAR(40) NOT NULL PRIMARY KEY,
    CLIENT_ID VARCHAR(80) NOT NULL,
    USER_ID VARCHAR(32) NULL,
    REDIRECT_URI VARCHAR(2000) NULL,
    EXPIRES DATETIME NOT NULL,
    SCOPE VARCHAR(2000) NULL
);
CREATE TABLE IF NOT EXISTS OAUTH_REFRESH_TOKENS (
    REFRESH_TOKEN VARCHAR(40) NOT NULL PRIMARY KEY,
    CLIENT_ID VARCHAR(80) NOT NULL,
    USER_ID VARCHAR(32) NULL,
    EXPIRES DATETIME NOT NULL,
    SCOPE VARCHAR(2000) NULL
);
CREATE INDEX IF NOT EXISTS OAUTH_REFRESH_TOKENS_EXPIRES ON OAUTH_REFRESH_TOKENS (EXPIRES);
CREATE TABLE IF NOT EXISTS OAUTH_SCOPES (
    TYPE VARCHAR(40) NOT NULL,
    SCOPE VARCHAR(2000) NULL,
    CLIENT_ID VARCHAR(80) NULL
);
CREATE TABLE IF NOT EXISTS PMOAUTH_USER_ACCESS_TOKENS (
    ACCESS_TOKEN VARCHAR(40) NOT NULL PRIMARY KEY,
    REFRESH_TOKEN VARCHAR(40) NOT NULL,
    USER_ID VARCHAR(32) NULL,
    SESSION_ID VARCHAR(64) NOT NULL,
    SESSION_NAME VARCHAR(64) NOT NULL
);
CREATE TABLE IF NOT EXISTS RBAC_USERS (
    USR_UID VARCHAR(32) NOT NULL PRIMARY KEY,
    USR_USERNAME VARCHAR(100) NOT NULL,
    USR_PASSWORD VARCHAR(128) NOT NULL,
    USR_FIRSTNAME VARCHAR(50) NOT NULL DEFAULT '',
    USR_LASTNAME VARCHAR(50) NOT NULL DEFAULT '',
    USR_EMAIL VARCHAR(100) NOT NULL DEFAULT '',
    USR_DUE_DATE DATE NOT NULL DEFAULT '2030-12-31',
    USR_STATUS INTEGER NOT NULL DEFAULT 1,
    USR_AUTH_TYPE VARCHAR(32) NOT NULL DEFAULT 'mysql',
    USR_ROLE VARCHAR(32) NOT NULL DEFAULT 'PROCESSMAKER_OPERATOR'
);
CREATE INDEX IF NOT EXISTS RBAC_USERS_USERNAME ON RBAC_USERS (USR_USERNAME COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS PM3MOCK_USER_PERMISSIONS (
    USR_UID VARCHAR(32) NOT NULL,
    PER_CODE VARCHAR(64) NOT NULL,
    PRIMARY KEY (USR_UID, PER_CODE)
);
CREATE TABLE IF NOT EXISTS PM3MOCK_SESSIONS (
    SESSION_ID VARCHAR(64) NOT NULL PRIMARY KEY,
    USR_UID VARCHAR(32) NOT NULL,
    EXPIRES DATETIME NOT NULL
);
CREATE TABLE IF NOT EXISTS PM3MOCK_SESSION_MESSAGES (
    SESSION_ID VARCHAR(64) NOT NULL PRIMARY KEY,
    G_MESSAGE VARCHAR(1024) NOT NULL,
    G_MESSAGE_TYPE VARCHAR(16) NOT NULL
);
"""

TOKEN_TABLES = ("OAUTH_ACCESS_TOKENS", "OAUTH_REFRESH_TOKENS", "OAUTH_AUTHORIZATION_CODES")
CLIENT_COLUMNS = (
    "CLIENT_ID",
    "CLIENT_SECRET",
    "CLIENT_NAME",
    "CLIENT_DESCRIPTION",
    "CLIENT_WEBSITE",
    "REDIRECT_URI",
    "USR_UID",
)
TOKEN_COLUMNS = ("ACCESS_TOKEN", "CLIENT_ID", "USER_ID", "EXPIRES", "SCOPE")
_CLIENTS = f"SELECT {', '.join(CLIENT_COLUMNS)} FROM OAUTH_CLIENTS"


def hash_password(password: str) -> str:
    """PM 3's default password hash (md5 hex; ``Bootstrap::hashPassword``)."""
    return hashlib.md5(password.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ClientRow:
    client_id: str
    client_secret: str
    name: str
    description: str
    website: str
    redirect_uri: str
    owner: str


@dataclass(frozen=True, slots=True)
class UserRow:
    uid: str
    username: str
    password_hash: str
    firstname: str
    lastname: str
    email: str
    due_date: str
    status: int
    auth_type: str
    role: str


@dataclass(frozen=True, slots=True)
class TokenRow:
    """A row of OAUTH_ACCESS_TOKENS, OAUTH_REFRESH_TOKENS or OAUTH_AUTHORIZATION_CODES."""

    token: str
    client_id: str
    user_id: str | None
    expires: str
    scope: str | None
    redirect_uri: str | None = None


class WorkspaceStore:
    """The OAUTH_* and RBAC_USERS tables of one workspace, on a :class:`Backend`.

    :param path: a SQLite database file, or ``None`` for a private in-memory database
        (ignored when ``backend`` is given).
    :param case_insensitive: look ids and tokens up as MySQL's ``utf8_general_ci`` does.
    :param backend: the database to use (:mod:`mockserver.state.backend`); SQLite by default.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        case_insensitive: bool = True,
        backend: Backend | None = None,
    ) -> None:
        self.path = path
        self.case_insensitive = case_insensitive
        self._b = backend if backend is not None else SqliteBackend(path, SCHEMA)
        self._purged_at: str | None = None
        self._columns: dict[str, frozenset[str]] = {}
        self._users = (
            f"SELECT {', '.join('U.' + c for c in USER_COLUMNS)}, {self._b.role_column} "
            f"FROM {self._b.users_from}"
        )

    @property
    def backend(self) -> Backend:
        return self._b

    def ensure_schema(self, key: str, ddl: str) -> None:
        """Create an area's tables (``CREATE TABLE IF NOT EXISTS``) once per store.

        The REST resources' areas (:mod:`mockserver.state.directory`,
        :mod:`mockserver.state.casework`) keep their SQL in their own modules of ``state/`` and
        create their tables on first use, so a store that never serves them never has them."""
        self._b.ensure_schema(key, ddl)

    def columns(self, table: str) -> frozenset[str]:
        """The columns one of the areas' tables has (read once: tables are made, never altered)."""
        found = self._columns.get(table)
        if found is None:
            found = self._columns[table] = frozenset(self._b.column_names(table))
        return found

    def fetch_one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[object, ...] | None:
        """The first row of a statement (for the areas' SQL modules in ``state/``)."""
        return self._b.fetch_one(sql, params)

    def fetch_all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Every row of a statement (for the areas' SQL modules in ``state/``)."""
        return self._b.fetch_all(sql, params)

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """Run one statement; the rows it touched (for the areas' SQL modules in ``state/``)."""
        return self._b.execute(sql, params)

    def close(self) -> None:
        self._b.close()

    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction, serialised against other writers (threads and processes)."""
        return self._b.transaction()

    def _one(self, sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
        return self._b.fetch_one(sql, params)

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return self._b.fetch_all(sql, params)

    def _exec(self, sql: str, params: tuple[object, ...] = ()) -> int:
        return self._b.execute(sql, params)

    def _key(self, value: str) -> str:
        return value.rstrip(" ").lower() if self.case_insensitive else value

    # --- clients -----------------------------------------------------------------------------
    def add_client(self, client: ClientRow) -> None:
        """Insert or replace a client. Used by: seeding, the applications page, the control API."""
        self._exec(
            self._b.upsert("OAUTH_CLIENTS", CLIENT_COLUMNS),
            (
                client.client_id,
                client.client_secret,
                client.name,
                client.description,
                client.website,
                client.redirect_uri,
                client.owner,
            ),
        )

    def get_client(self, client_id: str) -> ClientRow | None:
        """Used by: client authentication, the authorize flow."""
        if self.case_insensitive:
            sql = f"{_CLIENTS} WHERE {self._b.nocase('CLIENT_ID')} = ?"
            key = client_id.rstrip(" ")
        else:
            sql, key = f"{_CLIENTS} WHERE {self._b.exact('CLIENT_ID')} = ?", client_id
        row = self._one(sql, (key,))
        return ClientRow(*row) if row else None  # type: ignore[arg-type]

    def list_clients(self, owner: str | None = None) -> list[ClientRow]:
        if owner is None:
            rows = self._all(f"{_CLIENTS} ORDER BY CLIENT_NAME")
        else:
            rows = self._all(f"{_CLIENTS} WHERE USR_UID = ? ORDER BY CLIENT_NAME", (owner,))
        return [ClientRow(*r) for r in rows]  # type: ignore[arg-type]

    def set_client_redirect_uri(self, client_id: str, redirect_uri: str) -> bool:
        """Re-register a client's callback. Used by: the built-in clients, once the origin is known."""
        return (
            self._exec(
                "UPDATE OAUTH_CLIENTS SET REDIRECT_URI = ? WHERE CLIENT_ID = ?",
                (redirect_uri, client_id),
            )
            > 0
        )

    def delete_client(self, client_id: str) -> bool:
        return self._exec("DELETE FROM OAUTH_CLIENTS WHERE CLIENT_ID = ?", (client_id,)) > 0

    # --- users -------------------------------------------------------------------------------
    def add_user(self, user: UserRow, permissions: tuple[str, ...] = ()) -> None:
        """Insert or replace a user and its permissions. Used by: seeding, the control API."""
        values = (
            user.uid,
            user.username,
            user.password_hash,
            user.firstname,
            user.lastname,
            user.email,
            user.due_date,
            user.status,
            user.auth_type,
        )
        with self.transaction() as db:
            if self._b.role_table is None:
                db.execute(
                    self._b.upsert("RBAC_USERS", (*USER_COLUMNS, "USR_ROLE")), (*values, user.role)
                )
            else:
                db.execute(self._b.upsert("RBAC_USERS", USER_COLUMNS), values)
                self.put_role(db, user.uid, user.role)
            db.execute("DELETE FROM PM3MOCK_USER_PERMISSIONS WHERE USR_UID = ?", (user.uid,))
            db.executemany(
                "INSERT INTO PM3MOCK_USER_PERMISSIONS (USR_UID, PER_CODE) VALUES (?, ?)",
                [(user.uid, p) for p in permissions],
            )

    def put_role(self, db: Tx, uid: str, role: str) -> None:
        """Give a login its role, inside a transaction (``RBAC_USERS.USR_ROLE`` on SQLite;
        ProcessMaker's ``RBAC_USERS`` has no role, so the mock keeps it beside on MariaDB)."""
        if self._b.role_table is None:
            db.execute("UPDATE RBAC_USERS SET USR_ROLE = ? WHERE USR_UID = ?", (role, uid))
        else:
            db.execute(self._b.upsert(self._b.role_table, ("USR_UID", "ROL_CODE")), (uid, role))

    def find_user(self, username: str) -> UserRow | None:
        """Case-insensitive username lookup (``RbacUsers::verifyLogin``). Used by: PasswordGrant."""
        row = self._one(f"{self._users} WHERE {self._b.nocase('U.USR_USERNAME')} = ?", (username,))
        return UserRow(*row) if row else None  # type: ignore[arg-type]

    def get_user(self, uid: str) -> UserRow | None:
        row = self._one(f"{self._users} WHERE U.USR_UID = ?", (uid,))
        return UserRow(*row) if row else None  # type: ignore[arg-type]

    def list_users(self) -> list[UserRow]:
        return [UserRow(*r) for r in self._all(f"{self._users} ORDER BY U.USR_USERNAME")]  # type: ignore[arg-type]

    def set_user_status(self, uid: str, status: int) -> None:
        self._exec("UPDATE RBAC_USERS SET USR_STATUS = ? WHERE USR_UID = ?", (status, uid))

    def user_has_permission(self, uid: str, code: str) -> bool:
        return (
            self._one(
                "SELECT 1 FROM PM3MOCK_USER_PERMISSIONS WHERE USR_UID = ? AND PER_CODE = ?",
                (uid, code),
            )
            is not None
        )

    # --- tokens and codes --------------------------------------------------------------------
    def insert_access_token(self, row: TokenRow) -> None:
        self._exec(
            f"INSERT INTO OAUTH_ACCESS_TOKENS {values_list(TOKEN_COLUMNS)}",
            (row.token, row.client_id, row.user_id, row.expires, row.scope),
        )

    def insert_refresh_token(self, row: TokenRow) -> None:
        self._exec(
            f"INSERT INTO OAUTH_REFRESH_TOKENS {values_list(('REFRESH_TOKEN', *TOKEN_COLUMNS[1:]))}",
            (row.token, row.client_id, row.user_id, row.expires, row.scope),
        )

    def insert_code(self, row: TokenRow) -> None:
        self._exec(
            "INSERT INTO OAUTH_AUTHORIZATION_CODES (AUTHORIZATION_CODE, CLIENT_ID, USER_ID, "
            "REDIRECT_URI, EXPIRES, SCOPE) VALUES (?, ?, ?, ?, ?, ?)",
            (row.token, row.client_id, row.user_id, row.redirect_uri, row.expires, row.scope),
        )

    def get_access_token(self, token: str) -> TokenRow | None:
        """Used by: the ``/api/1.0`` bearer check."""
        row = self._one(
            "SELECT ACCESS_TOKEN, CLIENT_ID, USER_ID, EXPIRES, SCOPE FROM OAUTH_ACCESS_TOKENS "
            "WHERE ACCESS_TOKEN = ?",
            (self._key(token),),
        )
        return TokenRow(*row) if row else None  # type: ignore[arg-type]

    def get_refresh_token(self, token: str) -> TokenRow | None:
        """Used by: RefreshTokenGrant."""
        row = self._one(
            "SELECT REFRESH_TOKEN, CLIENT_ID, USER_ID, EXPIRES, SCOPE FROM OAUTH_REFRESH_TOKENS "
            "WHERE REFRESH_TOKEN = ?",
            (self._key(token),),
        )
        return TokenRow(*row) if row else None  # type: ignore[arg-type]

    def get_code(self, code: str) -> TokenRow | None:
        """Used by: AuthorizationCodeGrant."""
        row = self._one(
            "SELECT AUTHORIZATION_CODE, CLIENT_ID, USER_ID, EXPIRES, SCOPE, REDIRECT_URI "
            "FROM OAUTH_AUTHORIZATION_CODES WHERE AUTHORIZATION_CODE = ?",
            (self._key(code),),
        )
        return TokenRow(*row) if row else None  # type: ignore[arg-type]

    def spend_refresh_token(self, token: str) -> bool:
        """Delete a refresh token; true for exactly one of any number of concurrent callers."""
        row = self._one(
            "DELETE FROM OAUTH_REFRESH_TOKENS WHERE REFRESH_TOKEN = ? RETURNING REFRESH_TOKEN",
            (self._key(token),),
        )
        return row is not None

    def spend_code(self, code: str) -> bool:
        """Delete an authorization code; true for exactly one of any number of concurrent callers."""
        row = self._one(
            "DELETE FROM OAUTH_AUTHORIZATION_CODES WHERE AUTHORIZATION_CODE = ? "
            "RETURNING AUTHORIZATION_CODE",
            (self._key(code),),
        )
        return row is not None

    def set_access_token_expiry(self, token: str, expires: str) -> bool:
        """``PmPdo::expireToken``: false when the row does not exist."""
        self._purged_at = None
        return (
            self._exec(
                "UPDATE OAUTH_ACCESS_TOKENS SET EXPIRES = ? WHERE ACCESS_TOKEN = ?",
                (expires, self._key(token)),
            )
            > 0
        )

    def delete_access_token(self, token: str) -> bool:
        return (
            self._exec(
                "DELETE FROM OAUTH_ACCESS_TOKENS WHERE ACCESS_TOKEN = ?", (self._key(token),)
            )
            > 0
        )

    def expire_tokens(
        self, expires: str, *, user_id: str | None = None, client_id: str | None = None
    ) -> int:
        """Set EXPIRES on every access and refresh token (of a user or client). Returns rows hit."""
        where, params = _owner_filter(user_id, client_id)
        self._purged_at = None
        total = 0
        with self.transaction() as db:
            for table in ("OAUTH_ACCESS_TOKENS", "OAUTH_REFRESH_TOKENS"):
                total += db.execute(
                    f"UPDATE {table} SET EXPIRES = ? {where}", (expires, *params)
                ).rowcount
        return total

    def purge_expired(self, now: str) -> None:
        """``PmPdo::setAccessToken`` deletes expired access and refresh rows before each issuance.

        Expiry has one-second resolution, so a second purge within the same second finds nothing
        new, unless this store wrote an expiry in the past since (which resets the memo).
        """
        if now == self._purged_at:
            return
        self._exec("DELETE FROM OAUTH_ACCESS_TOKENS WHERE EXPIRES < ?", (now,))
        self._exec("DELETE FROM OAUTH_REFRESH_TOKENS WHERE EXPIRES < ?", (now,))
        self._purged_at = now

    def link_user_access_token(
        self,
        access_token: str,
        refresh_token: str,
        user_id: str | None,
        session_id: str,
        session_name: str,
    ) -> None:
        """A ``PMOAUTH_USER_ACCESS_TOKENS`` row: the designer's token and the PHP session it
        belongs to (``Server::postToken`` writes one for ``x-pm-local-client``)."""
        self._exec(
            self._b.upsert(
                "PMOAUTH_USER_ACCESS_TOKENS",
                ("ACCESS_TOKEN", "REFRESH_TOKEN", "USER_ID", "SESSION_ID", "SESSION_NAME"),
            ),
            (access_token, refresh_token, user_id, session_id, session_name),
        )

    def count(self, table: str) -> int:
        if table not in (
            *TOKEN_TABLES,
            "OAUTH_CLIENTS",
            "RBAC_USERS",
            "PM3MOCK_SESSIONS",
            "PMOAUTH_USER_ACCESS_TOKENS",
        ):
            raise ValueError(f"unknown table {table}")
        row = self._one(f"SELECT COUNT(*) FROM {table}", ())
        return int(row[0]) if row else 0  # type: ignore[call-overload]

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run a query and return its rows, e.g. the documentation's trigger query (nothing makes it
        read-only: callers pass a SELECT)."""
        return self._all(sql, params)

    # --- login sessions ----------------------------------------------------------------------
    def create_session(self, session_id: str, uid: str, expires: str) -> None:
        self._exec(
            self._b.upsert("PM3MOCK_SESSIONS", ("SESSION_ID", "USR_UID", "EXPIRES")),
            (session_id, uid, expires),
        )

    def session_user(self, session_id: str, now: str, renew_until: str) -> str | None:
        """The user of a live session, sliding its expiry (PHP's inactivity timeout)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT USR_UID, EXPIRES FROM PM3MOCK_SESSIONS WHERE SESSION_ID = ?",
                (session_id,),
            ).fetchone()
            if row is None or str(row[1]) < now:
                return None
            db.execute(
                "UPDATE PM3MOCK_SESSIONS SET EXPIRES = ? WHERE SESSION_ID = ?",
                (renew_until, session_id),
            )
            return str(row[0])

    def user_has_live_session(self, uid: str, now: str) -> bool:
        row = self._one(
            "SELECT 1 FROM PM3MOCK_SESSIONS WHERE USR_UID = ? AND EXPIRES >= ?", (uid, now)
        )
        return row is not None

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM PM3MOCK_SESSIONS WHERE SESSION_ID = ?", (session_id,))
            db.execute("DELETE FROM PM3MOCK_SESSION_MESSAGES WHERE SESSION_ID = ?", (session_id,))

    def set_session_message(self, session_id: str, message: str, kind: str) -> None:
        """``G::SendTemporalMessage``: a message the session shows on the next page."""
        self._exec(
            self._b.upsert(
                "PM3MOCK_SESSION_MESSAGES", ("SESSION_ID", "G_MESSAGE", "G_MESSAGE_TYPE")
            ),
            (session_id, message, kind),
        )

    def pop_session_message(self, session_id: str) -> tuple[str, str] | None:
        """The session's pending message (text, type), removed as the page showing it is rendered."""
        row = self._one(
            "DELETE FROM PM3MOCK_SESSION_MESSAGES WHERE SESSION_ID = ? "
            "RETURNING G_MESSAGE, G_MESSAGE_TYPE",
            (session_id,),
        )
        return (str(row[0]), str(row[1])) if row else None

    # --- whole-store operations --------------------------------------------------------------
    def clear(self) -> None:
        """Empty every table (the seed is then applied again by the caller)."""
        self._purged_at = None
        tables = self._b.table_names()
        with self.transaction() as db:
            for table in tables:  # the areas' tables too (ensure_schema)
                db.execute(f"DELETE FROM {table}")


def _owner_filter(user_id: str | None, client_id: str | None) -> tuple[str, tuple[object, ...]]:
    clauses: list[str] = []
    params: list[object] = []
    if user_id is not None:
        clauses.append("USER_ID = ?")
        params.append(user_id)
    if client_id is not None:
        clauses.append("CLIENT_ID = ?")
        params.append(client_id)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)
