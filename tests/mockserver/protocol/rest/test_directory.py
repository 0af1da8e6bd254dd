"""Group, role and department handlers (``Services/Api/{Group,Role,Role/User,Department}.php``).

``BM/X.php`` is ``workflow/engine/src/ProcessMaker/BusinessModel/X.php`` of ProcessMaker 3.4.11
(CO 1429451be); labels are in ``workflow/engine/data/mysql/insert.sql``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import mockserver.protocol.rest.users  # noqa: F401  (registers the handlers)
from mockserver import MockServer
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.state import directory
from mockserver.state.seed import ADMIN_UID
from tests.mockserver.protocol.rest.conftest import CallRest

EMPLOYEES, MANAGERS, CONTRACTORS = (g[0] for g in directory.GROUPS)
HEAD_OFFICE, FINANCE, IT = (d[0] for d in directory.DEPARTMENTS)
OPERATOR_ROLE_UID = "00000000000000000000000000000003"


def body(reply: Reply) -> Any:
    return json.loads(reply.get_data())


def refused(call_rest: CallRest, key: str, **kwargs: Any) -> str:
    with pytest.raises(RestlerError) as info:
        call_rest(key, **kwargs)
    assert info.value.code == 400
    return str(info.value.detail)


# --- groups ------------------------------------------------------------------------------------
def test_groups_by_title_with_member_counts(call_rest: CallRest) -> None:
    groups = body(call_rest("Group::index"))
    # BM/Group.php l.429-442 (keys), l.535 (by GRP_TITLE)
    assert groups == [
        {
            "grp_uid": CONTRACTORS,
            "grp_title": "Contractors",
            "grp_status": "INACTIVE",
            "grp_users": 0,
            "grp_tasks": 0,
        },
        {
            "grp_uid": EMPLOYEES,
            "grp_title": "Employees",
            "grp_status": "ACTIVE",
            "grp_users": 2,
            "grp_tasks": 0,
        },
        {
            "grp_uid": MANAGERS,
            "grp_title": "Managers",
            "grp_status": "ACTIVE",
            "grp_users": 1,
            "grp_tasks": 0,
        },
    ]


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        ({"filter": "ploy"}, ["Employees"]),
        ({"lfilter": "ploy"}, []),
        ({"lfilter": "man"}, ["Managers"]),
        ({"rfilter": "ors"}, ["Contractors"]),
        ({"start": "1", "limit": "1"}, ["Employees"]),
        ({"limit": "0"}, []),
    ],
)
def test_groups_filter_and_page(
    call_rest: CallRest, args: dict[str, str], titles: list[str]
) -> None:
    assert [g["grp_title"] for g in body(call_rest("Group::index", args=args))] == titles


def test_groups_refuse_bad_paging(call_rest: CallRest) -> None:
    # BM/Group.php l.465 → Validator.php l.418 (insert.sql:58562); names lower-cased (l.22-24)
    assert refused(call_rest, "Group::index", args={"limit": "-2"}) == (
        'Invalid value for "limit". Expecting positive integer value.'
    )


def test_one_group_and_unknown_group(call_rest: CallRest) -> None:
    group = body(call_rest("Group::doGet", args={"grp_uid": MANAGERS}))
    assert group == {
        "grp_uid": MANAGERS,
        "grp_title": "Managers",
        "grp_status": "ACTIVE",
        "grp_users": 1,
        "grp_tasks": 0,
    }
    # BM/Group.php l.145 ID_GROUP_DOES_NOT_EXIST (insert.sql:58358)
    assert refused(call_rest, "Group::doGet", args={"grp_uid": "7" * 32}) == (
        f"The group with grp_uid: {'7' * 32} does not exist."
    )


def test_group_members(call_rest: CallRest) -> None:
    members = body(call_rest("Group::doGetUsers", args={"grp_uid": EMPLOYEES}))
    assert [m["usr_username"] for m in members] == ["admin", "johndoe"]  # by username
    assert list(members[0]) == [
        "usr_uid",
        "usr_username",
        "usr_firstname",
        "usr_lastname",
        "usr_email",
        "usr_status",
    ]  # BM/Group.php l.679-693
    assert members[0]["usr_uid"] == ADMIN_UID
    filtered = body(call_rest("Group::doGetUsers", args={"grp_uid": EMPLOYEES, "filter": "doe"}))
    assert [m["usr_username"] for m in filtered] == ["johndoe"]
    # the group is checked before the paging (l.738-739)
    assert refused(call_rest, "Group::doGetUsers", args={"grp_uid": "8" * 32, "start": "x"}) == (
        f"The group with grp_uid: {'8' * 32} does not exist."
    )


def test_groups_need_pm_users(mock: MockServer, call_rest: CallRest) -> None:
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    uid = mock.workspace().find_user("op")
    assert uid is not None
    # Api/Group.php l.26-28 ID_USER_NOT_HAVE_PERMISSION (insert.sql:61376)
    assert refused(call_rest, "Group::index", user="op") == (
        f'The user with "{uid.uid}" not have permissions to perform this action.'
    )
    assert refused(call_rest, "Department::doGetDepartments", user=None) == (
        'The user with "" not have permissions to perform this action.'
    )


# --- roles -------------------------------------------------------------------------------------
def test_roles_as_seeded(call_rest: CallRest) -> None:
    roles = body(call_rest("Role::index"))
    # PROCESSMAKER roles only (BM/Role.php l.467), by code (l.566); documented profile: 3.4.11
    assert [r["rol_code"] for r in roles] == [
        "PROCESSMAKER_ADMIN",
        "PROCESSMAKER_GUEST",
        "PROCESSMAKER_MANAGER",
        "PROCESSMAKER_OPERATOR",
    ]
    assert roles[0] == {
        "rol_uid": "00000000000000000000000000000002",
        "rol_code": "PROCESSMAKER_ADMIN",
        "rol_name": "System Administrator",  # insert.sql:8
        "rol_status": "ACTIVE",
        "rol_system": "00000000000000000000000000000002",
        "rol_create_date": "2007-07-31 19:10:22",  # rbac insert.sql:73
        "rol_update_date": "2007-08-03 12:24:36",
        "rol_total_users": 1,
    }
    assert roles[1]["rol_name"] == "PROCESSMAKER_GUEST"  # no CONTENT name: the code (Roles.php:50)


def test_roles_filter_on_code_and_page(call_rest: CallRest) -> None:
    assert [r["rol_code"] for r in body(call_rest("Role::index", args={"filter": "oper"}))] == [
        "PROCESSMAKER_OPERATOR"
    ]
    assert [r["rol_code"] for r in body(call_rest("Role::index", args={"start": 3}))] == [
        "PROCESSMAKER_OPERATOR"
    ]
    assert body(call_rest("Role::index", args={"limit": 0})) == []


def test_one_role_and_unknown_role(call_rest: CallRest) -> None:
    role = body(call_rest("Role::doGet", args={"rol_uid": OPERATOR_ROLE_UID}))
    assert (role["rol_code"], role["rol_name"]) == ("PROCESSMAKER_OPERATOR", "Operator")
    # BM/Role.php l.222 ID_ROLE_DOES_NOT_EXIST (insert.sql:60732)
    assert refused(call_rest, "Role::doGet", args={"rol_uid": "9" * 32}) == (
        f"The role with rol_uid: {'9' * 32} does not exist."
    )


def test_role_users_follow_user_changes(call_rest: CallRest) -> None:
    path = "role/{rol_uid}/users"
    args = {"rol_uid": OPERATOR_ROLE_UID}
    assert body(call_rest("Role\\User::doGetUsers", args=args, path=path)) == []
    johndoe = body(call_rest("User::index", args={"filter": "johndoe"}))[0]
    call_rest(
        "User::doPutUser",
        method="PUT",
        args={"usr_uid": johndoe["usr_uid"]},
        body={"usr_role": "PROCESSMAKER_OPERATOR"},
    )
    # BM/Role/User.php l.232-245
    assert body(call_rest("Role\\User::doGetUsers", args=args, path=path)) == [
        {
            "usr_uid": johndoe["usr_uid"],
            "usr_username": "johndoe",
            "usr_firstname": "John",
            "usr_lastname": "Doe",
            "usr_status": "ACTIVE",
        }
    ]
    available = body(
        call_rest("Role\\User::doGetUsers", args=args, path="role/{rol_uid}/available-users")
    )
    assert [u["usr_username"] for u in available] == ["admin"]
    assert body(call_rest("Role::doGet", args=args))["rol_total_users"] == 1
    assert refused(call_rest, "Role\\User::doGetUsers", args={"rol_uid": "4" * 32}, path=path) == (
        f"The role with rol_uid: {'4' * 32} does not exist."
    )


# --- departments -------------------------------------------------------------------------------
def test_department_tree(call_rest: CallRest) -> None:
    tree = body(call_rest("Department::doGetDepartments"))
    assert [d["dep_title"] for d in tree] == ["Head Office"]
    top = tree[0]
    # classes/model/Department.php l.443-476, lower-cased, with dep_children (BM l.128-137)
    assert list(top) == [
        "dep_uid",
        "dep_parent",
        "dep_title",
        "dep_status",
        "dep_manager",
        "dep_ldap_dn",
        "dep_last",
        "dep_manager_username",
        "dep_manager_firstname",
        "dep_manager_lastname",
        "dep_members",
        "has_children",
        "dep_children",
    ]
    assert (top["dep_manager"], top["dep_manager_username"]) == (ADMIN_UID, "admin")
    assert (top["dep_last"], top["dep_members"], top["has_children"]) == (1, 1, "2")
    children = top["dep_children"]
    assert [(c["dep_title"], c["dep_last"]) for c in children] == [
        ("Finance", 0),
        ("Information Technology", 1),
    ]
    assert children[1]["dep_manager_username"] == "johndoe"
    assert children[0]["dep_children"] == []


def test_one_department_and_unknown(call_rest: CallRest) -> None:
    node = body(call_rest("Department::doGetDepartment", args={"dep_uid": FINANCE}))
    assert node["dep_title"] == "Finance" and "dep_children" not in node
    assert node["dep_parent"] == HEAD_OFFICE
    # Validator.php l.36-37 ID_DEPARTMENT_NOT_EXIST (insert.sql:57855)
    assert refused(call_rest, "Department::doGetDepartment", args={"dep_uid": "nope"}) == (
        "The department with dep_uid: 'nope' does not exist."
    )


def test_department_assigned_users(call_rest: CallRest) -> None:
    users = body(call_rest("Department::doGetAssignedUser", args={"dep_uid": IT}))
    # BM/Department.php l.229-248, usr_supervisor: the manager (l.411)
    assert [(u["usr_username"], u["usr_supervisor"]) for u in users] == [("johndoe", True)]
    assert list(users[0]) == [
        "usr_uid",
        "usr_username",
        "usr_firstname",
        "usr_lastname",
        "usr_status",
        "usr_supervisor",
    ]
    assert body(call_rest("Department::doGetAssignedUser", args={"dep_uid": FINANCE})) == []
    # BM/Department.php l.297-299: the variable's own name in the message
    assert refused(call_rest, "Department::doGetAssignedUser", args={"dep_uid": "x"}) == (
        "The department with $departmentUid: 'x' does not exist."
    )


def test_a_user_moved_to_a_department_counts_there(call_rest: CallRest) -> None:
    call_rest(
        "User::doPutUser", method="PUT", args={"usr_uid": ADMIN_UID}, body={"dep_uid": FINANCE}
    )
    node = body(call_rest("Department::doGetDepartment", args={"dep_uid": FINANCE}))
    assert node["dep_members"] == 1
    users = body(call_rest("Department::doGetAssignedUser", args={"dep_uid": FINANCE}))
    assert [(u["usr_username"], u["usr_supervisor"]) for u in users] == [("admin", False)]
