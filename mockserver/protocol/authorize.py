"""The authorization-code and implicit flows: login redirect, login form, consent page, redirects.

Source: doc '"authorization_code" Grant Type' and 'Implicit Grant'; source fact §8
(``Server::authorize`` / ``postAuthorize``, bshaffer ``AuthorizeController``); RFC 6749 §4.1, §4.2.
"""

from __future__ import annotations

import hmac
from html import unescape as html_unescape
from urllib.parse import urlsplit

from werkzeug.wrappers import Response

from mockserver.protocol import pages
from mockserver.protocol import render
from mockserver.protocol.context import SESSION_COOKIE
from mockserver.protocol.context import RequestContext
from mockserver.protocol.designer import designer_credentials
from mockserver.protocol.errors import RFC_3_1_2
from mockserver.protocol.errors import RFC_3_1_2_3
from mockserver.protocol.errors import AccessDeniedError
from mockserver.protocol.errors import InvalidClientError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidScopeError
from mockserver.protocol.errors import InvalidUriError
from mockserver.protocol.errors import RedirectUriMismatchError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.grants import GrantContext
from mockserver.protocol.token import check_scope
from mockserver.protocol.token import issue_tokens
from mockserver.state.header_values import header_value_problem
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow
from mockserver.state.store import hash_password

INSTALLED_LANGUAGES = ("en",)
DEFAULT_SKIN = "neoclassic"


def _origin(ctx: RequestContext) -> str:
    """``{scheme}://{SERVER_NAME}[:{port}]``, the port written whenever it is not 80 (§8.1)."""
    req = ctx.request
    host = req.host.split(":")[0] if not req.host.startswith("[") else req.host.split("]")[0] + "]"
    port = req.environ["SERVER_PORT"]  # a WSGI environ always has it (PEP 3333)
    if ":" in req.host and not req.host.endswith("]"):
        port = req.host.rsplit(":", 1)[1]
    suffix = "" if str(port) == "80" else f":{port}"
    return f"{req.scheme}://{host}{suffix}"


def language(ctx: RequestContext) -> str:
    """``Accept-Language`` only if it is exactly an installed locale, else ``en`` (§8.1)."""
    asked = ctx.request.headers.get("Accept-Language", "")
    return asked if asked in INSTALLED_LANGUAGES else "en"


def login_redirect(ctx: RequestContext) -> Response:
    """302 to ``/sys{ws}/{lang}/{skin}/login/login?u=...`` (absolute or relative ``u`` per profile)."""
    query = ctx.request.query_string.decode("latin-1")
    target = f"/{ctx.workspace}/oauth2/authorize" + (f"?{query}" if query else "")
    origin = _origin(ctx)
    u = origin + target if ctx.profile.login_redirect == "absolute" else target
    location = f"{origin}/sys{ctx.workspace}/{language(ctx)}/{DEFAULT_SKIN}/login/login?u={render.php_urlencode(u)}"
    return Response(status=302, headers=[("Location", location)])


def authorize_get(ctx: RequestContext) -> Response:
    """GET authorize: login redirect, PM's own parameter checks, then the consent page."""
    user = ctx.session_user()
    if user is None:
        return login_redirect(ctx)
    args = ctx.request.args
    # Server::authorize tests that the keys exist (array_key_exists), not their values: an empty
    # client_id is an unknown client, an empty response_type reaches the consent page, where
    # bshaffer's validateAuthorizeRequest refuses it on the POST (3.4.11 Server.php l.197-211).
    client_id = args.get("client_id")
    if client_id is None:
        return render.restler_error(RestlerError(400, RestlerError.MISSING_CLIENT_ID), ctx.profile)
    if "response_type" not in args:
        return render.restler_error(
            RestlerError(400, RestlerError.MISSING_RESPONSE_TYPE), ctx.profile
        )
    client = ctx.store.get_client(client_id)
    if client is None:
        return render.restler_error(
            RestlerError(400, RestlerError.unknown_client(client_id)), ctx.profile
        )
    # Reached only with client_id and response_type in the query, so the query is never empty.
    action = f"/{ctx.workspace}/oauth2/authorize?{ctx.request.query_string.decode('latin-1')}"
    full_name = f"{user.firstname} {user.lastname}".strip() or user.username
    body = pages.consent_page(user_full_name=full_name, client_name=client.name, action=action)
    return render.html(body, headers=[("Cache-Control", "no-store")])


def _param(ctx: RequestContext, name: str) -> str | None:
    value = ctx.request.args.get(name)
    if value is None:
        value = ctx.request.form.get(name)
    return value


def authorize_post(ctx: RequestContext) -> Response:
    """POST authorize (the consent form): validate, then deny, or issue a code or an implicit token."""
    user = ctx.session_user()
    if user is None:
        return render.restler_error(RestlerError(400, RestlerError.NO_SESSION), ctx.profile)
    # PM: authorized = !array_key_exists('cancel', $_REQUEST), so ?cancel in the query denies too.
    authorized = "cancel" not in ctx.request.args and "cancel" not in ctx.request.form
    client_id = _param(ctx, "client_id")
    if not client_id:
        return render.oauth_json_error(InvalidClientError(InvalidClientError.NO_CLIENT_ID))
    client = ctx.store.get_client(client_id)
    if client is None:
        return render.oauth_json_error(InvalidClientError(InvalidClientError.BAD_CLIENT_ID))
    supplied = _param(ctx, "redirect_uri") or None
    registered = [u for u in client.redirect_uri.split(" ") if u]
    if supplied is not None:
        if "#" in supplied:
            return render.oauth_json_error(InvalidUriError(InvalidUriError.FRAGMENT))
        if registered and supplied not in registered:
            return render.oauth_json_error(
                RedirectUriMismatchError(
                    RedirectUriMismatchError.AUTHORIZE_MISMATCH, error_uri=RFC_3_1_2
                )
            )
        redirect_uri = supplied
    elif len(registered) > 1:
        return render.oauth_json_error(
            InvalidUriError(InvalidUriError.MULTIPLE, error_uri=RFC_3_1_2_3)
        )
    elif registered:
        redirect_uri = registered[0]
    else:
        return render.oauth_json_error(InvalidUriError(ctx.profile.no_redirect_uri_description))
    # After bshaffer's own checks (a clean registered URI never equals a supplied one that fails
    # this, so those answers stay PM's): a supplied URI when none is registered, or a registered
    # one stored before the rule, that cannot go into Location as written.
    if header_value_problem(redirect_uri, ascii_only=True) is not None:
        return render.oauth_json_error(InvalidUriError(InvalidUriError.NOT_A_HEADER_VALUE))
    state = _param(ctx, "state")
    response_type = _param(ctx, "response_type")
    if response_type not in ("code", "token"):
        return render.oauth_redirect_error(
            redirect_uri, InvalidRequestError(InvalidRequestError.BAD_RESPONSE_TYPE), state
        )
    scope = _param(ctx, "scope") or None
    try:
        check_scope(scope, None, ctx.profile.supported_scopes)
    except InvalidScopeError as err:
        return render.oauth_redirect_error(redirect_uri, err, state)
    if not authorized:
        return render.oauth_redirect_error(
            redirect_uri, AccessDeniedError(AccessDeniedError.USER_DENIED), state
        )
    if response_type == "code":
        return _issue_code(ctx, client_id, user, supplied, redirect_uri, scope, state)
    return _issue_implicit(ctx, client_id, user, redirect_uri, scope, state)


def _issue_code(
    ctx: RequestContext,
    client_id: str,
    user: UserRow,
    supplied: str | None,
    redirect_uri: str,
    scope: str | None,
    state: str | None,
) -> Response:
    code = ctx.state.new_token()
    clock = ctx.state.clock
    # Only a supplied redirect_uri is stored with the code (§8.4), hence §2.5's check only then.
    ctx.store.insert_code(
        TokenRow(
            code,
            client_id,
            user.uid,
            clock.stamp(ctx.profile.auth_code_lifetime),
            scope,
            redirect_uri=supplied,
        )
    )
    params = [("code", code)]
    if state is not None:
        params.append(("state", state))
    return render.oauth_redirect(redirect_uri, params, body="[]")


def _issue_implicit(
    ctx: RequestContext,
    client_id: str,
    user: UserRow,
    redirect_uri: str,
    scope: str | None,
    state: str | None,
) -> Response:
    issued = issue_tokens(
        GrantContext(ctx.store, ctx.profile, ctx.state.clock, ctx.state.new_token),
        client_id,
        user.uid,
        scope,
        refresh=False,
    )
    token, profile = issued.access_token, ctx.profile
    params = [
        ("access_token", token),
        ("expires_in", str(profile.access_lifetime)),
        ("token_type", "bearer"),
    ]
    if scope is not None:
        params.append(("scope", scope))
    if state is not None:
        params.append(("state", state))
    return render.oauth_redirect(redirect_uri, params, fragment=True)


# --- the classic-UI login page -------------------------------------------------------------------
def _login_base(ctx: RequestContext, lang: str, skin: str) -> str:
    return f"/sys{ctx.workspace}/{lang}/{skin}/login"


def login_form(ctx: RequestContext, lang: str, skin: str, error: str = "") -> Response:
    """``login/login.php``: it shows (and so consumes) the session's temporary message, then
    ends the session (``session_destroy``: whoever was logged in under it is logged out) and
    starts a new one with a new id (``session_regenerate_id``, l.153-156 at 3.4.11)."""
    return_to = ctx.request.args.get("u", "")
    sid = ctx.request.cookies.get(SESSION_COOKIE)
    pending = ctx.store.pop_session_message(sid) if sid else None
    body = pages.login_page(
        workspace=ctx.workspace,
        action=f"{_login_base(ctx, lang, skin)}/authentication.php",
        return_to=return_to,
        error=error,
        message=pending[0] if pending else "",
    )
    response = render.html(body, status=200 if not error else 401)
    if sid:
        ctx.store.delete_session(sid)
    ctx.new_session_id(response)
    return response


LOGIN_REFUSALS = {
    "unknown": "Wrong login credentials",
    "password": "Wrong login credentials",
    "inactive": "User inactive!",
    "expired": "User's account has expired",
}
"""``authentication.php``'s label per ``RBAC::VerifyLogin`` answer (-1, -2: WRONG_LOGIN_CREDENTIALS;
-3: ID_USER_INACTIVE; -4: ID_USER_INACTIVE_BY_DATE), English (insert.sql l.61656, 61360-61361)."""


def login_refusal(ctx: RequestContext, username: str, password: str) -> str | None:
    """Why ``RBAC::VerifyLogin`` refuses these credentials (a :data:`LOGIN_REFUSALS` key), or
    ``None`` when it accepts them."""
    user = ctx.store.find_user(username) if username else None
    if user is None:
        return "unknown"
    if not password or not hmac.compare_digest(user.password_hash, hash_password(password)):
        return "password"
    if ctx.profile.verify_user_status:
        if user.status != 1:
            return "inactive"
        if user.due_date and user.due_date < ctx.state.clock.stamp()[:10]:
            return "expired"
    return None


def verify_login(ctx: RequestContext, username: str, password: str) -> UserRow | None:
    """``RBAC::VerifyLogin``: case-insensitive username, md5 password, active and not past due."""
    if not username or not password:
        return None
    user = ctx.store.find_user(username)
    if user is None or not hmac.compare_digest(user.password_hash, hash_password(password)):
        return None
    today = ctx.state.clock.stamp()[:10]
    if ctx.profile.verify_user_status and (
        user.status != 1 or (user.due_date and user.due_date < today)
    ):
        return None
    return user


def safe_return_target(ctx: RequestContext, target: str, fallback: str) -> str:
    """Follow ``target`` only to this server (a path or our own origin): no open redirect.

    The target is first read as a browser reads a URL (WHATWG URL parsing): leading and trailing
    control characters and spaces dropped, tab, CR and LF removed anywhere, ``\\`` taken as ``/``.
    Otherwise ``/\t/evil.example`` passes a naive "starts with one slash" test and a browser
    follows it to ``//evil.example``. The normalised form is what is sent."""
    target = browser_normalised(target)
    if target.startswith("/") and not target.startswith("//"):
        return target
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.netloc == urlsplit(_origin(ctx)).netloc:
        return target
    return fallback


_URL_STRIP = "".join(chr(c) for c in range(0x21))
_URL_DROP = str.maketrans({"\t": None, "\r": None, "\n": None, "\\": "/"})


def browser_normalised(target: str) -> str:
    """``target`` as a browser's URL parser sees it, for the same-origin test."""
    return target.strip(_URL_STRIP).translate(_URL_DROP)


def login_submit(ctx: RequestContext, lang: str, skin: str) -> Response:
    """``login/authentication.php``. Refused: the temporary message for the reason (a warning)
    and a 302 to ``login`` with ``u`` = the form's URL (l.96-152 at 3.4.11); the login page
    then shows the message. Accepted: a new session and a 302 to the return target."""
    form = ctx.request.form
    username = form.get("form[USR_USERNAME]", "")
    password = form.get("form[USR_PASSWORD]", "")
    return_to = form.get("form[URL]", "")
    refusal = login_refusal(ctx, username.strip(), password.strip())
    if refusal is not None:
        location = "login"  # a relative Location, as G::header sends it (skins not 'ux*')
        if "form[URL]" in form:
            location += "?u=" + render.php_urlencode(html_unescape(return_to))
        response = Response("", status=302, headers=[("Location", location)])
        sid = ctx.request.cookies.get(SESSION_COOKIE) or ctx.new_session_id(response)
        ctx.store.set_session_message(sid, LOGIN_REFUSALS[refusal], "warning")
        return response
    user = verify_login(ctx, username, password)
    assert user is not None
    home = f"/sys{ctx.workspace}/{lang}/{skin}/oauth2/applications"
    response = Response(
        "", status=302, headers=[("Location", safe_return_target(ctx, return_to, home))]
    )
    sid = ctx.start_session(response, user)
    designer_credentials(ctx, user, sid)
    return response


def logout(ctx: RequestContext, lang: str, skin: str) -> Response:
    sid = ctx.request.cookies.get("PHPSESSID")
    if sid:
        ctx.store.delete_session(sid)
    response = Response(
        "", status=302, headers=[("Location", f"{_login_base(ctx, lang, skin)}/login")]
    )
    response.delete_cookie("PHPSESSID", path="/")
    return response
