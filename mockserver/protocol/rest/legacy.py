"""The REST handlers of the previous round (users, projects, the cases lists), kept on the new
seam until the stateful resources replace them."""

from __future__ import annotations

import re

from mockserver.protocol import render
from mockserver.protocol.context import RequestContext
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import RestCall
from mockserver.protocol.rest import handles
from mockserver.state.store import TokenRow

_LISTS = ("ToDo", "Draft", "Participated", "Unassigned", "Paused", "AdvancedSearch")

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


@handles("Project::doGetProjects")
def _projects(call: RestCall) -> Reply:
    ctx = call.ctx
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


@handles(*(f"Cases::doGetCasesList{name}" for name in _LISTS))
def _cases_list(call: RestCall) -> Reply:
    return _cases_answer(call.ctx, call.token, paged=False)


@handles(*(f"Cases::doGetCasesList{name}Paged" for name in _LISTS))
def _cases_page(call: RestCall) -> Reply:
    return _cases_answer(call.ctx, call.token, paged=True)
