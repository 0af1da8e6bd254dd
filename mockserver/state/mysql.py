"""The MariaDB backend: one database ``wf_<workspace>`` per workspace on a server many mock hosts share.

``pm3-mockserver --store mysql://USER@HOST:PORT/`` (password from ``PM3_STORE_PASSWORD`` or
``--store-password-file``). The mock creates a workspace's database and tables when the user may,
as ProcessMaker's installer does, with ProcessMaker's DDL for the tables ProcessMaker has (cited
below by ``file:line`` of ``colosa/processmaker`` at commit 1429451be) and the mock's own
``PM3MOCK_*`` tables for what ProcessMaker keeps elsewhere (PHP sessions, the role a user holds,
role permissions). A database that exists with other tables is refused, never altered; a
database the mock created is dropped again if its tables could not all be made.

Single use across hosts: spending a refresh token or a code is one ``DELETE ... RETURNING``
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

AREAS: dict[str, dict[str, tuple[str, str]]] = {
    # The REST resources' areas (mockserver.state.directory and .casework): ProcessMaker's
    # tables, every column and key as its schema.sql has them, made on the area's first use.
    "directory": {
        "USERS": (
            f"{_WF}:803-845",
            "USR_UID VARCHAR(32) default '' NOT NULL, "
            "USR_ID INTEGER NOT NULL AUTO_INCREMENT, "
            "USR_USERNAME VARCHAR(100) default '' NOT NULL, "
            "USR_PASSWORD VARCHAR(128) default '' NOT NULL, "
            "USR_FIRSTNAME VARCHAR(50) default '' NOT NULL, "
            "USR_LASTNAME VARCHAR(50) default '' NOT NULL, "
            "USR_EMAIL VARCHAR(100) default '' NOT NULL, "
            "USR_DUE_DATE DATE NOT NULL, "
            "USR_CREATE_DATE DATETIME NOT NULL, "
            "USR_UPDATE_DATE DATETIME NOT NULL, "
            "USR_STATUS VARCHAR(32) default 'ACTIVE' NOT NULL, "
            "USR_STATUS_ID INTEGER default 1, "
            "USR_COUNTRY VARCHAR(3) default '' NOT NULL, "
            "USR_CITY VARCHAR(3) default '' NOT NULL, "
            "USR_LOCATION VARCHAR(3) default '' NOT NULL, "
            "USR_ADDRESS VARCHAR(255) default '' NOT NULL, "
            "USR_PHONE VARCHAR(24) default '' NOT NULL, "
            "USR_FAX VARCHAR(24) default '' NOT NULL, "
            "USR_CELLULAR VARCHAR(24) default '' NOT NULL, "
            "USR_ZIP_CODE VARCHAR(16) default '' NOT NULL, "
            "DEP_UID VARCHAR(32) default '' NOT NULL, "
            "USR_POSITION VARCHAR(100) default '' NOT NULL, "
            "USR_RESUME VARCHAR(100) default '' NOT NULL, "
            "USR_BIRTHDAY DATE, "
            "USR_ROLE VARCHAR(32) default 'PROCESSMAKER_ADMIN', "
            "USR_REPORTS_TO VARCHAR(32) default '', "
            "USR_REPLACED_BY VARCHAR(32) default '', "
            "USR_UX VARCHAR(128) default 'NORMAL', "
            "USR_COST_BY_HOUR DECIMAL(7,2) default 0, "
            "USR_UNIT_COST VARCHAR(50) default '', "
            "USR_PMDRIVE_FOLDER_UID VARCHAR(128) default '', "
            "USR_BOOKMARK_START_CASES MEDIUMTEXT, "
            "USR_TIME_ZONE VARCHAR(100) default '', "
            "USR_DEFAULT_LANG VARCHAR(10) default '', "
            "USR_LAST_LOGIN DATETIME, "
            "PRIMARY KEY (USR_UID), "
            "UNIQUE KEY INDEX_USR_ID (USR_ID), "
            "KEY indexUsrStatus(USR_STATUS), "
            "KEY indexUsrStatusId(USR_STATUS_ID), "
            "KEY indexUsrUid(USR_UID)",
        ),
        "GROUPWF": (
            f"{_WF}:285-296",
            "GRP_UID VARCHAR(32) NOT NULL, "
            "GRP_ID INTEGER NOT NULL AUTO_INCREMENT, "
            "GRP_TITLE MEDIUMTEXT NOT NULL, "
            "GRP_STATUS CHAR(8) default 'ACTIVE' NOT NULL, "
            "GRP_STATUS_ID INTEGER default 0, "
            "GRP_LDAP_DN VARCHAR(255) default '' NOT NULL, "
            "GRP_UX VARCHAR(128) default 'NORMAL', "
            "PRIMARY KEY (GRP_UID), "
            "UNIQUE KEY GRP_ID (GRP_ID)",
        ),
        "GROUP_USER": (
            f"{_WF}:304-313",
            "GRP_UID VARCHAR(32) default '0' NOT NULL, "
            "GRP_ID INTEGER default 0, "
            "USR_UID VARCHAR(32) default '0' NOT NULL, "
            "USR_ID INTEGER default 0, "
            "PRIMARY KEY (GRP_UID,USR_UID), "
            "KEY indexForUsrUid(USR_UID), "
            "KEY INDEX_GRP_ID(GRP_ID)",
        ),
        "DEPARTMENT": (
            f"{_WF}:240-253",
            "DEP_UID VARCHAR(32) default '' NOT NULL, "
            "DEP_TITLE MEDIUMTEXT NOT NULL, "
            "DEP_PARENT VARCHAR(32) default '' NOT NULL, "
            "DEP_MANAGER VARCHAR(32) default '' NOT NULL, "
            "DEP_LOCATION INTEGER default 0 NOT NULL, "
            "DEP_STATUS VARCHAR(10) default 'ACTIVE' NOT NULL, "
            "DEP_REF_CODE VARCHAR(50) default '' NOT NULL, "
            "DEP_LDAP_DN VARCHAR(255) default '' NOT NULL, "
            "PRIMARY KEY (DEP_UID), "
            "KEY DEP_BYPARENT(DEP_PARENT), "
            "KEY BY_DEP_LDAP_DN(DEP_LDAP_DN)",
        ),
        "CONTENT": (
            f"{_WF}:221-232",
            "CON_CATEGORY VARCHAR(30) default '' NOT NULL, "
            "CON_PARENT VARCHAR(32) default '' NOT NULL, "
            "CON_ID VARCHAR(100) default '' NOT NULL, "
            "CON_LANG VARCHAR(10) default '' NOT NULL, "
            "CON_VALUE MEDIUMTEXT NOT NULL, "
            "PRIMARY KEY (CON_CATEGORY,CON_PARENT,CON_ID,CON_LANG), "
            "KEY indexUidLang(CON_ID, CON_LANG), "
            "KEY indexCatParUidLang(CON_CATEGORY, CON_PARENT, CON_ID, CON_LANG), "
            "KEY indexUid(CON_ID, CON_CATEGORY, CON_LANG)",
        ),
        "RBAC_ROLES": (
            f"{_RBAC}:31-41",
            "ROL_UID VARCHAR(32) default '' NOT NULL, "
            "ROL_PARENT VARCHAR(32) default '' NOT NULL, "
            "ROL_SYSTEM VARCHAR(32) default '' NOT NULL, "
            "ROL_CODE VARCHAR(32) default '' NOT NULL, "
            "ROL_CREATE_DATE DATETIME, "
            "ROL_UPDATE_DATE DATETIME, "
            "ROL_STATUS INTEGER default 1 NOT NULL, "
            "PRIMARY KEY (ROL_UID)",
        ),
    },
    "casework": {
        "PROCESS": (
            f"{_WF}:477-526",
            "PRO_UID VARCHAR(32) default '' NOT NULL, "
            "PRO_ID INTEGER NOT NULL AUTO_INCREMENT, "
            "PRO_TITLE MEDIUMTEXT NOT NULL, "
            "PRO_DESCRIPTION MEDIUMTEXT, "
            "PRO_PARENT VARCHAR(32) default '0' NOT NULL, "
            "PRO_TIME DOUBLE default 1 NOT NULL, "
            "PRO_TIMEUNIT VARCHAR(20) default 'DAYS' NOT NULL, "
            "PRO_STATUS VARCHAR(20) default 'ACTIVE' NOT NULL, "
            "PRO_STATUS_ID INTEGER default 1, "
            "PRO_TYPE_DAY CHAR(1) default '0' NOT NULL, "
            "PRO_TYPE VARCHAR(256) default 'NORMAL' NOT NULL, "
            "PRO_ASSIGNMENT VARCHAR(20) default 'FALSE' NOT NULL, "
            "PRO_SHOW_MAP TINYINT default 1 NOT NULL, "
            "PRO_SHOW_MESSAGE TINYINT default 1 NOT NULL, "
            "PRO_SUBPROCESS TINYINT default 0 NOT NULL, "
            "PRO_TRI_CREATE VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_OPEN VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_DELETED VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_CANCELED VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_PAUSED VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_REASSIGNED VARCHAR(32) default '' NOT NULL, "
            "PRO_TRI_UNPAUSED VARCHAR(32) default '' NOT NULL, "
            "PRO_TYPE_PROCESS VARCHAR(32) default 'PUBLIC' NOT NULL, "
            "PRO_SHOW_DELEGATE TINYINT default 1 NOT NULL, "
            "PRO_SHOW_DYNAFORM TINYINT default 0 NOT NULL, "
            "PRO_CATEGORY VARCHAR(48) default '' NOT NULL, "
            "PRO_SUB_CATEGORY VARCHAR(48) default '' NOT NULL, "
            "PRO_INDUSTRY INTEGER default 1 NOT NULL, "
            "PRO_UPDATE_DATE DATETIME, "
            "PRO_CREATE_DATE DATETIME NOT NULL, "
            "PRO_CREATE_USER VARCHAR(32) default '' NOT NULL, "
            "PRO_HEIGHT INTEGER default 5000 NOT NULL, "
            "PRO_WIDTH INTEGER default 10000 NOT NULL, "
            "PRO_TITLE_X INTEGER default 0 NOT NULL, "
            "PRO_TITLE_Y INTEGER default 6 NOT NULL, "
            "PRO_DEBUG INTEGER default 0 NOT NULL, "
            "PRO_DYNAFORMS MEDIUMTEXT, "
            "PRO_DERIVATION_SCREEN_TPL VARCHAR(128) default '', "
            "PRO_COST DECIMAL(7,2) default 0, "
            "PRO_UNIT_COST VARCHAR(50) default '', "
            "PRO_ITEE INTEGER default 0 NOT NULL, "
            "PRO_ACTION_DONE MEDIUMTEXT, "
            "CATEGORY_ID INTEGER default 0, "
            "PRIMARY KEY (PRO_UID), "
            "UNIQUE KEY INDEX_PRO_ID (PRO_ID), "
            "KEY indexProStatus(PRO_STATUS), "
            "KEY indexProStatusId(PRO_STATUS_ID)",
        ),
        "BPMN_PROJECT": (
            f"{_WF}:1835-1852",
            "PRJ_UID VARCHAR(32) default '' NOT NULL, "
            "PRJ_NAME VARCHAR(255) default '' NOT NULL, "
            "PRJ_DESCRIPTION VARCHAR(512), "
            "PRJ_TARGET_NAMESPACE MEDIUMTEXT, "
            "PRJ_EXPRESION_LANGUAGE MEDIUMTEXT, "
            "PRJ_TYPE_LANGUAGE MEDIUMTEXT, "
            "PRJ_EXPORTER MEDIUMTEXT, "
            "PRJ_EXPORTER_VERSION MEDIUMTEXT, "
            "PRJ_CREATE_DATE DATETIME NOT NULL, "
            "PRJ_UPDATE_DATE DATETIME, "
            "PRJ_AUTHOR MEDIUMTEXT, "
            "PRJ_AUTHOR_VERSION MEDIUMTEXT, "
            "PRJ_ORIGINAL_SOURCE MEDIUMTEXT, "
            "PRIMARY KEY (PRJ_UID), "
            "KEY BPMN_PROJECT_I_1(PRJ_UID)",
        ),
        "TASK": (
            f"{_WF}:670-743",
            "PRO_UID VARCHAR(32) default '' NOT NULL, "
            "PRO_ID INTEGER default 0, "
            "TAS_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_ID INTEGER NOT NULL AUTO_INCREMENT, "
            "TAS_TITLE MEDIUMTEXT NOT NULL, "
            "TAS_DESCRIPTION MEDIUMTEXT, "
            "TAS_DEF_TITLE MEDIUMTEXT, "
            "TAS_DEF_SUBJECT_MESSAGE MEDIUMTEXT, "
            "TAS_DEF_PROC_CODE MEDIUMTEXT, "
            "TAS_DEF_MESSAGE MEDIUMTEXT, "
            "TAS_DEF_DESCRIPTION MEDIUMTEXT, "
            "TAS_TYPE VARCHAR(50) default 'NORMAL' NOT NULL, "
            "TAS_DURATION DOUBLE default 0 NOT NULL, "
            "TAS_DELAY_TYPE VARCHAR(30) default '' NOT NULL, "
            "TAS_TEMPORIZER DOUBLE default 0 NOT NULL, "
            "TAS_TYPE_DAY CHAR(1) default '1' NOT NULL, "
            "TAS_TIMEUNIT VARCHAR(20) default 'DAYS' NOT NULL, "
            "TAS_ALERT VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_PRIORITY_VARIABLE VARCHAR(100) default '' NOT NULL, "
            "TAS_ASSIGN_TYPE VARCHAR(30) default 'BALANCED' NOT NULL, "
            "TAS_ASSIGN_VARIABLE VARCHAR(100) default '@@SYS_NEXT_USER_TO_BE_ASSIGNED' NOT NULL, "
            "TAS_GROUP_VARIABLE VARCHAR(100), "
            "TAS_MI_INSTANCE_VARIABLE VARCHAR(100) default '@@SYS_VAR_TOTAL_INSTANCE' NOT NULL, "
            "TAS_MI_COMPLETE_VARIABLE VARCHAR(100) default '@@SYS_VAR_TOTAL_INSTANCES_COMPLETE' NOT NULL, "
            "TAS_ASSIGN_LOCATION VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_ASSIGN_LOCATION_ADHOC VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_TRANSFER_FLY VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_LAST_ASSIGNED VARCHAR(32) default '0' NOT NULL, "
            "TAS_USER VARCHAR(32) default '0' NOT NULL, "
            "TAS_CAN_UPLOAD VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_VIEW_UPLOAD VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_VIEW_ADDITIONAL_DOCUMENTATION VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_CAN_CANCEL VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_OWNER_APP VARCHAR(32) default '' NOT NULL, "
            "STG_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_CAN_PAUSE VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_CAN_SEND_MESSAGE VARCHAR(20) default 'TRUE' NOT NULL, "
            "TAS_CAN_DELETE_DOCS VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_SELF_SERVICE VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_START VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_TO_LAST_USER VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_SEND_LAST_EMAIL VARCHAR(20) default 'TRUE' NOT NULL, "
            "TAS_DERIVATION VARCHAR(100) default 'NORMAL' NOT NULL, "
            "TAS_POSX INTEGER default 0 NOT NULL, "
            "TAS_POSY INTEGER default 0 NOT NULL, "
            "TAS_WIDTH INTEGER default 110 NOT NULL, "
            "TAS_HEIGHT INTEGER default 60 NOT NULL, "
            "TAS_COLOR VARCHAR(32) default '' NOT NULL, "
            "TAS_EVN_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_BOUNDARY VARCHAR(32) default '' NOT NULL, "
            "TAS_DERIVATION_SCREEN_TPL VARCHAR(128) default '', "
            "TAS_SELFSERVICE_TIMEOUT INTEGER default 0, "
            "TAS_SELFSERVICE_TIME INTEGER default 0, "
            "TAS_SELFSERVICE_TIME_UNIT VARCHAR(15) default '', "
            "TAS_SELFSERVICE_TRIGGER_UID VARCHAR(32) default '', "
            "TAS_SELFSERVICE_EXECUTION VARCHAR(15) default 'EVERY_TIME', "
            "TAS_NOT_EMAIL_FROM_FORMAT INTEGER default 0, "
            "TAS_OFFLINE VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_EMAIL_SERVER_UID VARCHAR(32) default '', "
            "TAS_AUTO_ROOT VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_RECEIVE_SERVER_UID VARCHAR(32) default '', "
            "TAS_RECEIVE_LAST_EMAIL VARCHAR(20) default 'FALSE' NOT NULL, "
            "TAS_RECEIVE_EMAIL_FROM_FORMAT INTEGER default 0, "
            "TAS_RECEIVE_MESSAGE_TYPE VARCHAR(20) default 'text' NOT NULL, "
            "TAS_RECEIVE_MESSAGE_TEMPLATE VARCHAR(100) default 'alert_message.html' NOT NULL, "
            "TAS_RECEIVE_SUBJECT_MESSAGE MEDIUMTEXT, "
            "TAS_RECEIVE_MESSAGE MEDIUMTEXT, "
            "PRIMARY KEY (TAS_UID), "
            "UNIQUE KEY INDEX_TAS_ID (TAS_ID), "
            "KEY indexTasUid(TAS_UID), "
            "KEY indexAssgTypeGrpVar(TAS_ASSIGN_TYPE, TAS_GROUP_VARIABLE)",
        ),
        "TASK_USER": (
            f"{_WF}:751-761",
            "TAS_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_ID INTEGER default 0, "
            "USR_UID VARCHAR(32) default '' NOT NULL, "
            "TU_TYPE INTEGER default 1 NOT NULL, "
            "TU_RELATION INTEGER default 0 NOT NULL, "
            "ASSIGNED_ID INTEGER default 0, "
            "PRIMARY KEY (TAS_UID,USR_UID,TU_TYPE,TU_RELATION), "
            "KEY indexUsrUidType(USR_UID, TU_TYPE)",
        ),
        "ROUTE": (
            f"{_WF}:584-605",
            "ROU_UID VARCHAR(32) default '' NOT NULL, "
            "ROU_PARENT VARCHAR(32) default '0' NOT NULL, "
            "PRO_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_UID VARCHAR(32) default '' NOT NULL, "
            "ROU_NEXT_TASK VARCHAR(32) default '0' NOT NULL, "
            "ROU_CASE INTEGER default 0 NOT NULL, "
            "ROU_TYPE VARCHAR(25) default 'SEQUENTIAL' NOT NULL, "
            "ROU_DEFAULT INTEGER default 0 NOT NULL, "
            "ROU_CONDITION VARCHAR(512) default '' NOT NULL, "
            "ROU_TO_LAST_USER VARCHAR(20) default 'FALSE' NOT NULL, "
            "ROU_OPTIONAL VARCHAR(20) default 'FALSE' NOT NULL, "
            "ROU_SEND_EMAIL VARCHAR(20) default 'TRUE' NOT NULL, "
            "ROU_SOURCEANCHOR INTEGER default 1, "
            "ROU_TARGETANCHOR INTEGER default 0, "
            "ROU_TO_PORT INTEGER default 1 NOT NULL, "
            "ROU_FROM_PORT INTEGER default 2 NOT NULL, "
            "ROU_EVN_UID VARCHAR(32) default '' NOT NULL, "
            "GAT_UID VARCHAR(32) default '' NOT NULL, "
            "PRIMARY KEY (ROU_UID)",
        ),
        "APPLICATION": (
            f"{_WF}:13-46",
            "APP_UID VARCHAR(32) default '' NOT NULL, "
            "APP_TITLE MEDIUMTEXT NOT NULL, "
            "APP_DESCRIPTION MEDIUMTEXT, "
            "APP_NUMBER INTEGER default 0 NOT NULL, "
            "APP_PARENT VARCHAR(32) default '0' NOT NULL, "
            "APP_STATUS VARCHAR(100) default '' NOT NULL, "
            "APP_STATUS_ID TINYINT default 0 NOT NULL, "
            "PRO_UID VARCHAR(32) default '' NOT NULL, "
            "APP_PROC_STATUS VARCHAR(100) default '' NOT NULL, "
            "APP_PROC_CODE VARCHAR(100) default '' NOT NULL, "
            "APP_PARALLEL VARCHAR(32) default 'NO' NOT NULL, "
            "APP_INIT_USER VARCHAR(32) default '' NOT NULL, "
            "APP_CUR_USER VARCHAR(32) default '' NOT NULL, "
            "APP_CREATE_DATE DATETIME NOT NULL, "
            "APP_INIT_DATE DATETIME NOT NULL, "
            "APP_FINISH_DATE DATETIME, "
            "APP_UPDATE_DATE DATETIME NOT NULL, "
            "APP_DATA MEDIUMTEXT NOT NULL, "
            "APP_PIN VARCHAR(32) default '' NOT NULL, "
            "APP_DURATION DOUBLE default 0, "
            "APP_DELAY_DURATION DOUBLE default 0, "
            "APP_DRIVE_FOLDER_UID VARCHAR(128) default '', "
            "APP_ROUTING_DATA MEDIUMTEXT, "
            "PRIMARY KEY (APP_UID), "
            "UNIQUE KEY INDEX_APP_NUMBER (APP_NUMBER), "
            "KEY indexApp(PRO_UID, APP_STATUS, APP_UID), "
            "KEY indexAppNumber(APP_NUMBER), "
            "KEY indexAppStatus(APP_STATUS), "
            "KEY indexAppCreateDate(APP_CREATE_DATE), "
            "KEY indexAppStatusId(APP_STATUS_ID), "
            "FULLTEXT indexAppTitle(APP_TITLE)",
        ),
        "APP_DELEGATION": (
            f"{_WF}:66-105",
            "APP_UID VARCHAR(32) default '' NOT NULL, "
            "DEL_INDEX INTEGER default 0 NOT NULL, "
            "DELEGATION_ID INTEGER NOT NULL AUTO_INCREMENT, "
            "APP_NUMBER INTEGER default 0, "
            "DEL_PREVIOUS INTEGER default 0 NOT NULL, "
            "DEL_LAST_INDEX INTEGER default 0 NOT NULL, "
            "PRO_UID VARCHAR(32) default '' NOT NULL, "
            "TAS_UID VARCHAR(32) default '' NOT NULL, "
            "USR_UID VARCHAR(32) default '' NOT NULL, "
            "DEL_TYPE VARCHAR(32) default 'NORMAL' NOT NULL, "
            "DEL_THREAD INTEGER default 0 NOT NULL, "
            "DEL_THREAD_STATUS VARCHAR(32) default 'OPEN' NOT NULL, "
            "DEL_PRIORITY VARCHAR(32) default '3' NOT NULL, "
            "DEL_DELEGATE_DATE DATETIME NOT NULL, "
            "DEL_INIT_DATE DATETIME, "
            "DEL_FINISH_DATE DATETIME, "
            "DEL_TASK_DUE_DATE DATETIME, "
            "DEL_RISK_DATE DATETIME, "
            "DEL_DURATION DOUBLE default 0, "
            "DEL_QUEUE_DURATION DOUBLE default 0, "
            "DEL_DELAY_DURATION DOUBLE default 0, "
            "DEL_STARTED TINYINT default 0, "
            "DEL_FINISHED TINYINT default 0, "
            "DEL_DELAYED TINYINT default 0, "
            "DEL_DATA MEDIUMTEXT NOT NULL, "
            "APP_OVERDUE_PERCENTAGE DOUBLE default 0 NOT NULL, "
            "USR_ID INTEGER default 0, "
            "PRO_ID INTEGER default 0, "
            "TAS_ID INTEGER default 0, "
            "PRIMARY KEY (APP_UID,DEL_INDEX), "
            "UNIQUE KEY DELEGATION_ID (DELEGATION_ID), "
            "KEY INDEX_APP_NUMBER(APP_NUMBER), "
            "KEY INDEX_USR_ID(USR_ID), "
            "KEY INDEX_PRO_ID(PRO_ID), "
            "KEY INDEX_TAS_ID(TAS_ID), "
            "KEY INDEX_USR_UID(USR_UID), "
            "KEY INDEX_THREAD_STATUS_APP_NUMBER(DEL_THREAD_STATUS, APP_NUMBER)",
        ),
        "APP_DELAY": (
            f"{_WF}:869-894",
            "APP_DELAY_UID VARCHAR(32) default '' NOT NULL, "
            "PRO_UID VARCHAR(32) default '0' NOT NULL, "
            "APP_UID VARCHAR(32) default '0' NOT NULL, "
            "APP_NUMBER INTEGER default 0, "
            "APP_THREAD_INDEX INTEGER default 0 NOT NULL, "
            "APP_DEL_INDEX INTEGER default 0 NOT NULL, "
            "APP_TYPE VARCHAR(20) default '0' NOT NULL, "
            "APP_STATUS VARCHAR(20) default '0' NOT NULL, "
            "APP_NEXT_TASK VARCHAR(32) default '0', "
            "APP_DELEGATION_USER VARCHAR(32) default '0', "
            "APP_ENABLE_ACTION_USER VARCHAR(32) default '0' NOT NULL, "
            "APP_ENABLE_ACTION_DATE DATETIME NOT NULL, "
            "APP_DISABLE_ACTION_USER VARCHAR(32) default '0', "
            "APP_DISABLE_ACTION_DATE DATETIME, "
            "APP_AUTOMATIC_DISABLED_DATE DATETIME, "
            "APP_DELEGATION_USER_ID INTEGER default 0, "
            "PRO_ID INTEGER default 0, "
            "PRIMARY KEY (APP_DELAY_UID), "
            "KEY INDEX_APP_NUMBER(APP_NUMBER), "
            "KEY INDEX_USR_ID(APP_DELEGATION_USER_ID), "
            "KEY INDEX_PRO_ID(PRO_ID), "
            "KEY indexAppDelay(PRO_UID, APP_UID, APP_THREAD_INDEX, APP_DEL_INDEX, APP_NEXT_TASK, APP_DELEGATION_USER, APP_DISABLE_ACTION_USER), "
            "KEY indexAppUid(APP_UID)",
        ),
    },
}

AREAS["control"] = {
    # The mock's own (mockserver.state.shared): the scripting the hosts on this store share.
    "PM3MOCK_CONTROL": (
        "mock: the shared clock and the change counter of the shared scripting",
        "NAME VARCHAR(16) NOT NULL, VERSION INTEGER NOT NULL, "
        "CLOCK_OFFSET DOUBLE default 0 NOT NULL, CLOCK_FROZEN DOUBLE, PRIMARY KEY (NAME)",
    ),
    "PM3MOCK_OVERRIDES": (
        "mock: the shared overrides and faults, as data, with their uses",
        "ID INTEGER NOT NULL, SPEC MEDIUMTEXT NOT NULL, TIMES INTEGER, "
        "HITS INTEGER default 0 NOT NULL, PRIMARY KEY (ID)",
    ),
}

APP_CACHE_VIEW = (
    f"{_WF}:1292-1337",
    # ProcessMaker keeps APP_CACHE_VIEW as a table filled by triggers on APP_DELEGATION
    # (workflow/engine/methods/setup/setupSchemas/triggerAppDelegationInsert.sql); here it is a
    # view with the same columns, over the tables the mock writes (as on SQLite).
    "CREATE VIEW IF NOT EXISTS APP_CACHE_VIEW AS SELECT D.APP_UID, D.DEL_INDEX, "
    "D.DEL_LAST_INDEX, A.APP_NUMBER, A.APP_STATUS, D.USR_UID, "
    "COALESCE(P.USR_UID, '') AS PREVIOUS_USR_UID, D.TAS_UID, D.PRO_UID, D.DEL_DELEGATE_DATE, "
    "D.DEL_INIT_DATE, D.DEL_FINISH_DATE, D.DEL_TASK_DUE_DATE, D.DEL_RISK_DATE, "
    "D.DEL_THREAD_STATUS, CASE WHEN A.APP_STATUS IN ('COMPLETED', 'CANCELLED') THEN 'CLOSED' "
    "ELSE 'OPEN' END AS APP_THREAD_STATUS, A.APP_TITLE, "
    "COALESCE(PR.PRO_TITLE, '') AS APP_PRO_TITLE, COALESCE(T.TAS_TITLE, '') AS APP_TAS_TITLE, "
    "COALESCE(CONCAT(U.USR_LASTNAME, ' ', U.USR_FIRSTNAME), '') AS APP_CURRENT_USER, "
    "COALESCE(CONCAT(PU.USR_LASTNAME, ' ', PU.USR_FIRSTNAME), '') AS APP_DEL_PREVIOUS_USER, "
    "D.DEL_PRIORITY, D.DEL_DURATION, D.DEL_QUEUE_DURATION, D.DEL_DELAY_DURATION, D.DEL_STARTED, "
    "D.DEL_FINISHED, D.DEL_DELAYED, A.APP_CREATE_DATE, A.APP_FINISH_DATE, A.APP_UPDATE_DATE, "
    "D.APP_OVERDUE_PERCENTAGE FROM APP_DELEGATION D JOIN APPLICATION A ON A.APP_UID = D.APP_UID "
    "LEFT JOIN APP_DELEGATION P ON P.APP_UID = D.APP_UID AND P.DEL_INDEX = D.DEL_PREVIOUS "
    "LEFT JOIN RBAC_USERS U ON U.USR_UID = D.USR_UID "
    "LEFT JOIN RBAC_USERS PU ON PU.USR_UID = P.USR_UID "
    "LEFT JOIN PROCESS PR ON PR.PRO_UID = D.PRO_UID LEFT JOIN TASK T ON T.TAS_UID = D.TAS_UID",
)
VIEWS = {"casework": {"APP_CACHE_VIEW": APP_CACHE_VIEW}}


def create_statements(tables: dict[str, tuple[str, str]] = TABLES) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {name} ({cols}) {_PM_TAIL}"
        for name, (_, cols) in tables.items()
    ]


_KEYS = ("PRIMARY KEY", "UNIQUE KEY", "KEY ", "FULLTEXT ")


def expected_columns() -> dict[str, list[str]]:
    """Each table's column names, in order (what an existing database must have): the store's
    tables and every area's."""
    found: dict[str, list[str]] = {}
    for tables in (TABLES, *AREAS.values()):
        for name, (_, cols) in tables.items():
            found[name] = [
                part.strip().split(" ")[0]
                for part in re.split(r",(?![^(]*\))", cols)
                if not part.strip().startswith(_KEYS)
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
    prefix: str = "wf_"
    """The databases' prefix: ProcessMaker's ``wf_``; the tests give each test its own."""

    def database(self, workspace: str) -> str:
        return f"{self.prefix}{workspace}"


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
_CONFLICT = {1205, 1213}
"""InnoDB gave up on a lock (a wait timeout, a deadlock) and rolled the statement back: one sent
alone (autocommit) is safe to send again; a transaction's is the store's transient refusal."""


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
    users_from = "RBAC_USERS U LEFT JOIN PM3MOCK_USER_ROLES UR ON UR.USR_UID = U.USR_UID"
    role_column = "COALESCE(UR.ROL_CODE, '')"
    role_table = "PM3MOCK_USER_ROLES"
    locking_read = " FOR UPDATE"

    def __init__(self, target: MysqlTarget, workspace: str) -> None:
        self.target = target
        self.database = target.database(workspace)
        self._lock = threading.RLock()
        self._sql: dict[str, str] = {}
        self._conn: Any = None
        self._used = 0.0
        self._schemas: set[str] = set()
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
                "SELECT C.TABLE_NAME, C.COLUMN_NAME, T.TABLE_TYPE FROM information_schema.COLUMNS C "
                "JOIN information_schema.TABLES T ON T.TABLE_SCHEMA = C.TABLE_SCHEMA "
                "AND T.TABLE_NAME = C.TABLE_NAME WHERE C.TABLE_SCHEMA = %s "
                "ORDER BY C.TABLE_NAME, C.ORDINAL_POSITION",
                (db,),
            )
            have: dict[str, list[str]] = {}
            views: set[str] = set()
            for table, column, kind in cur.fetchall():
                have.setdefault(str(table), []).append(str(column))
                if str(kind) == "VIEW":
                    views.add(str(table))
            expected = expected_columns()
            known_views = {name for area in VIEWS.values() for name in area}
            extra = sorted(t for t in have if t not in expected and t not in known_views)
            changed = sorted(
                t for t in have if t in expected and (have[t] != expected[t] or t in views)
            )
            # A database of the mock's: its tables (some may be missing: an area not used yet, or
            # tables an earlier version did not make), each as the mock makes it.
            if extra or changed:
                what = "; ".join(
                    part
                    for part in (
                        f"tables not the mock's: {', '.join(extra[:5])}" if extra else "",
                        f"other columns: {', '.join(changed[:5])}" if changed else "",
                    )
                    if part
                )
                raise StoreConfigError(
                    f"--store {self.target.url}: database {db} exists with a foreign schema "
                    f"({what}); the mock does not alter it: name another workspace or drop it"
                )
            if all(t in have for t in TABLES):
                return
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
                    if code in _CONFLICT:
                        if attempt == 0:
                            continue  # rolled back whole: send it again, once
                        raise StoreUnavailable(
                            f"the store's server {self.target.url} is busy: {exc}"
                        ) from None
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
                if exc.args and exc.args[0] in _CONFLICT:  # InnoDB rolled the transaction back
                    with suppress(Exception):
                        conn.rollback()
                    raise StoreUnavailable(
                        f"the store's server {self.target.url} is busy: {exc}"
                    ) from None
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

    def insert_ignore_into(self, table: str) -> str:
        return f"INSERT IGNORE INTO {table}"

    def differs(self, left: str, right: str) -> str:
        return f"NOT (BINARY {left} <=> BINARY {right})"

    def row_order(self, alias: str, key: str) -> str:
        return f"{alias}.{key}"

    def fill_ids(self, table: str, column: str) -> str | None:
        return None  # AUTO_INCREMENT numbers a row written with 0 (sql_mode without NO_AUTO_VALUE_ON_ZERO)

    def table_names(self) -> list[str]:
        return [
            str(r[0])
            for r in self.fetch_all(
                "SELECT TABLE_NAME FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
            )
        ]

    def column_names(self, table: str) -> list[str]:
        return [
            str(r[0])
            for r in self.fetch_all(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                (table,),
            )
        ]

    def ensure_schema(self, key: str, ddl: str) -> None:
        """ProcessMaker's tables of an area (``AREAS``), not the SQLite ``ddl``."""
        if key in self._schemas:
            return
        if key not in AREAS:
            raise StoreUnsupported(f"the store on MariaDB has no tables for {key!r}")
        statements = create_statements(AREAS[key])
        statements += [text for _, text in VIEWS.get(key, {}).values()]
        with self._lock:
            for statement in statements:
                self.execute(statement)
            self._schemas.add(key)
