"""The user handlers (``Services/Api/User.php``), called without the front door.

Messages are cited where ProcessMaker 3.4.11 (CO 1429451be) raises them: ``BM/User.php`` is
``workflow/engine/src/ProcessMaker/BusinessModel/User.php``; labels are in
``workflow/engine/data/mysql/insert.sql``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import Client

import mockserver.protocol.rest.users  # noqa: F401  (registers the handlers)
from mockserver import MockServer
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.state import directory
from mockserver.state.seed import ADMIN_UID
from tests.mockserver.helpers import login
from tests.mockserver.protocol.rest.conftest import CallRest

RECORD_KEYS = [
    "usr_uid",
    "usr_username",
    "usr_firstname",
    "usr_lastname",
    "usr_email",
    "usr_due_date",
    "usr_create_date",
    "usr_update_date",
    "usr_status",
    "usr_country",
    "usr_city",
    "usr_location",
    "usr_address",
    "usr_phone",
    "usr_fax",
    "usr_cellular",
    "usr_zip_code",
    "dep_uid",
    "usr_position",
    "usr_resume",
    "usr_birthday",
    "usr_role",
    "usr_reports_to",
    "usr_replaced_by",
    "usr_calendar_uid",
    "usr_calendar_name",
    "usr_ux",
    "usr_photo_path",
]  # BM/User.php l.643-671


def body(reply: Reply) -> Any:
    return json.loads(reply.get_data())


def refused(call_rest: CallRest, key: str, **kwargs: Any) -> str:
    with pytest.raises(RestlerError) as info:
        call_rest(key, **kwargs)
    assert info.value.code == 400
    return str(info.value.detail)


def new_user(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "usr_firstname": "Mary",
        "usr_lastname": "Major",
        "usr_username": "mmajor",
        "usr_email": "mary@example.com",
        "usr_due_date": "2031-06-30",
        "usr_status": "ACTIVE",
        "usr_role": "PROCESSMAKER_OPERATOR",
        "usr_new_pass": "s3cret",
    }
    data.update(overrides)
    return data


def logs_in(mock: MockServer, username: str = "johndoe", password: str = "p4ssw0rd") -> bool:
    """The password grant gives a token (an error's status varies with the profile)."""
    answer = login(Client(mock.app), username=username, password=password).json
    return answer is not None and "access_token" in answer


def snapshot(mock: MockServer) -> list[tuple[object, ...]]:
    store = mock.workspace()
    return store.query("SELECT * FROM RBAC_USERS ORDER BY USR_UID") + store.query(
        "SELECT * FROM USERS ORDER BY USR_UID"
    )


# --- GET users ---------------------------------------------------------------------------------
def test_index_lists_seeded_users_with_the_full_record_by_last_name(call_rest: CallRest) -> None:
    reply = call_rest("User::index")
    users = body(reply)
    assert reply.status_code == 200
    assert [u["usr_username"] for u in users] == ["admin", "johndoe"]  # Admin < Doe
    assert all(list(u) == RECORD_KEYS for u in users)
    admin = users[0]
    assert admin["usr_uid"] == ADMIN_UID
    assert admin["usr_role"] == "PROCESSMAKER_ADMIN"
    assert admin["usr_status"] == "ACTIVE"
    assert admin["usr_photo_path"] == "/opt/processmaker/workflow/public_html/images/user.gif"
    assert users[1]["usr_role"] == "PROCESSMAKER_MANAGER"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"filter": "ohn"}, ["johndoe"]),  # contains, on username/first/last name
        ({"filter": "adm"}, ["admin"]),
        ({"lfilter": "ohn"}, []),  # starts with
        ({"lfilter": "joh"}, ["johndoe"]),
        ({"rfilter": "doe"}, ["johndoe"]),  # ends with ("Doe", case-insensitive)
        ({"rfilter": "joh"}, []),
        ({"filter": "   "}, ["admin", "johndoe"]),  # a blank filter filters nothing
        ({"filter": "ohn", "lfilter": "adm"}, ["johndoe"]),  # filter wins over lfilter
        ({"start": "1"}, ["johndoe"]),
        ({"limit": "1"}, ["admin"]),
        ({"start": "1", "limit": "1"}, ["johndoe"]),
        ({"limit": "0"}, []),  # BM/User.php l.1367-1376
        ({"status": "active"}, ["admin", "johndoe"]),  # upper-cased (l.1390)
        ({"status": "INACTIVE"}, []),
    ],
)
def test_index_filters_and_pages(
    call_rest: CallRest, args: dict[str, str], expected: list[str]
) -> None:
    users = body(call_rest("User::index", args=args))
    assert [u["usr_username"] for u in users] == expected


def test_the_first_element_of_a_filtered_list_is_the_match(call_rest: CallRest) -> None:
    """The client of issue 21 asks ``users?filter=johndoe`` and trusts element 0."""
    users = body(call_rest("User::index", args={"filter": "johndoe"}))
    assert users[0]["usr_username"] == "johndoe"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"start": "-1"}, "$start"),
        ({"start": "x"}, "$start"),
        ({"start": ""}, "$start"),
        ({"start": "01"}, "$start"),
        ({"limit": "1.5"}, "$limit"),
        ({"start": "x", "limit": "y"}, "$start"),  # start is checked first
    ],
)
def test_index_refuses_bad_paging(call_rest: CallRest, args: dict[str, str], field: str) -> None:
    # BM/User.php l.1340-1351 → Validator.php l.404-419; insert.sql:58562
    message = refused(call_rest, "User::index", args=args)
    assert message == f'Invalid value for "{field}". Expecting positive integer value.'


# --- GET user/{usr_uid} ---------------------------------------------------------------------------
def test_get_user_has_the_full_record(call_rest: CallRest) -> None:
    user = body(call_rest("User::doGetUser", args={"usr_uid": ADMIN_UID}))
    assert list(user) == RECORD_KEYS
    assert user["usr_username"] == "admin"
    assert user["usr_email"] == "admin@processmaker.com"


def test_get_unknown_user(call_rest: CallRest) -> None:
    uid = "9" * 32
    # BM/User.php l.576 ID_USER_DOES_NOT_EXIST (insert.sql:61349), field in lower case (GET)
    message = refused(call_rest, "User::doGetUser", args={"usr_uid": uid})
    assert message == f"The User with usr_uid: {uid} does not exist."


# --- POST user ---------------------------------------------------------------------------------
def test_post_creates_a_user_who_can_log_in(mock: MockServer, call_rest: CallRest) -> None:
    reply = call_rest("User::doPostUser", method="POST", body=new_user())
    created = body(reply)
    assert reply.status_code == 201
    assert list(created) == [k.upper() for k in RECORD_KEYS]  # create() keeps upper case
    assert created["USR_USERNAME"] == "mmajor"
    assert created["USR_ROLE"] == "PROCESSMAKER_OPERATOR"
    assert created["USR_DUE_DATE"] == "2031-06-30"
    assert len(created["USR_UID"]) == 32
    fetched = body(call_rest("User::doGetUser", args={"usr_uid": created["USR_UID"]}))
    assert fetched["usr_username"] == "mmajor"
    assert logs_in(mock, "mmajor", "s3cret")
    assert not logs_in(mock, "mmajor", "wrong")
    row = mock.workspace().find_user("mmajor")
    assert row is not None and row.role == "PROCESSMAKER_OPERATOR" and row.status == 1


def test_post_inactive_user_cannot_log_in(mock: MockServer, call_rest: CallRest) -> None:
    call_rest("User::doPostUser", method="POST", body=new_user(usr_status="INACTIVE"))
    row = mock.workspace().find_user("mmajor")
    assert row is not None and row.status == 0
    assert logs_in(mock, "mmajor", "s3cret") is (not mock.state.profile.verify_user_status)


def test_post_duplicate_username(mock: MockServer, call_rest: CallRest) -> None:
    before = snapshot(mock)
    # BM/User.php l.392 ID_USER_NAME_ALREADY_EXISTS (insert.sql:61368), compared as utf8_general_ci
    message = refused(
        call_rest, "User::doPostUser", method="POST", body=new_user(usr_username="JohnDoe")
    )
    assert message == 'The User Name with USR_USERNAME: "JohnDoe" already exists.'
    assert snapshot(mock) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # Process.php l.370 ID_UNDEFINED_VALUE_IS_REQUIRED (insert.sql:61223), definition order
        ({"usr_firstname": None}, 'Undefined value for "USR_FIRSTNAME", it is required.'),
        ({"usr_new_pass": None}, 'Undefined value for "USR_NEW_PASS", it is required.'),
        ({"usr_role": None}, 'Undefined value for "USR_ROLE", it is required.'),
        # Process.php l.408-410 ID_INVALID_VALUE_CAN_NOT_BE_EMPTY (insert.sql:58560)
        ({"usr_lastname": "  "}, 'Invalid value for "USR_LASTNAME". It can not be empty.'),
        ({"usr_email": False}, 'Invalid value for "USR_EMAIL". It can not be empty.'),
        ({"usr_firstname": ["a"]}, 'Invalid value for "USR_FIRSTNAME". It can not be empty.'),
        # Process.php l.414-420 ID_INVALID_VALUE_ONLY_ACCEPTS_VALUES (insert.sql:58566)
        (
            {"usr_status": "CLOSED"},
            'Invalid value for "USR_STATUS". It only accepts values: "ACTIVE|INACTIVE|VACATION".',
        ),
        (
            {"usr_logged_next_time": "1"},
            'Invalid value for "USR_LOGGED_NEXT_TIME". It only accepts values: "0|1".',
        ),
        # Process.php l.434-438 ID_INVALID_VALUE (insert.sql:58557)
        ({"usr_due_date": "31/12/2030"}, 'Invalid value for "USR_DUE_DATE".'),
        ({"usr_birthday": "yesterday"}, 'Invalid value for "USR_BIRTHDAY".'),
        # BM/User.php l.452 ID_INCORRECT_EMAIL (insert.sql:58454)
        ({"usr_email": "not-an-email"}, "USR_EMAIL: Your E-mail address is not valid."),
        # BM/User.php l.408-414 + UsersProperties.php l.215-266 (insert.sql:60428,60439,60346)
        (
            {"usr_new_pass": "abc"},
            "USR_NEW_PASS: Your password does not meet the following password policies: "
            "- Minimum length: 5. Please change your password to one that complies with these "
            "policies.",
        ),
        (
            {"usr_new_pass": "x" * 21},
            "USR_NEW_PASS: Your password does not meet the following password policies: "
            "- Maximum length: 20. Please change your password to one that complies with these "
            "policies.",
        ),
        # BM/User.php l.465 ID_USER_DOES_NOT_EXIST (insert.sql:61349)
        (
            {"usr_replaced_by": "1" * 32},
            f"The User with USR_REPLACED_BY: {'1' * 32} does not exist.",
        ),
        # BM/User.php l.474-475 ID_MSG_ERROR_DUE_DATE (insert.sql:60080)
        ({"usr_due_date": "2031-02-30"}, "USR_DUE_DATE: Due date required!"),
        # BM/User.php l.491 ID_INVALID_VALUE_FOR (insert.sql:58563)
        ({"usr_role": "PROCESSMAKER_NOBODY"}, "Invalid value specified for: USR_ROLE"),
        # BM/User.php l.546 ID_DEPARTMENT_NOT_EXIST (insert.sql:57855)
        ({"dep_uid": "2" * 32}, f"The department with DEP_UID: '{'2' * 32}' does not exist."),
        # BM/User.php l.553 ID_TIME_ZONE_DOES_NOT_EXIST (insert.sql:61135)
        (
            {"usr_time_zone": "Mars/Olympus"},
            'The time zone with USR_TIME_ZONE: "Mars/Olympus" does not exist.',
        ),
        # BM/User.php l.537 ID_CALENDAR_DOES_NOT_EXIST (insert.sql:57331)
        ({"usr_calendar": "3" * 32}, f"The calendar with USR_CALENDAR: {'3' * 32} does not exist."),
    ],
)
def test_post_refuses_bad_fields(
    mock: MockServer, call_rest: CallRest, overrides: dict[str, object], message: str
) -> None:
    before = snapshot(mock)
    assert refused(call_rest, "User::doPostUser", method="POST", body=new_user(**overrides)) == (
        message
    )
    assert snapshot(mock) == before
    assert mock.workspace().find_user("mmajor") is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        # BM/Validator.php l.339-344 ID_INVALID_VALUE_CAN_NOT_BE_EMPTY (insert.sql:58560)
        (None, 'Invalid value for "$arrayData". It can not be empty.'),
        ({}, 'Invalid value for "$arrayData". It can not be empty.'),
        ([], 'Invalid value for "$arrayData". It can not be empty.'),
        # a PHP list: none of its keys is a field
        (["x"], 'Undefined value for "USR_FIRSTNAME", it is required.'),
        # BM/Validator.php l.320-325 ID_INVALID_VALUE_THIS_MUST_BE_ARRAY (insert.sql:58568)
        ("text", 'Invalid value for "$arrayData". This value must be an array.'),
        (7, 'Invalid value for "$arrayData". This value must be an array.'),
    ],
)
def test_post_refuses_a_body_that_is_not_an_object(
    mock: MockServer, call_rest: CallRest, payload: object, message: str
) -> None:
    before = snapshot(mock)
    assert refused(call_rest, "User::doPostUser", method="POST", body=payload) == message
    assert snapshot(mock) == before


def test_post_ignores_a_given_uid_and_accepts_a_role_in_any_case(call_rest: CallRest) -> None:
    created = body(
        call_rest(
            "User::doPostUser",
            method="POST",
            body=new_user(usr_uid="4" * 32, usr_role="processmaker_manager"),
        )
    )
    assert created["USR_UID"] != "4" * 32  # unset before validation (BM/User.php l.753-757)
    assert created["USR_ROLE"] == "PROCESSMAKER_MANAGER"


# --- PUT user/{usr_uid} ------------------------------------------------------------------------
def _johndoe(call_rest: CallRest) -> dict[str, Any]:
    user: dict[str, Any] = body(call_rest("User::index", args={"filter": "johndoe"}))[0]
    return user


def test_put_updates_fields_and_password(mock: MockServer, call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    reply = call_rest(
        "User::doPutUser",
        method="PUT",
        args={"usr_uid": uid},
        body={"usr_lastname": "Dough", "usr_position": "Clerk", "usr_new_pass": "n3wpass"},
    )
    assert reply.status_code == 200
    assert reply.get_data() == b""  # nothing returned: Restler's empty body
    user = body(call_rest("User::doGetUser", args={"usr_uid": uid}))
    assert (user["usr_lastname"], user["usr_position"]) == ("Dough", "Clerk")
    assert logs_in(mock, password="n3wpass")
    assert not logs_in(mock)


def test_put_username_role_and_status_reach_the_login(
    mock: MockServer, call_rest: CallRest
) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    call_rest(
        "User::doPutUser",
        method="PUT",
        args={"usr_uid": uid},
        body={"usr_username": "jdoe", "usr_role": "PROCESSMAKER_OPERATOR"},
    )
    row = mock.workspace().find_user("jdoe")
    assert row is not None and row.role == "PROCESSMAKER_OPERATOR"
    assert mock.workspace().find_user("johndoe") is None
    call_rest(
        "User::doPutUser", method="PUT", args={"usr_uid": uid}, body={"usr_status": "VACATION"}
    )
    row = mock.workspace().find_user("jdoe")
    assert row is not None and row.status == 0
    assert body(call_rest("User::doGetUser", args={"usr_uid": uid}))["usr_status"] == "VACATION"


def test_put_refusals_change_nothing(mock: MockServer, call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    before = snapshot(mock)
    # BM/User.php l.852 → l.576, field in upper case (PUT does not switch the format)
    assert refused(
        call_rest, "User::doPutUser", method="PUT", args={"usr_uid": "5" * 32}, body={"a": 1}
    ) == (f"The User with USR_UID: {'5' * 32} does not exist.")
    # a username taken by another user (l.445-448)
    assert (
        refused(
            call_rest,
            "User::doPutUser",
            method="PUT",
            args={"usr_uid": uid},
            body={"usr_username": "ADMIN"},
        )
        == 'The User Name with USR_USERNAME: "ADMIN" already exists.'
    )
    # no required fields on update, but the empty rule holds (Process.php l.363, l.408)
    assert (
        refused(
            call_rest,
            "User::doPutUser",
            method="PUT",
            args={"usr_uid": uid},
            body={"usr_email": ""},
        )
        == 'Invalid value for "USR_EMAIL". It can not be empty.'
    )
    assert (
        refused(call_rest, "User::doPutUser", method="PUT", args={"usr_uid": uid}, body={})
        == 'Invalid value for "$arrayData". It can not be empty.'
    )
    # the guest user (l.830-832, ID_USER_CAN_NOT_UPDATE insert.sql:61342)
    guest = directory.GUEST_UID
    assert (
        refused(call_rest, "User::doPutUser", method="PUT", args={"usr_uid": guest}, body={"a": 1})
        == f"This user: {guest}, can not update the data."
    )
    assert snapshot(mock) == before


def test_put_keeps_own_username(call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    reply = call_rest(
        "User::doPutUser", method="PUT", args={"usr_uid": uid}, body={"USR_USERNAME": "johndoe"}
    )
    assert reply.status_code == 200


def test_put_without_a_user_token(mock: MockServer, call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    before = snapshot(mock)
    # BM/User.php l.868-870: the logged user (none) has neither PM_USERS nor PM_EDITPERSONALINFO
    message = refused(
        call_rest,
        "User::doPutUser",
        user=None,
        method="PUT",
        args={"usr_uid": uid},
        body={"usr_position": "x"},
    )
    assert message == "This user: , can not update the data."
    assert snapshot(mock) == before


# --- DELETE user/{usr_uid} ---------------------------------------------------------------------
def test_delete_closes_the_user(mock: MockServer, call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    reply = call_rest("User::doDeleteUser", method="DELETE", args={"usr_uid": uid})
    assert reply.status_code == 200 and reply.get_data() == b""
    assert not logs_in(mock)  # johndoe can no longer log in
    # BM/User.php l.1252 → l.575: a nameless user does not exist
    assert refused(call_rest, "User::doGetUser", args={"usr_uid": uid}) == (
        f"The User with usr_uid: {uid} does not exist."
    )
    # getUsers does not leave CLOSED users out (l.1379-1392): the row stays, nameless
    listed = {u["usr_uid"]: u for u in body(call_rest("User::index"))}
    assert (listed[uid]["usr_username"], listed[uid]["usr_status"]) == ("", "CLOSED")
    assert body(call_rest("User::index", args={"status": "ACTIVE"}))[0]["usr_username"] == "admin"
    # removed from every group (l.1278-1279)
    groups = mock.workspace().query("SELECT COUNT(*) FROM GROUP_USER WHERE USR_UID = ?", (uid,))
    assert groups == [(0,)]
    # deleting it again: it does not exist any more
    assert refused(call_rest, "User::doDeleteUser", method="DELETE", args={"usr_uid": uid}) == (
        f"The User with USR_UID: {uid} does not exist."
    )


def test_a_deleted_username_can_be_taken_again(mock: MockServer, call_rest: CallRest) -> None:
    uid = _johndoe(call_rest)["usr_uid"]
    call_rest("User::doDeleteUser", method="DELETE", args={"usr_uid": uid})
    created = body(
        call_rest("User::doPostUser", method="POST", body=new_user(usr_username="johndoe"))
    )
    assert created["USR_UID"] != uid
    assert logs_in(mock, password="s3cret")


def test_delete_unknown_user(mock: MockServer, call_rest: CallRest) -> None:
    before = snapshot(mock)
    assert refused(
        call_rest, "User::doDeleteUser", method="DELETE", args={"usr_uid": "6" * 32}
    ) == (f"The User with USR_UID: {'6' * 32} does not exist.")
    assert snapshot(mock) == before


# --- users that arrive by other doors -------------------------------------------------------------
def test_a_user_added_by_the_facade_is_listed_in_full(
    mock: MockServer, call_rest: CallRest
) -> None:
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR", firstname="Otto")
    user = body(call_rest("User::index", args={"filter": "otto"}))[0]
    assert list(user) == RECORD_KEYS
    assert (user["usr_username"], user["usr_role"]) == ("op", "PROCESSMAKER_OPERATOR")


def test_a_login_disabled_elsewhere_shows_inactive(mock: MockServer, call_rest: CallRest) -> None:
    mock.workspace().set_user_status(ADMIN_UID, 0)
    user = body(call_rest("User::doGetUser", args={"usr_uid": ADMIN_UID}))
    assert user["usr_status"] == "INACTIVE"
