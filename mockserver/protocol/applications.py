"""Registering an external application: the page at ``/sys{ws}/{lang}/{skin}/oauth2/applications``.

Source: doc 'Registering an External Application to Use REST'; source fact §12
(``methods/oauth2/applications.php``, ``clientSetupAjax.php``, ``OauthClients::create``).
"""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from mockserver.protocol import pages
from mockserver.protocol import render
from mockserver.protocol.context import SESSION_COOKIE
from mockserver.protocol.context import RequestContext
from mockserver.protocol.render import Reply
from mockserver.state.formats import new_client_id
from mockserver.state.formats import new_unique_id
from mockserver.state.header_values import header_value_problem
from mockserver.state.seed import APPLICATIONS_PERMISSION
from mockserver.state.store import ClientRow
from mockserver.state.store import UserRow

USER_HAVENT_RIGHTS_PAGE = "User does not have rights on this page."
"""English ``ID_USER_HAVENT_RIGHTS_PAGE`` (RC ``workflow/engine/content/translations/english/
processmaker.en.po``; the same text in ``workflow/engine/data/mysql/insert.sql``)."""

# clientSetup.js l.329-331: only the Web Site is validated; the callback URL is free text.
WEBSITE_RE = re.compile(r"^https?://[^/\s]+(/.*)?$|^\d{1,3}(\.\d{1,3}){3}$")
MAX_LENGTHS = {"name": 256, "description": 1024, "webSite": 1024, "redirectUri": 2000}


def classic_login_redirect(ctx: RequestContext, lang: str, skin: str) -> Reply:
    """A classic page without a session: 302 to the login page, ``u`` = this request's URI
    (``sysGeneric.php``)."""
    here = ctx.request.full_path.rstrip("?")
    location = f"/sys{ctx.workspace}/{lang}/{skin}/login/login?u={render.php_urlencode(here)}"
    return Response(status=302, headers=[("Location", location)])


def _allowed(ctx: RequestContext, user: UserRow) -> bool:
    if not ctx.profile.applications_require_permission:
        return True
    return ctx.user_can(user, APPLICATIONS_PERMISSION)


def validate_application(values: dict[str, str]) -> list[str]:
    """The registration form's rules: a name, a Web Site URL, and column lengths."""
    problems: list[str] = []
    if not values.get("name", "").strip():
        problems.append("Name is required.")
    if not WEBSITE_RE.match(values.get("webSite", "")):
        problems.append('Web Site must be a URL including the protocol "http://".')
    for key, limit in MAX_LENGTHS.items():
        if len(values.get(key, "")) > limit:
            problems.append(f"{key} is longer than {limit} characters.")
    problems.extend(callback_problems(values.get("redirectUri", "").strip()))  # as stored
    return problems


def callback_problems(redirect_uri: str) -> list[str]:
    """The mock's own rule (PM stores any text): a callback authorize can put into ``Location``.

    PHP would send the URI as written, and its ``header()`` drops a value with CR or LF; the mock
    refuses such a callback when it is registered instead (``state/header_values.py``)."""
    problem = header_value_problem(redirect_uri, ascii_only=True)
    if problem is None:
        return []
    return [f"Callback URL must be printable ASCII (percent-encode the rest): {problem}."]


def create_client(ctx: RequestContext, values: dict[str, str], owner: str) -> ClientRow:
    client = ClientRow(
        client_id=new_client_id(),
        client_secret=new_unique_id(ctx.state.clock.now()),
        name=values.get("name", "").strip(),
        description=values.get("description", ""),
        website=values.get("webSite", ""),
        redirect_uri=values.get("redirectUri", "").strip(),
        owner=owner,
    )
    ctx.store.add_client(client)
    return client


def applications(ctx: RequestContext, lang: str, skin: str) -> Reply:
    user = ctx.session_user()
    if user is None:
        return classic_login_redirect(ctx, lang, skin)
    if not _allowed(ctx, user):
        # applications.php: G::SendTemporalMessage('ID_USER_HAVENT_RIGHTS_PAGE', 'error',
        # 'labels'); G::header('location: ../login/login'); die() -- PHP's header() answers 302
        # with the Location as written; the login page shows the message.
        sid = ctx.request.cookies[SESSION_COOKIE]  # session_user found a user by this cookie
        ctx.store.set_session_message(sid, USER_HAVENT_RIGHTS_PAGE, "error")
        return Response(status=302, headers=[("Location", "../login/login")])
    action = f"/sys{ctx.workspace}/{lang}/{skin}/oauth2/applications"
    if ctx.request.method == "POST":
        form = ctx.request.form
        values = {k: form.get(k, "") for k in ("name", "description", "webSite", "redirectUri")}
        problems = validate_application(values)
        if problems:
            body = pages.applications_page(
                action=action,
                clients=ctx.store.list_clients(user.uid),
                errors=problems,
                values=values,
            )
            return render.html(body, status=400)
        created = create_client(ctx, values, user.uid)
        body = pages.applications_page(
            action=action, clients=ctx.store.list_clients(user.uid), created=created
        )
        return render.html(body, status=201)
    body = pages.applications_page(action=action, clients=ctx.store.list_clients(user.uid))
    return render.html(body)


def client_setup_ajax(ctx: RequestContext) -> Reply:
    """``clientSetupAjax`` (option INS/UPD/DEL/LST): session required, no permission check (§12)."""
    user = ctx.session_user()
    if user is None:
        return render.rest_json({"status": "ERROR", "message": "session expired"}, ctx.profile, 401)
    form = ctx.request.form
    option = form.get("option")  # compared with the four options only: absent is unknown
    values = {k: form.get(k, "") for k in ("name", "description", "webSite", "redirectUri")}
    if option == "LST":
        rows = [
            {
                "CLIENT_ID": c.client_id,
                "CLIENT_NAME": c.name,
                "CLIENT_DESCRIPTION": c.description,
                "CLIENT_WEBSITE": c.website,
                "REDIRECT_URI": c.redirect_uri,
            }
            for c in ctx.store.list_clients(user.uid)
        ]
        return render.rest_json(
            {"status": "OK", "success": True, "resultRoot": rows, "resultTotal": len(rows)},
            ctx.profile,
        )
    if option == "INS":
        problems = validate_application(values)
        if problems:
            return render.rest_json(
                {"status": "ERROR", "message": " ".join(problems)}, ctx.profile, 400
            )
        client = create_client(ctx, values, user.uid)
        return render.rest_json(
            {
                "status": "OK",
                "data": {"CLIENT_ID": client.client_id, "CLIENT_SECRET": client.client_secret},
            },
            ctx.profile,
        )
    target = form.get("oauthClientId")
    existing = ctx.store.get_client(target) if target else None
    if option in ("UPD", "DEL") and existing is None:
        return render.rest_json({"status": "ERROR", "message": "unknown client"}, ctx.profile, 400)
    if option == "DEL" and existing is not None:
        ctx.store.delete_client(existing.client_id)
        return render.rest_json({"status": "OK"}, ctx.profile)
    if option == "UPD" and existing is not None:
        problems = callback_problems(values["redirectUri"])  # stored as sent
        if problems:
            return render.rest_json(
                {"status": "ERROR", "message": " ".join(problems)}, ctx.profile, 400
            )
        # UPD rewrites USR_UID to the editor (§12).
        ctx.store.add_client(
            ClientRow(
                existing.client_id,
                existing.client_secret,
                values["name"] or existing.name,
                values["description"],
                values["webSite"] or existing.website,
                values["redirectUri"],
                user.uid,
            )
        )
        return render.rest_json({"status": "OK"}, ctx.profile)
    return render.rest_json({"status": "ERROR", "message": "unknown option"}, ctx.profile, 400)
