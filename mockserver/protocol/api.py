"""``/api/1.0/{workspace}/...``: Restler's front door, as ProcessMaker runs it, for every route.

The routes are ProcessMaker's own, per release: :mod:`mockserver.protocol.restler_routes` holds
the table generated from its source (``tools/pm3_routes.py``; ``docs/rest-routes.md``), and the
profile's ``rest_release`` picks the release. A request goes through the steps of Restler's
``handle()`` (``Restler.php`` l.237-289 at CO 1429451be) in their order:

1. read the request (:mod:`mockserver.protocol.restler`: method override, body);
2. route (``Routes::find``): 404, 405 with ``Allow``, or a route with its path arguments;
3. negotiate (406), which also runs when routing failed;
4. a body that failed to parse (400), once the route is known;
5. authenticate: a route that is not ``@access public`` needs one valid bearer token
   (bshaffer ``TokenType/Bearer``: the header, the query or a form POST body, exactly one) or it
   is Restler's 401 (source fact §9);
6. permission: ``AccessControl`` (3.2+) refuses a user without one of the route's
   ``{@permission}`` codes with 401; 3.0's API classes refuse in their constructor with 400
   (source fact §13); a token without a user skips both;
7. validate the parameters (Restler's validator: ``is required``, types, lengths, choices);
8. call the handler registered for the route's PHP method (:mod:`mockserver.protocol.rest`), or,
   for a route the mock does not model, answer 501 naming the route and its source.

``?suppress_response_codes=true`` turns every status into 200 (the body is unchanged).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Mapping
from urllib.parse import quote

from werkzeug.wrappers import Response

from mockserver.protocol import render
from mockserver.protocol import restler
from mockserver.protocol import restler_routes
from mockserver.protocol.context import RequestContext
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidTokenError
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.params import FORM
from mockserver.protocol.params import JSON_TYPE
from mockserver.protocol.params import MULTIPART
from mockserver.protocol.params import media_type
from mockserver.protocol.params import parse_form
from mockserver.protocol.render import Reply
from mockserver.protocol.rest import HANDLERS
from mockserver.protocol.rest import RestCall
from mockserver.protocol.rest import handler_key
from mockserver.protocol.rest import users as _users  # noqa: F401  (registers handlers)
from mockserver.protocol.restler import ParamSpec
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow

_BEARER = re.compile(r"Bearer\s(\S+)")  # case-sensitive, as bshaffer's regex
OAUTH_SERVER = "ProcessMaker\\Services\\OAuth2\\Server"
PublicHandler = Callable[[RequestContext, Mapping[str, str]], Reply]
"""An OAuth server method mounted under ``oauth2`` (public): the app's token, authorize and
token-maintenance endpoints, given the route's path arguments."""
BODY_METHODS = ("POST", "PUT", "PATCH")
NOT_MODELLED = (
    "The pm3 mock does not model {method} {path} ({php}, {source}); give it a body with "
    "MockServer.give_route({method!r}, {path!r}, body) or an override, or see "
    "docs/rest-modelled.md for the routes it models."
)
# The 3.0 API classes that check a permission in their constructor (CO 8b6e24a95, 3.0.1.8:
# Api/<Class>.php, the line of the checkPermission call); source fact §13.
CONSTRUCTOR_PERMISSIONS: Mapping[str, tuple[str, int]] = {
    "ProcessMaker\\Services\\Api\\User": ("PM_USERS", 31),
    "ProcessMaker\\Services\\Api\\Group": ("PM_USERS", 26),
    "ProcessMaker\\Services\\Api\\Department": ("PM_USERS", 30),
    "ProcessMaker\\Services\\Api\\Role": ("PM_USERS", 33),
    "ProcessMaker\\Services\\Api\\Calendar": ("PM_SETUP", 28),
    "ProcessMaker\\Services\\Api\\Pmtable": ("PM_SETUP", 26),
    "ProcessMaker\\Services\\Api\\ProcessCategory": ("PM_SETUP", 28),
}


class _Refused(Exception):
    """A step of the front door answered; carries the answer."""

    def __init__(self, reply: Reply) -> None:
        super().__init__()
        self.reply = reply


# --- 1. the request ------------------------------------------------------------------------------
def raw_resource(ctx: RequestContext, skip: int = 3) -> str:
    """The request's path after its first ``skip`` segments (``/api/{version}/{workspace}/``; 1 in
    OAuth mode, ``/{workspace}/``), as sent (encoded, with the query)."""
    environ = ctx.request.environ
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not isinstance(raw, str) or not raw.startswith("/"):
        raw = quote(environ.get("PATH_INFO", ""), safe="/:@!$&'()*+,;=-._~")
        query = environ.get("QUERY_STRING", "")
        if query:
            raw += "?" + query
    parts = raw.split("/", skip + 1)
    return parts[skip + 1] if len(parts) > skip + 1 else ""


def read_rest_body(ctx: RequestContext) -> tuple[object, dict[str, object], RestlerError | None]:
    """``request_data`` and the body's named members, as Restler's ``getRequestData`` reads them.

    Only POST, PUT and PATCH have a body. A JSON object's members are parameters; a form body's
    fields too. Returns the error instead of raising it, since Restler reports a body it cannot
    read only once the route is known.
    """
    request = ctx.request
    if request.method not in BODY_METHODS:
        return None, {}, None
    mtype = media_type(request)
    raw = request.get_data(cache=True)
    if mtype == FORM:
        fields: dict[str, object] = dict(parse_form(raw))
        return fields, fields, None
    if mtype == MULTIPART:
        form = {k: request.form.getlist(k)[-1] for k in request.form if isinstance(k, str)}
        return form, dict(form), None
    if mtype == "" or mtype.startswith(JSON_TYPE):
        if not raw.strip():
            return ("" if mtype else None), {}, None
        try:
            decoded = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None, {}, RestlerError(400, RestlerError.MALFORMED_JSON)
        members = dict(decoded) if isinstance(decoded, dict) else {}
        return decoded, members, None
    return None, {}, RestlerError(403, RestlerError.unsupported_content_type(mtype))


# --- 5. authentication ---------------------------------------------------------------------------
def _token_value(ctx: RequestContext, form: Mapping[str, object]) -> str | None:
    """bshaffer ``Bearer::getAccessTokenParameter``: the one token of the request, ``None``
    when there is none.

    :raises OAuthError: more than one source, a header without ``Bearer``, a body token outside
        a form POST (each makes ``__isAllowed`` false: a 401 to the client).
    """
    req = ctx.request
    header = req.headers.get("Authorization")
    in_query = "access_token" in req.args
    in_body = "access_token" in form
    used = bool(header) + in_query + in_body
    if used > 1:
        raise InvalidRequestError("Only one method may be used to authenticate at a time")
    if used == 0:
        return None
    if header:
        match = _BEARER.search(header)
        if match is None:
            raise InvalidRequestError("Malformed auth header")
        return match.group(1)
    if in_body:
        if req.method != "POST" or media_type(req) != FORM:
            raise InvalidRequestError(
                "When putting the token in the body, the method must be POST"
                if req.method != "POST"
                else 'The content type for POST requests must be "application/x-www-form-urlencoded"'
            )
        return str(form["access_token"])
    return req.args["access_token"]


def authenticate(
    ctx: RequestContext, form: Mapping[str, object] | None = None
) -> TokenRow | Response:
    """The token row of a valid bearer token, or the profile's 401 answer."""
    try:
        value = _token_value(ctx, form or {})
    except OAuthError as err:
        return render.rest_unauthorized(ctx.profile, err)
    if value is None:
        return render.rest_unauthorized(ctx.profile, None)
    row = ctx.store.get_access_token(value)
    if row is None:
        return render.rest_unauthorized(ctx.profile, InvalidTokenError(InvalidTokenError.INVALID))
    if row.expires < ctx.state.clock.stamp():
        return render.rest_unauthorized(ctx.profile, InvalidTokenError(InvalidTokenError.EXPIRED))
    return row


# --- 7. validation -------------------------------------------------------------------------------
def _spec(param: restler_routes.Param) -> ParamSpec:
    return ParamSpec(
        param.type, param.from_, param.required, param.default, param.choice, param.min, param.max
    )


def validate(
    route: restler_routes.Route,
    path_args: Mapping[str, str],
    query: Mapping[str, str],
    members: Mapping[str, object],
    request_data: object,
) -> dict[str, object]:
    """Every parameter of the method, validated and converted; absent optional ones left out.

    :raises RestlerError: Restler's 400.
    """
    values: dict[str, object] = {}
    for param in route.params:
        name = param.name
        if param.from_ == "path":
            value: object = path_args.get(name)
        elif name == "request_data":
            value = request_data
        elif name in members:
            value = members[name]
        else:
            value = query.get(name)
        if value is None and not param.required:
            continue
        values[name] = restler.validate_param(name, _spec(param), value)
    return values


# --- the door ------------------------------------------------------------------------------------
def dispatch(
    ctx: RequestContext,
    resource: str = "",
    oauth: Mapping[str, PublicHandler] | None = None,
    *,
    skip: int = 3,
) -> Reply:
    """Answer one ``/api/1.0/{workspace}/`` request as Restler would (steps in the module doc).

    :param oauth: the OAuth server's methods by PHP name (``postToken``, ``authorize``, ...),
        which ``initRest()`` also mounts under ``oauth2``.
    :param skip: the path segments before Restler's part: 3 in API mode, 1 in OAuth mode.
    """
    reply = _dispatch(ctx, oauth or {}, skip)
    if restler.suppress_response_codes(ctx.request) and reply.status_code != 200:
        return _with_status(reply, 200)
    return reply


def _dispatch(ctx: RequestContext, oauth: Mapping[str, PublicHandler], skip: int) -> Reply:
    request = ctx.request
    request_data, members, body_error = read_rest_body(ctx)
    table = restler_routes.table(ctx.profile.rest_release)
    http_method = request.args.get("http_method")
    if http_method is None and isinstance(members.get("http_method"), str):
        http_method = str(members["http_method"])
    found = table.find(
        request.method,
        raw_resource(ctx, skip),
        method_override=request.headers.get("X-HTTP-Method-Override"),
        http_method=http_method,
    )
    try:
        negotiated = restler.negotiate(request, request.path)
    except RestlerError as err:
        return render.restler_error(err, ctx.profile)
    if isinstance(found, restler_routes.NotFound):
        return _negotiated(render.restler_error(RestlerError(404), ctx.profile), negotiated)
    if isinstance(found, restler_routes.MethodNotAllowed):
        answer = render.restler_error(RestlerError(405), ctx.profile)
        answer.headers["Allow"] = ", ".join(found.allowed)
        return _negotiated(answer, negotiated)
    if isinstance(found, restler_routes.BadRequest):
        detail = f"invalid value specified for `{found.name}`"
        return _negotiated(render.restler_error(RestlerError(400, detail), ctx.profile), negotiated)
    if body_error is not None:
        return _negotiated(render.restler_error(body_error, ctx.profile), negotiated)
    route = found.route
    if route.class_.lstrip("\\") == OAUTH_SERVER and route.function in oauth:
        return _negotiated(oauth[route.function](ctx, found.args), negotiated)
    try:
        return _negotiated(_serve(ctx, route, found.args, request_data, members), negotiated)
    except _Refused as refused:
        return _negotiated(refused.reply, negotiated)


def _serve(
    ctx: RequestContext,
    route: restler_routes.Route,
    path_args: Mapping[str, str],
    request_data: object,
    members: dict[str, object],
) -> Reply:
    token: TokenRow | None = None
    user = None
    if route.access != "public":
        checked = authenticate(ctx, members)
        if isinstance(checked, Response):
            raise _Refused(checked)
        token = checked
        user = ctx.store.get_user(token.user_id) if token.user_id else None
        _check_permission(ctx, route, token, user)
    # $_GET: a name given twice keeps its last value, as PHP reads a query string
    query = {name: values[-1] for name, values in ctx.request.args.lists()}
    try:
        args = validate(route, path_args, query, members, request_data)
    except RestlerError as err:
        raise _Refused(render.restler_error(err, ctx.profile)) from None
    if ctx.profile.permission_refusal == "constructor-400":
        _check_constructor(ctx, route, token)
    given = ctx.state.route_bodies.get((route.method, route.path))
    if given is not None:
        return render.rest_json(given[1], ctx.profile, given[0])
    key = handler_key(route.class_, route.function)
    handler = HANDLERS.get(key)
    if handler is None or token is None:
        return not_modelled(ctx, route)
    call = RestCall(ctx, token, user, route.method, route.path, key, args, request_data)
    try:
        return handler(call)
    except RestlerError as err:
        return render.restler_error(err, ctx.profile)


def _check_permission(
    ctx: RequestContext, route: restler_routes.Route, token: TokenRow, user: UserRow | None
) -> None:
    """``AccessControl::__isAllowed`` (3.2+): a user holding none of the route's permissions is
    refused with Restler's 401; a token without a user, or a route without permissions, passes."""
    if ctx.profile.permission_refusal != "access-control-401" or not route.permissions:
        return
    if token.user_id is None or route.access_tag != "protected":
        return  # AccessControl reads the method's own ``@access`` tag (AccessControl.php:48)
    if user is None or not any(ctx.user_can(user, code) for code in route.permissions):
        raise _Refused(render.restler_error(RestlerError(401), ctx.profile))


def _check_constructor(
    ctx: RequestContext, route: restler_routes.Route, token: TokenRow | None
) -> None:
    """3.0: the API class's constructor checks one permission (400, ``ID_USER_NOT_HAVE_PERMISSION``),
    with the token's user, or ``""`` on a public route called without one."""
    needed = CONSTRUCTOR_PERMISSIONS.get(route.class_.lstrip("\\"))
    if needed is None:
        return
    uid = token.user_id or "" if token is not None else ""
    row = ctx.store.get_user(uid) if uid else None
    if row is None or not ctx.user_can(row, needed[0]):
        raise _Refused(
            render.restler_error(RestlerError(400, RestlerError.no_permission(uid)), ctx.profile)
        )


def not_modelled(ctx: RequestContext, route: restler_routes.Route) -> Reply:
    """A real route whose body the mock does not model: 501 in Restler's error shape, naming it."""
    php = f"{route.class_}::{route.function}"
    detail = NOT_MODELLED.format(method=route.method, path=route.path, php=php, source=route.source)
    return render.restler_error(RestlerError(501, detail), ctx.profile)


def modelled_document(release: str = "3.4.11") -> str:
    """``docs/rest-modelled.md``: which routes of ``release`` the mock answers with state."""
    table = restler_routes.table(release)
    modelled = modelled_routes(release)
    lines = [
        "# The REST routes the mock models",
        "",
        "Generated by `mockserver.protocol.api.modelled_document()`; a test keeps it in step.",
        "",
        f"Every one of the {len(table.routes)} routes of ProcessMaker {release}'s table "
        "([rest-routes.md](rest-routes.md)) goes through Restler's front door as ProcessMaker "
        "runs it: routing (404, 405 with `Allow`), negotiation (406), the bearer token (401), "
        "the `AccessControl` permission (401), then parameter validation (400). After the door, "
        f"{len(modelled)} routes are answered from the store, in ProcessMaker's shapes; every "
        "other route answers 501 `Not Implemented` naming the route and its source "
        "(`MockServer.give_route(method, path, body)` gives it a body behind the same door).",
        "",
        "| method | path | PHP method | source | permissions |",
        "|---|---|---|---|---|",
    ]
    for route in sorted(modelled, key=lambda r: (r.path, r.method)):
        php = handler_key(route.class_, route.function)
        perms = ", ".join(route.permissions) if route.access_tag == "protected" else ""
        lines.append(f"| {route.method} | `{route.path}` | `{php}` | `{route.source}` | {perms} |")
    return "\n".join(lines) + "\n"


def modelled_routes(release: str) -> tuple[restler_routes.Route, ...]:
    """The routes of ``release`` whose PHP method has a handler here (for docs and tests)."""
    return tuple(
        r
        for r in restler_routes.table(release).routes
        if handler_key(r.class_, r.function) in HANDLERS
    )


def _negotiated(reply: Reply, negotiated: restler.Negotiated) -> Reply:
    """Restler's negotiation on an answer (``composeHeaders``): ``Vary: Accept``, the language,
    and the charset in the JSON ``Content-Type`` (the body stays UTF-8, as JsonFormat writes it)."""
    changed = {
        "Content-Language": negotiated.language,
        "Content-Type": f"application/json; charset={negotiated.charset}",
    }
    if isinstance(reply, render.Answer):
        reply.header_list = [
            (k, changed[k] if k in changed and _restlers(k, v) else v) for k, v in reply.header_list
        ]
        reply.header_list.insert(-1, ("Vary", "Accept"))
        return reply
    for name, value in changed.items():
        current = reply.headers.get(name)
        if current is not None and _restlers(name, current):
            reply.headers[name] = value
    if "Vary" not in reply.headers:
        reply.headers["Vary"] = "Accept"
    return reply


def _restlers(name: str, value: str) -> bool:
    """A header Restler's ``composeHeaders`` wrote (not bshaffer's or RFC 6750's own)."""
    if name == "Content-Type":
        return value.startswith("application/json; charset=")
    return True


def _with_status(reply: Reply, status: int) -> Reply:
    response = render.as_response(reply)
    response.status_code = status
    return response
