"""Processes, tasks and cases: ProcessMaker's workflow tables, and the demo process seeded in them.

The tables are ProcessMaker's, with the columns the mock reads or answers, named and typed as
``workflow/engine/data/mysql/schema.sql`` of 3.4.11 (CO ``1429451be``) has them:

============================  ==============================================================
``APPLICATION``               schema.sql:13-44 (a case; ``APP_DATA`` holds its variables)
``APP_DELEGATION``            schema.sql:66-103 (one task of a case given to one user)
``PROCESS``                   schema.sql:477-526
``TASK``                      schema.sql:670-743
``TASK_USER``                 schema.sql:751-761 (who may work on, or start, a task)
``ROUTE``                     schema.sql:584-604 (where a task goes next; ``-1``: the end)
``APP_DELAY``                 schema.sql:869-889 (pauses; the paused list reads it)
``BPMN_PROJECT``              schema.sql:1835-1851 (what ``GET project`` lists)
``APP_CACHE_VIEW``            schema.sql:1292-1337: a table that ProcessMaker's triggers keep
                              (``methods/setup/setupSchemas/triggerAppDelegationInsert.sql``);
                              here a SQL view over the tables above, with the same columns.
============================  ==============================================================

On MariaDB (``--store``) the tables are ProcessMaker's own DDL, every column and key, and
``APP_CACHE_VIEW`` the same view (:data:`mockserver.state.mysql.AREAS`); the SQL below runs on
either through the store's :class:`~mockserver.state.backend.Backend`.

``APP_DATA`` is PHP-serialized in ProcessMaker; here it is JSON text. Users are ``RBAC_USERS``
(ProcessMaker copies them to ``USERS``; the columns read here are the same).

What is simplified, and why: a task's due date is its delegate date plus one day (the demo's
tasks last one day; ProcessMaker computes it with the process calendar), the risk date is at 80 %
of that; routing follows one sequential ``ROUTE`` per task (the demo has no gateways, conditions
or parallel threads); no triggers, steps or dynaforms run.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass

from mockserver.state.backend import NO_LIMIT
from mockserver.state.backend import Tx
from mockserver.state.formats import new_unique_id
from mockserver.state.store import WorkspaceStore

DEMO_PRO_UID = "4224292655297723eb98691001100052"
DEMO_START_TAS_UID = "6395712685297726ee47e46054738331"
DEMO_REVIEW_TAS_UID = "1286381575297727a08fd50085911546"
DEMO_DIA_UID = "9204573925297723eb9a8a3010318773"
DEMO_TITLE = "Expense Report"
DEMO_DESCRIPTION = "Sample process of the mock"
DEMO_CREATED = "2015-05-01 10:00:00"
DEMO_TASKS = ((DEMO_START_TAS_UID, "Request", 1), (DEMO_REVIEW_TAS_UID, "Review", 2))
END_OF_PROCESS = "-1"  # ROUTE.ROU_NEXT_TASK of a route to the end event (Derivation.php)

SCHEMA_KEY = "casework"
DDL = """
CREATE TABLE IF NOT EXISTS PROCESS (
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    PRO_ID INTEGER NOT NULL,
    PRO_TITLE MEDIUMTEXT NOT NULL,
    PRO_DESCRIPTION MEDIUMTEXT,
    PRO_STATUS VARCHAR(20) NOT NULL DEFAULT 'ACTIVE',
    PRO_TYPE VARCHAR(256) NOT NULL DEFAULT 'NORMAL',
    PRO_SUBPROCESS TINYINT NOT NULL DEFAULT 0,
    PRO_CATEGORY VARCHAR(48) NOT NULL DEFAULT '',
    PRO_UPDATE_DATE DATETIME,
    PRO_CREATE_DATE DATETIME NOT NULL,
    PRO_CREATE_USER VARCHAR(32) NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS BPMN_PROJECT (
    PRJ_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    PRJ_NAME VARCHAR(255) NOT NULL DEFAULT '',
    PRJ_DESCRIPTION VARCHAR(512),
    PRJ_TARGET_NAMESPACE MEDIUMTEXT,
    PRJ_EXPRESION_LANGUAGE MEDIUMTEXT,
    PRJ_TYPE_LANGUAGE MEDIUMTEXT,
    PRJ_EXPORTER MEDIUMTEXT,
    PRJ_EXPORTER_VERSION MEDIUMTEXT,
    PRJ_CREATE_DATE DATETIME NOT NULL,
    PRJ_UPDATE_DATE DATETIME,
    PRJ_AUTHOR MEDIUMTEXT,
    PRJ_AUTHOR_VERSION MEDIUMTEXT,
    PRJ_ORIGINAL_SOURCE MEDIUMTEXT
);
CREATE TABLE IF NOT EXISTS TASK (
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '',
    TAS_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    TAS_ID INTEGER NOT NULL,
    TAS_TITLE MEDIUMTEXT NOT NULL,
    TAS_TYPE VARCHAR(50) NOT NULL DEFAULT 'NORMAL',
    TAS_ASSIGN_TYPE VARCHAR(30) NOT NULL DEFAULT 'BALANCED',
    TAS_LAST_ASSIGNED VARCHAR(32) NOT NULL DEFAULT '0',
    TAS_START VARCHAR(20) NOT NULL DEFAULT 'FALSE',
    TAS_OFFLINE VARCHAR(20) NOT NULL DEFAULT 'FALSE',
    TAS_AUTO_ROOT VARCHAR(20) NOT NULL DEFAULT 'FALSE'
);
CREATE TABLE IF NOT EXISTS TASK_USER (
    TAS_UID VARCHAR(32) NOT NULL DEFAULT '',
    USR_UID VARCHAR(32) NOT NULL DEFAULT '',
    TU_TYPE INTEGER NOT NULL DEFAULT 1,
    TU_RELATION INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (TAS_UID, USR_UID, TU_TYPE, TU_RELATION)
);
CREATE TABLE IF NOT EXISTS ROUTE (
    ROU_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '',
    TAS_UID VARCHAR(32) NOT NULL DEFAULT '',
    ROU_NEXT_TASK VARCHAR(32) NOT NULL DEFAULT '0',
    ROU_CASE INTEGER NOT NULL DEFAULT 0,
    ROU_TYPE VARCHAR(25) NOT NULL DEFAULT 'SEQUENTIAL'
);
CREATE TABLE IF NOT EXISTS APPLICATION (
    APP_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    APP_TITLE MEDIUMTEXT NOT NULL,
    APP_NUMBER INTEGER NOT NULL DEFAULT 0 UNIQUE,
    APP_STATUS VARCHAR(100) NOT NULL DEFAULT '',
    APP_STATUS_ID TINYINT NOT NULL DEFAULT 0,
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '',
    APP_INIT_USER VARCHAR(32) NOT NULL DEFAULT '',
    APP_CUR_USER VARCHAR(32) NOT NULL DEFAULT '',
    APP_CREATE_DATE DATETIME NOT NULL,
    APP_INIT_DATE DATETIME NOT NULL,
    APP_FINISH_DATE DATETIME,
    APP_UPDATE_DATE DATETIME NOT NULL,
    APP_DATA MEDIUMTEXT NOT NULL,
    APP_PIN VARCHAR(32) NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS APP_DELEGATION (
    APP_UID VARCHAR(32) NOT NULL DEFAULT '',
    DEL_INDEX INTEGER NOT NULL DEFAULT 0,
    APP_NUMBER INTEGER DEFAULT 0,
    DEL_PREVIOUS INTEGER NOT NULL DEFAULT 0,
    DEL_LAST_INDEX INTEGER NOT NULL DEFAULT 0,
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '',
    TAS_UID VARCHAR(32) NOT NULL DEFAULT '',
    USR_UID VARCHAR(32) NOT NULL DEFAULT '',
    DEL_TYPE VARCHAR(32) NOT NULL DEFAULT 'NORMAL',
    DEL_THREAD INTEGER NOT NULL DEFAULT 0,
    DEL_THREAD_STATUS VARCHAR(32) NOT NULL DEFAULT 'OPEN',
    DEL_PRIORITY VARCHAR(32) NOT NULL DEFAULT '3',
    DEL_DELEGATE_DATE DATETIME NOT NULL,
    DEL_INIT_DATE DATETIME,
    DEL_FINISH_DATE DATETIME,
    DEL_TASK_DUE_DATE DATETIME,
    DEL_RISK_DATE DATETIME,
    DEL_DURATION DOUBLE DEFAULT 0,
    DEL_QUEUE_DURATION DOUBLE DEFAULT 0,
    DEL_DELAY_DURATION DOUBLE DEFAULT 0,
    DEL_STARTED TINYINT DEFAULT 0,
    DEL_FINISHED TINYINT DEFAULT 0,
    DEL_DELAYED TINYINT DEFAULT 0,
    APP_OVERDUE_PERCENTAGE DOUBLE NOT NULL DEFAULT 0,
    PRIMARY KEY (APP_UID, DEL_INDEX)
);
CREATE TABLE IF NOT EXISTS APP_DELAY (
    APP_DELAY_UID VARCHAR(32) NOT NULL DEFAULT '' PRIMARY KEY,
    PRO_UID VARCHAR(32) NOT NULL DEFAULT '0',
    APP_UID VARCHAR(32) NOT NULL DEFAULT '0',
    APP_THREAD_INDEX INTEGER NOT NULL DEFAULT 0,
    APP_DEL_INDEX INTEGER NOT NULL DEFAULT 0,
    APP_TYPE VARCHAR(20) NOT NULL DEFAULT '0',
    APP_STATUS VARCHAR(20) NOT NULL DEFAULT '0',
    APP_DELEGATION_USER VARCHAR(32) DEFAULT '0',
    APP_ENABLE_ACTION_USER VARCHAR(32) NOT NULL DEFAULT '0',
    APP_ENABLE_ACTION_DATE DATETIME NOT NULL,
    APP_DISABLE_ACTION_USER VARCHAR(32) DEFAULT '0',
    APP_DISABLE_ACTION_DATE DATETIME
);
CREATE VIEW IF NOT EXISTS APP_CACHE_VIEW AS
SELECT D.APP_UID, D.DEL_INDEX, D.DEL_LAST_INDEX, A.APP_NUMBER, A.APP_STATUS, D.USR_UID,
    COALESCE(P.USR_UID, '') AS PREVIOUS_USR_UID, D.TAS_UID, D.PRO_UID, D.DEL_DELEGATE_DATE,
    D.DEL_INIT_DATE, D.DEL_FINISH_DATE, D.DEL_TASK_DUE_DATE, D.DEL_RISK_DATE,
    D.DEL_THREAD_STATUS,
    CASE WHEN A.APP_STATUS IN ('COMPLETED', 'CANCELLED') THEN 'CLOSED' ELSE 'OPEN' END
        AS APP_THREAD_STATUS,
    A.APP_TITLE, COALESCE(PR.PRO_TITLE, '') AS APP_PRO_TITLE,
    COALESCE(T.TAS_TITLE, '') AS APP_TAS_TITLE,
    COALESCE(U.USR_LASTNAME || ' ' || U.USR_FIRSTNAME, '') AS APP_CURRENT_USER,
    COALESCE(PU.USR_LASTNAME || ' ' || PU.USR_FIRSTNAME, '') AS APP_DEL_PREVIOUS_USER,
    D.DEL_PRIORITY, D.DEL_DURATION, D.DEL_QUEUE_DURATION, D.DEL_DELAY_DURATION,
    D.DEL_STARTED, D.DEL_FINISHED, D.DEL_DELAYED, A.APP_CREATE_DATE, A.APP_FINISH_DATE,
    A.APP_UPDATE_DATE, D.APP_OVERDUE_PERCENTAGE
FROM APP_DELEGATION D
JOIN APPLICATION A ON A.APP_UID = D.APP_UID
LEFT JOIN APP_DELEGATION P ON P.APP_UID = D.APP_UID AND P.DEL_INDEX = D.DEL_PREVIOUS
LEFT JOIN RBAC_USERS U ON U.USR_UID = D.USR_UID
LEFT JOIN RBAC_USERS PU ON PU.USR_UID = P.USR_UID
LEFT JOIN PROCESS PR ON PR.PRO_UID = D.PRO_UID
LEFT JOIN TASK T ON T.TAS_UID = D.TAS_UID;
"""

# APP_CACHE_VIEW's columns in schema.sql order (schema.sql:1294-1325): AppCacheView.php
# addPMFieldsToCriteria selects them all when no cases-list configuration exists (l.885-889).
CACHE_COLUMNS = (
    "APP_UID",
    "DEL_INDEX",
    "DEL_LAST_INDEX",
    "APP_NUMBER",
    "APP_STATUS",
    "USR_UID",
    "PREVIOUS_USR_UID",
    "TAS_UID",
    "PRO_UID",
    "DEL_DELEGATE_DATE",
    "DEL_INIT_DATE",
    "DEL_FINISH_DATE",
    "DEL_TASK_DUE_DATE",
    "DEL_RISK_DATE",
    "DEL_THREAD_STATUS",
    "APP_THREAD_STATUS",
    "APP_TITLE",
    "APP_PRO_TITLE",
    "APP_TAS_TITLE",
    "APP_CURRENT_USER",
    "APP_DEL_PREVIOUS_USER",
    "DEL_PRIORITY",
    "DEL_DURATION",
    "DEL_QUEUE_DURATION",
    "DEL_DELAY_DURATION",
    "DEL_STARTED",
    "DEL_FINISHED",
    "DEL_DELAYED",
    "APP_CREATE_DATE",
    "APP_FINISH_DATE",
    "APP_UPDATE_DATE",
    "APP_OVERDUE_PERCENTAGE",
)

# APPLICATION.APP_STATUS_ID of each status (classes/model/Application.php $app_status_values).
STATUS_IDS = {"DRAFT": 1, "TO_DO": 2, "COMPLETED": 3, "CANCELLED": 4}


def ensure(store: WorkspaceStore) -> None:
    """Create the tables of this area (once per store)."""
    store.ensure_schema(SCHEMA_KEY, DDL)


# --- the demo process --------------------------------------------------------------------------
def seed_demo_process(
    store: WorkspaceStore,
    *,
    starters: Iterable[str],
    reviewers: Iterable[str],
    fallback_reviewers: Iterable[str] = (),
) -> None:
    """Write the "Expense Report" process: a start task "Request" that ``starters`` may start and
    a task "Review" that ``reviewers`` get in turn (``BALANCED``), then the end. Idempotent: the
    rows are replaced, assignments added; cases are left alone.

    :param starters: the ``USR_UID`` of every user the start task is assigned to.
    :param reviewers: the ``USR_UID`` of the users the second task is assigned to.
    :param fallback_reviewers: assigned to the second task when it would otherwise have nobody
        (so that a case can always be routed).
    """
    ensure(store)
    b = store.backend
    reviewers = list(reviewers)
    with store.transaction() as db:
        if not reviewers:
            row = db.execute(
                "SELECT 1 FROM TASK_USER WHERE TAS_UID = ? LIMIT 1", (DEMO_REVIEW_TAS_UID,)
            ).fetchone()
            reviewers = [] if row else list(fallback_reviewers)
        admin = "00000000000000000000000000000001"
        db.execute(
            b.upsert("PROCESS", _PROCESS_ROW),
            (
                *(DEMO_PRO_UID, 1, DEMO_TITLE, DEMO_DESCRIPTION, "ACTIVE", ""),
                *(DEMO_CREATED, DEMO_CREATED, admin),
            ),
        )
        db.execute(
            b.upsert("BPMN_PROJECT", _PROJECT_COLUMNS),
            (
                *(DEMO_PRO_UID, DEMO_TITLE, DEMO_DESCRIPTION, "", "", ""),
                *("ProcessMaker - Process Designer", "3.4.11", DEMO_CREATED, DEMO_CREATED),
                *(admin, "", ""),
            ),
        )
        for tas_uid, title, tas_id in DEMO_TASKS:
            start = "TRUE" if tas_id == 1 else "FALSE"
            # The title and start flag are the demo's; the rest (the last assignee) is kept.
            if (
                db.execute(
                    "UPDATE TASK SET TAS_TITLE = ?, TAS_START = ? WHERE TAS_UID = ?",
                    (title, start, tas_uid),
                ).rowcount
                == 0
                and db.execute("SELECT 1 FROM TASK WHERE TAS_UID = ?", (tas_uid,)).fetchone()
                is None
            ):
                db.execute(
                    b.insert_ignore(
                        "TASK", ("PRO_UID", "TAS_UID", "TAS_ID", "TAS_TITLE", "TAS_START")
                    ),
                    (DEMO_PRO_UID, tas_uid, tas_id, title, start),
                )
        routes = (
            ("7314127105297727ad5e327056302425", DEMO_START_TAS_UID, DEMO_REVIEW_TAS_UID),
            ("8820147655297727b3e5f82075412306", DEMO_REVIEW_TAS_UID, END_OF_PROCESS),
        )
        for rou_uid, tas_uid, next_task in routes:
            db.execute(
                b.upsert(
                    "ROUTE",
                    ("ROU_UID", "PRO_UID", "TAS_UID", "ROU_NEXT_TASK", "ROU_CASE", "ROU_TYPE"),
                ),
                (rou_uid, DEMO_PRO_UID, tas_uid, next_task, 1, "SEQUENTIAL"),
            )
        # TU_TYPE 1: assigned (2 would be ad hoc); TU_RELATION 1: a user (2: a group)
        for tas_uid, uids in ((DEMO_START_TAS_UID, starters), (DEMO_REVIEW_TAS_UID, reviewers)):
            db.executemany(
                b.insert_ignore("TASK_USER", ("TAS_UID", "USR_UID", "TU_TYPE", "TU_RELATION")),
                [(tas_uid, uid, 1, 1) for uid in uids],
            )


_PROCESS_ROW = (
    "PRO_UID",
    "PRO_ID",
    "PRO_TITLE",
    "PRO_DESCRIPTION",
    "PRO_STATUS",
    "PRO_CATEGORY",
    "PRO_UPDATE_DATE",
    "PRO_CREATE_DATE",
    "PRO_CREATE_USER",
)
_PROJECT_COLUMNS = (
    "PRJ_UID",
    "PRJ_NAME",
    "PRJ_DESCRIPTION",
    "PRJ_TARGET_NAMESPACE",
    "PRJ_EXPRESION_LANGUAGE",
    "PRJ_TYPE_LANGUAGE",
    "PRJ_EXPORTER",
    "PRJ_EXPORTER_VERSION",
    "PRJ_CREATE_DATE",
    "PRJ_UPDATE_DATE",
    "PRJ_AUTHOR",
    "PRJ_AUTHOR_VERSION",
    "PRJ_ORIGINAL_SOURCE",
)


@dataclass(frozen=True, slots=True)
class Project:
    prj_uid: str
    name: str
    description: str
    create_date: str
    update_date: str | None
    status: str
    category: str


def list_projects(store: WorkspaceStore) -> list[Project]:
    """The BPMN projects with their process (BpmnWorkflow::getList joins PROCESS)."""
    ensure(store)
    rows = store.fetch_all(
        "SELECT B.PRJ_UID, B.PRJ_NAME, COALESCE(B.PRJ_DESCRIPTION, ''), B.PRJ_CREATE_DATE, "
        "B.PRJ_UPDATE_DATE, P.PRO_STATUS, P.PRO_CATEGORY FROM BPMN_PROJECT B "
        "JOIN PROCESS P ON P.PRO_UID = B.PRJ_UID ORDER BY B.PRJ_NAME"
    )
    return [Project(*r) for r in rows]  # type: ignore[arg-type]


def project_struct(store: WorkspaceStore, prj_uid: str) -> dict[str, object] | None:
    """The BPMN_PROJECT row (lower-case keys) of a project, ``None`` when there is none."""
    ensure(store)
    row = store.fetch_one(
        f"SELECT {', '.join(_PROJECT_COLUMNS)} FROM BPMN_PROJECT WHERE PRJ_UID = ?", (prj_uid,)
    )
    if row is None:
        return None
    return dict(zip((c.lower() for c in _PROJECT_COLUMNS), row, strict=True))


def project_tasks(store: WorkspaceStore, pro_uid: str) -> list[tuple[str, str, str]]:
    """``(TAS_UID, TAS_TITLE, TAS_START)`` of a process's tasks, in ``TAS_ID`` order."""
    ensure(store)
    rows = store.fetch_all(
        "SELECT TAS_UID, TAS_TITLE, TAS_START FROM TASK WHERE PRO_UID = ? ORDER BY TAS_ID",
        (pro_uid,),
    )
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def process_exists(store: WorkspaceStore, pro_uid: str) -> bool:
    ensure(store)
    return store.fetch_one("SELECT 1 FROM PROCESS WHERE PRO_UID = ?", (pro_uid,)) is not None


def process_title(store: WorkspaceStore, pro_uid: str) -> str:
    """``PRO_TITLE``, ``""`` for an unknown process (WsBase::getCaseInfo's fallback)."""
    ensure(store)
    row = store.fetch_one("SELECT PRO_TITLE FROM PROCESS WHERE PRO_UID = ?", (pro_uid,))
    return str(row[0]) if row else ""


def task_exists(store: WorkspaceStore, tas_uid: str) -> bool:
    ensure(store)
    return store.fetch_one("SELECT 1 FROM TASK WHERE TAS_UID = ?", (tas_uid,)) is not None


# --- starting cases ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StartTask:
    """One row of ``Cases::getStartCasesPerType``: a start task the user may start."""

    tas_uid: str
    tas_title: str
    pro_uid: str
    pro_title: str
    pro_category: str
    offline: str
    auto_root: str


def start_tasks(store: WorkspaceStore, usr_uid: str) -> list[StartTask]:
    """The start tasks of active processes (not sub-processes) assigned to the user, ordered by
    process title then task title (classes/Cases.php getStartCasesPerType)."""
    ensure(store)
    rows = store.fetch_all(
        "SELECT DISTINCT T.TAS_UID, T.TAS_TITLE, T.PRO_UID, P.PRO_TITLE, P.PRO_CATEGORY, "
        "T.TAS_OFFLINE, T.TAS_AUTO_ROOT FROM TASK T "
        "JOIN PROCESS P ON P.PRO_UID = T.PRO_UID "
        "JOIN TASK_USER TU ON TU.TAS_UID = T.TAS_UID "
        "WHERE P.PRO_STATUS = 'ACTIVE' AND P.PRO_SUBPROCESS = 0 AND T.TAS_START = 'TRUE' "
        "AND TU.USR_UID = ? AND TU.TU_TYPE = 1 "
        "ORDER BY P.PRO_TITLE, T.TAS_TITLE",
        (usr_uid,),
    )
    return [StartTask(*(str(v) for v in r)) for r in rows]


@dataclass(frozen=True, slots=True)
class NewCase:
    app_uid: str
    app_number: int
    del_index: int


def create_case(
    store: WorkspaceStore,
    *,
    pro_uid: str,
    tas_uid: str,
    usr_uid: str,
    username: str,
    workspace: str,
    variables: Mapping[str, object],
    now: str,
    due: str,
    risk: str,
) -> NewCase:
    """Start a case on a start task (classes/Cases.php startCase, WsBase::newCase): a ``DRAFT``
    application numbered after the last one, its first delegation to the user, and ``APP_DATA``
    holding the system variables then ``variables``.

    The caller has checked that the user may start the task."""
    ensure(store)
    app_uid = new_unique_id()
    pin = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4))
    with store.transaction() as db:
        row = db.execute(
            "SELECT COALESCE(MAX(APP_NUMBER), 0) + 1 FROM APPLICATION" + store.backend.locking_read
        ).fetchone()
        number = int(row[0])
        data: dict[str, object] = {
            "SYS_LANG": "en",
            "SYS_SKIN": "neoclassic",
            "SYS_SYS": workspace,
            "APPLICATION": app_uid,
            "PROCESS": pro_uid,
            "TASK": tas_uid,
            "INDEX": 1,
            "USER_LOGGED": usr_uid,
            "USR_USERNAME": username,
            "APP_NUMBER": number,
            "PIN": pin,
        }
        data.update(variables)
        db.execute(
            "INSERT INTO APPLICATION (APP_UID, APP_TITLE, APP_NUMBER, APP_STATUS, APP_STATUS_ID, "
            "PRO_UID, APP_INIT_USER, APP_CUR_USER, APP_CREATE_DATE, APP_INIT_DATE, "
            "APP_UPDATE_DATE, APP_DATA, APP_PIN) VALUES (?, ?, ?, 'DRAFT', 1, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                app_uid,
                f"#{number}",
                number,
                pro_uid,
                usr_uid,
                usr_uid,
                now,
                now,
                now,
                json.dumps(data),
                pin,
            ),
        )
        _delegate(store, db, app_uid, number, 1, 0, pro_uid, tas_uid, usr_uid, now, due, risk)
    return NewCase(app_uid, number, 1)


def _delegate(
    store: WorkspaceStore,
    db: Tx,
    app_uid: str,
    number: int,
    index: int,
    previous: int,
    pro_uid: str,
    tas_uid: str,
    usr_uid: str,
    now: str,
    due: str,
    risk: str,
) -> None:
    # ProcessMaker's DEL_DATA is NOT NULL without a default (schema.sql:92): where the table has
    # it (MariaDB), it is written empty, as a delegation without data is.
    extra = ", DEL_DATA" if "DEL_DATA" in store.columns("APP_DELEGATION") else ""
    db.execute(
        "INSERT INTO APP_DELEGATION (APP_UID, DEL_INDEX, APP_NUMBER, DEL_PREVIOUS, DEL_LAST_INDEX, "
        "PRO_UID, TAS_UID, USR_UID, DEL_THREAD, DEL_DELEGATE_DATE, DEL_TASK_DUE_DATE, "
        f"DEL_RISK_DATE{extra}) VALUES (?, ?, ?, ?, 1, ?, ?, ?, 1, ?, ?, ?{', ?' if extra else ''})",
        (app_uid, index, number, previous, pro_uid, tas_uid, usr_uid, now, due, risk)
        + (("",) if extra else ()),
    )


# --- one case ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Application:
    app_uid: str
    title: str
    number: int
    status: str
    pro_uid: str
    init_user: str
    create_date: str
    update_date: str
    data: dict[str, object]


def get_application(store: WorkspaceStore, app_uid: str) -> Application | None:
    ensure(store)
    row = store.fetch_one(
        "SELECT APP_UID, APP_TITLE, APP_NUMBER, APP_STATUS, PRO_UID, APP_INIT_USER, "
        "APP_CREATE_DATE, APP_UPDATE_DATE, APP_DATA FROM APPLICATION WHERE APP_UID = ?",
        (app_uid,),
    )
    if row is None:
        return None
    uid, title, number, status, pro_uid, init_user, created, updated, data = row
    return Application(
        str(uid),
        str(title),
        int(number),  # type: ignore[call-overload]
        str(status),
        str(pro_uid),
        str(init_user),
        str(created),
        str(updated),
        json.loads(str(data)),
    )


@dataclass(frozen=True, slots=True)
class Delegation:
    del_index: int
    usr_uid: str
    tas_uid: str
    tas_title: str
    thread: int
    thread_status: str
    init_date: str | None
    due_date: str | None
    finish_date: str | None
    user_firstname: str | None
    user_lastname: str | None


def delegations(
    store: WorkspaceStore, app_uid: str, *, open_only: bool = False
) -> list[Delegation]:
    """A case's delegations in ``DEL_INDEX`` order (``open_only``: without a finish date)."""
    ensure(store)
    rows = store.fetch_all(
        "SELECT D.DEL_INDEX, D.USR_UID, D.TAS_UID, COALESCE(T.TAS_TITLE, ''), D.DEL_THREAD, "
        "D.DEL_THREAD_STATUS, D.DEL_INIT_DATE, D.DEL_TASK_DUE_DATE, D.DEL_FINISH_DATE, "
        "U.USR_FIRSTNAME, U.USR_LASTNAME FROM APP_DELEGATION D "
        "LEFT JOIN TASK T ON T.TAS_UID = D.TAS_UID "
        "LEFT JOIN RBAC_USERS U ON U.USR_UID = D.USR_UID WHERE D.APP_UID = ? "
        + ("AND D.DEL_FINISH_DATE IS NULL " if open_only else "")
        + "ORDER BY D.DEL_INDEX",
        (app_uid,),
    )
    return [Delegation(*r) for r in rows]  # type: ignore[arg-type]


def user_has_delegation(store: WorkspaceStore, app_uid: str, usr_uid: str) -> bool:
    ensure(store)
    row = store.fetch_one(
        "SELECT 1 FROM APP_DELEGATION WHERE APP_UID = ? AND USR_UID = ? LIMIT 1",
        (app_uid, usr_uid),
    )
    return row is not None


def set_variables(
    store: WorkspaceStore, app_uid: str, values: Mapping[str, object], now: str
) -> None:
    """Merge variables into a case's ``APP_DATA`` (PHP ``array_merge``: later keys win) in one
    transaction."""
    ensure(store)
    with store.transaction() as db:
        row = db.execute(
            "SELECT APP_DATA FROM APPLICATION WHERE APP_UID = ?", (app_uid,)
        ).fetchone()
        if row is None:
            return
        data = json.loads(str(row[0]))
        data.update(values)
        db.execute(
            "UPDATE APPLICATION SET APP_DATA = ?, APP_UPDATE_DATE = ? WHERE APP_UID = ?",
            (json.dumps(data), now, app_uid),
        )


def last_index(store: WorkspaceStore, app_uid: str) -> int:
    """``AppDelegation::getCurrentIndex``: the highest ``DEL_INDEX`` of the case, 0 for none."""
    ensure(store)
    row = store.fetch_one(
        "SELECT COALESCE(MAX(DEL_INDEX), 0) FROM APP_DELEGATION WHERE APP_UID = ?", (app_uid,)
    )
    return int(row[0]) if row else 0  # type: ignore[call-overload]


def open_indexes(store: WorkspaceStore, app_uid: str) -> list[int]:
    ensure(store)
    rows = store.fetch_all(
        "SELECT DEL_INDEX FROM APP_DELEGATION WHERE APP_UID = ? AND DEL_FINISH_DATE IS NULL "
        "ORDER BY DEL_INDEX",
        (app_uid,),
    )
    return [int(r[0]) for r in rows]  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class DelegationRow:
    app_uid: str
    del_index: int
    usr_uid: str
    tas_uid: str
    pro_uid: str
    app_number: int
    finish_date: str | None


def get_delegation(store: WorkspaceStore, app_uid: str, del_index: int) -> DelegationRow | None:
    ensure(store)
    row = store.fetch_one(
        "SELECT APP_UID, DEL_INDEX, USR_UID, TAS_UID, PRO_UID, APP_NUMBER, DEL_FINISH_DATE "
        "FROM APP_DELEGATION WHERE APP_UID = ? AND DEL_INDEX = ?",
        (app_uid, del_index),
    )
    return DelegationRow(*row) if row else None  # type: ignore[arg-type]


def paused_delegation(store: WorkspaceStore, app_uid: str) -> bool:
    """``AppDelay::getCasesCancelOrPaused``: an active pause or cancel of the case."""
    ensure(store)
    row = store.fetch_one(
        "SELECT 1 FROM APP_DELAY WHERE APP_UID = ? AND APP_TYPE IN ('PAUSE', 'CANCEL') "
        "AND (APP_DISABLE_ACTION_USER IS NULL OR APP_DISABLE_ACTION_USER = '0')",
        (app_uid,),
    )
    return row is not None


def next_task(store: WorkspaceStore, tas_uid: str) -> str | None:
    """The task a sequential route leads to (``-1``: the end), ``None`` without a route."""
    ensure(store)
    row = store.fetch_one(
        "SELECT ROU_NEXT_TASK FROM ROUTE WHERE TAS_UID = ? ORDER BY ROU_CASE LIMIT 1", (tas_uid,)
    )
    return str(row[0]) if row else None


def route(
    store: WorkspaceStore,
    delegation: DelegationRow,
    *,
    target: str,
    now: str,
    due: str,
    risk: str,
) -> int | None:
    """Close a delegation and route the case (``Derivation::derivate``): to ``target``'s next user
    in turn (``BALANCED``: the assignee after ``TAS_LAST_ASSIGNED``), the case becoming ``TO_DO``;
    or, to the end, the case becoming ``COMPLETED``. All in one transaction.

    :returns: the new delegation's index, ``None`` at the end of the process (or when the target
        task has nobody assigned, which leaves the case as it was).
    """
    ensure(store)
    with store.transaction() as db:
        new_index: int | None = None
        next_user: str | None = None
        if target != END_OF_PROCESS:
            assignees = [
                str(r[0])
                for r in db.execute(
                    "SELECT TU.USR_UID FROM TASK_USER TU JOIN RBAC_USERS U ON U.USR_UID = TU.USR_UID "
                    "WHERE TU.TAS_UID = ? AND TU.TU_TYPE = 1 AND U.USR_STATUS = 1 "
                    "ORDER BY U.USR_USERNAME",
                    (target,),
                ).fetchall()
            ]
            if not assignees:
                return None
            last = db.execute(
                "SELECT TAS_LAST_ASSIGNED FROM TASK WHERE TAS_UID = ?", (target,)
            ).fetchone()
            after = assignees.index(str(last[0])) + 1 if last and str(last[0]) in assignees else 0
            next_user = assignees[after % len(assignees)]
        db.execute(
            "UPDATE APP_DELEGATION SET DEL_THREAD_STATUS = 'CLOSED', DEL_FINISH_DATE = ?, "
            "DEL_INIT_DATE = COALESCE(DEL_INIT_DATE, ?), DEL_FINISHED = 1, "
            "DEL_LAST_INDEX = ? WHERE APP_UID = ? AND DEL_INDEX = ?",
            (now, now, 1 if next_user is None else 0, delegation.app_uid, delegation.del_index),
        )
        if next_user is None:
            db.execute(
                "UPDATE APPLICATION SET APP_STATUS = 'COMPLETED', APP_STATUS_ID = 3, "
                "APP_FINISH_DATE = ?, APP_UPDATE_DATE = ? WHERE APP_UID = ?",
                (now, now, delegation.app_uid),
            )
            return None
        row = db.execute(
            "SELECT MAX(DEL_INDEX) + 1 FROM APP_DELEGATION WHERE APP_UID = ?"
            + store.backend.locking_read,
            (delegation.app_uid,),
        ).fetchone()
        new_index = int(row[0])
        _delegate(
            store,
            db,
            delegation.app_uid,
            delegation.app_number,
            new_index,
            delegation.del_index,
            delegation.pro_uid,
            target,
            next_user,
            now,
            due,
            risk,
        )
        db.execute("UPDATE TASK SET TAS_LAST_ASSIGNED = ? WHERE TAS_UID = ?", (next_user, target))
        db.execute(
            "UPDATE APPLICATION SET APP_STATUS = 'TO_DO', APP_STATUS_ID = 2, APP_CUR_USER = ?, "
            "APP_UPDATE_DATE = ? WHERE APP_UID = ?",
            (next_user, now, delegation.app_uid),
        )
        return new_index


def count_rows(store: WorkspaceStore, table: str) -> int:
    """Rows of one of this area's tables (for tests and the journal)."""
    if table not in ("APPLICATION", "APP_DELEGATION", "APP_DELAY", "TASK_USER", "PROCESS", "TASK"):
        raise ValueError(f"unknown table {table}")
    ensure(store)
    row = store.fetch_one(f"SELECT COUNT(*) FROM {table}")
    return int(row[0]) if row else 0  # type: ignore[call-overload]


def snapshot(store: WorkspaceStore) -> tuple[tuple[tuple[object, ...], ...], ...]:
    """Every row of the cases tables, to compare a store before and after a refused request."""
    ensure(store)
    return tuple(
        tuple(store.fetch_all(f"SELECT * FROM {table} ORDER BY 1, 2"))
        for table in ("APPLICATION", "APP_DELEGATION", "APP_DELAY", "TASK", "TASK_USER")
    )


# --- the lists ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ListQuery:
    """What ``Applications::getAll`` filters and orders a cases list by.

    :param action: ``todo``, ``draft``, ``sent`` (participated), ``unassigned``, ``paused`` or
        ``search``.
    :param user: the user whose cases are listed; ``""`` for everyone's (the advanced search of a
        user with ``PM_ALLCASES``).
    :param status: the advanced search's ``app_status``, upper case.
    """

    action: str
    user: str
    start: int = 0
    limit: int = 0
    sort: str = "APP_CACHE_VIEW.APP_NUMBER"
    dir: str = "DESC"
    process: str = ""
    category: str = ""
    search: str = ""
    status: str = ""
    date_from: str = ""
    date_to: str = ""


# Applications::getAll's extra columns (Applications.php l.439-520), after APP_CACHE_VIEW's.
_CURRENT_USER = ("USR_FIRSTNAME", "USR_LASTNAME", "USR_USERNAME")
_CURRENT_DELEGATION = (
    "APPDELCR_APP_TAS_TITLE",
    "USRCR_USR_UID",
    "USRCR_USR_FIRSTNAME",
    "USRCR_USR_LASTNAME",
    "USRCR_USR_USERNAME",
)
_PREVIOUS_USER = ("PREVIOUS_USR_FIRSTNAME", "PREVIOUS_USR_LASTNAME", "PREVIOUS_USR_USERNAME")


def _with_previous_user(q: ListQuery) -> bool:
    return q.action in ("todo", "unassigned", "paused", "sent") or q.status in (
        "TO_DO",
        "DRAFT",
        "PAUSED",
        "CANCELLED",
        "COMPLETED",
    )


def _criteria(q: ListQuery) -> tuple[list[str], list[object], bool]:
    """WHERE clauses (on ``V``, the APP_CACHE_VIEW) of an action, and whether one row per case
    (``GROUP BY APP_UID``) is listed. AppCacheView.php getToDo l.95-122, getDraft l.148-171,
    getSent l.202-222, getUnassigned l.387-436, getPaused l.464-512, getAllCases2 l.991-1041."""
    where: list[str] = []
    params: list[object] = []
    mine = bool(q.user)
    status = q.status if q.action == "search" else ""
    kind = {"TO_DO": "todo", "DRAFT": "draft", "PAUSED": "paused"}.get(status, "")
    action = kind or q.action
    if q.action == "search" and status in ("CANCELLED", "COMPLETED"):
        action = status.lower()
    if mine and action != "unassigned":
        where.append("V.USR_UID = ?")
        params.append(q.user)
    grouped = False
    if action == "todo":
        where.append(
            "V.APP_STATUS = 'TO_DO' AND V.DEL_FINISH_DATE IS NULL "
            "AND V.APP_THREAD_STATUS = 'OPEN' AND V.DEL_THREAD_STATUS = 'OPEN'"
        )
    elif action == "draft":
        where.append(
            "V.APP_STATUS = 'DRAFT' AND V.APP_THREAD_STATUS = 'OPEN' "
            "AND V.DEL_THREAD_STATUS = 'OPEN'"
        )
    elif action == "sent":
        grouped = True
    elif action == "unassigned":
        where.append(
            "V.DEL_FINISH_DATE IS NULL AND V.USR_UID = '' AND V.TAS_UID IN ("
            "SELECT T.TAS_UID FROM TASK T JOIN TASK_USER TU ON TU.TAS_UID = T.TAS_UID "
            "WHERE T.TAS_ASSIGN_TYPE = 'SELF_SERVICE' AND TU.USR_UID = ?)"
        )
        params.append(q.user)
    elif action == "paused":
        where.append(
            "EXISTS (SELECT 1 FROM APP_DELAY AD WHERE AD.APP_UID = V.APP_UID "
            "AND AD.APP_DEL_INDEX = V.DEL_INDEX AND AD.APP_TYPE = 'PAUSE' "
            "AND (AD.APP_DISABLE_ACTION_USER IS NULL OR AD.APP_DISABLE_ACTION_USER = '0'))"
        )
    elif action == "completed":
        where.append("V.APP_STATUS = 'COMPLETED' AND V.DEL_LAST_INDEX = 1")
    elif action == "cancelled":
        where.append(
            "V.APP_STATUS = 'CANCELLED' AND V.DEL_THREAD_STATUS = 'CLOSED' AND V.DEL_LAST_INDEX = 1"
        )
    else:  # every status (getAllCases2)
        where.append(
            "((V.APP_STATUS = 'TO_DO' AND V.DEL_FINISH_DATE IS NULL "
            "AND V.APP_THREAD_STATUS = 'OPEN' AND V.DEL_THREAD_STATUS = 'OPEN') "
            "OR (V.APP_STATUS = 'DRAFT' AND V.APP_THREAD_STATUS = 'OPEN' "
            "AND V.DEL_THREAD_STATUS = 'OPEN') "
            "OR (V.APP_STATUS IN ('DRAFT', 'TO_DO') AND EXISTS (SELECT 1 FROM APP_DELAY AD "
            "WHERE AD.APP_UID = V.APP_UID AND AD.APP_DEL_INDEX = V.DEL_INDEX "
            "AND AD.APP_TYPE = 'PAUSE' AND (AD.APP_DISABLE_ACTION_USER IS NULL "
            "OR AD.APP_DISABLE_ACTION_USER = '0'))) "
            "OR (V.APP_STATUS = 'CANCELLED' AND V.DEL_THREAD_STATUS = 'CLOSED' "
            "AND V.DEL_LAST_INDEX = 1) "
            "OR (V.APP_STATUS = 'COMPLETED' AND V.DEL_LAST_INDEX = 1))"
        )
    if q.process:
        where.append("V.PRO_UID = ?")
        params.append(q.process)
    if q.category:
        where.append("CP.PRO_CATEGORY = ?")
        params.append(q.category)
    date_from, date_to = q.date_from[:10], q.date_to[:10]
    if date_from:
        where.append("V.DEL_DELEGATE_DATE >= ?")
        params.append(f"{date_from} 00:00:00")
    if date_to:
        where.append("V.DEL_DELEGATE_DATE <= ?")
        params.append(f"{date_to} 23:59:59")
    if q.search:
        where.append(
            "(V.APP_TITLE LIKE ? OR V.APP_TAS_TITLE LIKE ? OR V.APP_UID = ? OR V.APP_NUMBER = ?)"
        )
        params.extend([f"%{q.search}%", f"%{q.search}%", q.search, q.search])
    return where, params, grouped


def _distinct_count(q: ListQuery) -> bool:
    """Applications.php l.655-660: the to-do and unassigned lists count rows, the others cases."""
    if q.action == "sent":
        return True
    return not (q.action in ("todo", "unassigned") or q.status == "TO_DO")


def list_cases(store: WorkspaceStore, q: ListQuery) -> tuple[list[dict[str, object]], int]:
    """A page of a cases list and the list's total, rows keyed as ``Applications::getAll``'s
    (upper case; the caller renames them). Values are the text MySQL answers (numbers as
    strings), ``None`` for NULL."""
    ensure(store)
    where, params, grouped = _criteria(q)
    joins = (
        "LEFT JOIN APP_DELEGATION CR ON CR.APP_UID = V.APP_UID AND CR.DEL_LAST_INDEX = 1 "
        "LEFT JOIN RBAC_USERS CRU ON CRU.USR_UID = CR.USR_UID "
        "LEFT JOIN TASK CRT ON CRT.TAS_UID = CR.TAS_UID "
        "LEFT JOIN RBAC_USERS CU ON CU.USR_UID = V.USR_UID "
        "LEFT JOIN RBAC_USERS PU ON PU.USR_UID = V.PREVIOUS_USR_UID "
        "LEFT JOIN PROCESS CP ON CP.PRO_UID = V.PRO_UID "
    )
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    count_expr = "COUNT(DISTINCT V.APP_UID)" if _distinct_count(q) else "COUNT(V.APP_UID)"
    total_row = store.fetch_one(
        f"SELECT {count_expr} FROM APP_CACHE_VIEW V {joins}{clause}", tuple(params)
    )
    total = int(total_row[0]) if total_row else 0  # type: ignore[call-overload]
    columns = [f"V.{c}" for c in CACHE_COLUMNS] + [
        "CU.USR_FIRSTNAME",
        "CU.USR_LASTNAME",
        "CU.USR_USERNAME",
        "CRT.TAS_TITLE",
        "CR.USR_UID",
        "CRU.USR_FIRSTNAME",
        "CRU.USR_LASTNAME",
        "CRU.USR_USERNAME",
    ]
    names = [*CACHE_COLUMNS, *_CURRENT_USER, *_CURRENT_DELEGATION]
    if _with_previous_user(q):
        columns += ["PU.USR_FIRSTNAME", "PU.USR_LASTNAME", "PU.USR_USERNAME"]
        names += _PREVIOUS_USER
    if q.category:
        columns.append("CP.PRO_CATEGORY")
        names.append("CATEGORY_UID")
    order = _order_column(q)
    direction = "DESC" if q.dir == "DESC" else "ASC"
    # One row per case for the participated list: its first delegation of the user.
    group = (
        "AND V.DEL_INDEX = (SELECT MIN(V2.DEL_INDEX) FROM APP_DELEGATION V2 "
        "WHERE V2.APP_UID = V.APP_UID AND V2.USR_UID = V.USR_UID) "
        if grouped and where
        else ""
    )
    if grouped and not where:
        group = "WHERE V.DEL_INDEX = (SELECT MIN(DEL_INDEX) FROM APP_DELEGATION V2 WHERE V2.APP_UID = V.APP_UID) "
    limit = f"LIMIT {q.limit if q.limit > 0 else NO_LIMIT} OFFSET {q.start}"
    rows = store.fetch_all(
        f"SELECT {', '.join(columns)} FROM APP_CACHE_VIEW V {joins}{clause} {group}"
        f"ORDER BY {order} {direction}, V.APP_UID, V.DEL_INDEX {limit}",
        tuple(params),
    )
    return [dict(zip(names, (_mysql_text(v) for v in r), strict=True)) for r in rows], total


def _order_column(q: ListQuery) -> str:
    """The ORDER BY of getAll (Applications.php l.666-735): the sort column if the list selects it
    (``APP_CACHE_VIEW.<column>``), else ``APP_CACHE_VIEW.APP_NUMBER``."""
    sort = q.sort if "." in q.sort else f"APP_CACHE_VIEW.{q.sort}"
    table, _, column = sort.partition(".")
    if table == "APP_CACHE_VIEW" and column in CACHE_COLUMNS:
        return f"V.{column}"
    return "V.APP_NUMBER"


def _mysql_text(value: object) -> object:
    """A value as PHP reads it from MySQL: text, ``None`` for NULL (``0`` for a zero DOUBLE)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
