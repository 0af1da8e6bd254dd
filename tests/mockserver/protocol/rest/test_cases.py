"""Projects, start tasks and cases through their handlers (``call_rest``: no front door)."""

from __future__ import annotations

import json

import pytest

from mockserver import MockServer
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import HANDLERS
from mockserver.state import casework
from mockserver.state.formats import new_unique_id
from mockserver.state.rbac import OPERATOR_ROLE as OPERATOR
from mockserver.state.seed import ADMIN_UID
from mockserver.state.store import UserRow
from mockserver.state.store import hash_password
from tests.mockserver.protocol.rest.conftest import CallRest

PRO = casework.DEMO_PRO_UID
START = casework.DEMO_START_TAS_UID
REVIEW = casework.DEMO_REVIEW_TAS_UID
UNKNOWN = "99999999999999999999999999999999"


def body(reply: Reply) -> object:
    assert reply.status_code == 200
    return json.loads(reply.data) if reply.data else None


def refused(call_rest: CallRest, key: str, **kwargs: object) -> RestlerError:
    with pytest.raises(RestlerError) as caught:
        call_rest(key, **kwargs)
    return caught.value


def start_case(call_rest: CallRest, user: str = "johndoe", variables: object = None) -> str:
    args: dict[str, object] = {"pro_uid": PRO, "tas_uid": START}
    if variables is not None:
        args["variables"] = variables
    answer = body(call_rest("Cases::doPostCase", user=user, args=args, method="POST"))
    assert isinstance(answer, dict)
    return str(answer["app_uid"])


def uid_of(mock: MockServer, username: str) -> str:
    user = mock.workspace("workflow").find_user(username)
    assert user is not None
    return user.uid


def test_every_key_is_a_handler() -> None:
    keys = {
        "Project::doGetProjects",
        "Project::doGetProject",
        "Cases::doGetCasesListStarCase",
        "Light::getProcessListStartCase",
        "Cases::doPostCase",
        "Cases::doGetCaseInfo",
        "Cases::doGetCaseVariables",
        "Cases::doPutCaseVariables",
        "Cases::doPutRouteCase",
    }
    for kind in ("ToDo", "Draft", "Participated", "Unassigned", "Paused", "AdvancedSearch"):
        keys |= {f"Cases::doGetCasesList{kind}", f"Cases::doGetCasesList{kind}Paged"}
    assert keys <= set(HANDLERS)


# --- projects ----------------------------------------------------------------------------------
def test_projects_list_the_demo_process(call_rest: CallRest) -> None:
    assert body(call_rest("Project::doGetProjects")) == [
        {
            "prj_uid": PRO,
            "prj_name": "Expense Report",
            "prj_description": "Sample process of the mock",
            "prj_category": "",
            "prj_type": "bpmn",
            "prj_create_date": "2015-05-01 10:00:00",
            "prj_update_date": "2015-05-01 10:00:00",
            "prj_status": "ACTIVE",
        }
    ]


def test_one_project_is_its_bpmn_structure(call_rest: CallRest) -> None:
    project = body(call_rest("Project::doGetProject", args={"prj_uid": PRO}))
    assert isinstance(project, dict)
    assert (project["prj_uid"], project["prj_name"]) == (PRO, "Expense Report")
    assert project["usr_setting_designer"] is None
    (diagram,) = project["diagrams"]
    assert diagram["pro_uid"] == PRO
    assert [(a["act_uid"], a["act_name"]) for a in diagram["activities"]] == [
        (START, "Request"),
        (REVIEW, "Review"),
    ]


def test_unknown_project_is_project_not_found(call_rest: CallRest) -> None:
    err = refused(call_rest, "Project::doGetProject", args={"prj_uid": UNKNOWN})
    assert err.body() == {
        "error": {
            "code": 400,
            "message": f'Bad Request: Project "ProcessMaker\\Project\\Bpmn" with UID: {UNKNOWN}, '
            "does not exist.",
        }
    }


# --- start tasks -------------------------------------------------------------------------------
@pytest.mark.parametrize("user", ["admin", "johndoe"])
def test_every_seeded_user_may_start_the_demo(call_rest: CallRest, user: str) -> None:
    assert body(call_rest("Cases::doGetCasesListStarCase", user=user)) == [
        {"tas_uid": START, "pro_title": "Expense Report (Request)", "pro_uid": PRO}
    ]


def test_start_cases_by_category(call_rest: CallRest) -> None:
    rows = body(call_rest("Cases::doGetCasesListStarCase", args={"type_view": "category"}))
    assert rows == [
        {
            "tas_uid": START,
            "pro_title": "Expense Report (Request)",
            "pro_uid": PRO,
            "pro_category": "",
            "category_name": "No Category",
        }
    ]


def unassigned_user(mock: MockServer, username: str) -> str:
    """A user created after seeding (as ``POST user`` would): assigned to no task."""
    uid = new_unique_id()
    mock.workspace("workflow").add_user(
        UserRow(uid, username, hash_password("pw"), "", "", "", "2030-12-31", 1, "mysql", OPERATOR)
    )
    return uid


def test_a_user_without_start_tasks_gets_the_failure_object(
    mock: MockServer, call_rest: CallRest
) -> None:
    unassigned_user(mock, "newcomer")
    assert body(call_rest("Cases::doGetCasesListStarCase", user="newcomer")) == {
        "success": "failure",
        "message": "You don't have processes to start...",
    }
    assert body(call_rest("Light::getProcessListStartCase", user="newcomer")) == []


def test_start_cases_without_a_user(call_rest: CallRest) -> None:
    err = refused(call_rest, "Cases::doGetCasesListStarCase", user=None)
    assert err.message == "Bad Request: The user with $usr_uid: '' does not exist."


def test_light_start_case_is_the_mobile_shape(call_rest: CallRest) -> None:
    assert body(call_rest("Light::getProcessListStartCase", user="johndoe")) == [
        {
            "text": "Expense Report (Request)",
            "processId": PRO,
            "taskId": START,
            "offlineEnabled": "FALSE",
            "autoRoot": "FALSE",
            "categoryName": "No Category",
            "categoryId": "_OTHER_",
            "forms": [],
        }
    ]


# --- starting a case ---------------------------------------------------------------------------
def test_post_case_answers_uid_and_number(mock: MockServer, call_rest: CallRest) -> None:
    first = body(
        call_rest("Cases::doPostCase", args={"pro_uid": PRO, "tas_uid": START}, method="POST")
    )
    second = body(
        call_rest("Cases::doPostCase", args={"pro_uid": PRO, "tas_uid": START}, method="POST")
    )
    assert isinstance(first, dict) and isinstance(second, dict)
    assert list(first) == ["app_uid", "app_number"]
    assert (first["app_number"], second["app_number"]) == (1, 2)
    assert len(str(first["app_uid"])) == 32
    assert casework.count_rows(mock.workspace("workflow"), "APPLICATION") == 2


def test_a_new_case_is_a_draft_of_its_starter(mock: MockServer, call_rest: CallRest) -> None:
    app_uid = start_case(call_rest)
    drafts = body(call_rest("Cases::doGetCasesListDraft", user="johndoe"))
    assert isinstance(drafts, list)
    assert [(r["app_uid"], r["app_status"], r["app_status_label"]) for r in drafts] == [
        (app_uid, "DRAFT", "Draft")
    ]
    assert body(call_rest("Cases::doGetCasesListToDo", user="johndoe")) == []
    assert body(call_rest("Cases::doGetCasesListDraft", user="admin")) == []


def test_the_variables_a_case_starts_with_come_back(call_rest: CallRest) -> None:
    app_uid = start_case(call_rest, variables=[{"amount": 120, "reason": "train"}])
    data = body(call_rest("Cases::doGetCaseVariables", user="johndoe", args={"app_uid": app_uid}))
    assert isinstance(data, dict)
    assert (data["amount"], data["reason"]) == (120, "train")
    assert (data["APPLICATION"], data["PROCESS"], data["TASK"]) == (app_uid, PRO, START)
    assert (data["USR_USERNAME"], data["APP_NUMBER"], data["SYS_LANG"]) == ("johndoe", 1, "en")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"pro_uid": UNKNOWN, "tas_uid": START},
            "The report table 'pro_uid' is related to a process not present in the workspace, "
            "import the related process first. To relate the report table to other process, open "
            "the process in the designer and import from there. The report table can't be "
            "imported.",
        ),
        ({"pro_uid": PRO, "tas_uid": UNKNOWN}, "Invalid value specified for: tas_uid"),
        (
            {"pro_uid": PRO, "tas_uid": REVIEW},
            "Task invalid or the user is not assigned to the task",
        ),
        (
            {"pro_uid": PRO, "tas_uid": START, "variables": "amount=3"},
            "Invalid value specified for `variables`",
        ),
    ],
)
def test_post_case_refusals_change_nothing(
    mock: MockServer, call_rest: CallRest, args: dict[str, object], message: str
) -> None:
    start_case(call_rest)
    store = mock.workspace("workflow")
    before = casework.snapshot(store)
    err = refused(call_rest, "Cases::doPostCase", user="johndoe", args=args, method="POST")
    assert (err.code, err.message) == (400, f"Bad Request: {message}")
    assert casework.snapshot(store) == before


def test_a_user_not_assigned_to_the_start_task_may_not_start(
    mock: MockServer, call_rest: CallRest
) -> None:
    unassigned_user(mock, "newcomer")
    err = refused(
        call_rest,
        "Cases::doPostCase",
        user="newcomer",
        args={"pro_uid": PRO, "tas_uid": START},
        method="POST",
    )
    assert err.message == "Bad Request: Task invalid or the user is not assigned to the task"
    assert casework.count_rows(mock.workspace("workflow"), "APPLICATION") == 0


# --- lists -------------------------------------------------------------------------------------
LIST_KEYS = [
    "Cases::doGetCasesListToDo",
    "Cases::doGetCasesListDraft",
    "Cases::doGetCasesListParticipated",
    "Cases::doGetCasesListUnassigned",
    "Cases::doGetCasesListPaused",
    "Cases::doGetCasesListAdvancedSearch",
]


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
@pytest.mark.parametrize("key", LIST_KEYS + [k + "Paged" for k in LIST_KEYS])
def test_lists_without_a_user_are_refused_up_to_3_2_2(call_rest: CallRest, key: str) -> None:
    err = refused(call_rest, key, user=None)
    assert err.body() == {
        "error": {"code": 400, "message": "Bad Request: The user with userId: '' does not exist."}
    }


def test_list_row_shape(mock: MockServer, call_rest: CallRest) -> None:
    mock.state.clock.freeze()  # the case's dates and the stamp below fall in one second
    app_uid = start_case(call_rest)
    john = uid_of(mock, "johndoe")
    now = mock.state.clock.stamp()
    (row,) = body(call_rest("Cases::doGetCasesListDraft", user="johndoe"))  # type: ignore[misc]
    assert row == {
        "app_uid": app_uid,
        "del_index": "1",
        "del_last_index": "1",
        "app_number": "1",
        "app_status": "DRAFT",
        "usr_uid": john,
        "previous_usr_uid": "",
        "tas_uid": START,
        "pro_uid": PRO,
        "del_delegate_date": now,
        "del_init_date": None,
        "del_finish_date": None,
        "del_task_due_date": mock.state.clock.stamp(86400),
        "del_risk_date": mock.state.clock.stamp(86400 * 0.8),
        "del_thread_status": "OPEN",
        "app_thread_status": "OPEN",
        "app_title": "#1",
        "app_pro_title": "Expense Report",
        "app_tas_title": "Request",
        "app_current_user": "Doe John",
        "app_del_previous_user": "",
        "del_priority": "NORMAL",
        "del_duration": "0",
        "del_queue_duration": "0",
        "del_delay_duration": "0",
        "del_started": "0",
        "del_finished": "0",
        "del_delayed": "0",
        "app_create_date": now,
        "app_finish_date": None,
        "app_update_date": now,
        "app_overdue_percentage": "0",
        "usr_firstname": "John",
        "usr_lastname": "Doe",
        "usr_username": "johndoe",
        "appdelcr_app_tas_title": "Request",
        "usrcr_usr_uid": john,
        "usrcr_usr_firstname": "John",
        "usrcr_usr_lastname": "Doe",
        "usrcr_usr_username": "johndoe",
        "app_status_label": "Draft",
    }


def test_paged_list_echoes_the_paging(call_rest: CallRest) -> None:
    for _ in range(3):
        start_case(call_rest)
    args = {"start": 1, "limit": 1, "sort": "APP_CACHE_VIEW.APP_NUMBER", "dir": "ASC"}
    page = body(call_rest("Cases::doGetCasesListDraftPaged", user="johndoe", args=args))
    assert isinstance(page, dict)
    assert [r["app_number"] for r in page["data"]] == ["2"]
    del page["data"]
    assert page == {
        "totalCount": 3,
        "total": 3,
        "start": 2,
        "limit": 1,
        "sort": "application.app_number",
        "dir": "asc",
        "cat_uid": "",
        "pro_uid": "",
        "search": "",
    }


def test_lists_sort_and_direction(call_rest: CallRest) -> None:
    for _ in range(3):
        start_case(call_rest)
    newest_first = body(call_rest("Cases::doGetCasesListDraft", user="johndoe"))
    ascending = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"dir": "ASC"}))
    # getAll sorts descending only for exactly "DESC" (Applications.php): "desc" is ascending
    lower = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"dir": "desc"}))
    assert [r["app_number"] for r in newest_first] == ["3", "2", "1"]  # type: ignore[union-attr]
    assert [r["app_number"] for r in ascending] == ["1", "2", "3"]  # type: ignore[union-attr]
    assert lower == ascending


def test_lists_search_by_number_title_and_task(call_rest: CallRest) -> None:
    first = start_case(call_rest)
    start_case(call_rest)
    by_number = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"search": "1"}))
    by_uid = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"search": first}))
    by_task = body(
        call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"search": "reque"})
    )
    nothing = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"search": "zzz"}))
    assert [r["app_uid"] for r in by_number] == [first]  # type: ignore[union-attr]
    assert [r["app_uid"] for r in by_uid] == [first]  # type: ignore[union-attr]
    assert len(by_task) == 2  # type: ignore[arg-type]
    assert nothing == []


def test_lists_refuse_a_non_integer_start(call_rest: CallRest) -> None:
    err = refused(call_rest, "Cases::doGetCasesListToDo", args={"start": "ten"})
    assert err.message == (
        "Bad Request: Invalid value specified for `start`. Expecting integer value"
    )


def test_lists_filter_by_process(call_rest: CallRest) -> None:
    start_case(call_rest)
    other = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"pro_uid": UNKNOWN}))
    demo = body(call_rest("Cases::doGetCasesListDraft", user="johndoe", args={"pro_uid": PRO}))
    assert other == []
    assert len(demo) == 1  # type: ignore[arg-type]


# --- one case, variables, routing --------------------------------------------------------------
def test_case_info_shape(mock: MockServer, call_rest: CallRest) -> None:
    app_uid = start_case(call_rest)
    john = uid_of(mock, "johndoe")
    now, due = mock.state.clock.stamp(), mock.state.clock.stamp(86400)
    assert body(call_rest("Cases::doGetCaseInfo", user="johndoe", args={"app_uid": app_uid})) == {
        "app_uid": app_uid,
        "app_number": 1,
        "app_name": "#1",
        "app_status": "DRAFT",
        "app_init_usr_uid": john,
        "app_init_usr_username": "John Doe",
        "pro_uid": PRO,
        "pro_name": "Expense Report",
        "app_create_date": now,
        "app_update_date": now,
        "current_task": [
            {
                "delStatus": "DRAFT",
                "delInitDate": None,
                "delTaskDueDate": due,
                "usr_uid": john,
                "usr_name": "John Doe",
                "tas_uid": START,
                "tas_title": "Request",
                "del_index": "1",
                "del_thread": "1",
                "del_thread_status": "OPEN",
                "del_init_date": "",
                "del_task_due_date": due,
            }
        ],
    }


def test_case_info_of_an_unknown_or_foreign_case_is_403(
    mock: MockServer, call_rest: CallRest
) -> None:
    app_uid = start_case(call_rest)
    unassigned_user(mock, "outsider")
    forbidden = {
        "error": {
            "code": 403,
            "message": "Forbidden: You don't have permission to access this endpoint or "
            "resource on this server.",
        }
    }
    for user, uid in (("johndoe", UNKNOWN), ("outsider", app_uid)):
        err = refused(call_rest, "Cases::doGetCaseInfo", user=user, args={"app_uid": uid})
        assert err.body() == forbidden


def test_case_info_without_a_user(call_rest: CallRest) -> None:
    app_uid = start_case(call_rest)
    info = body(call_rest("Cases::doGetCaseInfo", user=None, args={"app_uid": app_uid}))
    assert info["app_uid"] == app_uid  # type: ignore[index]
    err = refused(call_rest, "Cases::doGetCaseInfo", user=None, args={"app_uid": UNKNOWN})
    assert err.message == f"Bad Request: The Application row '{UNKNOWN}' doesn't exist!"


def test_put_variables_come_back(call_rest: CallRest) -> None:
    app_uid = start_case(call_rest, variables=[{"amount": 1, "keep": "me"}])
    reply = call_rest(
        "Cases::doPutCaseVariables",
        user="johndoe",
        args={"app_uid": app_uid},
        body={"amount": 250, "approved": False, "lines": [{"item": "taxi"}]},
        method="PUT",
    )
    assert (reply.status_code, reply.data) == (200, b"")
    data = body(call_rest("Cases::doGetCaseVariables", user="johndoe", args={"app_uid": app_uid}))
    assert isinstance(data, dict)
    assert (data["amount"], data["approved"], data["lines"], data["keep"]) == (
        250,
        False,
        [{"item": "taxi"}],
        "me",
    )


@pytest.mark.parametrize(
    ("user", "app", "payload", "message"),
    [
        (
            "johndoe",
            UNKNOWN,
            {"a": 1},
            f"The application with $app_uid: '{UNKNOWN}' does not exist.",
        ),
        ("johndoe", None, "text", "Invalid value for '$app_data'. It must be an array."),
        ("johndoe", None, 42, "Invalid value for '$app_data'. It must be an array."),
        (None, None, {"a": 1}, "The user with $usr_uid: '' does not exist."),
        (
            "admin",
            None,
            {"a": 1},
            "You cannot open this case because on the reason below: <br> You do not have "
            "permission to see this case. <br> You have not participated in this case. <br> "
            "Case is already claimed.",
        ),
    ],
)
def test_put_variables_refusals_change_nothing(
    mock: MockServer,
    call_rest: CallRest,
    user: str | None,
    app: str | None,
    payload: object,
    message: str,
) -> None:
    app_uid = start_case(call_rest)
    store = mock.workspace("workflow")
    before = casework.snapshot(store)
    err = refused(
        call_rest,
        "Cases::doPutCaseVariables",
        user=user,
        args={"app_uid": app or app_uid},
        body=payload,
        method="PUT",
    )
    assert (err.code, err.message) == (400, f"Bad Request: {message}")
    assert casework.snapshot(store) == before


def test_get_variables_of_an_unknown_case(call_rest: CallRest) -> None:
    err = refused(call_rest, "Cases::doGetCaseVariables", user=None, args={"app_uid": UNKNOWN})
    assert err.message == (
        f"Bad Request: The application with $app_uid: '{UNKNOWN}' does not exist."
    )


def test_route_case_moves_it_from_draft_to_participated(
    mock: MockServer, call_rest: CallRest
) -> None:
    app_uid = start_case(call_rest)
    reply = call_rest(
        "Cases::doPutRouteCase", user="johndoe", args={"app_uid": app_uid}, method="PUT"
    )
    assert (reply.status_code, reply.data) == (200, b"")
    assert body(call_rest("Cases::doGetCasesListDraft", user="johndoe")) == []
    assert body(call_rest("Cases::doGetCasesListToDo", user="johndoe")) == []
    (sent,) = body(call_rest("Cases::doGetCasesListParticipated", user="johndoe"))  # type: ignore[misc]
    assert (sent["app_uid"], sent["del_index"], sent["app_status"]) == (app_uid, "1", "TO_DO")
    # the participated list shows the case's current task and user
    assert (sent["app_tas_title"], sent["usr_username"]) == ("Review", "admin")
    (todo,) = body(call_rest("Cases::doGetCasesListToDo", user="admin"))  # type: ignore[misc]
    assert (todo["app_uid"], todo["del_index"], todo["tas_uid"]) == (app_uid, "2", REVIEW)
    assert (todo["usr_uid"], todo["previous_usr_username"]) == (ADMIN_UID, "johndoe")


def test_routing_the_last_task_completes_the_case(call_rest: CallRest) -> None:
    app_uid = start_case(call_rest)
    call_rest("Cases::doPutRouteCase", user="johndoe", args={"app_uid": app_uid}, method="PUT")
    call_rest("Cases::doPutRouteCase", user="admin", args={"app_uid": app_uid}, method="PUT")
    info = body(call_rest("Cases::doGetCaseInfo", user="admin", args={"app_uid": app_uid}))
    assert isinstance(info, dict)
    assert (info["app_status"], info["current_task"]) == ("COMPLETED", [])
    assert body(call_rest("Cases::doGetCasesListToDo", user="admin")) == []
    completed = body(
        call_rest(
            "Cases::doGetCasesListAdvancedSearch", user="johndoe", args={"app_status": "completed"}
        )
    )
    assert [r["app_uid"] for r in completed] == [app_uid]  # type: ignore[union-attr]
    err = refused(
        call_rest, "Cases::doPutCaseVariables", user="admin", args={"app_uid": app_uid}, body={}
    )
    assert err.message == f'Bad Request: The case "{app_uid}" is completed.'


@pytest.mark.parametrize(
    ("user", "args", "message"),
    [
        (
            "johndoe",
            {"app_uid": UNKNOWN},
            f"The row '{UNKNOWN}, ' in table AppDelegation doesn't exist!",
        ),
        ("johndoe", {"del_index": "7"}, "The row '{app}, 7' in table AppDelegation doesn't exist!"),
        ("admin", {}, "This case is assigned to another user"),
        (None, {}, "This case is assigned to another user"),
    ],
)
def test_route_case_refusals_change_nothing(
    mock: MockServer, call_rest: CallRest, user: str | None, args: dict[str, object], message: str
) -> None:
    app_uid = start_case(call_rest)
    store = mock.workspace("workflow")
    before = casework.snapshot(store)
    err = refused(
        call_rest,
        "Cases::doPutRouteCase",
        user=user,
        args={"app_uid": app_uid, **args},
        method="PUT",
    )
    assert (err.code, err.message) == (400, "Bad Request: " + message.replace("{app}", app_uid))
    assert casework.snapshot(store) == before


def test_routing_a_closed_delegation(mock: MockServer, call_rest: CallRest) -> None:
    app_uid = start_case(call_rest)
    call_rest("Cases::doPutRouteCase", user="johndoe", args={"app_uid": app_uid}, method="PUT")
    store = mock.workspace("workflow")
    before = casework.snapshot(store)
    err = refused(
        call_rest,
        "Cases::doPutRouteCase",
        user="johndoe",
        args={"app_uid": app_uid, "del_index": "1"},
        method="PUT",
    )
    assert err.message == ("Bad Request: This case delegation is already closed or does not exist")
    assert casework.snapshot(store) == before


def test_advanced_search_sees_everyone_only_with_pm_allcases(
    mock: MockServer, call_rest: CallRest
) -> None:
    mock.add_user("op", "pw", role=OPERATOR)  # PROCESSMAKER_OPERATOR: no PM_ALLCASES
    start_case(call_rest, user="johndoe")
    start_case(call_rest, user="op")
    manager_sees = body(call_rest("Cases::doGetCasesListAdvancedSearch", user="johndoe"))
    assert [r["usr_username"] for r in manager_sees] == ["op", "johndoe"]  # type: ignore[union-attr]
    op_sees = body(call_rest("Cases::doGetCasesListAdvancedSearchPaged", user="op"))
    assert isinstance(op_sees, dict)
    assert op_sees["totalCount"] == 1
    assert [r["usr_username"] for r in op_sees["data"]] == ["op"]


def test_unassigned_and_paused_lists_are_empty_for_the_demo(call_rest: CallRest) -> None:
    start_case(call_rest)
    assert body(call_rest("Cases::doGetCasesListUnassigned", user="johndoe")) == []
    page = body(call_rest("Cases::doGetCasesListPausedPaged", user="johndoe"))
    assert isinstance(page, dict)
    assert (page["totalCount"], page["data"]) == (0, [])
