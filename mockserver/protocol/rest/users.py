"""Users, groups, roles and departments: ``Services/Api/{User,Group,Role,Department}.php``.

Read in ProcessMaker 3.4.11 (CO 1429451be). ``Api/X.php`` is
``workflow/engine/src/ProcessMaker/Services/Api/X.php``, ``BM/X.php`` its business model
``.../BusinessModel/X.php``; messages are the English labels of
``workflow/engine/data/mysql/insert.sql`` (cited ``insert.sql:line``). Every business error is
Restler's 400 (``Api::STAT_APP_EXCEPTION``) carrying the exception's text. The rows live in
:mod:`mockserver.state.directory`.

Field names in messages follow the business model's format: ``GET`` methods switch it to lower
case (``setFormatFieldNameInUppercase(false)``), ``POST``/``PUT``/``DELETE`` of a user do not, so
their messages and the created user's keys are upper case.
"""

from __future__ import annotations

import hashlib
import re
import zoneinfo
from collections.abc import Mapping
from functools import cache

from mockserver.protocol import render
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import RestCall
from mockserver.protocol.rest import handles
from mockserver.state import directory
from mockserver.state import rbac
from mockserver.state.directory import FilterMode
from mockserver.state.directory import Row
from mockserver.state.formats import new_unique_id

PHOTO_PATH = "/opt/processmaker/workflow/public_html/images/user.gif"
"""``PATH_HOME . "public_html/images/user.gif"`` (BM/User.php l.637-640) of an install in
``/opt/processmaker`` (PATH_HOME: ``WebApplication.php`` l.450), for a user without a photo."""


# --- messages (English labels) ---------------------------------------------------------------
def user_does_not_exist(field: str, uid: str) -> str:
    return f"The User with {field}: {uid} does not exist."  # insert.sql:61349


def username_exists(field: str, name: str) -> str:
    return f'The User Name with {field}: "{name}" already exists.'  # insert.sql:61368


def required(field: str) -> str:
    return f'Undefined value for "{field}", it is required.'  # insert.sql:61223


def cannot_be_empty(field: str) -> str:
    return f'Invalid value for "{field}". It can not be empty.'  # insert.sql:58560


def must_be_array(field: str) -> str:
    return f'Invalid value for "{field}". This value must be an array.'  # insert.sql:58568


def only_accepts(field: str, values: str) -> str:
    return f'Invalid value for "{field}". It only accepts values: "{values}".'  # insert.sql:58566


def invalid_value(field: str) -> str:
    return f'Invalid value for "{field}".'  # insert.sql:58557


def invalid_value_for(field: str) -> str:
    return f"Invalid value specified for: {field}"  # insert.sql:58563


def positive_integer(field: str) -> str:
    return f'Invalid value for "{field}". Expecting positive integer value.'  # insert.sql:58562


def group_does_not_exist(field: str, uid: str) -> str:
    return f"The group with {field}: {uid} does not exist."  # insert.sql:58358


def role_does_not_exist(field: str, uid: str) -> str:
    return f"The role with {field}: {uid} does not exist."  # insert.sql:60732


def department_does_not_exist(field: str, uid: str) -> str:
    return f"The department with {field}: '{uid}' does not exist."  # insert.sql:57855


def user_can_not_update(uid: str) -> str:
    return f"This user: {uid}, can not update the data."  # insert.sql:61342


def user_can_not_be_deleted(uid: str) -> str:
    return f"The user with usr_uid: {uid}, cannot be deleted while it has cases assigned."  # :61341


CANNOT_DELETE_GUEST = (  # ID_MSG_CANNOT_DELETE_USER, insert.sql:60040
    "The user cannot be deleted since it is referenced in a process design and/or has assigned "
    "cases."
)
INCORRECT_EMAIL = "Your E-mail address is not valid."  # ID_INCORRECT_EMAIL, insert.sql:58454
DUE_DATE_ERROR = "Due date required!"  # ID_MSG_ERROR_DUE_DATE, insert.sql:60080
POLICY_ALERT = "Your password does not meet the following password policies:"  # :60428
PLEASE_CHANGE = "Please change your password to one that complies with these policies."  # :60346
PASSWORD_MIN, PASSWORD_MAX = 5, 20  # PPP_MINIMUM_LENGTH/PPP_MAXIMUM_LENGTH defaults,
# classes/model/UsersProperties.php l.140-145


def time_zone_does_not_exist(field: str, zone: str) -> str:
    return f'The time zone with {field}: "{zone}" does not exist.'  # insert.sql:61135


def calendar_does_not_exist(field: str, uid: str) -> str:
    return f"The calendar with {field}: {uid} does not exist."  # insert.sql:57331


def bad(message: str) -> RestlerError:
    return RestlerError(400, message)


# --- PHP's view of JSON values ---------------------------------------------------------------
def php_str(value: object) -> str:
    """``$value . ''`` in PHP 7: ``true`` → ``1``, ``false``/``null`` → ``''``, ``1.0`` → ``1``."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return repr(value)[:-2] if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list | dict):
        return "Array"
    return str(value)


_PAGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")


def pager(call: RestCall, names: Mapping[str, str]) -> tuple[int | None, int | None]:
    """``Validator::validatePagerDataByPagerDefinition`` (BM/Validator.php l.404-427): start and
    limit, when given, are non-negative integers (``names``: how the message names them)."""
    out: list[int | None] = []
    for key in ("start", "limit"):
        value = call.args.get(key)
        if value is None:
            out.append(None)
            continue
        text = php_str(value)
        if text == "" or _PAGER.fullmatch(text) is None or int(text) < 0:
            raise bad(positive_integer(names[key]))
        out.append(int(text))
    return out[0], out[1]


def _filter(call: RestCall) -> tuple[str | None, FilterMode]:
    """``filter`` (contains), else ``lfilter`` (starts with), else ``rfilter`` (ends with)
    (Api/User.php l.30-33, Api/Group.php l.43-46)."""
    for key, mode in (("filter", ""), ("lfilter", "LEFT"), ("rfilter", "RIGHT")):
        value = call.args.get(key)
        if value is not None:
            return php_str(value), mode  # type: ignore[return-value]
    return None, ""


def _text(value: object) -> object:
    return "" if value is None else value


def _json(data: object, call: RestCall, status: int = 200) -> Reply:
    return render.rest_json(data, call.profile, status)


def _no_body(call: RestCall) -> Reply:
    """A method that returns nothing: 200 with an empty body (Restler
    ``Defaults::$emptyBodyForNullResponse``, ``Restler.php`` l.997-1003)."""
    headers = [*render.restler_headers(call.profile), render.CORS_ALLOW_ORIGIN]
    return render.Answer("", 200, headers)


def _sync(call: RestCall) -> None:
    directory.sync_users(call.store, call.now)


# --- users -----------------------------------------------------------------------------------
_RECORD_COLUMNS = tuple(
    c
    for c in directory.USER_COLUMNS[: directory.USER_COLUMNS.index("USR_UX")]
    if c not in ("USR_ID", "USR_PASSWORD", "USR_STATUS_ID")
)
"""The stored columns ``getUserCustomRecordFromRecord`` lists, in its order (``USERS``'s order,
without the id, the password and the status id)."""
_RECORD_FIXED = (
    ("USR_CALENDAR_UID", ""),  # the default calendar applies (l.632-634)
    ("USR_CALENDAR_NAME", ""),
)
_RECORD_LOWER = tuple((c, c.lower()) for c in (*_RECORD_COLUMNS, "USR_UX"))


def user_record(row: Row, *, upper: bool = False) -> dict[str, object]:
    """``User::getUserCustomRecordFromRecord`` (BM/User.php l.627-682), without the time zone
    (listed only under a UTC system time zone, which is off by default); keys in that order."""
    record: dict[str, object] = {}
    for column, lower in _RECORD_LOWER[:-1]:
        record[column if upper else lower] = row[column]
    for column, value in _RECORD_FIXED:
        record[column if upper else column.lower()] = value
    record["USR_UX" if upper else "usr_ux"] = row["USR_UX"]
    record["USR_PHOTO_PATH" if upper else "usr_photo_path"] = PHOTO_PATH
    return record


@handles("User::index", "User::doGetUsers")  # 3.0.0.6 names it doGetUsers
def users_index(call: RestCall) -> Reply:
    """``GET users`` (Api/User.php l.24-41 → BM/User.php ``getUsers`` l.1320-1469)."""
    search, mode = _filter(call)
    start, limit = pager(call, {"start": "$start", "limit": "$limit"})  # BM/User.php l.1340
    if limit == 0:  # l.1367-1376: an empty page
        return _json([], call)
    status = call.args.get("status")
    _sync(call)
    rows = directory.list_users(
        call.store,
        search=search,
        mode=mode,
        status=None if status is None else php_str(status),
        start=start,
        limit=limit,
    )
    return _json([user_record(r) for r in rows], call)


def _existing_user(call: RestCall, uid: str, field: str) -> Row:
    """``User::throwExceptionIfNotExistsUser`` (l.570-582): a nameless (deleted) user does not
    exist either."""
    row = directory.get_user(call.store, uid)
    if row is None or row["USR_USERNAME"] == "":
        raise bad(user_does_not_exist(field, uid))
    return row


@handles("User::doGetUser")
def user_get(call: RestCall) -> Reply:
    """``GET user/{usr_uid}`` (Api/User.php l.50-62 → BM/User.php ``getUser`` l.1024-1049)."""
    uid = php_str(call.args.get("usr_uid"))
    _sync(call)
    return _json(user_record(_existing_user(call, uid, "usr_uid")), call)


# BM/User.php l.48-224: field → (type, required, may be empty, accepted values)
FieldDef = tuple[str, bool, bool, tuple[object, ...]]
USER_FIELDS: dict[str, FieldDef] = {
    "USR_UID": ("string", False, False, ()),
    "USR_FIRSTNAME": ("string", True, False, ()),
    "USR_LASTNAME": ("string", True, False, ()),
    "USR_USERNAME": ("string", True, False, ()),
    "USR_EMAIL": ("string", True, False, ()),
    "USR_ADDRESS": ("string", False, True, ()),
    "USR_ZIP_CODE": ("string", False, True, ()),
    "USR_COUNTRY": ("string", False, True, ()),
    "USR_CITY": ("string", False, True, ()),
    "USR_LOCATION": ("string", False, True, ()),
    "USR_PHONE": ("string", False, True, ()),
    "USR_POSITION": ("string", False, True, ()),
    "USR_REPLACED_BY": ("string", False, True, ()),
    "USR_DUE_DATE": ("date", True, False, ()),
    "USR_CALENDAR": ("string", False, True, ()),
    "USR_STATUS": ("string", True, False, ("ACTIVE", "INACTIVE", "VACATION")),
    "USR_ROLE": ("string", True, False, ()),
    "USR_NEW_PASS": ("string", True, False, ()),
    "USR_UX": ("string", False, False, ("NORMAL", "SIMPLIFIED", "SWITCHABLE", "SINGLE")),
    "DEP_UID": ("string", False, True, ()),
    "USR_BIRTHDAY": ("date", False, True, ()),
    "USR_FAX": ("string", False, True, ()),
    "USR_CELLULAR": ("string", False, True, ()),
    "USR_LOGGED_NEXT_TIME": ("int", False, False, (0, 1)),
    "USR_TIME_ZONE": ("string", False, True, ()),
}
DATE = re.compile(r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")  # DateTime.php l.8
# PHP's FILTER_VALIDATE_EMAIL, approximately: a dot-atom local part, a dotted host name.
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
DEFAULT_CALENDAR = "00000000000000000000000000000001"  # the only CALENDAR_DEFINITION installed


@cache
def _time_zones() -> frozenset[str]:
    """``DateTimeZone::listIdentifiers()``: the canonical zone names (with a region, and UTC)."""
    regions: tuple[str, ...] = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/")
    regions += ("Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
    return frozenset(
        z for z in zoneinfo.available_timezones() if z.startswith(regions) or z == "UTC"
    )


def _request_data(call: RestCall) -> dict[str, object]:
    """``$request_data`` as ``create``/``update`` check it (Validator::throwExceptionIfDataIsNotArray
    / ...IsEmpty, BM/Validator.php l.320-348), keys upper-cased (``array_change_key_case``)."""
    body = call.body
    if body is None:
        body = {}
    if isinstance(body, list):  # a PHP list: integer keys, none of them a field
        body = {str(i): v for i, v in enumerate(body)}
    if not isinstance(body, dict):
        raise bad(must_be_array("$arrayData"))
    if not body:
        raise bad(cannot_be_empty("$arrayData"))
    return {str(k).upper(): v for k, v in body.items()}


def _check_fields(data: Mapping[str, object], *, insert: bool) -> None:
    """``Process::throwExceptionIfDataNotMetFieldDefinition`` (BM/Process.php l.356-535)."""
    if insert:
        for name, (_, needed, _, _) in USER_FIELDS.items():
            if needed and data.get(name) is None:
                raise bad(required(name))
    for name, value in data.items():
        if name not in USER_FIELDS:
            continue
        kind, _, may_be_empty, accepted = USER_FIELDS[name]
        if isinstance(value, list | dict):
            # trim() of a PHP array: the mock refuses what PHP would store as "Array".
            raise bad(cannot_be_empty(name) if not may_be_empty else invalid_value(name))
        text = php_str(value)
        if not may_be_empty and text.strip() == "":
            raise bad(cannot_be_empty(name))
        if accepted and not any(type(value) is type(a) and value == a for a in accepted):
            raise bad(only_accepts(name, "|".join(php_str(a) for a in accepted)))
        if may_be_empty and text == "":
            continue
        if kind == "date" and DATE.fullmatch(text) is None:
            raise bad(invalid_value(name))


def _checkdate(text: str) -> bool:
    import datetime

    try:
        year, month, day = (int(p) for p in text.split("-")[:3])
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _check_user_data(call: RestCall, uid: str, data: Mapping[str, object]) -> str | None:
    """``User::throwExceptionIfDataIsInvalid`` (BM/User.php l.429-560), in its order. Returns the
    role code as seeded, when one is given."""
    store = call.store
    current = directory.get_user(store, uid) if uid else None
    final = {**(current or {}), **data}
    _check_fields(data, insert=not uid)
    if data.get("USR_USERNAME") is not None:
        name = php_str(data["USR_USERNAME"])
        if directory.username_taken(store, name, uid):
            raise bad(username_exists("USR_USERNAME", name))
    if data.get("USR_EMAIL") is not None and EMAIL.fullmatch(php_str(data["USR_EMAIL"])) is None:
        raise bad(f"USR_EMAIL: {INCORRECT_EMAIL}")
    if data.get("USR_NEW_PASS") is not None:
        length = len(php_str(data["USR_NEW_PASS"]))
        if not PASSWORD_MIN <= length <= PASSWORD_MAX:
            # UsersProperties::getMessageValidatePassword(..., true, true) l.215-266
            limit = ("Minimum length", PASSWORD_MIN) if length < PASSWORD_MIN else None
            limit = limit or ("Maximum length", PASSWORD_MAX)
            policy = f"{POLICY_ALERT} - {limit[0]}: {limit[1]}. {PLEASE_CHANGE}"
            raise bad(f"USR_NEW_PASS: {policy}")
    replaced = php_str(data.get("USR_REPLACED_BY"))
    if replaced != "" and directory.get_user(store, replaced) is None:
        raise bad(user_does_not_exist("USR_REPLACED_BY", replaced))
    if data.get("USR_DUE_DATE") is not None:
        due = php_str(data["USR_DUE_DATE"])
        if not (due.split("-")[0].isdigit() and _checkdate(due)):
            raise bad(f"USR_DUE_DATE: {DUE_DATE_ERROR}")
    role: str | None = None
    if data.get("USR_ROLE") is not None:
        role = directory.role_code(
            store, php_str(data["USR_ROLE"]), rbac.roles(call.profile.rest_release)
        )
        if role is None:
            raise bad(invalid_value_for("USR_ROLE"))
    country = php_str(final.get("USR_COUNTRY"))
    if php_str(data.get("USR_COUNTRY")) != "" and re.fullmatch(r"[A-Z]{2}", country) is None:
        raise bad(invalid_value_for("USR_COUNTRY"))  # ISO_COUNTRY holds two-letter codes
    for field in ("USR_CITY", "USR_LOCATION"):
        value = php_str(data.get(field))
        if value != "":
            if country == "":
                raise bad(invalid_value_for("USR_COUNTRY"))
            if len(value) > 3:  # ISO_SUBDIVISION / ISO_LOCATION codes fit VARCHAR(3)
                raise bad(invalid_value_for(field))
    calendar = php_str(data.get("USR_CALENDAR"))
    if calendar not in ("", DEFAULT_CALENDAR):
        raise bad(calendar_does_not_exist("USR_CALENDAR", calendar))
    department = php_str(data.get("DEP_UID"))
    if department != "" and not directory.department_exists(store, department):
        raise bad(department_does_not_exist("DEP_UID", department))
    zone = php_str(data.get("USR_TIME_ZONE"))
    if zone != "" and zone not in _time_zones():
        raise bad(time_zone_does_not_exist("USR_TIME_ZONE", zone))
    return role


def _columns(data: Mapping[str, object]) -> dict[str, object]:
    """The request's values for ``USERS``' columns, as PHP would write them (text)."""
    out: dict[str, object] = {}
    for name, value in data.items():
        if name in directory.WRITABLE_USER_COLUMNS and name in USER_FIELDS:
            out[name] = php_str(value)
    return out


def _md5(value: object) -> str:
    return hashlib.md5(php_str(value).encode("utf-8")).hexdigest()  # Bootstrap::hashPassword


def _login_status(status: str) -> int:
    return 1 if status in ("ACTIVE", "1") else 0  # RBAC::createUser / updateUser


@handles("User::doPostUser")
def user_post(call: RestCall) -> Reply:
    """``POST user`` (Api/User.php l.73-83 → BM/User.php ``create`` l.738-813): 201 and the new
    user as ``getUser`` gives it, keys in upper case."""
    data = _request_data(call)
    for ignored in ("USR_UID", "USR_COST_BY_HOUR", "USR_UNIT_COST"):  # l.753-757
        data.pop(ignored, None)
    _sync(call)
    role = _check_user_data(call, "", data)
    assert role is not None  # USR_ROLE is required
    now = call.now
    record = _columns(data)
    uid = new_unique_id()
    record.update(
        USR_UID=uid,
        USR_ROLE=role,
        USR_PASSWORD="00000000000000000000000000000000",  # l.782
        USR_CREATE_DATE=now,
        USR_UPDATE_DATE=now,
        USR_BIRTHDAY=record.get("USR_BIRTHDAY") or now[:10],  # l.773
        USR_STATUS_ID=1 if record["USR_STATUS"] == "ACTIVE" else 0,
        RBAC_PASSWORD=_md5(data["USR_NEW_PASS"]),
    )
    record.pop("USR_CALENDAR", None)
    directory.create_user(call.store, record, _login_status(str(record["USR_STATUS"])))
    created = directory.get_user(call.store, uid)
    assert created is not None
    return _json(user_record(created, upper=True), call, 201)


@handles("User::doPutUser")
def user_put(call: RestCall) -> Reply:
    """``PUT user/{usr_uid}`` (Api/User.php l.98-107 → BM/User.php ``update`` l.825-1013): 200
    with no body."""
    uid = php_str(call.args.get("usr_uid"))
    if uid == directory.GUEST_UID:  # l.830-832
        raise bad(user_can_not_update(uid))
    data = _request_data(call)
    for ignored in ("USR_COST_BY_HOUR", "USR_UNIT_COST"):
        data.pop(ignored, None)
    _sync(call)
    _existing_user(call, uid, "USR_UID")
    role = _check_user_data(call, uid, data)
    actor = call.user
    if actor is None or not (
        call.ctx.user_can(actor, "PM_USERS") or call.ctx.user_can(actor, "PM_EDITPERSONALINFO")
    ):  # l.856-870
        raise bad(user_can_not_update(actor.uid if actor else ""))
    changes = _columns(data)
    changes.pop("USR_CALENDAR", None)
    changes["USR_UPDATE_DATE"] = call.now
    password = data.get("USR_PASSWORD", data.get("USR_NEW_PASS"))  # l.881-887
    status = changes.get("USR_STATUS")
    if status is not None:
        changes["USR_STATUS_ID"] = 1 if status == "ACTIVE" else 0
    directory.update_user(
        call.store,
        uid,
        changes,
        password_hash=None if password is None else _md5(password),
        login_status=None if status is None else _login_status(str(status)),
        role=role,
    )
    return _no_body(call)


@handles("User::doDeleteUser")
def user_delete(call: RestCall) -> Reply:
    """``DELETE user/{usr_uid}`` (Api/User.php l.116-124 → BM/User.php ``delete`` l.1248-1302):
    the user is closed, not removed; 200 with no body."""
    uid = php_str(call.args.get("usr_uid"))
    _sync(call)
    _existing_user(call, uid, "USR_UID")
    open_cases = directory.open_cases(call.store, uid)
    if uid == directory.GUEST_UID:
        raise bad(CANNOT_DELETE_GUEST)
    if open_cases > 0:
        raise bad(user_can_not_be_deleted(uid))
    directory.close_user(call.store, uid, call.now)
    return _no_body(call)


# --- groups, roles, departments: the constructor's permission --------------------------------
def _require_pm_users(call: RestCall) -> None:
    """The constructors of Api/Group.php (l.19-32), Api/Role.php (l.32-48) and Api/Department.php
    (l.23-36): the token's user must hold PM_USERS (``User::checkPermission``)."""
    user = call.user
    if user is None or not call.ctx.user_can(user, "PM_USERS"):
        raise bad(RestlerError.no_permission(user.uid if user else ""))


GROUP_PAGER = {"start": "start", "limit": "limit"}  # BM/Group.php l.22-24, in lower case


def group_record(row: Row) -> dict[str, object]:
    """``Group::getGroupDataFromRecord`` (BM/Group.php l.429-442)."""
    return {k.lower(): row[k] for k in directory.GROUP_COLUMNS}


@handles("Group::index")
def groups_index(call: RestCall) -> Reply:
    """``GET groups`` (Api/Group.php l.37-53 → BM/Group.php ``getGroups`` l.455-575)."""
    _require_pm_users(call)
    search, mode = _filter(call)
    start, limit = pager(call, GROUP_PAGER)
    if limit == 0:
        return _json([], call)
    _sync(call)
    rows = directory.list_groups(call.store, search=search, mode=mode, start=start, limit=limit)
    return _json([group_record(r) for r in rows], call)


def _existing_group(call: RestCall) -> tuple[str, Row]:
    uid = php_str(call.args.get("grp_uid"))
    row = directory.get_group(call.store, uid)
    if row is None:  # Group::throwExceptionIfNotExistsGroup, BM/Group.php l.139-150
        raise bad(group_does_not_exist("grp_uid", uid))
    return uid, row


@handles("Group::doGet")
def group_get(call: RestCall) -> Reply:
    """``GET group/{grp_uid}`` (Api/Group.php l.61-72 → BM/Group.php ``getGroup`` l.584-614)."""
    _require_pm_users(call)
    _sync(call)
    return _json(group_record(_existing_group(call)[1]), call)


@handles("Group::doGetUsers")
def group_users(call: RestCall) -> Reply:
    """``GET group/{grp_uid}/users`` (Api/Group.php l.154-165 → BM/Group.php ``getUsers``
    l.732-756): the group is checked before the paging."""
    _require_pm_users(call)
    _sync(call)
    uid, _ = _existing_group(call)
    start, limit = pager(call, GROUP_PAGER)
    search = php_str(call.args.get("filter"))
    search = "" if search in ("", "0") else search  # PHP empty(): "0" is empty
    rows = directory.group_members(
        call.store, uid, search=search, start=start or 0, limit=limit or 0
    )
    return _json([{k.lower(): _text(r[k]) for k in directory.MEMBER_COLUMNS} for r in rows], call)


def role_record(row: Row) -> dict[str, object]:
    """``Role::getRoleDataFromRecord`` (BM/Role.php l.483-512); dates as the default
    ``dateFormat`` ``Y-m-d H:i:s`` (``Configurations::getFormats``)."""
    return {
        "rol_uid": row["ROL_UID"],
        "rol_code": row["ROL_CODE"],
        "rol_name": row["ROL_NAME"],
        "rol_status": "ACTIVE" if php_str(row["ROL_STATUS"]) == "1" else "INACTIVE",
        "rol_system": row["ROL_SYSTEM"],
        "rol_create_date": _text(row["ROL_CREATE_DATE"]),
        "rol_update_date": _text(row["ROL_UPDATE_DATE"]),
        "rol_total_users": int(str(row["ROL_TOTAL_USERS"])),
    }


@handles("Role::index")
def roles_index(call: RestCall) -> Reply:
    """``GET roles`` (Api/Role.php l.65-74 → BM/Role.php ``getRoles`` l.526-608)."""
    _require_pm_users(call)
    start, limit = pager(call, GROUP_PAGER)  # BM/Role.php l.33-35, in lower case
    if limit == 0:
        return _json([], call)
    filt = call.args.get("filter")
    rows = directory.list_roles(
        call.store,
        rbac.roles(call.profile.rest_release),
        search=None if filt is None else php_str(filt),
        start=start,
        limit=limit,
    )
    return _json([role_record(r) for r in rows], call)


def _existing_role(call: RestCall) -> Row:
    uid = php_str(call.args.get("rol_uid"))
    row = directory.get_role(call.store, uid, rbac.roles(call.profile.rest_release))
    if row is None:  # Role::throwExceptionIfNotExistsRole, BM/Role.php l.216-226
        raise bad(role_does_not_exist("rol_uid", uid))
    return row


@handles("Role::doGet")
def role_get(call: RestCall) -> Reply:
    """``GET role/{rol_uid}`` (Api/Role.php l.89-98 → BM/Role.php ``getRole`` l.619-666)."""
    _require_pm_users(call)
    return _json(role_record(_existing_role(call)), call)


@handles("Role\\User::doGetUsers")
def role_users(call: RestCall) -> Reply:
    """``GET role/{rol_uid}/users`` and ``GET role/{rol_uid}/available-users`` (Api/Role/User.php
    l.40-52, the URL picks the option → BM/Role/User.php ``getUsers`` l.259-403, records
    l.232-245)."""
    uid = php_str(call.args.get("rol_uid"))
    code = directory.role_exists(call.store, uid)
    if code is None:  # BM/Role/User.php l.272
        raise bad(role_does_not_exist("rol_uid", uid))
    start, limit = pager(call, GROUP_PAGER)  # l.281, names in lower case
    if limit == 0:
        return _json([], call)
    filt = call.args.get("filter")
    rows = directory.role_members(
        call.store,
        code,
        available=not call.path.rstrip("/").endswith("/users"),
        search=None if filt is None else php_str(filt),
        start=start,
        limit=limit,
    )
    return _json(
        [
            {
                "usr_uid": r["USR_UID"],
                "usr_username": r["USR_USERNAME"],
                "usr_firstname": _text(r["USR_FIRSTNAME"]),
                "usr_lastname": _text(r["USR_LASTNAME"]),
                "usr_status": "ACTIVE" if php_str(r["USR_STATUS"]) == "1" else "INACTIVE",
            }
            for r in rows
        ],
        call,
    )


def department_record(row: Row, children: list[dict[str, object]] | None) -> dict[str, object]:
    """A node of ``Department::getDepartments`` / ``getDepartment`` (classes/model/Department.php
    l.443-476, BM/Department.php l.473-518), keys lower-cased; ``has_children`` is the text MySQL
    returns for ``COUNT(*)``."""
    node: dict[str, object] = {
        "dep_uid": row["DEP_UID"],
        "dep_parent": row["DEP_PARENT"],
        "dep_title": row["DEP_TITLE"],
        "dep_status": row["DEP_STATUS"],
        "dep_manager": row["DEP_MANAGER"],
        "dep_ldap_dn": row["DEP_LDAP_DN"],
        "dep_last": 0,
        "dep_manager_username": row["DEP_MANAGER_USERNAME"],
        "dep_manager_firstname": row["DEP_MANAGER_FIRSTNAME"],
        "dep_manager_lastname": row["DEP_MANAGER_LASTNAME"],
        "dep_members": int(str(row["DEP_MEMBERS"])),
        "has_children": php_str(row["HAS_CHILDREN"]),
    }
    if children is not None:
        node["dep_children"] = children
    return node


def _department_tree(call: RestCall, parent: str, depth: int = 0) -> list[dict[str, object]]:
    """``Department::getDepartments`` with ``getChildren`` (BM/Department.php l.128-137,
    l.606-620); the last node of each level has ``dep_last`` 1."""
    rows = directory.departments_under(call.store, parent)
    nodes = [
        department_record(
            r,
            _department_tree(call, str(r["DEP_UID"]), depth + 1)
            if int(str(r["HAS_CHILDREN"])) > 0 and depth < 64
            else [],
        )
        for r in rows
    ]
    if nodes:
        nodes[-1]["dep_last"] = 1
    return nodes


@handles("Department::doGetDepartments")
def departments_index(call: RestCall) -> Reply:
    """``GET departments`` (Api/Department.php l.44-52): the tree."""
    _require_pm_users(call)
    _sync(call)
    return _json(_department_tree(call, ""), call)


def _department_uid(call: RestCall, field: str) -> str:
    """``Validator::depUid`` (BM/Validator.php l.29-40)."""
    uid = php_str(call.args.get("dep_uid")).strip()
    if uid == "" or not directory.department_exists(call.store, uid):
        raise bad(department_does_not_exist(field, uid))
    return uid


@handles("Department::doGetDepartment")
def department_get(call: RestCall) -> Reply:
    """``GET department/{dep_uid}`` (Api/Department.php l.186-194 → BM/Department.php
    ``getDepartment`` l.473-518): one node, without children."""
    _require_pm_users(call)
    _sync(call)
    row = directory.get_department(call.store, _department_uid(call, "dep_uid"))
    assert row is not None
    return _json(department_record(row, None), call)


@handles("Department::doGetAssignedUser")
def department_users(call: RestCall) -> Reply:
    """``GET department/{dep_uid}/assigned-user`` (Api/Department.php l.63-75 →
    BM/Department.php ``getUsers`` ASSIGNED l.265-431, records l.229-248)."""
    _require_pm_users(call)
    _sync(call)
    uid = php_str(call.args.get("dep_uid"))
    department = directory.get_department(call.store, uid)
    if department is None:  # getDepartmentRecordByPk names the variable '$departmentUid'
        raise bad(department_does_not_exist("$departmentUid", uid))
    manager = department["DEP_MANAGER"]
    return _json(
        [
            {
                "usr_uid": r["USR_UID"],
                "usr_username": r["USR_USERNAME"],
                "usr_firstname": r["USR_FIRSTNAME"],
                "usr_lastname": r["USR_LASTNAME"],
                "usr_status": r["USR_STATUS"],
                "usr_supervisor": r["USR_UID"] == manager,
            }
            for r in directory.department_members(call.store, uid)
        ],
        call,
    )
