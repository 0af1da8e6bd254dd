"""Restler's front door past the login: every route authenticates before anything else, a user
without the permission is refused, ``GET users`` filters and pages, and routing answers 404/405.

Expectations come from the expected profile: ``resource_errors`` (the 401's shape),
``permission_refusal`` (AccessControl's 401 from 3.2, the 3.0 constructor's 400) and
``rest_release``, whose route table (``docs/rest-routes.md``) says which parameters ``GET users``
takes and which methods a path has (source facts §9 and §13).

Live-safe: the unauthenticated requests carry no body and name a uid no install has, so even a
server that skipped authentication would change nothing.
"""

from __future__ import annotations

import re
from typing import Any
from typing import assert_never

from conformance.checks.resources import expect_unauthorized
from conformance.context import CheckContext
from conformance.failures import HeaderMismatch
from conformance.failures import SkipCheck
from conformance.failures import StatusMismatch
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check
from mockserver.protocol import restler_routes

NO_SUCH_UID = "ffffffffffffffffffffffffffffffff"
"""32 characters, as Restler wants a uid, and no row's: G::generateUniqueID() never makes it."""
PROTECTED_SAMPLE = (
    ("POST", "cases"),
    ("POST", "users"),
    ("PUT", f"user/{NO_SUCH_UID}"),
    ("DELETE", f"user/{NO_SUCH_UID}"),
    ("GET", "groups"),
    ("GET", f"cases/{NO_SUCH_UID}/variables"),
)
"""Protected routes of every 3.x release, across methods: the writes real clients call first
(start a case, create and change a user) and reads that need a permission."""
OPERATOR = ("pm3-conformance-operator", "pm3-Operator-pw1")
"""The PROCESSMAKER_OPERATOR the check adds to a mock (a live install brings its own)."""
NO_PERMISSION = re.compile(
    r'Bad Request: The user with "[0-9A-Za-z]{32}" not have permissions to perform this action\.\Z'
)
USER_FILTERS = {"filter": "contains", "lfilter": "starts with", "rfilter": "ends with"}
"""``User::index`` (Api/User.php): ``filter``, else ``lfilter``, else ``rfilter``, matched on the
username, first or last name."""


def _users_route(ctx: CheckContext) -> restler_routes.Route:
    found = restler_routes.table(ctx.profile.rest_release).find("GET", "users")
    if not isinstance(found, restler_routes.Found):  # a table without it is the suite's defect
        raise LookupError(f"the {ctx.profile.rest_release} route table has no GET users")
    return found.route


@check(
    "PM3-RESTDOOR-001",
    severity=Severity.HIGH,
    doc="Calling pmRestLogin(): /api/1.0/workflow/... resources",
    source="§13 (routing, then authentication, on every route); §9 (Restler's 401)",
    rfc="RFC 6750 §3.1",
    tags=("rest", "rest-door", "errors"),
)
def protected_routes_answer_401_without_a_token_whatever_the_method(ctx: CheckContext) -> None:
    """Protected routes across methods (POST cases, POST users, PUT/DELETE user/{uid}, GET groups,
    GET cases/{uid}/variables) answer the 401 without a token, never 404/405 or a served answer."""
    for method, route in PROTECTED_SAMPLE:
        response = ctx.api(route, method=method)
        what = f"{method} {route} without a token"
        if response.status in (404, 405):
            ctx.fail(
                f"{what}: expected the 401 (ProcessMaker routes it, then authenticates), got "
                f"{ctx.describe(response)}: a client whose login failed would see "
                f"{response.status} instead of 401",
                StatusMismatch,
                expectation="status",
            )
        expect_unauthorized(
            ctx,
            response,
            what,
            expectation="refused" if 200 <= response.status < 300 else "status",
        )


@check(
    "PM3-RESTDOOR-002",
    severity=Severity.HIGH,
    source="§13 (AccessControl {@permission PM_USERS,PM_FACTORY} on GET users; 3.0: "
    "Api/User.php constructor)",
    tags=("rest", "rest-door", "rbac"),
)
def a_user_without_the_permission_is_refused_on_get_users(ctx: CheckContext) -> None:
    """A valid token whose user lacks PM_USERS and PM_FACTORY is refused on GET users: 401 from
    3.2, 400 "The user with "<uid>" not have permissions…" in 3.0 (per profile)."""
    if ctx.session.mock is not None:
        ctx.mock.add_user(*OPERATOR, role="PROCESSMAKER_OPERATOR")
        username, password = OPERATOR
    elif ctx.credentials.operator is not None:
        username, password = ctx.credentials.operator
    else:
        raise SkipCheck(
            "needs a second user without PM_USERS and PM_FACTORY (a PROCESSMAKER_OPERATOR): give "
            "operator_username and operator_password in the credentials file, or "
            "PM3_OPERATOR_USERNAME and PM3_OPERATOR_PASSWORD"
        )
    token = ctx.tokens(username=username, password=password)["access_token"]
    response = ctx.api("users", token)
    what = "GET users with a PROCESSMAKER_OPERATOR's token"
    if response.status == 200:
        ctx.fail(
            f"{what}: expected a refusal (the role has neither PM_USERS nor PM_FACTORY), got "
            f"{ctx.describe(response)}",
            expectation="refused",
        )
    refusal = ctx.profile.permission_refusal
    if refusal == "access-control-401":
        ctx.expect_restler_error(response, 401, "Unauthorized")
        return
    if refusal != "constructor-400":
        assert_never(refusal)
    ctx.expect_status(response, 400, what)
    body: Any = ctx.expect_json(response)
    message = body.get("error", {}).get("message") if isinstance(body, dict) else None
    ctx.expect(
        isinstance(message, str) and NO_PERMISSION.match(message) is not None,
        f"{what}: expected Restler's 400 'Bad Request: The user with \"<uid>\" not have "
        f"permissions to perform this action.', got {ctx.describe(response)}",
        expectation="error_description",
    )


def _usernames(ctx: CheckContext, response: HttpResponse, what: str) -> list[dict[str, Any]]:
    ctx.expect_status(response, 200, what)
    body = response.json()
    ctx.expect(
        isinstance(body, list) and all(isinstance(u, dict) for u in body),
        f"{what}: expected the users as a JSON list of objects, got {ctx.describe(response)}",
        expectation="body",
    )
    return list(body)


def _matches(user: dict[str, Any], value: str, mode: str) -> bool:
    text = value.lower()
    for key in ("usr_username", "usr_firstname", "usr_lastname"):
        field = str(user.get(key) or "").lower()
        if (
            (mode == "contains" and text in field)
            or (mode == "starts with" and field.startswith(text))
            or (mode == "ends with" and field.endswith(text))
        ):
            return True
    return False


def _uids(users: list[dict[str, Any]]) -> list[object]:
    return [u.get("usr_uid") for u in users]


@check(
    "PM3-RESTDOOR-003",
    severity=Severity.MEDIUM,
    doc="Calling pmRestLogin(): GET /api/1.0/workflow/users",
    source="§13 (Api/User.php index($filter, $lfilter, $rfilter, $start, $limit, $status))",
    tags=("rest", "rest-door", "users"),
)
def get_users_honours_its_filters_and_paging(ctx: CheckContext) -> None:
    """GET users honours filter, lfilter and rfilter (the user's own username narrows the list to
    matching users, that user among them) and start/limit page the unfiltered list."""
    token = ctx.tokens()["access_token"]
    everyone = ctx.api("users", token)
    if everyone.status != 200:
        raise SkipCheck(
            f"the credentials' user may not read GET users (HTTP {everyone.status}); "
            "PM3-REST-001 says why"
        )
    full = _usernames(ctx, everyone, "GET users")
    name = ctx.credentials.username
    params = {p.name for p in _users_route(ctx).params}
    path = f"/api/1.0/{ctx.workspace}/users"
    headers = {"Authorization": f"Bearer {token}"}
    for param, mode in USER_FILTERS.items():
        if param not in params:
            continue  # not a parameter of this release's User::index
        what = f"GET users?{param}={name}"
        found = _usernames(
            ctx, ctx.request("GET", path, query={param: name}, headers=headers, cookies=False), what
        )
        strays = [u.get("usr_username") for u in found if not _matches(u, name, mode)]
        ctx.expect(
            not strays,
            f"{what}: every user should have a username, first or last name that {mode} "
            f"{name!r}; got {strays[:3]} too ({len(found)} of {len(full)} users): the filter "
            "was ignored",
            expectation="body",
        )
        ctx.expect(
            any(str(u.get("usr_username", "")).lower() == name.lower() for u in found),
            f"{what}: {name!r} is not in the answer ({len(found)} users)",
            expectation="body",
        )
    for start in (0, 1):
        what = f"GET users?start={start}&limit=1"
        page = _usernames(
            ctx,
            ctx.request(
                "GET",
                path,
                query={"start": str(start), "limit": "1"},
                headers=headers,
                cookies=False,
            ),
            what,
        )
        wanted = _uids(full[start : start + 1])
        ctx.expect(
            _uids(page) == wanted,
            f"{what}: expected the unfiltered list's user #{start} alone ({wanted}), got "
            f"{len(page)} users {_uids(page)[:3]}: start/limit were ignored",
            expectation="body",
        )


@check(
    "PM3-RESTDOOR-004",
    severity=Severity.MEDIUM,
    source="§13 (Routes::find: an unknown path is 404, a known path with another method 405 "
    "with Allow, both before authentication)",
    tags=("rest", "rest-door", "routing", "errors"),
)
def unknown_routes_are_404_and_other_methods_405_with_allow(ctx: CheckContext) -> None:
    """An unknown route is Restler's 404, and a known path with another method (PUT users) is
    Restler's 405 with Allow listing the path's methods, both without a token."""
    ctx.expect_restler_error(ctx.api("no/such/route"), 404, "Not Found")
    found = restler_routes.table(ctx.profile.rest_release).find("PUT", "users")
    if not isinstance(found, restler_routes.MethodNotAllowed):  # the suite's defect
        raise LookupError(f"the {ctx.profile.rest_release} route table has PUT users")
    response = ctx.api("users", method="PUT")
    ctx.expect_restler_error(response, 405, "Method Not Allowed")
    allow = response.header("Allow")
    wanted = ", ".join(found.allowed)
    ctx.expect(
        allow == wanted,
        f"PUT users: a 405 names the path's methods: expected Allow: {wanted!r}, got {allow!r}",
        HeaderMismatch,
        expectation="header:Allow",
    )
