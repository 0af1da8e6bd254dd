"""The directory of a workspace: users' workflow records, groups, roles and departments.

Tables and columns are ProcessMaker 3.4.11's (CO 1429451be; ``schema.sql`` is
``workflow/engine/data/mysql/schema.sql``, ``rbac schema.sql`` is
``rbac/engine/data/mysql/schema.sql``), with their MySQL type names, which SQLite accepts. On
MariaDB (``--store``) the tables are ProcessMaker's own DDL, every column and key
(:data:`mockserver.state.mysql.AREAS`); the SQL below runs on either through the store's
:class:`~mockserver.state.backend.Backend` (its dialect bits: case-insensitive comparison,
null-safe difference, insert-or-ignore, the order of a table scan, ``AUTO_INCREMENT`` ids).

Login lives in ``RBAC_USERS`` (:mod:`mockserver.state.store`); ProcessMaker keeps a second record of
each user in ``USERS`` (``BusinessModel/User.php`` ``create`` writes both, l.778-784). Here the
REST writes go to both tables in one transaction, and :func:`sync_users` brings ``USERS`` in line
with ``RBAC_USERS`` for the columns both hold, so a user that arrived by another door (a seed file,
the control API, ``MockServer.add_user``) has its full record too.

The role of a user is the store's logical user row's (``RBAC_USERS.USR_ROLE`` on SQLite,
``PM3MOCK_USER_ROLES`` beside ProcessMaker's ``RBAC_USERS`` on MariaDB; ProcessMaker keeps it in
``RBAC_USERS_ROLES``), so ``ROL_TOTAL_USERS`` counts that.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Literal

from mockserver.state.backend import NO_LIMIT
from mockserver.state.store import WorkspaceStore

GUEST_UID = "00000000000000000000000000000002"  # RBAC::GUEST_USER_UID; insert.sql:3
SYSTEM_RBAC = "00000000000000000000000000000001"  # rbac insert.sql:226, BusinessModel/Role.php:38
SYSTEM_PROCESSMAKER = "00000000000000000000000000000002"  # rbac insert.sql:227
SEED_STAMP = "2015-05-01 10:00:00"
"""Create/update date of seeded rows (decision: the mock's fixed install date, as SAMPLE_PROJECTS)."""

DDL = """
CREATE TABLE IF NOT EXISTS USERS (
    USR_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    USR_ID INTEGER NOT NULL DEFAULT 0,
    USR_USERNAME VARCHAR(100) NOT NULL DEFAULT '',
    USR_PASSWORD VARCHAR(128) NOT NULL DEFAULT '',
    USR_FIRSTNAME VARCHAR(50) NOT NULL DEFAULT '',
    USR_LASTNAME VARCHAR(50) NOT NULL DEFAULT '',
    USR_EMAIL VARCHAR(100) NOT NULL DEFAULT '',
    USR_DUE_DATE DATE NOT NULL,
    USR_CREATE_DATE DATETIME NOT NULL,
    USR_UPDATE_DATE DATETIME NOT NULL,
    USR_STATUS VARCHAR(32) NOT NULL DEFAULT 'ACTIVE',
    USR_STATUS_ID INTEGER DEFAULT 1,
    USR_COUNTRY VARCHAR(3) NOT NULL DEFAULT '',
    USR_CITY VARCHAR(3) NOT NULL DEFAULT '',
    USR_LOCATION VARCHAR(3) NOT NULL DEFAULT '',
    USR_ADDRESS VARCHAR(255) NOT NULL DEFAULT '',
    USR_PHONE VARCHAR(24) NOT NULL DEFAULT '',
    USR_FAX VARCHAR(24) NOT NULL DEFAULT '',
    USR_CELLULAR VARCHAR(24) NOT NULL DEFAULT '',
    USR_ZIP_CODE VARCHAR(16) NOT NULL DEFAULT '',
    DEP_UID VARCHAR(32) NOT NULL DEFAULT '',
    USR_POSITION VARCHAR(100) NOT NULL DEFAULT '',
    USR_RESUME VARCHAR(100) NOT NULL DEFAULT '',
    USR_BIRTHDAY DATE,
    USR_ROLE VARCHAR(32) DEFAULT 'PROCESSMAKER_ADMIN',
    USR_REPORTS_TO VARCHAR(32) DEFAULT '',
    USR_REPLACED_BY VARCHAR(32) DEFAULT '',
    USR_UX VARCHAR(128) DEFAULT 'NORMAL',
    USR_COST_BY_HOUR DECIMAL(7,2) DEFAULT 0,
    USR_UNIT_COST VARCHAR(50) DEFAULT '',
    USR_PMDRIVE_FOLDER_UID VARCHAR(128) DEFAULT '',
    USR_BOOKMARK_START_CASES MEDIUMTEXT,
    USR_TIME_ZONE VARCHAR(100) DEFAULT '',
    USR_DEFAULT_LANG VARCHAR(10) DEFAULT '',
    USR_LAST_LOGIN DATETIME
);
CREATE INDEX IF NOT EXISTS indexUsrStatus ON USERS (USR_STATUS);
CREATE TABLE IF NOT EXISTS GROUPWF (
    GRP_UID VARCHAR(32) NOT NULL PRIMARY KEY,
    GRP_ID INTEGER NOT NULL UNIQUE,
    GRP_TITLE MEDIUMTEXT NOT NULL,
    GRP_STATUS CHAR(8) NOT NULL DEFAULT 'ACTIVE',
    GRP_STATUS_ID INTEGER DEFAULT 0,
    GRP_LDAP_DN VARCHAR(255) NOT NULL DEFAULT '',
    GRP_UX VARCHAR(128) DEFAULT 'NORMAL'
);
CREATE TABLE IF NOT EXISTS GROUP_USER (
    GRP_UID VARCHAR(32) NOT NULL DEFAULT '0',
    GRP_ID INTEGER DEFAULT 0,
    USR_UID VARCHAR(32) NOT NULL DEFAULT '0',
    USR_ID INTEGER DEFAULT 0,
    PRIMARY KEY (GRP_UID, USR_UID)
);
CREATE INDEX IF NOT EXISTS indexForUsrUid ON GROUP_USER (USR_UID);
CREATE TABLE IF NOT EXISTS DEPARTMENT (
    DEP_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    DEP_TITLE MEDIUMTEXT NOT NULL,
    DEP_PARENT VARCHAR(32) NOT NULL DEFAULT '',
    DEP_MANAGER VARCHAR(32) NOT NULL DEFAULT '',
    DEP_LOCATION INTEGER NOT NULL DEFAULT 0,
    DEP_STATUS VARCHAR(10) NOT NULL DEFAULT 'ACTIVE',
    DEP_REF_CODE VARCHAR(50) NOT NULL DEFAULT '',
    DEP_LDAP_DN VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS DEP_BYPARENT ON DEPARTMENT (DEP_PARENT);
CREATE TABLE IF NOT EXISTS CONTENT (
    CON_CATEGORY VARCHAR(30) NOT NULL DEFAULT '',
    CON_PARENT VARCHAR(32) NOT NULL DEFAULT '',
    CON_ID VARCHAR(100) NOT NULL DEFAULT '',
    CON_LANG VARCHAR(10) NOT NULL DEFAULT '',
    CON_VALUE MEDIUMTEXT NOT NULL,
    PRIMARY KEY (CON_CATEGORY, CON_PARENT, CON_ID, CON_LANG)
);
CREATE TABLE IF NOT EXISTS RBAC_ROLES (
    ROL_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    ROL_PARENT VARCHAR(32) NOT NULL DEFAULT '',
    ROL_SYSTEM VARCHAR(32) NOT NULL DEFAULT '',
    ROL_CODE VARCHAR(32) NOT NULL DEFAULT '',
    ROL_CREATE_DATE DATETIME,
    ROL_UPDATE_DATE DATETIME,
    ROL_STATUS INTEGER NOT NULL DEFAULT 1
);
"""
# Sources of the DDL: USERS schema.sql:803-845; GROUPWF schema.sql:285-296; GROUP_USER
# schema.sql:304-313; DEPARTMENT schema.sql:240-253; CONTENT schema.sql:221-232; RBAC_ROLES
# rbac schema.sql:31-41. AUTO_INCREMENT ids (USR_ID, GRP_ID) are given the row's rowid
# (Backend.fill_ids; MariaDB's AUTO_INCREMENT numbers them itself).

USER_COLUMNS: tuple[str, ...] = (
    "USR_UID",
    "USR_ID",
    "USR_USERNAME",
    "USR_PASSWORD",
    "USR_FIRSTNAME",
    "USR_LASTNAME",
    "USR_EMAIL",
    "USR_DUE_DATE",
    "USR_CREATE_DATE",
    "USR_UPDATE_DATE",
    "USR_STATUS",
    "USR_STATUS_ID",
    "USR_COUNTRY",
    "USR_CITY",
    "USR_LOCATION",
    "USR_ADDRESS",
    "USR_PHONE",
    "USR_FAX",
    "USR_CELLULAR",
    "USR_ZIP_CODE",
    "DEP_UID",
    "USR_POSITION",
    "USR_RESUME",
    "USR_BIRTHDAY",
    "USR_ROLE",
    "USR_REPORTS_TO",
    "USR_REPLACED_BY",
    "USR_UX",
    "USR_COST_BY_HOUR",
    "USR_UNIT_COST",
    "USR_PMDRIVE_FOLDER_UID",
    "USR_BOOKMARK_START_CASES",
    "USR_TIME_ZONE",
    "USR_DEFAULT_LANG",
    "USR_LAST_LOGIN",
)
WRITABLE_USER_COLUMNS = frozenset(USER_COLUMNS) - {"USR_UID", "USR_ID"}

# Role names: CONTENT rows 'ROL_NAME' (insert.sql:8,10,12); a role without one is named by its
# code (rbac/engine/classes/model/Roles.php:50).
ROLE_NAMES = {
    "00000000000000000000000000000002": "System Administrator",
    "00000000000000000000000000000003": "Operator",
    "00000000000000000000000000000004": "Manager",
}
# RBAC_ROLES rows: rbac insert.sql:71-76 (uid, system, code, create date, update date).
ROLES: tuple[tuple[str, str, str, str, str], ...] = (
    (SYSTEM_RBAC, SYSTEM_RBAC, "RBAC_ADMIN", "2007-07-31 19:10:22", "2007-08-03 12:24:36"),
    (
        "00000000000000000000000000000002",
        SYSTEM_PROCESSMAKER,
        "PROCESSMAKER_ADMIN",
        "2007-07-31 19:10:22",
        "2007-08-03 12:24:36",
    ),
    (
        "00000000000000000000000000000003",
        SYSTEM_PROCESSMAKER,
        "PROCESSMAKER_OPERATOR",
        "2007-07-31 19:10:22",
        "2007-08-03 12:24:36",
    ),
    (
        "00000000000000000000000000000004",
        SYSTEM_PROCESSMAKER,
        "PROCESSMAKER_MANAGER",
        "2010-03-29 09:14:15",
        "2010-03-29 09:19:53",
    ),
    (
        "00000000000000000000000000000005",
        SYSTEM_PROCESSMAKER,
        "PROCESSMAKER_GUEST",
        "2009-02-01 12:24:36",
        "2009-02-01 12:24:36",
    ),
)

# The mock's sample directory (decision: ProcessMaker installs none; a small plausible set).
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("66623507552d56ee1ba0a70018347890", "Employees", "ACTIVE"),
    ("70084316152d56749e0f393054862525", "Managers", "ACTIVE"),
    ("31282553452d5674a3f9f66085210948", "Contractors", "INACTIVE"),
)
GROUP_MEMBERS: tuple[tuple[str, str], ...] = (
    ("66623507552d56ee1ba0a70018347890", "admin"),
    ("66623507552d56ee1ba0a70018347890", "johndoe"),
    ("70084316152d56749e0f393054862525", "johndoe"),
)
# (uid, title, parent, manager username)
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("87219548452d569a6a05c67043478262", "Head Office", "", "admin"),
    ("23569475652d569c4c0f1a5034780318", "Finance", "87219548452d569a6a05c67043478262", ""),
    (
        "53958384552d569d2edb6d5019362145",
        "Information Technology",
        "87219548452d569a6a05c67043478262",
        "johndoe",
    ),
)

Row = dict[str, object]
FilterMode = Literal["", "LEFT", "RIGHT"]


def ensure(store: WorkspaceStore) -> None:
    store.ensure_schema("directory", DDL)


def _like(text: str, mode: FilterMode) -> str:
    """ProcessMaker's LIKE patterns: ``%f%`` (filter), ``f%`` (lfilter), ``%f`` (rfilter)."""
    return {"": f"%{text}%", "LEFT": f"{text}%", "RIGHT": f"%{text}"}[mode]


def _page(start: int | None, limit: int | None) -> tuple[str, tuple[object, ...]]:
    """Propel's ``setOffset``/``setLimit`` (an offset alone reads to the end)."""
    if start is None and limit is None:
        return "", ()
    return " LIMIT ? OFFSET ?", (NO_LIMIT if limit is None else limit, start or 0)


# --- users -----------------------------------------------------------------------------------
def sync_users(store: WorkspaceStore, now: str) -> None:
    """Give every ``RBAC_USERS`` row its ``USERS`` record and copy the columns both hold.

    A new record is created ``now`` with the columns' defaults (birthday: the creation day, as
    ``User::create`` does, l.773). Status follows login: an enabled login is ``ACTIVE``; a disabled
    one keeps ``INACTIVE``/``VACATION``/``CLOSED`` (or becomes ``INACTIVE`` from ``ACTIVE``)."""
    ensure(store)
    b = store.backend
    # One read first: most calls find both tables in step and write nothing (a REST call must
    # cost no more than a token grant; the write transaction below would take the write lock).
    if store.fetch_one(_out_of_step(store)) is None:
        return
    with store.transaction() as db:
        db.execute(  # ignore: another host may be making the same records
            f"{b.insert_ignore_into('USERS')} (USR_UID, USR_ID, USR_USERNAME, USR_PASSWORD, USR_FIRSTNAME,"
            " USR_LASTNAME, USR_EMAIL, USR_DUE_DATE, USR_CREATE_DATE, USR_UPDATE_DATE, USR_STATUS,"
            " USR_STATUS_ID, USR_BIRTHDAY, USR_ROLE)"
            " SELECT U.USR_UID, 0, U.USR_USERNAME, U.USR_PASSWORD, U.USR_FIRSTNAME, U.USR_LASTNAME,"
            " U.USR_EMAIL, U.USR_DUE_DATE, ?, ?,"
            " CASE WHEN U.USR_STATUS = 1 THEN 'ACTIVE' ELSE 'INACTIVE' END,"
            f" CASE WHEN U.USR_STATUS = 1 THEN 1 ELSE 0 END, ?, {b.role_column}"
            f" FROM {b.users_from}"
            " WHERE NOT EXISTS (SELECT 1 FROM USERS W WHERE W.USR_UID = U.USR_UID)"
            f" ORDER BY {b.row_order('U', 'USR_UID')}",
            (now, now, now[:10]),
        )
        fill = b.fill_ids("USERS", "USR_ID")
        if fill is not None:
            db.execute(fill)
        changed = db.execute(
            "SELECT U.USR_UID, U.USR_USERNAME, U.USR_FIRSTNAME, U.USR_LASTNAME, U.USR_EMAIL,"
            f" U.USR_DUE_DATE, {b.role_column}, U.USR_STATUS, W.USR_STATUS"
            f" FROM {b.users_from} JOIN USERS W ON W.USR_UID = U.USR_UID WHERE "
            + _differences(store)
        ).fetchall()
        for uid, username, first, last, email, due, role, login, status in changed:
            if login == 1:
                status = "ACTIVE"
            elif status == "ACTIVE":
                status = "INACTIVE"
            db.execute(
                "UPDATE USERS SET USR_USERNAME = ?, USR_FIRSTNAME = ?, USR_LASTNAME = ?,"
                " USR_EMAIL = ?, USR_DUE_DATE = ?, USR_ROLE = ?, USR_STATUS = ? WHERE USR_UID = ?",
                (username, first, last, email, due, role, status, uid),
            )


_SHARED = ("USR_USERNAME", "USR_FIRSTNAME", "USR_LASTNAME", "USR_EMAIL", "USR_DUE_DATE")


def _differences(store: WorkspaceStore) -> str:
    """``W`` (the ``USERS`` record) differs from ``U`` (the login) in a column both hold."""
    b = store.backend
    return (
        " OR ".join(b.differs(f"W.{c}", f"U.{c}") for c in _SHARED)
        + f" OR {b.differs('W.USR_ROLE', b.role_column)}"
        + " OR (U.USR_STATUS = 1) <> (W.USR_STATUS = 'ACTIVE')"
    )


def _out_of_step(store: WorkspaceStore) -> str:
    """A login whose ``USERS`` record is missing or differs in a column both hold."""
    b = store.backend
    return (
        f"SELECT 1 FROM {b.users_from} LEFT JOIN USERS W ON W.USR_UID = U.USR_UID"
        f" WHERE W.USR_UID IS NULL OR W.USR_ID = 0 OR {_differences(store)} LIMIT 1"
    )


def _user_rows(store: WorkspaceStore, where: str, params: tuple[object, ...]) -> list[Row]:
    cols = ", ".join(USER_COLUMNS)
    rows = store.fetch_all(f"SELECT {cols} FROM USERS {where}", params)
    return [dict(zip(USER_COLUMNS, r, strict=True)) for r in rows]


def list_users(
    store: WorkspaceStore,
    *,
    search: str | None = None,
    mode: FilterMode = "",
    status: str | None = None,
    start: int | None = None,
    limit: int | None = None,
) -> list[Row]:
    """``BusinessModel/User.php`` ``getUsers`` (l.1320-1469): every user but the guest, matched on
    username, first or last name, ordered by the first field of the default user-name format
    (``@lastName, @firstName (@userName)``: USR_LASTNAME; ``Configurations.php`` l.310-355)."""
    clauses, params = ["USR_UID <> ?"], [GUEST_UID]
    if status is not None:
        clauses.append("USR_STATUS = ?")
        params.append(status.upper())
    if search is not None and search.strip() != "":
        pattern = _like(search, mode)
        clauses.append("(USR_USERNAME LIKE ? OR USR_FIRSTNAME LIKE ? OR USR_LASTNAME LIKE ?)")
        params += [pattern, pattern, pattern]
    page, page_params = _page(start, limit)
    order = f" ORDER BY {store.backend.nocase('USR_LASTNAME')}, USR_ID"
    where = "WHERE " + " AND ".join(clauses) + order
    return _user_rows(store, where + page, (*params, *page_params))


def get_user(store: WorkspaceStore, uid: str) -> Row | None:
    """``UsersPeer::retrieveByPK``: the record, whatever its status."""
    rows = _user_rows(store, "WHERE USR_UID = ?", (uid,))
    return rows[0] if rows else None


def username_taken(store: WorkspaceStore, username: str, exclude_uid: str = "") -> bool:
    """``User::existsName`` (l.358-377), compared as MySQL's ``utf8_general_ci`` does."""
    row = store.fetch_one(
        f"SELECT 1 FROM USERS WHERE {store.backend.nocase('USR_USERNAME')} = ? AND USR_UID <> ?",
        (username, exclude_uid),
    )
    return row is not None


def role_code(store: WorkspaceStore, code: str, known: Sequence[str]) -> str | None:
    """The role's code as seeded, found case-insensitively (MySQL collation), among ``known``."""
    for (found,) in store.fetch_all(
        f"SELECT ROL_CODE FROM RBAC_ROLES WHERE {store.backend.nocase('ROL_CODE')} = ?", (code,)
    ):
        if found in known:
            return str(found)
    return None


def department_exists(store: WorkspaceStore, uid: str) -> bool:
    return store.fetch_one("SELECT 1 FROM DEPARTMENT WHERE DEP_UID = ?", (uid,)) is not None


def create_user(store: WorkspaceStore, record: Mapping[str, object], login_status: int) -> None:
    """Insert a user in ``RBAC_USERS`` (login) and ``USERS`` (its record) at once."""
    data = {k: v for k, v in record.items() if k in WRITABLE_USER_COLUMNS}
    uid = str(record["USR_UID"])
    with store.transaction() as db:
        db.execute(
            "INSERT INTO RBAC_USERS (USR_UID, USR_USERNAME, USR_PASSWORD, USR_FIRSTNAME,"
            " USR_LASTNAME, USR_EMAIL, USR_DUE_DATE, USR_STATUS, USR_AUTH_TYPE)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'mysql')",
            (
                uid,
                data["USR_USERNAME"],
                record["RBAC_PASSWORD"],
                data["USR_FIRSTNAME"],
                data["USR_LASTNAME"],
                data["USR_EMAIL"],
                data["USR_DUE_DATE"],
                login_status,
            ),
        )
        store.put_role(db, uid, str(data["USR_ROLE"]))
        cols = ["USR_UID", "USR_ID", *data]
        marks = ", ".join("?" for _ in cols)
        db.execute(
            f"INSERT INTO USERS ({', '.join(cols)}) VALUES ({marks})", (uid, 0, *data.values())
        )
        fill = store.backend.fill_ids("USERS", "USR_ID")
        if fill is not None:
            db.execute(fill)


_RBAC_SHARED = ("USR_USERNAME", "USR_FIRSTNAME", "USR_LASTNAME", "USR_EMAIL", "USR_DUE_DATE")


def update_user(
    store: WorkspaceStore,
    uid: str,
    changes: Mapping[str, object],
    *,
    password_hash: str | None,
    login_status: int | None,
    role: str | None,
) -> None:
    """``RBAC::updateUser`` then ``Users::update`` (``User::update`` l.975-984), in one go."""
    data = {k: v for k, v in changes.items() if k in WRITABLE_USER_COLUMNS}
    rbac: dict[str, object] = {k: data[k] for k in _RBAC_SHARED if k in data}
    if password_hash is not None:
        rbac["USR_PASSWORD"] = password_hash
        data["USR_PASSWORD"] = password_hash
    if login_status is not None:
        rbac["USR_STATUS"] = login_status
    if role is not None:
        data["USR_ROLE"] = role
    with store.transaction() as db:
        if rbac:
            sets = ", ".join(f"{k} = ?" for k in rbac)
            db.execute(f"UPDATE RBAC_USERS SET {sets} WHERE USR_UID = ?", (*rbac.values(), uid))
        if role is not None:
            store.put_role(db, uid, role)
        if data:
            sets = ", ".join(f"{k} = ?" for k in data)
            db.execute(f"UPDATE USERS SET {sets} WHERE USR_UID = ?", (*data.values(), uid))
        if login_status == 0:  # RBAC::destroySessionUser (User::update l.985-987)
            db.execute("DELETE FROM PM3MOCK_SESSIONS WHERE USR_UID = ?", (uid,))


def open_cases(store: WorkspaceStore, uid: str) -> int:
    """The user's TO_DO and DRAFT cases (``User::delete`` l.1258-1261), if cases are kept.

    Counted only where the workspace has ProcessMaker's ``APP_DELEGATION`` and ``APPLICATION``
    tables with the columns the count needs; otherwise the user has none."""
    needed = {"APP_DELEGATION": {"APP_UID", "USR_UID", "DEL_THREAD_STATUS"}}
    needed["APPLICATION"] = {"APP_UID", "APP_STATUS"}
    for table, columns in needed.items():
        if not columns <= set(store.backend.column_names(table)):
            return 0
    row = store.fetch_one(
        "SELECT COUNT(DISTINCT D.APP_UID) FROM APP_DELEGATION D JOIN APPLICATION A"
        " ON A.APP_UID = D.APP_UID WHERE D.USR_UID = ? AND D.DEL_THREAD_STATUS = 'OPEN'"
        " AND A.APP_STATUS IN ('TO_DO', 'DRAFT')",
        (uid,),
    )
    return int(str(row[0])) if row else 0


def close_user(store: WorkspaceStore, uid: str, now: str) -> None:
    """``User::delete`` (l.1275-1297): out of every group, login closed and nameless, the record
    ``CLOSED`` and nameless, sessions destroyed, the user's OAuth clients removed."""
    with store.transaction() as db:
        db.execute("DELETE FROM GROUP_USER WHERE USR_UID = ?", (uid,))
        db.execute(
            "UPDATE RBAC_USERS SET USR_STATUS = 0, USR_USERNAME = '' WHERE USR_UID = ?", (uid,)
        )
        db.execute(
            "UPDATE USERS SET USR_STATUS = 'CLOSED', USR_STATUS_ID = 0, USR_USERNAME = '',"
            " USR_UPDATE_DATE = ? WHERE USR_UID = ?",
            (now, uid),
        )
        db.execute("DELETE FROM PM3MOCK_SESSIONS WHERE USR_UID = ?", (uid,))
        db.execute("DELETE FROM OAUTH_CLIENTS WHERE USR_UID = ?", (uid,))


# --- groups ----------------------------------------------------------------------------------
GROUP_COLUMNS = ("GRP_UID", "GRP_TITLE", "GRP_STATUS", "GRP_USERS", "GRP_TASKS")
_GROUP_SELECT = (
    "SELECT G.GRP_UID, G.GRP_TITLE, G.GRP_STATUS,"
    " (SELECT COUNT(*) FROM GROUP_USER GU JOIN USERS U ON U.USR_UID = GU.USR_UID"
    "  WHERE GU.GRP_UID = G.GRP_UID AND U.USR_STATUS <> 'CLOSED'), 0 FROM GROUPWF G"
)


def list_groups(
    store: WorkspaceStore,
    *,
    search: str | None = None,
    mode: FilterMode = "",
    start: int | None = None,
    limit: int | None = None,
) -> list[Row]:
    """``BusinessModel/Group.php`` ``getGroups`` (l.455-575): matched on the title, by title.

    ``GRP_USERS`` counts members that are not CLOSED (``getTotalUsersByGroup`` l.335-373);
    ``GRP_TASKS`` counts task assignments, and the mock has none."""
    where, params = "", []
    if search is not None and search.strip() != "":
        where, params = " WHERE G.GRP_TITLE LIKE ?", [_like(search, mode)]
    page, page_params = _page(start, limit)
    order = f" ORDER BY {store.backend.nocase('G.GRP_TITLE')}, G.GRP_ID"
    rows = store.fetch_all(_GROUP_SELECT + where + order + page, (*params, *page_params))
    return [dict(zip(GROUP_COLUMNS, r, strict=True)) for r in rows]


def get_group(store: WorkspaceStore, uid: str) -> Row | None:
    row = store.fetch_one(_GROUP_SELECT + " WHERE G.GRP_UID = ?", (uid,))
    return dict(zip(GROUP_COLUMNS, row, strict=True)) if row else None


MEMBER_COLUMNS = (
    "USR_UID",
    "USR_USERNAME",
    "USR_FIRSTNAME",
    "USR_LASTNAME",
    "USR_EMAIL",
    "USR_STATUS",
)


def group_members(
    store: WorkspaceStore, uid: str, *, search: str, start: int, limit: int
) -> list[Row]:
    """``GroupUser::getUsersbyGroup`` type USERS (``classes/model/GroupUser.php`` l.234-304):
    members that are not CLOSED, by username; 0 means no offset / no limit."""
    clauses, params = ["GU.GRP_UID = ?", "U.USR_STATUS <> 'CLOSED'"], [uid]
    if search:
        clauses.append("(U.USR_USERNAME LIKE ? OR U.USR_FIRSTNAME LIKE ? OR U.USR_LASTNAME LIKE ?)")
        params += [f"%{search}%"] * 3
    page, page_params = _page(start or None, limit or None)
    cols = ", ".join(f"U.{c}" for c in MEMBER_COLUMNS)
    rows = store.fetch_all(
        f"SELECT {cols} FROM GROUP_USER GU JOIN USERS U ON U.USR_UID = GU.USR_UID WHERE "
        + " AND ".join(clauses)
        + f" ORDER BY {store.backend.nocase('U.USR_USERNAME')}, U.USR_ID"
        + page,
        (*params, *page_params),
    )
    return [dict(zip(MEMBER_COLUMNS, r, strict=True)) for r in rows]


# --- roles -----------------------------------------------------------------------------------
ROLE_COLUMNS = (
    "ROL_UID",
    "ROL_CODE",
    "ROL_NAME",
    "ROL_STATUS",
    "ROL_SYSTEM",
    "ROL_CREATE_DATE",
    "ROL_UPDATE_DATE",
    "ROL_TOTAL_USERS",
)


def _role_select(store: WorkspaceStore) -> str:
    b = store.backend
    return (
        "SELECT R.ROL_UID, R.ROL_CODE, COALESCE(C.CON_VALUE, R.ROL_CODE), R.ROL_STATUS,"
        " R.ROL_SYSTEM, R.ROL_CREATE_DATE, R.ROL_UPDATE_DATE,"
        f" (SELECT COUNT(*) FROM {b.users_from} WHERE {b.role_column} = R.ROL_CODE)"
        " FROM RBAC_ROLES R LEFT JOIN CONTENT C ON C.CON_CATEGORY = 'ROL_NAME'"
        " AND C.CON_PARENT = '' AND C.CON_ID = R.ROL_UID AND C.CON_LANG = 'en'"
        " WHERE R.ROL_SYSTEM = ?"
    )


def list_roles(
    store: WorkspaceStore,
    known: Sequence[str],
    *,
    search: str | None = None,
    start: int | None = None,
    limit: int | None = None,
) -> list[Row]:
    """``BusinessModel/Role.php`` ``getRoles`` (l.526-608): PROCESSMAKER roles, matched on the
    code, by code; ``known``: the codes the profile's release seeds."""
    marks = ", ".join("?" for _ in known) or "''"
    where, params = f" AND R.ROL_CODE IN ({marks})", [SYSTEM_PROCESSMAKER, *known]
    if search is not None and search.strip() != "":
        where += " AND R.ROL_CODE LIKE ?"
        params.append(f"%{search}%")
    page, page_params = _page(start, limit)
    rows = store.fetch_all(
        _role_select(store) + where + " ORDER BY R.ROL_CODE" + page, (*params, *page_params)
    )
    return [dict(zip(ROLE_COLUMNS, r, strict=True)) for r in rows]


def get_role(store: WorkspaceStore, uid: str, known: Sequence[str]) -> Row | None:
    for row in list_roles(store, known):
        if row["ROL_UID"] == uid:
            return row
    return None


def role_exists(store: WorkspaceStore, uid: str) -> str | None:
    """``Role::throwExceptionIfNotExistsRole`` (BM/Role.php l.216-226): the code of any seeded
    role with this uid (the RBAC system's too)."""
    row = store.fetch_one("SELECT ROL_CODE FROM RBAC_ROLES WHERE ROL_UID = ?", (uid,))
    return str(row[0]) if row else None


ROLE_MEMBER_COLUMNS = ("USR_UID", "USR_USERNAME", "USR_FIRSTNAME", "USR_LASTNAME", "USR_STATUS")


def role_members(
    store: WorkspaceStore,
    code: str,
    *,
    available: bool,
    search: str | None,
    start: int | None,
    limit: int | None,
) -> list[Row]:
    """``BusinessModel/Role/User.php`` ``getUsers`` (l.259-403): logins with a name holding the
    role (or, ``available``, any other role but the guest), by last name."""
    b = store.backend
    role = b.role_column
    clauses = [
        "U.USR_USERNAME <> ''",
        f"{role} <> ? AND U.USR_UID <> ?" if available else f"{role} = ?",
    ]
    params: list[object] = [code, GUEST_UID] if available else [code]
    if search is not None and search.strip() != "":
        clauses.append("(U.USR_USERNAME LIKE ? OR U.USR_FIRSTNAME LIKE ? OR U.USR_LASTNAME LIKE ?)")
        params += [f"%{search}%"] * 3
    page, page_params = _page(start, limit)
    order = f"{b.nocase('U.USR_LASTNAME')}, {b.row_order('U', 'USR_UID')}"
    rows = store.fetch_all(
        "SELECT U.USR_UID, U.USR_USERNAME, U.USR_FIRSTNAME, U.USR_LASTNAME, U.USR_STATUS"
        f" FROM {b.users_from} WHERE " + " AND ".join(clauses) + f" ORDER BY {order}" + page,
        (*params, *page_params),
    )
    return [dict(zip(ROLE_MEMBER_COLUMNS, r, strict=True)) for r in rows]


# --- departments -----------------------------------------------------------------------------
DEPARTMENT_COLUMNS = (
    "DEP_UID",
    "DEP_PARENT",
    "DEP_TITLE",
    "DEP_STATUS",
    "DEP_MANAGER",
    "DEP_LDAP_DN",
    "DEP_MANAGER_USERNAME",
    "DEP_MANAGER_FIRSTNAME",
    "DEP_MANAGER_LASTNAME",
    "DEP_MEMBERS",
    "HAS_CHILDREN",
)
_DEPARTMENT_SELECT = (
    "SELECT D.DEP_UID, D.DEP_PARENT, D.DEP_TITLE, D.DEP_STATUS, D.DEP_MANAGER, D.DEP_LDAP_DN,"
    " COALESCE(M.USR_USERNAME, ''), COALESCE(M.USR_FIRSTNAME, ''), COALESCE(M.USR_LASTNAME, ''),"
    " (SELECT COUNT(*) FROM USERS U WHERE U.DEP_UID = D.DEP_UID),"
    " (SELECT COUNT(*) FROM DEPARTMENT C WHERE C.DEP_PARENT = D.DEP_UID)"
    " FROM DEPARTMENT D LEFT JOIN USERS M ON D.DEP_MANAGER <> '' AND M.USR_UID = D.DEP_MANAGER"
)


def departments_under(store: WorkspaceStore, parent: str) -> list[Row]:
    """``Department::getDepartments`` (``classes/model/Department.php`` l.432-481): the children
    of ``parent`` ('' for the top), in the table's (primary key) order."""
    rows = store.fetch_all(
        _DEPARTMENT_SELECT + " WHERE D.DEP_PARENT = ? ORDER BY D.DEP_UID", (parent,)
    )
    return [dict(zip(DEPARTMENT_COLUMNS, r, strict=True)) for r in rows]


def get_department(store: WorkspaceStore, uid: str) -> Row | None:
    row = store.fetch_one(_DEPARTMENT_SELECT + " WHERE D.DEP_UID = ?", (uid,))
    return dict(zip(DEPARTMENT_COLUMNS, row, strict=True)) if row else None


def department_members(store: WorkspaceStore, uid: str) -> list[Row]:
    """``Department::getUsers`` ASSIGNED (``BusinessModel/Department.php`` l.265-431): members
    that are not CLOSED, by last name."""
    rows = store.fetch_all(
        "SELECT USR_UID, USR_USERNAME, USR_FIRSTNAME, USR_LASTNAME, USR_STATUS FROM USERS"
        " WHERE DEP_UID = ? AND USR_STATUS <> 'CLOSED'"
        f" ORDER BY {store.backend.nocase('USR_LASTNAME')}, USR_ID",
        (uid,),
    )
    keys = ("USR_UID", "USR_USERNAME", "USR_FIRSTNAME", "USR_LASTNAME", "USR_STATUS")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# --- seeding ---------------------------------------------------------------------------------
def seed_directory(store: WorkspaceStore) -> None:
    """The roles as ProcessMaker seeds them, and (once per fresh store) the sample groups and
    department tree with the seeded users in them; then every login gets its record.

    Idempotent: rows already there are kept, and the samples are written only while the store
    has no role yet (a store emptied by ``clear()`` gets them again)."""
    ensure(store)
    b = store.backend
    fresh = store.fetch_one("SELECT 1 FROM RBAC_ROLES LIMIT 1") is None
    with store.transaction() as db:
        db.executemany(
            b.insert_ignore("RBAC_ROLES", _ROLE_ROW),
            [
                (uid, "", system, code, made, changed, 1)
                for uid, system, code, made, changed in ROLES
            ],
        )
        db.executemany(
            b.insert_ignore(
                "CONTENT", ("CON_CATEGORY", "CON_PARENT", "CON_ID", "CON_LANG", "CON_VALUE")
            ),
            [("ROL_NAME", "", uid, "en", name) for uid, name in ROLE_NAMES.items()],
        )
    sync_users(store, SEED_STAMP)
    if not fresh:
        return
    with store.transaction() as db:
        ids = {
            str(name): (str(uid), int(number))
            for uid, name, number in db.execute(
                "SELECT USR_UID, USR_USERNAME, USR_ID FROM USERS"
            ).fetchall()
        }
        for index, (uid, title, status) in enumerate(GROUPS, start=1):
            db.execute(
                b.insert_ignore(
                    "GROUPWF", ("GRP_UID", "GRP_ID", "GRP_TITLE", "GRP_STATUS", "GRP_STATUS_ID")
                ),
                (uid, index, title, status, 1 if status == "ACTIVE" else 0),
            )
        group_ids = {uid: index for index, (uid, _, _) in enumerate(GROUPS, start=1)}
        db.executemany(
            b.insert_ignore("GROUP_USER", ("GRP_UID", "GRP_ID", "USR_UID", "USR_ID")),
            [
                (group, group_ids[group], *ids[username])
                for group, username in GROUP_MEMBERS
                if username in ids
            ],
        )
        for uid, title, parent, manager in DEPARTMENTS:
            manager_uid = ids[manager][0] if manager in ids else ""
            db.execute(
                b.insert_ignore(
                    "DEPARTMENT", ("DEP_UID", "DEP_TITLE", "DEP_PARENT", "DEP_MANAGER")
                ),
                (uid, title, parent, manager_uid),
            )
            if manager_uid:
                db.execute(
                    "UPDATE USERS SET DEP_UID = ? WHERE USR_UID = ? AND DEP_UID = ''",
                    (uid, manager_uid),
                )


_ROLE_ROW = (
    "ROL_UID",
    "ROL_PARENT",
    "ROL_SYSTEM",
    "ROL_CODE",
    "ROL_CREATE_DATE",
    "ROL_UPDATE_DATE",
    "ROL_STATUS",
)
