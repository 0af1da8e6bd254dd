"""``/api/1.0/{workspace}/...``: the read routes ProcessMaker 3 maps, behind bearer tokens.

The route table is data (:data:`ROUTES`, listed with :func:`routes`): each route has a method, a
path in Restler's words (``{name}`` for a parameter), a handler and its provenance. ProcessMaker
builds its routes from ``workflow/engine/src/ProcessMaker/Services/api.ini``, whose
``[alias: NAME]`` sections mount an ``Api/*`` class under NAME (``project`` and ``projects`` both
mount ``Api/Project.php``), and from each class's ``@url`` annotations. A path no route matches is
Restler's 404 before any authentication (``processes`` is such a path: no alias and no class
names it); a known path asked with another method is Restler's 405.

Source: doc 'Calling pmRestLogin()' (``GET /api/1.0/workflow/users``); source fact §9
(bshaffer ``TokenType/Bearer``, Restler's 401, routing before authentication, no scope checks);
the files each route names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.wrappers import Response

from mockserver.protocol import render
from mockserver.protocol.context import RequestContext
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidTokenError
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.state.profiles import Source
from mockserver.state.profiles import src
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow

_BEARER = re.compile(r"Bearer\s(\S+)")  # case-sensitive, as bshaffer's regex

# One project as GET project(s) lists it: the keys of BpmnWorkflow::getList (CO 1429451be
# Project/Adapter/BpmnWorkflow.php l.148-190; prj_status since 3.0.0.6).
SAMPLE_PROJECTS = [
    {
        "prj_uid": "4224292655297723eb98691001100052",
        "prj_name": "Expense Report",
        "prj_description": "Sample process of the mock",
        "prj_category": "",
        "prj_type": "bpmn",
        "prj_create_date": "2015-05-01 10:00:00",
        "prj_update_date": "2015-05-01 10:00:00",
        "prj_status": "ACTIVE",
    }
]


class _NoToken(Exception):
    pass


def _token_value(ctx: RequestContext) -> str:
    """The one bearer token of the request; :raises OAuthError / _NoToken: none or several.

    bshaffer also reads ``access_token`` from a form-encoded POST body (§9); every route here is
    a GET (a POST is answered 405 before authentication), so only the header and the query can
    carry it."""
    req = ctx.request
    sources: list[str] = []
    header = req.headers.get("Authorization")
    if header is not None:
        match = _BEARER.search(header)
        if match:
            sources.append(match.group(1))
    if "access_token" in req.args:
        sources.append(req.args["access_token"])
    if len(sources) > 1:
        raise InvalidRequestError("Only one method may be used to authenticate at a time")
    if not sources:
        raise _NoToken
    return sources[0]


def authenticate(ctx: RequestContext) -> TokenRow | Response:
    """The token row of a valid bearer token, or the profile's 401 answer."""
    try:
        value = _token_value(ctx)
    except _NoToken:
        return render.rest_unauthorized(ctx.profile, None)
    except OAuthError as err:
        return render.rest_unauthorized(ctx.profile, err)
    row = ctx.store.get_access_token(value)
    if row is None:
        return render.rest_unauthorized(ctx.profile, InvalidTokenError(InvalidTokenError.INVALID))
    if row.expires < ctx.state.clock.stamp():
        return render.rest_unauthorized(ctx.profile, InvalidTokenError(InvalidTokenError.EXPIRED))
    return row


def _user_json(user: UserRow) -> dict[str, object]:
    return {
        "usr_uid": user.uid,
        "usr_username": user.username,
        "usr_firstname": user.firstname,
        "usr_lastname": user.lastname,
        "usr_email": user.email,
        "usr_due_date": user.due_date,
        "usr_status": "ACTIVE" if user.status == 1 else "INACTIVE",
        "usr_role": user.role,
    }


Handler = Callable[[RequestContext, TokenRow, str], Reply]


def _users(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    return render.rest_json([_user_json(u) for u in ctx.store.list_users()], ctx.profile)


def _user(ctx: RequestContext, token: TokenRow, uid: str) -> Reply:
    user = ctx.store.get_user(uid)
    if user is None:
        detail = f"The user with usr_uid: '{uid}' does not exist."
        return render.restler_error(RestlerError(400, detail), ctx.profile)
    return render.rest_json(_user_json(user), ctx.profile)


def _projects(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    # BpmnWorkflow::getList(..., CASE_LOWER): prj_* keys; dates stay 'Y-m-d H:i:s' unless the
    # install converts them to ISO 8601 (DateTime::convertUtcToIso8601, off by default).
    return render.rest_json(SAMPLE_PROJECTS, ctx.profile)


# The cases lists. Every one is an Api/Cases.php method that passes its query parameters to
# BusinessModel/Cases.php getList (CO 1429451be l.277-349), which answers getAll's rows as a list,
# or, paged, Applications.php getAll's {totalCount, data} (l.807-849) plus the echoed paging
# (getList l.335-343). That is the shape from 3.2.3 on; 3.0-3.2 answered {total, start, limit,
# sort, dir, cat_uid, pro_uid, search, [app_status, usr_uid, date_from, date_to,] data} with a
# default limit of 25, which no profile field selects yet.
NO_USER = "The user with userId: '' does not exist."
DEFAULT_SORT = "APP_CACHE_VIEW.APP_NUMBER"  # the Api methods' default sort, which getList ...
LIST_SORT = "APPLICATION.APP_NUMBER"  # ... replaces by this one (3.2.3+)


def _int_arg(ctx: RequestContext, name: str) -> int:
    """A Restler ``int`` query parameter, 0 when absent.

    :raises RestlerError: not an integer (Restler ``Data/Validator.php``'s message).
    """
    raw = ctx.request.args.get(name, "0").strip()
    if re.fullmatch(r"[+-]?\d+", raw) is None:
        raise RestlerError(400, f"Invalid value specified for `{name}`. Expecting integer value")
    return int(raw)


def _cases_answer(ctx: RequestContext, token: TokenRow, *, paged: bool) -> Reply:
    """A cases list: a JSON list, or (``paged``) the paged object."""
    args = ctx.request.args
    try:  # Restler validates the arguments before it calls the method
        start = _int_arg(ctx, "start")
        limit = _int_arg(ctx, "limit")
    except RestlerError as err:
        return render.restler_error(err, ctx.profile)
    if token.user_id is None:
        # A client_credentials token has no user. getList refuses the empty userId
        # (ID_USER_NOT_EXIST, CO f2a7e57db…8b6e24a95 BusinessModel/Cases.php l.82-86) and RC's
        # Behat feature oauth/authorization_code/main_tests_client_credentials.feature
        # expects 400 from `cases` (§2.5).
        return render.restler_error(RestlerError(400, NO_USER), ctx.profile)
    if not paged:
        return render.rest_json([], ctx.profile)
    sort = args.get("sort", DEFAULT_SORT)
    page: dict[str, object] = {
        "totalCount": 0,
        "data": [],
        "total": 0,
        "start": start + 1,
        "limit": limit,
        "sort": (LIST_SORT if sort == DEFAULT_SORT else sort).lower(),
        "dir": args.get("dir", "DESC").lower(),
        "cat_uid": args.get("cat_uid", ""),
        "pro_uid": args.get("pro_uid", ""),
        "search": args.get("search", ""),
    }
    return render.rest_json(page, ctx.profile)


# Module-level handlers (not closures built at import) so that the answer is computed per request.
def _cases_list(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    return _cases_answer(ctx, token, paged=False)


def _cases_page(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    return _cases_answer(ctx, token, paged=True)


@dataclass(frozen=True, slots=True)
class Route:
    """One route of ``/api/1.0/{workspace}/``.

    :param method: the HTTP method.
    :param path: the path after the workspace, Restler's way: ``{name}`` is one path segment.
    :param handler: answers an authenticated request.
    :param provenance: where ProcessMaker maps it: the ``api.ini`` alias that mounts the class,
        then the class's ``@url`` annotation.
    """

    method: str
    path: str
    handler: Handler
    provenance: tuple[Source, ...]

    def pattern(self) -> re.Pattern[str]:
        """The regular expression of :attr:`path` (a trailing slash allowed, as Restler does)."""
        parts = (
            "([^/]+)" if p.startswith("{") and p.endswith("}") else re.escape(p)
            for p in self.path.split("/")
        )
        return re.compile("^" + "/".join(parts) + "/?$")


# Read in colosa/processmaker's release snapshot of 3.4.11 ("CO" in pm3-behavior.md); every 3.x
# snapshot from 2.8 (3.0 beta) to 3.5.8 has the same aliases and @url annotations, at other lines.
_CO = "CO 1429451be (3.4.11) workflow/engine/src/ProcessMaker/Services/"


def _alias(name: str, line: int) -> Source:
    return src(f"{_CO}api.ini l.{line} [alias: {name}]")


def _url(api_class: str, line: int, url: str, method: str) -> Source:
    annotation = f"@url GET {url}" if url else "@url GET"
    return src(f"{_CO}Api/{api_class}.php l.{line} {annotation} ({method})")


# Per Api class (Api/<name>.php): the aliases that mount it (name, api.ini line) and its GET
# methods (sub-path, @url line, PHP method, handler). Restler also mounts every class under its
# lowercased name (WebApplication::initRest, Restler's autorouting), which adds no path here.
_ApiMethod = tuple[str, int, str, Handler]
_API_CLASSES: tuple[tuple[str, tuple[tuple[str, int], ...], tuple[_ApiMethod, ...]], ...] = (
    (
        "User",
        (("user", 63), ("users", 66)),
        (("", 22, "index", _users), ("/{usr_uid}", 46, "doGetUser", _user)),
    ),
    (
        "Cases",
        (("case", 75), ("cases", 79)),
        (
            ("", 220, "doGetCasesListToDo", _cases_list),
            ("/paged", 265, "doGetCasesListToDoPaged", _cases_page),
            ("/draft", 309, "doGetCasesListDraft", _cases_list),
            ("/draft/paged", 353, "doGetCasesListDraftPaged", _cases_page),
            ("/participated", 397, "doGetCasesListParticipated", _cases_list),
            (
                "/participated/paged",
                441,
                "doGetCasesListParticipatedPaged",
                _cases_page,
            ),
            ("/unassigned", 485, "doGetCasesListUnassigned", _cases_list),
            ("/unassigned/paged", 529, "doGetCasesListUnassignedPaged", _cases_page),
            ("/paused", 573, "doGetCasesListPaused", _cases_list),
            ("/paused/paged", 617, "doGetCasesListPausedPaged", _cases_page),
            ("/advanced-search", 665, "doGetCasesListAdvancedSearch", _cases_list),
            (
                "/advanced-search/paged",
                722,
                "doGetCasesListAdvancedSearchPaged",
                _cases_page,
            ),
        ),
    ),
    (
        "Project",
        (("project", 20), ("projects", 50)),
        (("", 37, "doGetProjects", _projects),),
    ),
)

ROUTES: tuple[Route, ...] = tuple(
    Route(
        "GET",
        alias + sub,
        handler,
        (
            _alias(alias, alias_line),
            _url(api_class, url_line, sub.replace("{", ":").strip("}"), php),
        ),
    )
    for api_class, aliases, methods in _API_CLASSES
    for alias, alias_line in aliases
    for sub, url_line, php, handler in methods
)
_MATCHERS: tuple[tuple[re.Pattern[str], Route], ...] = tuple((r.pattern(), r) for r in ROUTES)


def routes() -> tuple[Route, ...]:
    """Every route of ``/api/1.0/{workspace}/``, with its provenance (for docs and tests)."""
    return ROUTES


def dispatch(ctx: RequestContext, resource: str) -> Reply:
    """Route first (unknown path → 404 before any authentication), then authenticate, then answer."""
    matches = [(m, r) for p, r in _MATCHERS if (m := p.match(resource)) is not None]
    if not matches:
        return render.restler_error(RestlerError(404), ctx.profile)
    chosen = next(((m, r) for m, r in matches if r.method == ctx.request.method), None)
    if chosen is None:
        return render.method_not_allowed(ctx.profile, {r.method for _, r in matches})
    token = authenticate(ctx)
    if isinstance(token, Response):
        return token
    match, route = chosen
    return route.handler(ctx, token, match.group(1) if match.groups() else "")
