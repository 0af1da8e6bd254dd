"""The MariaDB backend: URL and password rules, ProcessMaker's DDL, the store's operations, refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pymysql
import pytest

from mockserver.state.backend import StoreConfigError
from mockserver.state.backend import StoreUnavailable
from mockserver.state.backend import StoreUnsupported
from mockserver.state.mysql import AREAS
from mockserver.state.mysql import TABLES
from mockserver.state.mysql import VIEWS
from mockserver.state.mysql import MysqlBackend
from mockserver.state.mysql import MysqlTarget
from mockserver.state.mysql import _placeholders
from mockserver.state.mysql import parse_store_url
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import default_seed
from mockserver.state.store import TokenRow
from mockserver.state.store import WorkspaceStore
from tests.mariadb import Server


@pytest.mark.parametrize(
    ("url", "password", "needle"),
    [
        ("mysql://u:secret@h:3306/", "p", "no password in the URL"),
        ("postgres://u@h/", "p", "scheme 'postgres'"),
        ("mysql://h:3306/", "p", "name a user and a host"),
        ("mysql://u@h:3306/wf_x", "p", "name no database"),
        ("mysql://u@h:99999/", "p", "port"),
        ("mysql://u@h:3306/", None, "PM3_STORE_PASSWORD"),
    ],
)
def test_bad_store_urls_are_refused_naming_the_problem(
    url: str, password: str | None, needle: str
) -> None:
    with pytest.raises(StoreConfigError, match=needle) as info:
        parse_store_url(url, password)
    assert "secret" not in str(info.value)


def test_a_store_url_names_server_and_user_and_hides_the_password() -> None:
    target = parse_store_url("mysql://pm3@db.example:3307/", "pw")
    assert (target.host, target.port, target.user, target.password) == (
        "db.example",
        3307,
        "pm3",
        "pw",
    )
    assert target.database("workflow") == "wf_workflow"
    assert "pw" not in repr(target)
    assert parse_store_url("mysql://pm3@db.example/", "pw").port == 3306


def test_placeholders_become_pymysql_format_outside_quoted_text() -> None:
    assert _placeholders("SELECT 1 FROM T WHERE A = ? AND B LIKE '50%?'") == (
        "SELECT 1 FROM T WHERE A = %s AND B LIKE '50%%?'"
    )
    assert _placeholders("SELECT '%' , ?") == "SELECT '%%' , %s"


def test_every_table_cites_its_source() -> None:
    for name, (source, _) in TABLES.items():
        if name.startswith("PM3MOCK_"):
            assert source.startswith("mock:")
        else:
            assert "schema.sql:" in source and "@1429451be:" in source


# --- against a server ------------------------------------------------------------------------
def _target(server: Server, *, read_only: bool = False) -> MysqlTarget:
    return parse_store_url(server.read_only_url if read_only else server.url, server.password)


def _admin(server: Server) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
    t = _target(server)
    return pymysql.connect(host=t.host, port=t.port, user=t.user, password=t.password)


def _tables(server: Server, database: str) -> dict[str, list[tuple[str, str, str]]]:
    conn = _admin(server)
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
            (database,),
        )
        found: dict[str, list[tuple[str, str, str]]] = {}
        for table, column, kind, key in cur.fetchall():
            found.setdefault(table, []).append((column, kind, key))
        return found
    finally:
        conn.close()


def _drop(server: Server, database: str) -> None:
    conn = _admin(server)
    try:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{database}`")
    finally:
        conn.close()


@pytest.fixture
def ws(mariadb: Server) -> Iterator[str]:
    name = mariadb.workspace()
    yield name
    _drop(mariadb, f"wf_{name}")


@pytest.fixture
def store(mariadb: Server, ws: str) -> Iterator[WorkspaceStore]:
    store = WorkspaceStore(backend=MysqlBackend(_target(mariadb), ws))
    default_seed().apply(store, workspace=ws, origin="http://localhost")
    yield store
    store.close()


def test_tables_have_processmakers_columns_types_and_keys(
    mariadb: Server, store: WorkspaceStore, ws: str
) -> None:
    tables = _tables(mariadb, f"wf_{ws}")
    rest = (AREAS["directory"], AREAS["casework"], *VIEWS.values())
    areas = {name for area in rest for name in area}
    assert set(tables) == set(TABLES) | areas  # the seed used both REST areas
    assert tables["OAUTH_ACCESS_TOKENS"] == [
        ("ACCESS_TOKEN", "varchar(40)", "PRI"),
        ("CLIENT_ID", "varchar(80)", ""),
        ("USER_ID", "varchar(32)", ""),
        ("EXPIRES", "datetime", ""),
        ("SCOPE", "varchar(2000)", ""),
    ]
    assert [c for c, _, _ in tables["RBAC_USERS"]] == [
        "USR_UID",
        "USR_USERNAME",
        "USR_PASSWORD",
        "USR_FIRSTNAME",
        "USR_LASTNAME",
        "USR_EMAIL",
        "USR_DUE_DATE",
        "USR_CREATE_DATE",
        "USR_UPDATE_DATE",
        "USR_STATUS",
        "USR_AUTH_TYPE",
        "UID_AUTH_SOURCE",
        "USR_AUTH_USER_DN",
        "USR_AUTH_SUPERVISOR_DN",
    ]
    assert ("USR_DUE_DATE", "date", "") in tables["RBAC_USERS"]
    assert [k for _, _, k in tables["OAUTH_SCOPES"]] == ["", "", ""]  # PM gives it no key
    # The REST areas' tables are ProcessMaker's whole tables, AUTO_INCREMENT ids included.
    # schema.sql:670-743 declares 67 columns of TASK, :13-44 23 of APPLICATION.
    assert len(tables["TASK"]) == 67 and len(tables["APPLICATION"]) == 23
    assert ("USR_ID", "int(11)", "UNI") in tables["USERS"]
    assert ("DEL_DATA", "mediumtext", "") in tables["APP_DELEGATION"]


def test_every_area_table_cites_its_source() -> None:
    for area in (*AREAS.values(), *VIEWS.values()):
        for name, (source, _) in area.items():
            if name.startswith("PM3MOCK_"):
                assert source.startswith("mock:")
            else:
                assert "schema.sql:" in source and "@1429451be:" in source


def test_the_store_reads_and_writes_as_on_sqlite(store: WorkspaceStore) -> None:
    user = store.find_user("JohnDoe")
    assert user is not None and user.username == "johndoe"
    assert user.role == "PROCESSMAKER_MANAGER" and user.due_date == "2030-12-31"
    assert store.get_client(DOC_CLIENT_ID.lower() + "  ") is not None  # utf8_general_ci
    store.case_insensitive = False
    assert store.get_client(DOC_CLIENT_ID.lower()) is None
    assert store.get_client(DOC_CLIENT_ID) is not None
    store.insert_access_token(
        TokenRow("a" * 40, DOC_CLIENT_ID, user.uid, "2030-01-02 03:04:05", "*")
    )
    row = store.get_access_token("a" * 40)
    assert row is not None and row.expires == "2030-01-02 03:04:05"  # text, as on SQLite
    # The documentation's trigger query, verbatim but for the user's id.
    assert store.query(
        f"SELECT ACCESS_TOKEN FROM OAUTH_ACCESS_TOKENS WHERE USER_ID='{user.uid}' "
        "ORDER BY EXPIRES DESC"
    ) == [("a" * 40,)]


def test_a_refresh_token_or_code_is_spent_once(store: WorkspaceStore) -> None:
    store.insert_refresh_token(TokenRow("b" * 40, DOC_CLIENT_ID, "u", "2030-01-01 00:00:00", "*"))
    store.insert_code(
        TokenRow("c" * 40, DOC_CLIENT_ID, "u", "2030-01-01 00:00:00", "*", "http://x")
    )
    assert [store.spend_refresh_token("b" * 40), store.spend_refresh_token("b" * 40)] == [
        True,
        False,
    ]
    assert [store.spend_code("c" * 40), store.spend_code("c" * 40)] == [True, False]


def test_sessions_messages_and_clear(store: WorkspaceStore) -> None:
    store.create_session("s1", "uid1", "2030-01-01 00:00:00")
    assert store.session_user("s1", "2029-01-01 00:00:00", "2031-01-01 00:00:00") == "uid1"
    assert store.user_has_live_session("uid1", "2030-06-01 00:00:00")  # renewed to 2031
    store.set_session_message("s1", "Wrong login credentials", "warning")
    assert store.pop_session_message("s1") == ("Wrong login credentials", "warning")
    assert store.pop_session_message("s1") is None
    store.clear()
    assert store.count("RBAC_USERS") == 0 and store.count("PM3MOCK_SESSIONS") == 0


def test_an_area_without_processmakers_tables_is_refused_by_name(store: WorkspaceStore) -> None:
    with pytest.raises(StoreUnsupported, match="'reports'"):
        store.ensure_schema("reports", "CREATE TABLE X (A INT)")
    assert "X" not in store.backend.table_names()


def test_a_database_of_an_earlier_mock_gets_the_tables_it_lacks(mariadb: Server, ws: str) -> None:
    """A database the mock made before its REST areas ran on MariaDB (the OAuth tables only)
    is the mock's: it is opened, and the areas' tables are added on first use."""
    first = WorkspaceStore(backend=MysqlBackend(_target(mariadb), ws))
    first.close()
    conn = _admin(mariadb)
    try:
        conn.cursor().execute(f"DROP TABLE `wf_{ws}`.PM3MOCK_SESSION_MESSAGES")
    finally:
        conn.close()
    store = WorkspaceStore(backend=MysqlBackend(_target(mariadb), ws))
    try:
        assert "PM3MOCK_SESSION_MESSAGES" in store.backend.table_names()
        default_seed().apply(store, workspace=ws, origin="http://localhost")
        assert {"USERS", "APPLICATION"} <= set(store.backend.table_names())
    finally:
        store.close()


def test_a_second_host_opens_the_same_database(
    mariadb: Server, store: WorkspaceStore, ws: str
) -> None:
    store.insert_access_token(TokenRow("d" * 40, DOC_CLIENT_ID, "u", "2030-01-01 00:00:00", "*"))
    other = WorkspaceStore(backend=MysqlBackend(_target(mariadb), ws))
    try:
        assert other.get_access_token("d" * 40) is not None
        assert other.count("OAUTH_CLIENTS") == store.count("OAUTH_CLIENTS") > 0
    finally:
        other.close()


def test_a_foreign_database_is_refused_and_left_alone(mariadb: Server, ws: str) -> None:
    conn = _admin(mariadb)
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE DATABASE `wf_{ws}`")
        cur.execute(f"CREATE TABLE `wf_{ws}`.OAUTH_CLIENTS (CLIENT_ID INT)")
    finally:
        conn.close()
    before = _tables(mariadb, f"wf_{ws}")
    with pytest.raises(StoreConfigError, match=f"wf_{ws} exists with a foreign schema"):
        MysqlBackend(_target(mariadb), ws)
    assert _tables(mariadb, f"wf_{ws}") == before


def test_without_the_create_grant_nothing_is_created(mariadb: Server, ws: str) -> None:
    with pytest.raises(StoreConfigError, match=f"cannot create database wf_{ws}"):
        MysqlBackend(_target(mariadb, read_only=True), ws)
    assert _tables(mariadb, f"wf_{ws}") == {}


def test_wrong_credentials_and_no_server_are_named(mariadb: Server, ws: str) -> None:
    t = _target(mariadb)
    wrong = MysqlTarget(t.host, t.port, t.user, "not-the-password", t.url)
    with pytest.raises(StoreConfigError, match="refused user 'pm3'"):
        MysqlBackend(wrong, ws)
    closed = MysqlTarget("127.0.0.1", 1, t.user, t.password, "mysql://pm3@127.0.0.1:1/")
    with pytest.raises(StoreUnavailable, match="cannot reach the server"):
        MysqlBackend(closed, ws)


def test_a_lost_connection_answers_unavailable_once_then_reconnects(
    mariadb: Server, store: WorkspaceStore
) -> None:
    backend = store.backend
    assert isinstance(backend, MysqlBackend)
    (conn_id,) = backend.fetch_all("SELECT CONNECTION_ID()")[0]
    conn = _admin(mariadb)
    try:
        conn.cursor().execute(f"KILL {int(conn_id)}")  # type: ignore[call-overload]
    finally:
        conn.close()
    with pytest.raises(StoreUnavailable):  # a write is not sent twice
        store.insert_access_token(
            TokenRow("e" * 40, DOC_CLIENT_ID, "u", "2030-01-01 00:00:00", "*")
        )
    assert store.find_user("admin") is not None  # the next statement reconnects
    conn = _admin(mariadb)
    try:
        cur = conn.cursor()
        (conn_id,) = backend.fetch_all("SELECT CONNECTION_ID()")[0]
        cur.execute(f"KILL {int(conn_id)}")  # type: ignore[call-overload]
    finally:
        conn.close()
    assert store.find_user("admin") is not None  # a read is sent again on a new connection


class _Conflicts:
    """A connection whose next statements InnoDB rolls back (a deadlock), then the real one's."""

    def __init__(self, real: object, conflicts: int) -> None:
        self.real = real
        self.conflicts = conflicts

    def cursor(self) -> object:
        outer = self

        class Cursor:
            def __init__(self, inner: object) -> None:
                self.inner = inner

            def execute(self, sql: str, params: object) -> object:
                if outer.conflicts:
                    outer.conflicts -= 1
                    raise pymysql.err.OperationalError(
                        1213, "Deadlock found when trying to get lock"
                    )
                return self.inner.execute(sql, params)  # type: ignore[attr-defined]

            def fetchall(self) -> object:
                return self.inner.fetchall()  # type: ignore[attr-defined]

        return Cursor(self.real.cursor())  # type: ignore[attr-defined]


def test_a_statement_a_deadlock_rolled_back_is_sent_again_then_the_store_is_busy(
    store: WorkspaceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = store.backend
    assert isinstance(backend, MysqlBackend)
    real = backend._live()
    fake = _Conflicts(real, conflicts=1)
    monkeypatch.setattr(backend, "_live", lambda: fake)
    assert store.get_client(DOC_CLIENT_ID) is not None  # one deadlock: sent again, answered
    fake.conflicts = 2
    # two in a row: the store's transient refusal (a 503), never an error escaping as a 500
    with pytest.raises(StoreUnavailable, match="busy"):
        store.get_client(DOC_CLIENT_ID)
