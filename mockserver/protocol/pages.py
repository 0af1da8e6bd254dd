"""The HTML pages a person sees: login, consent, application registration.

Every interpolated value goes through :func:`html.escape`; the pages carry no script. Field names
follow ProcessMaker's own forms (``form[USR_USERNAME]`` on the login page; ``name``,
``description``, ``webSite``, ``redirectUri`` on the registration page, source fact §12).
"""

from __future__ import annotations

from html import escape
from string import Template

from mockserver.state.store import ClientRow

_LAYOUT = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; background: #eef1f5; margin: 0; }
main { max-width: 34rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem;
       border: 1px solid #c9d1dc; border-radius: 4px; }
h1 { font-size: 1.3rem; color: #1f4e79; }
label { display: block; margin-top: .8rem; font-weight: bold; }
input[type=text], input[type=password], input[type=url], textarea { width: 100%; padding: .4rem;
       box-sizing: border-box; }
.buttons { margin-top: 1.2rem; }
button { padding: .5rem 1.2rem; margin-right: .6rem; }
.error { color: #b00020; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
td, th { border: 1px solid #c9d1dc; padding: .3rem .5rem; text-align: left; font-size: .9rem; }
code { font-size: 1rem; }
</style>
</head>
<body><main>
$body
</main></body>
</html>
"""
)


def page(title: str, body: str) -> str:
    return _LAYOUT.substitute(title=escape(title), body=body)


def login_page(
    *, workspace: str, action: str, return_to: str, error: str = "", message: str = ""
) -> str:
    """The login form; ``error`` is a failed attempt, ``message`` the session's temporary message
    (``G::SendTemporalMessage``) a page left for it, e.g. "User does not have rights on this
    page." after the applications page refused the user."""
    err = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    if message:
        err += f'<p class="error" role="alert" id="temporal-message">{escape(message)}</p>'

    body = f"""<h1>ProcessMaker &mdash; workspace {escape(workspace)}</h1>
{err}
<form method="post" action="{escape(action)}" id="login-form">
<input type="hidden" name="form[URL]" value="{escape(return_to)}">
<label for="user">User</label>
<input type="text" id="user" name="form[USR_USERNAME]" autocomplete="username" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="form[USR_PASSWORD]" autocomplete="current-password">
<div class="buttons"><button type="submit" name="form[BSUBMIT]">Login</button></div>
</form>"""
    return page("Login", body)


def consent_page(*, user_full_name: str, client_name: str, action: str) -> str:
    """PM's ``templates/oauth2/authorize.html``: Accept has no name, Deny is ``cancel``."""
    body = f"""<h1>Authorize application</h1>
<p>{escape(user_full_name)}, The application <strong id="client-name">{escape(client_name)}</strong>
is requesting access to your account.</p>
<p>Do you approve?</p>
<form method="post" action="{escape(action)}" id="consent-form">
<input type="hidden" name="transaction_id" value="">
<div class="buttons">
<button type="submit" id="accept">Accept</button>
<button type="submit" id="deny" name="cancel" value="Deny">Deny</button>
</div>
</form>"""
    return page("Authorize application", body)


def applications_page(
    *,
    action: str,
    clients: list[ClientRow],
    created: ClientRow | None = None,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> str:
    vals = values or {}
    parts = ["<h1>Applications</h1>"]
    if created is not None:
        parts.append(
            f"""<section id="credentials"><p>The application was registered. Its credentials:</p>
<p>Client ID: <code id="client-id">{escape(created.client_id)}</code></p>
<p>Client secret: <code id="client-secret">{escape(created.client_secret)}</code></p></section>"""
        )
    for message in errors or []:
        parts.append(f'<p class="error" role="alert">{escape(message)}</p>')
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{escape(c.client_id)}</td>"
        f"<td>{escape(c.website)}</td><td>{escape(c.redirect_uri)}</td></tr>"
        for c in clients
    )
    parts.append(
        '<table id="applications"><tr><th>Name</th><th>Client ID</th><th>Web Site</th>'
        f"<th>Callback URL</th></tr>{rows}</table>"
    )
    parts.append(
        f"""<h1>New application</h1>
<form method="post" action="{escape(action)}" id="new-application">
<label for="name">Name</label>
<input type="text" id="name" name="name" value="{escape(vals.get("name", ""))}">
<label for="description">Description</label>
<textarea id="description" name="description">{escape(vals.get("description", ""))}</textarea>
<label for="webSite">Web Site</label>
<input type="text" id="webSite" name="webSite" value="{escape(vals.get("webSite", ""))}">
<label for="redirectUri">Callback URL</label>
<input type="text" id="redirectUri" name="redirectUri" value="{escape(vals.get("redirectUri", ""))}">
<div class="buttons"><button type="submit">Save Changes</button></div>
</form>"""
    )
    return page("Applications", "\n".join(parts))


def grant_page(blocks: list[str]) -> str:
    """``methods/oauth2/grant.php``: what it prints, one ``<pre>`` per ``G::pr`` (escaped here)."""
    return page("oauth2/grant", "\n".join(f"<pre>{escape(b)}</pre>" for b in blocks))


OAUTH2_INDEX_TITLE = "ProcessMaker Oauth2 Server"


def oauth2_index_page(*, host: str, workspace: str) -> str:
    """``GET /{ws}/oauth2`` (and ``/api/1.0/{ws}/``): ``OAuth2\\Server::index`` (3.4.11
    ``Services/OAuth2/Server.php`` l.145-158) renders ``templates/oauth2/index.html`` with the
    server's ``host`` and the workspace: an overview of the authorization-code flow with the URLs
    to call. This page is the mock's own wording of that overview, under the same title."""
    base = f"{host}/{workspace}/oauth2"
    rows = [
        ("Register the application", f"GET {base}/apps"),
        (
            "Ask the user to authorize it",
            f"GET {base}/authorize?response_type=code&client_id=[the-client-id]&scope=*",
        ),
        ("Exchange the code for a token", f"POST {base}/token"),
    ]
    items = "".join(
        f"<tr><td>{escape(step)}</td><td><code>{escape(url)}</code></td></tr>" for step, url in rows
    )
    body = (
        "<h1>ProcessMaker Authorization Server (OAuth v2)</h1>"
        "<p>Authorization code grant (RFC 6749 section 4.1):</p>"
        f'<table id="oauth2-steps">{items}</table>'
    )
    return page(OAUTH2_INDEX_TITLE, body)
