"""``/api/1.0/{workspace}/...`` read endpoints behind bearer tokens.

Source: doc 'Calling pmRestLogin()' (``GET /api/1.0/workflow/users``); source fact §9
(bshaffer ``TokenType/Bearer``, Restler's 401, routing before authentication, no scope checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from werkzeug.wrappers import Response

from mockserver.protocol import render
from mockserver.protocol.context import RequestContext
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidTokenError
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.params import FORM
from mockserver.protocol.params import media_type
from mockserver.protocol.render import Reply
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow

_BEARER = re.compile(r"Bearer\s(\S+)")  # case-sensitive, as bshaffer's regex

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
    """The one bearer token of the request; :raises OAuthError / _NoToken: none or several."""
    req = ctx.request
    sources: list[str] = []
    header = req.headers.get("Authorization")
    if header is not None:
        match = _BEARER.search(header)
        if match:
            sources.append(match.group(1))
    if "access_token" in req.args:
        sources.append(req.args["access_token"])
    if req.method == "POST" and media_type(req) == FORM and "access_token" in req.form:
        sources.append(req.form["access_token"])
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


def _users(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    return render.rest_json([_user_json(u) for u in ctx.store.list_users()], ctx.profile)


def _user(ctx: RequestContext, token: TokenRow, uid: str) -> Reply:
    user = ctx.store.get_user(uid)
    if user is None:
        detail = f"The user with usr_uid: '{uid}' does not exist."
        return render.restler_error(RestlerError(400, detail), ctx.profile)
    return render.rest_json(_user_json(user), ctx.profile)


def _cases(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    if token.user_id is None:
        # client_credentials tokens carry no user; PM's cases endpoint fails with its own 400 (§2.5).
        detail = "The user with usr_uid: '' does not exist."
        return render.restler_error(RestlerError(400, detail), ctx.profile)
    return render.rest_json([], ctx.profile)


def _projects(ctx: RequestContext, token: TokenRow, _arg: str) -> Reply:
    return render.rest_json(SAMPLE_PROJECTS, ctx.profile)


Handler = Callable[[RequestContext, TokenRow, str], Reply]

RESOURCES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"^users/?$"), _users),
    (re.compile(r"^user/([^/]+)/?$"), _user),
    (re.compile(r"^cases/?$"), _cases),
    (re.compile(r"^projects/?$"), _projects),
    (re.compile(r"^processes/?$"), _projects),
]


def dispatch(ctx: RequestContext, resource: str) -> Reply:
    """Route first (unknown path → 404 before any authentication), then authenticate, then answer."""
    for pattern, handler in RESOURCES:  # noqa: B007 - the matching handler is used after the loop
        match = pattern.match(resource)
        if match:
            break
    else:
        return render.restler_error(RestlerError(404), ctx.profile)
    if ctx.request.method != "GET":
        return render.method_not_allowed(ctx.profile, ["GET"])
    token = authenticate(ctx)
    if isinstance(token, Response):
        return token
    return handler(ctx, token, match.group(1) if match.groups() else "")
