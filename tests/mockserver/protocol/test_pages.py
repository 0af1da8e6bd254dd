"""The HTML pages, compared whole: a browser, a scraper or a snapshot sees every character."""

from __future__ import annotations

import pytest

from mockserver.protocol import pages
from mockserver.state.store import ClientRow


def _title_and_body(html: str) -> tuple[str, str]:
    _, _, after_title = html.partition("<title>")
    title, _, _ = after_title.partition("</title>")
    _, _, after_main = html.partition("<body><main>\n")
    body, _, _ = after_main.partition("\n</main></body>")
    return title, body


EMPTY_FORM = """<h1>New application</h1>
<form method="post" action="/sysworkflow/en/neoclassic/oauth2/applications" id="new-application">
<label for="name">Name</label>
<input type="text" id="name" name="name" value="">
<label for="description">Description</label>
<textarea id="description" name="description"></textarea>
<label for="webSite">Web Site</label>
<input type="text" id="webSite" name="webSite" value="">
<label for="redirectUri">Callback URL</label>
<input type="text" id="redirectUri" name="redirectUri" value="">
<div class="buttons"><button type="submit">Save Changes</button></div>
</form>"""

HEADINGS = "<tr><th>Name</th><th>Client ID</th><th>Web Site</th><th>Callback URL</th></tr>"
ACTION = "/sysworkflow/en/neoclassic/oauth2/applications"


@pytest.mark.parametrize("values", [None, {}])
def test_the_empty_applications_page_character_for_character(
    values: dict[str, str] | None,
) -> None:
    html = pages.applications_page(action=ACTION, clients=[], values=values)
    assert _title_and_body(html) == (
        "Applications",
        f'<h1>Applications</h1>\n<table id="applications">{HEADINGS}</table>\n{EMPTY_FORM}',
    )


def test_the_applications_page_with_credentials_errors_rows_and_typed_values() -> None:
    first = ClientRow(
        "A" * 32, "s1", "One", "d", "https://one.example", "https://one.example/cb", ""
    )
    second = ClientRow("B" * 32, "s2", "<Two>", "", "https://two.example", "", "")
    html = pages.applications_page(
        action=ACTION,
        clients=[first, second],
        created=second,
        errors=["Name is required.", 'Web Site must be a URL including the protocol "http://".'],
        values={"name": "a&b", "description": "</textarea>", "webSite": "w", "redirectUri": '"'},
    )
    rows = (
        f"<tr><td>One</td><td>{'A' * 32}</td><td>https://one.example</td>"
        "<td>https://one.example/cb</td></tr>"
        f"<tr><td>&lt;Two&gt;</td><td>{'B' * 32}</td><td>https://two.example</td><td></td></tr>"
    )
    form = (
        EMPTY_FORM.replace('name="name" value=""', 'name="name" value="a&amp;b"')
        .replace("></textarea>", ">&lt;/textarea&gt;</textarea>")
        .replace('name="webSite" value=""', 'name="webSite" value="w"')
        .replace('name="redirectUri" value=""', 'name="redirectUri" value="&quot;"')
    )
    assert _title_and_body(html) == (
        "Applications",
        "<h1>Applications</h1>\n"
        '<section id="credentials"><p>The application was registered. Its credentials:</p>\n'
        f'<p>Client ID: <code id="client-id">{"B" * 32}</code></p>\n'
        '<p>Client secret: <code id="client-secret">s2</code></p></section>\n'
        '<p class="error" role="alert">Name is required.</p>\n'
        '<p class="error" role="alert">Web Site must be a URL including the protocol '
        "&quot;http://&quot;.</p>\n"
        f'<table id="applications">{HEADINGS}{rows}</table>\n{form}',
    )


def test_the_grant_page_is_titled_by_its_path_and_prints_one_pre_per_block() -> None:
    # methods/oauth2/grant.php: one G::pr per value it prints
    html = pages.grant_page(["Array\n(\n)", "<b>"])
    assert _title_and_body(html) == (
        "oauth2/grant",
        "<pre>Array\n(\n)</pre>\n<pre>&lt;b&gt;</pre>",
    )


LOGIN_FORM = """<form method="post" action="/sysworkflow/en/neoclassic/login/authentication.php" id="login-form">
<input type="hidden" name="form[URL]" value="/back?a=1&amp;b=2">
<label for="user">User</label>
<input type="text" id="user" name="form[USR_USERNAME]" autocomplete="username" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="form[USR_PASSWORD]" autocomplete="current-password">
<div class="buttons"><button type="submit" name="form[BSUBMIT]">Login</button></div>
</form>"""


@pytest.mark.parametrize(
    ("texts", "alerts"),
    [
        ({}, ""),
        ({"error": "", "message": ""}, ""),
        ({"error": "Wrong <password>"}, '<p class="error" role="alert">Wrong &lt;password&gt;</p>'),
        (
            {"message": "No rights."},
            '<p class="error" role="alert" id="temporal-message">No rights.</p>',
        ),
        (
            {"error": "E", "message": "M"},
            '<p class="error" role="alert">E</p>'
            '<p class="error" role="alert" id="temporal-message">M</p>',
        ),
    ],
)
def test_the_login_page_shows_only_the_alerts_it_is_given(
    texts: dict[str, str], alerts: str
) -> None:
    html = pages.login_page(
        workspace="workflow",
        action="/sysworkflow/en/neoclassic/login/authentication.php",
        return_to="/back?a=1&b=2",
        **texts,
    )
    assert _title_and_body(html) == (
        "Login",
        f"<h1>ProcessMaker &mdash; workspace workflow</h1>\n{alerts}\n{LOGIN_FORM}",
    )
