"""Projects, start tasks and cases: ``Api/Project.php``, ``Api/Cases.php`` and ``Api/Light.php``.

Read in ProcessMaker 3.4.11 (CO ``1429451be``); paths below are under ``workflow/engine/``. Each
handler does what its API method and business model do, with the data in
:mod:`mockserver.state.casework`, and fails with the business model's message, which the API
method turns into ``RestException(400, $e->getMessage())`` (``Api::STAT_APP_EXCEPTION``). Labels
(``G::LoadTranslation("ID_…")``) are the English texts of ``data/mysql/insert.sql``.

A refused request changes nothing: every check runs before the first write, and each write is one
transaction of the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mockserver.protocol import render
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Answer
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import RestCall
from mockserver.protocol.rest import handles
from mockserver.state import casework
from mockserver.state.store import UserRow

# --- messages ----------------------------------------------------------------------------------
NO_USER = "The user with userId: '' does not exist."
"""The cases lists without a user (a client_credentials token). ``getList`` refused an empty
``userId`` (ID_USER_NOT_EXIST, CO f2a7e57db…8b6e24a95 src/ProcessMaker/BusinessModel/Cases.php
l.82-86) and RC's Behat feature ``main_tests_client_credentials.feature`` expects 400 (source fact
§2.5). 3.2.3+ no longer checks (3.4.11 ``getList``, l.277-349): the profile field
``cases_without_user`` says which."""


def user_not_exist(name: str, uid: str) -> str:
    """ID_USER_NOT_EXIST (insert.sql:61372), from ``Validator::usrUid`` (Validator.php l.75-86)."""
    return f"The user with {name}: '{uid}' does not exist."


def application_not_exist(name: str, uid: str) -> str:
    """ID_APPLICATION_NOT_EXIST (insert.sql:57185), from ``Validator::appUid`` (l.100-111)."""
    return f"The application with {name}: '{uid}' does not exist."


def process_not_exist(name: str) -> str:
    """ID_PROCESS_NOT_EXIST (insert.sql:60543), from ``Validator::proUid`` (l.150-161). In 3.4.11
    the label's English text is the report-table import message, and that is what the REST API
    answers for an unknown ``pro_uid``."""
    return (
        f"The report table '{name}' is related to a process not present in the workspace, import "
        "the related process first. To relate the report table to other process, open the "
        "process in the designer and import from there. The report table can't be imported."
    )


def invalid_array(name: str) -> str:
    """ID_INVALID_VALUE_ARRAY (insert.sql:58558), from ``Validator::isArray`` (l.223-228)."""
    return f"Invalid value for '{name}'. It must be an array."


INVALID_TAS_UID = "Invalid value specified for: tas_uid"
"""ID_INVALID_VALUE_FOR (insert.sql:58563) with ``tas_uid``: ``Cases::addCase`` when the task does
not exist (BusinessModel/Cases.php l.781-784)."""
NOT_ASSIGNED = "Task invalid or the user is not assigned to the task"
"""ID_TASK_INVALID_USER_NOT_ASSIGNED_TASK (insert.sql:61071): ``WsBase::newCase`` when the task is
not one of the user's start tasks (classes/WsBase.php ``newCase``)."""
ASSIGNED_ANOTHER_USER = "This case is assigned to another user"
"""ID_CASE_ASSIGNED_ANOTHER_USER (insert.sql:57428): ``WsBase::derivateCase``."""
DELEGATION_CLOSED = "This case delegation is already closed or does not exist"
"""ID_CASE_DELEGATION_ALREADY_CLOSED (insert.sql:57436): ``WsBase::derivateCase``."""
SPECIFY_INDEX = "Please specify the delegation index"
"""ID_SPECIFY_DELEGATION_INDEX (insert.sql:60970): ``WsBase::derivateCase``, several open threads."""
NO_ROUTING_RULE = "Task does not have a routing rule. Please, check the process definition."
"""ID_TASK_DOES_NOT_HAVE_ROUTING_RULE (insert.sql:61067): ``WsBase::derivateCase``."""
NO_PERMISSION_NOT_PARTICIPATED = (
    "You cannot open this case because on the reason below: <br> You do not have permission to "
    "see this case. <br> You have not participated in this case. <br> Case is already claimed."
)
"""ID_NO_PERMISSION_NO_PARTICIPATED (insert.sql:60203): ``Cases::setCaseVariables`` l.1913-1918."""
FORBIDDEN = "You don't have permission to access this endpoint or resource on this server."
"""``Policies/AccessControl.php``: a ``{@className}`` check that says no (the Cases class's
``__isAllowed``, Api/Cases.php l.64-205) is a 403 with this text."""
NO_PROCESSES = "You don't have processes to start..."
"""ID_USER_PROCESS_NOT_START (insert.sql:61389): ``Cases::getProcessListStartCase``."""
NO_CATEGORY = "No Category"
"""ID_PROCESS_NOCATEGORY (insert.sql:60542)."""

# Labels getAll puts in a list row (Applications.php l.833-846): ID_<APP_STATUS> and
# ID_PRIORITY_<code of DEL_PRIORITY>.
STATUS_LABELS = {
    "TO_DO": "To do",  # insert.sql:61175
    "DRAFT": "Draft",  # insert.sql:57927
    "COMPLETED": "Completed",  # insert.sql:57547
    "PAUSED": "Paused",  # insert.sql:60312
    "CANCELLED": "Canceled",  # insert.sql:57337
}
PRIORITY_LABELS = {
    "1": "VERY LOW",  # ID_PRIORITY_VL, insert.sql:60462
    "2": "LOW",  # ID_PRIORITY_L, insert.sql:60459
    "3": "NORMAL",  # ID_PRIORITY_N, insert.sql:60460
    "4": "HIGH",  # ID_PRIORITY_H, insert.sql:60458
    "5": "VERY HIGH",  # ID_PRIORITY_VH, insert.sql:60461
}

DEFAULT_SORT = "APP_CACHE_VIEW.APP_NUMBER"  # the Api methods' default sort, which getList ...
LIST_SORT = "APPLICATION.APP_NUMBER"  # ... replaces by this one (BusinessModel/Cases.php l.287)
DAY = 86400.0


def _null_reply(call: RestCall) -> Answer:
    """A method that returns nothing: Restler answers 200 with an empty body
    (``Defaults::$emptyBodyForNullResponse``, Restler.php ``compose``)."""
    return Answer("", 200, [*render.restler_headers(call.profile), render.CORS_ALLOW_ORIGIN])


def _str_arg(call: RestCall, name: str, default: str = "") -> str:
    value = call.args.get(name, default)
    if value is None:
        return default
    return value if isinstance(value, str) else str(value)


def _int_arg(call: RestCall, name: str, default: int = 0) -> int:
    """A Restler ``int`` parameter (the front door has converted it; checked again so that a
    handler called on its own refuses as Restler's ``Data/Validator.php`` does)."""
    value = call.args.get(name, default)
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text) is None:
        raise RestlerError(400, f"Invalid value specified for `{name}`. Expecting integer value")
    return int(text)


def _stamps(call: RestCall) -> tuple[str, str, str]:
    """Now, a task's due date (one day on) and its risk date (80 % of the way)."""
    clock = call.ctx.state.clock
    return clock.stamp(), clock.stamp(DAY), clock.stamp(DAY * 0.8)


# --- projects ----------------------------------------------------------------------------------
@handles("Project::doGetProjects")
def get_projects(call: RestCall) -> Reply:
    """``BpmnWorkflow::getList(..., CASE_LOWER)`` (Project/Adapter/BpmnWorkflow.php l.148-190):
    the ``prj_*`` keys; dates stay ``Y-m-d H:i:s`` unless the install converts them to ISO 8601
    (``DateTime::convertUtcToIso8601``, off by default)."""
    projects = [
        {
            "prj_uid": p.prj_uid,
            "prj_name": p.name,
            "prj_description": p.description,
            "prj_category": p.category,
            "prj_type": "bpmn",
            "prj_create_date": p.create_date,
            "prj_update_date": p.update_date,
            "prj_status": p.status,
        }
        for p in casework.list_projects(call.store)
    ]
    return render.rest_json(projects, call.profile)


@handles("Project::doGetProject")
def get_project(call: RestCall) -> Reply:
    """``BpmnWorkflow::getStruct`` (BpmnWorkflow.php l.1366-1397): the BPMN_PROJECT row in lower
    case, one diagram with its elements, and the user's ``usr_setting_designer`` (``null`` until
    the designer saves one). The diagram lists the tasks as activities; events, gateways and
    flows are not modelled (empty lists). Unknown uid: ``ProjectNotFound``
    (src/ProcessMaker/Exception/ProjectNotFound.php l.10-14, thrown by ``Bpmn::load`` l.304-311,
    so the class named is ``ProcessMaker\\Project\\Bpmn``)."""
    prj_uid = _str_arg(call, "prj_uid")
    project = casework.project_struct(call.store, prj_uid)
    if project is None:
        raise RestlerError(
            400, f'Project "ProcessMaker\\Project\\Bpmn" with UID: {prj_uid}, does not exist.'
        )
    activities = [
        {
            "act_uid": tas_uid,
            "act_name": title,
            "act_type": "TASK",
            "act_task_type": "EMPTY",
            "act_loop_type": "EMPTY",
        }
        for tas_uid, title, _start in casework.project_tasks(call.store, prj_uid)
    ]
    diagram: dict[str, object] = {
        "dia_uid": casework.DEMO_DIA_UID if prj_uid == casework.DEMO_PRO_UID else prj_uid,
        "prj_uid": prj_uid,
        "dia_name": project["prj_name"],
        "dia_is_closable": 0,
        "pro_uid": prj_uid,
        "activities": activities,
        "events": [],
        "gateways": [],
        "flows": [],
        "artifacts": [],
        "laneset": [],
        "lanes": [],
        "data": [],
        "participants": [],
    }
    body: dict[str, object] = {**project, "diagrams": [diagram], "usr_setting_designer": None}
    return render.rest_json(body, call.profile)


# --- start tasks -------------------------------------------------------------------------------
@handles("Cases::doGetCasesListStarCase")
def get_start_cases(call: RestCall) -> Reply:
    """``GET case/start-cases``: ``Cases::getCasesListStarCase`` (BusinessModel/Cases.php
    l.2640-2652) checks the user (``Validator::usrUid($usrUid, '$usr_uid')``), then
    ``getProcessListStartCase`` (classes/Cases.php): ``{tas_uid, pro_title, pro_uid}`` per start
    task, ``pro_title`` being "<process> (<task>)"; with ``type_view=category`` also
    ``pro_category`` and ``category_name``. A user with nothing to start gets
    ``{"success": "failure", "message": ...}``."""
    if call.user is None:
        raise RestlerError(400, user_not_exist("$usr_uid", ""))
    by_category = _str_arg(call, "type_view") == "category"
    tasks = casework.start_tasks(call.store, call.user.uid)
    if not tasks:
        return render.rest_json({"success": "failure", "message": NO_PROCESSES}, call.profile)
    rows: list[dict[str, object]] = []
    for t in tasks:
        row: dict[str, object] = {
            "tas_uid": t.tas_uid,
            "pro_title": f"{t.pro_title} ({t.tas_title})",
            "pro_uid": t.pro_uid,
        }
        if by_category:
            row["pro_category"] = t.pro_category
            row["category_name"] = NO_CATEGORY  # the demo process has no category
        rows.append(row)
    return render.rest_json(rows, call.profile)


@handles("Light::getProcessListStartCase")
def get_light_start_case(call: RestCall) -> Reply:
    """``GET light/start-case``: ``BusinessModel/Light.php getProcessListStartCase``, the mobile
    app's shape: ``text``, ``processId``, ``taskId``, ``offlineEnabled``, ``autoRoot``,
    ``categoryName``, ``categoryId`` (``_OTHER_`` without a category) and the task's ``forms``
    (none: the demo's tasks have no dynaform steps). No user check: nothing to start is ``[]``."""
    uid = call.user.uid if call.user is not None else ""
    rows = [
        {
            "text": f"{t.pro_title} ({t.tas_title})",
            "processId": t.pro_uid,
            "taskId": t.tas_uid,
            "offlineEnabled": t.offline,
            "autoRoot": t.auto_root,
            "categoryName": NO_CATEGORY if not t.pro_category else t.pro_category,
            "categoryId": t.pro_category.strip() or "_OTHER_",
            "forms": [],
        }
        for t in casework.start_tasks(call.store, uid)
    ]
    return render.rest_json(rows, call.profile)


# --- starting a case ---------------------------------------------------------------------------
def _start_variables(raw: object) -> Mapping[str, object]:
    """``addCase`` takes ``array_shift($variables)``: the first element of the array (a client
    sends ``[{"name": "value"}]``); ``newCase`` merges it only if that is itself an array."""
    if raw is None or raw == [] or raw == {}:
        return {}
    if isinstance(raw, list):
        first = raw[0]
    elif isinstance(raw, dict):
        first = next(iter(raw.values()))
    else:  # Restler's `array` type check (Data/Validator.php l.512-606)
        raise RestlerError(400, "Invalid value specified for `variables`")
    if isinstance(first, dict):
        return {str(k): v for k, v in first.items()}
    if isinstance(first, list):
        return {str(i): v for i, v in enumerate(first)}
    return {}


@handles("Cases::doPostCase")
def post_case(call: RestCall) -> Reply:
    """``POST cases``: ``Cases::addCase`` (BusinessModel/Cases.php l.772-808) checks the process
    (``Validator::proUid``) and the task (``ID_INVALID_VALUE_FOR``), then ``WsBase::newCase``
    refuses a task that is not one of the user's start tasks; the case starts as ``DRAFT``.
    Answer: ``{app_uid, app_number}`` (``caseId``/``caseNumber`` renamed), status 200 (no
    ``@status`` on ``doPostCase``)."""
    pro_uid = _str_arg(call, "pro_uid").strip()
    tas_uid = _str_arg(call, "tas_uid")
    variables = _start_variables(call.args.get("variables"))
    if not pro_uid or not casework.process_exists(call.store, pro_uid):
        raise RestlerError(400, process_not_exist("pro_uid"))
    if not casework.task_exists(call.store, tas_uid):
        raise RestlerError(400, INVALID_TAS_UID)
    user = call.user
    startable = casework.start_tasks(call.store, user.uid) if user is not None else []
    if not any(t.tas_uid == tas_uid for t in startable):
        raise RestlerError(400, NOT_ASSIGNED)
    assert user is not None  # a start task was found for the user
    now, due, risk = _stamps(call)
    case = casework.create_case(
        call.store,
        pro_uid=pro_uid,
        tas_uid=tas_uid,
        usr_uid=user.uid,
        username=user.username,
        workspace=call.ctx.workspace,
        variables=variables,
        now=now,
        due=due,
        risk=risk,
    )
    return render.rest_json({"app_uid": case.app_uid, "app_number": case.app_number}, call.profile)


# --- the lists ---------------------------------------------------------------------------------
_LISTS = {
    "Cases::doGetCasesListToDo": ("todo", False),
    "Cases::doGetCasesListToDoPaged": ("todo", True),
    "Cases::doGetCasesListDraft": ("draft", False),
    "Cases::doGetCasesListDraftPaged": ("draft", True),
    "Cases::doGetCasesListParticipated": ("sent", False),
    "Cases::doGetCasesListParticipatedPaged": ("sent", True),
    "Cases::doGetCasesListUnassigned": ("unassigned", False),
    "Cases::doGetCasesListUnassignedPaged": ("unassigned", True),
    "Cases::doGetCasesListPaused": ("paused", False),
    "Cases::doGetCasesListPausedPaged": ("paused", True),
    "Cases::doGetCasesListAdvancedSearch": ("search", False),
    "Cases::doGetCasesListAdvancedSearchPaged": ("search", True),
}


def _list_row(row: Mapping[str, object], action: str) -> dict[str, object]:
    """getAll's row edits (Applications.php l.809-846), then getList's lower-case keys."""
    out = dict(row)
    if action == "sent":  # the current delegation's task and user
        out["APP_TAS_TITLE"] = out["APPDELCR_APP_TAS_TITLE"]
        for name in ("USR_UID", "USR_FIRSTNAME", "USR_LASTNAME", "USR_USERNAME"):
            out[name] = out[f"USRCR_{name}"]
    status = out.get("APP_STATUS")
    if status is not None:
        out["APP_STATUS_LABEL"] = STATUS_LABELS.get(str(status), f"**ID_{status}**")
    priority = out.get("DEL_PRIORITY")
    if priority is not None:
        out["DEL_PRIORITY"] = PRIORITY_LABELS.get(str(priority), str(priority))
    return {k.lower(): v for k, v in out.items()}


@handles(*_LISTS)
def get_cases_list(call: RestCall) -> Reply:
    """The cases lists (Api/Cases.php l.207-760): each passes its parameters to
    ``BusinessModel/Cases.php getList`` (l.277-349), which answers ``Applications::getAll``'s rows
    as a list or, paged, ``{totalCount, data}`` (l.807-849) plus the echoed paging (l.335-343).

    A user sees their own delegations: to do (``TO_DO``, open), draft (``DRAFT``, open),
    participated (``sent``: one row per case they had a delegation in, showing the case's current
    task and user), unassigned (self-service tasks), paused (an ``APP_DELAY`` pause). The advanced
    search lists every case for a user with ``PM_ALLCASES`` (l.683), else the user's; its
    ``usr_uid`` parameter is passed on and ignored by ``getAll``."""
    action, paged = _LISTS[call.key]
    start = max(_int_arg(call, "start"), 0)
    limit = _int_arg(call, "limit")
    if call.user is None and call.profile.cases_without_user == "refused-400":
        raise RestlerError(400, NO_USER)
    sort = _str_arg(call, "sort", DEFAULT_SORT)
    sort = LIST_SORT if sort == DEFAULT_SORT else sort
    direction = _str_arg(call, "dir", "DESC")
    # No user (from 3.2.3): AppCacheView filters by USR_UID only when one is given.
    user = call.user.uid if call.user is not None else ""
    if action == "search" and call.user is not None and call.ctx.user_can(call.user, "PM_ALLCASES"):
        user = ""
    query = casework.ListQuery(
        action=action,
        user=user,
        start=start,
        limit=limit,
        sort=sort,
        dir=direction,
        process=_str_arg(call, "pro_uid"),
        category=_str_arg(call, "cat_uid"),
        search=_str_arg(call, "search"),
        status=_str_arg(call, "app_status").upper() if action == "search" else "",
        date_from=_str_arg(call, "date_from") if action == "search" else "",
        date_to=_str_arg(call, "date_to") if action == "search" else "",
    )
    rows, total = casework.list_cases(call.store, query)
    data = [_list_row(r, action) for r in rows]
    if not paged:
        return render.rest_json(data, call.profile)
    page: dict[str, object] = {
        "totalCount": total,
        "data": data,
        "total": total,
        "start": start + 1,
        "limit": limit,
        "sort": sort.lower(),
        "dir": direction.lower(),
        "cat_uid": query.category,
        "pro_uid": query.process,
        "search": query.search,
    }
    return render.rest_json(page, call.profile)


# --- one case ----------------------------------------------------------------------------------
def _class_access(call: RestCall, app_uid: str) -> None:
    """The Cases class's ``__isAllowed`` for ``doGetCaseInfo`` and ``doGetCaseVariables``
    (Api/Cases.php l.64-205), which ``AccessControl`` runs for a token with a user: allowed if
    the case exists and the user has a delegation in it. (ProcessMaker also lets in the process's
    supervisors and the users of an unassigned task; the demo has neither.) A token without a
    user skips the check (``AccessControl::__isAllowed`` requires a non-empty user)."""
    if call.user is None:
        return
    if casework.get_application(call.store, app_uid) is None or not (
        casework.user_has_delegation(call.store, app_uid, call.user.uid)
    ):
        raise RestlerError(403, FORBIDDEN)


def _full_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}"


@handles("Cases::doGetCaseInfo")
def get_case(call: RestCall) -> Reply:
    """``GET cases/{app_uid}``: ``Cases::getCaseInfo`` (BusinessModel/Cases.php l.447-668) renames
    ``WsBase::getCaseInfo``'s fields (classes/WsBase.php l.1015-1130): the case, then
    ``current_task``, one entry per open delegation. ``delInitDate`` and ``delTaskDueDate`` are
    never unset, so they stay beside their lower-case copies. Values keep Propel's and
    Creole's types: ``app_number`` an integer, the delegation's columns text."""
    app_uid = _str_arg(call, "app_uid")
    _class_access(call, app_uid)
    app = casework.get_application(call.store, app_uid)
    if app is None:  # a token without a user reaches loadCase (Application.php l.202)
        raise RestlerError(400, f"The Application row '{app_uid}' doesn't exist!")
    creator = call.store.get_user(app.init_user)
    process_name = casework.process_title(call.store, app.pro_uid)
    current = [
        {
            "delStatus": app.status if d.thread_status != "CLOSED" else "PAUSED",
            "delInitDate": d.init_date,
            "delTaskDueDate": d.due_date,
            "usr_uid": d.usr_uid,
            "usr_name": _full_name(d.user_firstname, d.user_lastname).strip(),
            "tas_uid": d.tas_uid,
            "tas_title": d.tas_title,
            "del_index": str(d.del_index),
            "del_thread": str(d.thread),
            "del_thread_status": d.thread_status,
            "del_init_date": d.init_date or "",
            "del_task_due_date": d.due_date,
        }
        for d in casework.delegations(call.store, app_uid, open_only=True)
    ]
    body = {
        "app_uid": app.app_uid,
        "app_number": app.number,
        "app_name": app.title,
        "app_status": app.status,
        "app_init_usr_uid": app.init_user,
        "app_init_usr_username": (
            _full_name(creator.firstname, creator.lastname).strip() if creator else "(USER_DELETED)"
        ),
        "pro_uid": app.pro_uid,
        "pro_name": process_name,
        "app_create_date": app.create_date,
        "app_update_date": app.update_date,
        "current_task": current,
    }
    return render.rest_json(body, call.profile)


@handles("Cases::doGetCaseVariables")
def get_case_variables(call: RestCall) -> Reply:
    """``GET cases/{app_uid}/variables``: ``Cases::getCaseVariables`` (BusinessModel/Cases.php
    l.1802-1870): ``Validator::appUid($app_uid, '$app_uid')``, ``Validator::usrUid``, then the
    case's ``APP_DATA`` (system variables, then the case's own) with ``SYS_LANG``."""
    app_uid = _str_arg(call, "app_uid")
    _class_access(call, app_uid)
    app = casework.get_application(call.store, app_uid)
    if app is None:
        raise RestlerError(400, application_not_exist("$app_uid", app_uid.strip()))
    if call.user is None:
        raise RestlerError(400, user_not_exist("$usr_uid", ""))
    data = dict(app.data)
    data["SYS_LANG"] = "en"
    return render.rest_json(data, call.profile)


def _merge(data: Mapping[str, object], body: object) -> dict[str, object]:
    """PHP ``array_merge($appData, $body)``: string keys replace, integer keys are renumbered
    after the existing ones. A JSON object's keys are strings unless they are digits."""
    items = list(body.items()) if isinstance(body, dict) else list(enumerate(body))  # type: ignore[arg-type]
    out: dict[str, object] = {}
    for key, value in data.items():
        out[key] = value
    numbered = [k for k in out if re.fullmatch(r"-?\d+", k)]
    renumbered = {str(i): out.pop(k) for i, k in enumerate(numbered)}
    out.update(renumbered)
    n = len(renumbered)
    for key, value in items:
        text = str(key)
        if re.fullmatch(r"-?(0|[1-9]\d*)", text):
            out[str(n)] = value
            n += 1
        else:
            out[text] = value
    return out


@handles("Cases::doPutCaseVariables")
def put_case_variables(call: RestCall) -> Reply:
    """``PUT cases/{app_uid}/variable`` (singular in ``@url``, Api/Cases.php l.1067):
    ``Cases::setCaseVariables`` (BusinessModel/Cases.php l.1886-1960) checks the case, that the
    body is an array, the user, that the case is neither cancelled nor completed, and that the
    user has a delegation in it (or supervises the process); then merges the body into
    ``APP_DATA``. Answers nothing (200, empty body)."""
    app_uid = _str_arg(call, "app_uid")
    app = casework.get_application(call.store, app_uid)
    if app is None:
        raise RestlerError(400, application_not_exist("$app_uid", app_uid.strip()))
    body = call.body
    if not isinstance(body, dict | list):
        raise RestlerError(400, invalid_array("$app_data"))
    if call.user is None:
        raise RestlerError(400, user_not_exist("$usr_uid", ""))
    if app.status == "CANCELLED":
        raise RestlerError(400, f"The case {app_uid} was cancelled!")  # ID_CASE_CANCELLED
    if app.status == "COMPLETED":
        raise RestlerError(400, f'The case "{app_uid}" is completed.')  # ID_CASE_IS_COMPLETED
    if not casework.user_has_delegation(call.store, app_uid, call.user.uid):
        raise RestlerError(400, NO_PERMISSION_NOT_PARTICIPATED)
    body = (
        {k: v for k, v in body.items() if k != "__VARIABLE_DOCUMENT_DELETE__"}
        if isinstance(body, dict)
        else body
    )
    merged = _merge(app.data, body)
    casework.set_variables(call.store, app_uid, merged, call.now)
    return _null_reply(call)


# --- routing -----------------------------------------------------------------------------------
def _del_index(call: RestCall) -> int:
    """``del_index`` from the body, as PHP compares it: absent, empty or ``0`` is "none"."""
    raw = call.args.get("del_index")
    if raw is None or raw == "" or raw is False:
        return 0
    text = str(raw).strip()
    match = re.match(r"[+-]?\d+", text)
    return int(match.group(0)) if match else -1


@handles("Cases::doPutRouteCase")
def put_route_case(call: RestCall) -> Reply:
    """``PUT cases/{app_uid}/route-case``: ``Cases::updateRouteCase`` (BusinessModel/Cases.php
    l.1162-1190) takes the case's highest delegation index when none is given, then
    ``WsBase::derivateCase`` (classes/WsBase.php) loads the delegation (unknown: "The row
    '<app_uid>, <index>' in table AppDelegation doesn't exist!", AppDelegation.php l.290), refuses
    another user's (ID_CASE_ASSIGNED_ANOTHER_USER) or a closed one
    (ID_CASE_DELEGATION_ALREADY_CLOSED) or a paused case (ID_CASE_IN_STATUS), and routes. The
    case leaves the user's to-do or draft list and shows in their participated list. Answers
    nothing (200, empty body)."""
    app_uid = _str_arg(call, "app_uid")
    given = _del_index(call)
    index = given or casework.last_index(call.store, app_uid)
    if not given and index == 0:
        # derivateCase with '' looks for the one open thread; an unknown case has none, and
        # AppDelegation::Load(app_uid, null) fails.
        open_now = casework.open_indexes(call.store, app_uid)
        if len(open_now) > 1:
            raise RestlerError(400, SPECIFY_INDEX)
        if not open_now:
            raise RestlerError(400, f"The row '{app_uid}, ' in table AppDelegation doesn't exist!")
        index = open_now[0]
    delegation = casework.get_delegation(call.store, app_uid, index) if index > 0 else None
    if delegation is None:
        shown = _str_arg(call, "del_index") if given else str(index)
        raise RestlerError(
            400, f"The row '{app_uid}, {shown}' in table AppDelegation doesn't exist!"
        )
    user: UserRow | None = call.user
    if user is None or user.uid != delegation.usr_uid:
        raise RestlerError(400, ASSIGNED_ANOTHER_USER)
    if delegation.finish_date is not None:
        raise RestlerError(400, DELEGATION_CLOSED)
    if casework.paused_delegation(call.store, app_uid):
        # ID_CASE_IN_STATUS (insert.sql:57446) and the delay's APP_TYPE
        raise RestlerError(400, "This case is in status PAUSE")
    target = casework.next_task(call.store, delegation.tas_uid)
    if target is None:
        raise RestlerError(400, NO_ROUTING_RULE)
    now, due, risk = _stamps(call)
    casework.route(call.store, delegation, target=target, now=now, due=due, risk=risk)
    return _null_reply(call)
