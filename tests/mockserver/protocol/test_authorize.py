"""The authorization-code and implicit flows over real HTTP, driven through the HTML forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "inputs": {}, "buttons": []})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")  # type: ignore[index]
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append(a.get("name", ""))  # type: ignore[union-attr]


def forms(html: str) -> list[dict[str, object]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def browse_to_consent(pm: MockServer, s: requests.Session, **params: str) -> requests.Response:
    """authorize → 302 login → fill the login form → 302 back → the consent page."""
    query = {"response_type": "code", "client_id": DOC_CLIENT_ID, "scope": "*", **params}
    first = s.get(pm.authorize_url(**query), allow_redirects=False, timeout=10)
    assert first.status_code == 302
    login_page = s.get(first.headers["Location"], timeout=10)
    form = forms(login_page.text)[0]
    values = dict(form["inputs"])  # type: ignore[call-overload]
    values["form[USR_USERNAME]"], values["form[USR_PASSWORD]"] = "JohnDoe", "p4ssw0rd"
    back = s.post(pm.url + str(form["action"]), data=values, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and "PHPSESSID" in s.cookies
    target = back.headers["Location"]
    return s.get(
        target if target.startswith("http") else pm.url + target, allow_redirects=False, timeout=10
    )


def press(
    pm: MockServer, s: requests.Session, consent: requests.Response, *, deny: bool = False
) -> requests.Response:
    form = forms(consent.text)[0]
    data = dict(form["inputs"])  # type: ignore[call-overload]
    if deny:
        data["cancel"] = "Deny"
    return s.post(pm.url + str(form["action"]), data=data, allow_redirects=False, timeout=10)


@pytest.mark.parametrize(("profile_name", "absolute"), [("documented", True), ("pm-3.4.10", False)])
def test_login_redirect_u_is_absolute_or_relative(live: MockServer, absolute: bool) -> None:
    r = requests.get(
        live.authorize_url(response_type="code", client_id=DOC_CLIENT_ID, scope="*"),
        allow_redirects=False,
        timeout=10,
    )
    location = urlsplit(r.headers["Location"])
    assert location.path == "/sysworkflow/en/neoclassic/login/login"
    assert f":{live.port}" in r.headers["Location"]  # the port is written when it is not 80
    u = dict(parse_qsl(location.query))["u"]
    assert u.startswith("http://") is absolute
    assert u.endswith(
        "/workflow/oauth2/authorize?response_type=code&client_id=" + DOC_CLIENT_ID + "&scope=%2A"
    )


def test_code_flow_end_to_end(live: MockServer) -> None:
    s = requests.Session()
    consent = browse_to_consent(live, s, state="abc")
    assert consent.status_code == 200
    assert "Example REST application" in consent.text and "John Doe" in consent.text
    answer = press(live, s, consent)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert re.fullmatch(r"http://localhost/callback\?code=[0-9a-f]{40}&state=abc", location)
    code = dict(parse_qsl(urlsplit(location).query))["code"]
    tokens = requests.post(
        live.token_url(),
        data={"grant_type": "authorization_code", "code": code},
        auth=(DOC_CLIENT_ID, DOC_CLIENT_SECRET),
        timeout=10,
    ).json()
    assert set(tokens) == {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    reuse = requests.post(
        live.token_url(),
        data={"grant_type": "authorization_code", "code": code},
        auth=(DOC_CLIENT_ID, DOC_CLIENT_SECRET),
        timeout=10,
    ).json()
    assert (
        reuse["error_description"]
        == "Authorization code doesn't exist or is invalid for the client"
    )


def test_deny(live: MockServer) -> None:
    s = requests.Session()
    answer = press(live, s, browse_to_consent(live, s, state="s"), deny=True)
    assert answer.headers["Location"] == (
        "http://localhost/callback?error=access_denied"
        "&error_description=The+user+denied+access+to+your+application&state=s"
    )


def test_implicit_flow(live: MockServer) -> None:
    s = requests.Session()
    answer = press(live, s, browse_to_consent(live, s, response_type="token"))
    location = answer.headers["Location"]
    assert re.fullmatch(
        r"http://localhost/callback#access_token=[0-9a-f]{40}&expires_in=86400&token_type=bearer&scope=%2A",
        location,
    )
    token = dict(parse_qsl(urlsplit(location).fragment))["access_token"]
    assert (
        requests.get(
            live.api_url(), headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code
        == 200
    )


def test_session_expires_after_inactivity(live: MockServer) -> None:
    s = requests.Session()
    assert browse_to_consent(live, s).status_code == 200
    live.clock.advance(live.profile.login_session_lifetime + 1)
    again = s.get(
        live.authorize_url(response_type="code", client_id=DOC_CLIENT_ID),
        allow_redirects=False,
        timeout=10,
    )
    assert again.status_code == 302 and "/login/login" in again.headers["Location"]


def test_wrong_password_on_the_login_form(live: MockServer) -> None:
    s = requests.Session()
    page = s.post(
        f"{live.url}/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "johndoe", "form[USR_PASSWORD]": "nope", "form[URL]": "/"},
        allow_redirects=False,
        timeout=10,
    )
    # authentication.php: a temporary warning and a 302 to "login" with u = the form's URL
    assert page.status_code == 302 and page.headers["Location"] == "login?u=%2F"
    assert "PHPSESSID" in s.cookies  # session_start(): the message lives in the session
    shown = s.get(f"{live.url}/sysworkflow/en/neoclassic/login/login?u=%2F", timeout=10)
    assert "Wrong login credentials" in shown.text
    again = s.get(f"{live.url}/sysworkflow/en/neoclassic/login/login?u=%2F", timeout=10)
    assert "Wrong login credentials" not in again.text  # shown once


@pytest.mark.parametrize(("profile_name", "allowed"), [("pm-3.4.10", False), ("pm-3.0-rc", True)])
def test_applications_page_needs_the_permission_from_3_2(live: MockServer, allowed: bool) -> None:
    live.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")  # a role without it
    s = requests.Session()
    s.post(
        f"{live.url}/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "op", "form[USR_PASSWORD]": "op-pass", "form[URL]": "/"},
        allow_redirects=False,
        timeout=10,
    )
    page = s.get(live.applications_url(), allow_redirects=False, timeout=10)
    assert (page.status_code == 200) is allowed
    if not allowed:  # applications.php: temporary message, then PHP's 302 to ../login/login
        assert page.status_code == 302 and page.headers["Location"] == "../login/login"
    anonymous = requests.get(live.applications_url(), allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and "/login/login" in anonymous.headers["Location"]


def test_registration_validates_and_issues_pm_formats(live: MockServer) -> None:
    s = requests.Session()
    s.post(
        f"{live.url}/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin", "form[URL]": "/"},
        allow_redirects=False,
        timeout=10,
    )
    bad = s.post(live.applications_url(), data={"name": "", "webSite": "example"}, timeout=10)
    assert bad.status_code == 400 and "Name is required." in bad.text
    good = s.post(
        live.applications_url(),
        data={"name": "CI", "webSite": "http://ci.example", "redirectUri": ""},
        timeout=10,
    )
    client_id = re.search(r'id="client-id">([A-Z]{32})<', good.text)
    secret = re.search(r'id="client-secret">([1-9][0-9]{8}[0-9a-f]{13}[0-9]0[0-9]{8})<', good.text)
    assert client_id and secret
    token = requests.post(
        live.token_url(),
        data={
            "grant_type": "client_credentials",
            "client_id": client_id.group(1),
            "client_secret": secret.group(1),
        },
        timeout=10,
    ).json()
    assert "access_token" in token
    listing = s.post(
        f"{live.url}/sysworkflow/en/neoclassic/oauth2/clientSetupAjax",
        data={"option": "LST"},
        timeout=10,
    ).json()
    assert client_id.group(1) in {row["CLIENT_ID"] for row in listing["resultRoot"]}
    unknown = s.post(
        f"{live.url}/sysworkflow/en/neoclassic/oauth2/clientSetupAjax",
        data={"option": "DEL", "oauthClientId": "NOSUCHCLIENTNOSUCHCLIENTNOSUCHCL"},
        timeout=10,
    )
    assert unknown.status_code == 400
    assert unknown.json() == {"status": "ERROR", "message": "unknown client"}


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("http://localhost/", "http://localhost"),
        ("http://localhost:8080/", "http://localhost:8080"),
    ],
)
def test_the_login_redirect_writes_the_port_only_when_it_is_not_80(
    mock: MockServer, base_url: str, origin: str
) -> None:
    answer = Client(mock.app).get(
        "/workflow/oauth2/authorize?response_type=code", base_url=base_url
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        f"{origin}/sysworkflow/en/neoclassic/login/login?u="
        f"{origin.replace(':', '%3A').replace('/', '%2F')}"
        "%2Fworkflow%2Foauth2%2Fauthorize%3Fresponse_type%3Dcode"
    )


def test_logout_redirects_to_the_login_page_and_drops_the_session(client: Client) -> None:
    answer = client.get("/sysworkflow/en/neoclassic/login/logout")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/sysworkflow/en/neoclassic/login/login"
    assert any(c.startswith("PHPSESSID=;") for c in answer.headers.getlist("Set-Cookie"))
    # the session cookie was set on Path=/; a browser drops it only when the path is the same
    assert answer.headers.getlist("Set-Cookie") == [
        "PHPSESSID=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    ]
    # an empty body written at once: its length comes before the cookie on the wire
    assert answer.data == b""
    assert [name for name, _ in answer.headers.to_wsgi_list()] == [
        "Location",
        "Content-Type",
        "Content-Length",
        "Set-Cookie",
    ]


@pytest.mark.parametrize(
    ("profile_name", "status", "due_date", "signed_in"),
    [
        ("documented", 1, "2000-01-01", False),  # past its due date
        ("documented", 0, "2030-12-31", False),  # inactive
        ("documented", 1, "2030-12-31", True),
        ("pm-3.0-rc", 1, "2000-01-01", True),  # no user-status check before 3.0 GA
    ],
)
def test_the_login_form_refuses_inactive_and_past_due_users(
    live: MockServer, status: int, due_date: str, signed_in: bool
) -> None:
    from mockserver.state.seed import hash_password
    from mockserver.state.store import UserRow

    live.workspace().add_user(
        UserRow(
            "9" * 32,
            "expired",
            hash_password("pw123456"),
            "E",
            "X",
            "e@x",
            due_date,
            status,
            "",
            "PROCESSMAKER_OPERATOR",
        )
    )
    s = requests.Session()
    answer = s.post(
        f"{live.url}/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "expired", "form[USR_PASSWORD]": "pw123456", "form[URL]": "/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    if signed_in:
        assert answer.headers["Location"] == "/"
    else:  # ID_USER_INACTIVE or ID_USER_INACTIVE_BY_DATE, shown by the login page
        assert answer.headers["Location"] == "login?u=%2F"
        page = s.get(f"{live.url}/sysworkflow/en/neoclassic/login/login", timeout=10).text
        reason = "User inactive!" if status == 0 else "User&#x27;s account has expired"
        assert reason in page, page


def test_logout_ends_the_session_of_its_cookie(mock: MockServer) -> None:
    client = Client(mock.app)
    login = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "johndoe", "form[USR_PASSWORD]": "p4ssw0rd"},
    )
    assert login.status_code == 302
    cookie = client.get_cookie("PHPSESSID")
    assert cookie is not None
    client.get("/sysworkflow/en/neoclassic/login/logout")
    # werkzeug puts Location right on the wire, the journal records the name the mock wrote
    location = ("Location", "/sysworkflow/en/neoclassic/login/login")
    assert location in list(mock.journal)[-1].response_headers
    client.set_cookie("PHPSESSID", cookie.value)
    ajax = client.post("/sysworkflow/en/neoclassic/oauth2/clientSetupAjax", data={"option": "LST"})
    assert ajax.status_code == 401


def test_a_host_without_a_port_takes_server_port(mock: MockServer) -> None:
    answer = Client(mock.app).get(
        "/workflow/oauth2/authorize?response_type=code",
        environ_overrides={"HTTP_HOST": "pm.example", "SERVER_PORT": "8443"},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(
        "http://pm.example:8443/sysworkflow/en/neoclassic/login/login?u="
    )


LOGIN_FORM = "/sysworkflow/en/neoclassic/login/login"


def test_the_login_form_without_u_returns_to_nothing(mock: MockServer) -> None:
    page = Client(mock.app).get(LOGIN_FORM)
    assert page.status_code == 200
    assert forms(page.get_data(as_text=True))[0]["inputs"] == {
        "form[USR_USERNAME]": "",
        "form[USR_PASSWORD]": "",
        "form[URL]": "",
    }


def test_a_refused_login_answers_exactly_302_to_login(mock: MockServer) -> None:
    client = Client(mock.app)
    page = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "johndoe", "form[USR_PASSWORD]": "nope"},
    )
    assert page.status_code == 302 and page.headers["Location"] == "login"  # no form[URL]: no u


def test_opening_the_login_page_ends_the_session_and_starts_a_new_one(mock: MockServer) -> None:
    client = Client(mock.app)
    client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin", "form[URL]": "/"},
    )
    applications = "/sysworkflow/en/neoclassic/oauth2/applications"
    assert client.get(applications).status_code == 200
    old = client.get_cookie("PHPSESSID")
    assert old is not None
    page = client.get("/sysworkflow/en/neoclassic/login/login")
    assert page.status_code == 200
    new = client.get_cookie("PHPSESSID")
    assert new is not None and new.value != old.value  # session_regenerate_id
    assert client.get(applications).status_code == 302  # logged out


def test_a_classic_url_of_an_unknown_workspace_goes_to_the_global_login(mock: MockServer) -> None:
    answer = Client(mock.app).get("/sysnope/es/neoclassic/login/login")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/sys/es/neoclassic/main/sysLogin?errno=2"


def test_an_ipv6_host_keeps_its_brackets_and_port(mock: MockServer) -> None:
    answer = Client(mock.app).get(
        "/workflow/oauth2/authorize?response_type=code",
        environ_overrides={"HTTP_HOST": "[::1]:8080"},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(
        "http://[::1]:8080/sysworkflow/en/neoclassic/login/login?u="
    )
    assert next(name for name, _ in list(mock.journal)[-1].response_headers) == "Location"


@pytest.mark.parametrize(
    ("server_port", "origin"), [("8080", "http://[::1]:8080"), ("80", "http://[::1]")]
)
def test_an_ipv6_host_without_a_port_takes_server_port(
    mock: MockServer, server_port: str, origin: str
) -> None:
    answer = Client(mock.app).get(
        "/workflow/oauth2/authorize?response_type=code",
        environ_overrides={"HTTP_HOST": "[::1]", "SERVER_PORT": server_port},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(
        f"{origin}/sysworkflow/en/neoclassic/login/login?u="
    )


def test_the_consent_page_is_titled_and_posts_back_to_its_query(mock: MockServer) -> None:
    client = Client(mock.app)
    client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
    )
    query = f"response_type=code&client_id={DOC_CLIENT_ID}&scope=%2A"
    page = client.get(f"/workflow/oauth2/authorize?{query}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "<title>Authorize application</title>" in html
    assert forms(html)[0]["action"] == f"/workflow/oauth2/authorize?{query}"


@pytest.mark.parametrize("scope", ["*", "view_processes edit_processes"])
def test_an_implicit_token_is_the_users_with_its_scope_and_no_refresh_token(
    mock: MockServer, scope: str
) -> None:
    from urllib.parse import urlencode

    from mockserver.state.seed import ADMIN_UID

    store = mock.workspace("workflow")
    client = Client(mock.app)
    client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
    )
    query = urlencode({"response_type": "token", "client_id": DOC_CLIENT_ID, "scope": scope})
    consent = client.get(f"/workflow/oauth2/authorize?{query}")
    assert consent.status_code == 200
    refresh_tokens = store.count("OAUTH_REFRESH_TOKENS")
    action = str(forms(consent.get_data(as_text=True))[0]["action"])
    answer = client.post(action, data={"transaction_id": ""})
    assert answer.status_code == 302
    fragment = dict(parse_qsl(urlsplit(answer.headers["Location"]).fragment))
    assert fragment["scope"] == scope
    row = store.get_access_token(fragment["access_token"])
    assert row is not None
    assert (row.client_id, row.user_id, row.scope) == (DOC_CLIENT_ID, ADMIN_UID, scope)
    assert store.count("OAUTH_REFRESH_TOKENS") == refresh_tokens


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [
        ("es", "es"),
        ("en", "en"),
        ("es-ES", "en"),
        ("ES", "en"),
        ("es, en;q=0.5", "en"),
        (None, "en"),
    ],
)
def test_the_login_redirect_takes_accept_language_only_when_it_is_an_installed_locale(
    mock: MockServer, monkeypatch: pytest.MonkeyPatch, accept_language: str | None, lang: str
) -> None:
    """pm3-behavior.md §8.1: SYS_LANG is Accept-Language when it exactly equals an installed
    locale, else en. The mock installs only en; a second locale shows the rule."""
    from mockserver.protocol import authorize

    monkeypatch.setattr(authorize, "INSTALLED_LANGUAGES", ("en", "es"))
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    answer = Client(mock.app).get("/workflow/oauth2/authorize?response_type=code", headers=headers)
    assert answer.status_code == 302
    assert (
        urlsplit(answer.headers["Location"]).path == f"/sysworkflow/{lang}/neoclassic/login/login"
    )


def _signed_in(mock: MockServer, **environ: str) -> Client:
    client = Client(mock.app)
    login = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin"},
        environ_overrides=environ,
    )
    assert login.status_code == 302
    return client


def test_with_several_registered_redirect_uris_one_must_be_sent(mock: MockServer) -> None:
    # bshaffer Controller/AuthorizeController: redirect URIs are stored space-separated
    from mockserver.protocol.errors import RFC_3_1_2_3
    from mockserver.protocol.errors import InvalidUriError

    store = mock.workspace("workflow")
    client_row = store.get_client(DOC_CLIENT_ID)
    assert client_row is not None
    store.set_client_redirect_uri(DOC_CLIENT_ID, "http://a.example/cb http://b.example/cb")
    client = _signed_in(mock)
    query = f"response_type=code&client_id={DOC_CLIENT_ID}"
    answer = client.post(f"/workflow/oauth2/authorize?{query}", data={"transaction_id": ""})
    assert answer.status_code == 400
    assert answer.json == {
        "error": "invalid_uri",
        "error_description": InvalidUriError.MULTIPLE,
        "error_uri": RFC_3_1_2_3,
    }
    chosen = client.post(
        f"/workflow/oauth2/authorize?{query}&redirect_uri=http%3A%2F%2Fb.example%2Fcb",
        data={"transaction_id": ""},
    )
    assert chosen.status_code == 302
    assert chosen.headers["Location"].startswith("http://b.example/cb?code=")


def test_a_login_returns_to_an_https_url_of_its_own_origin(mock: MockServer) -> None:
    client = Client(mock.app)
    target = "https://pm.example:443/workflow/oauth2/authorize?response_type=code"
    answer = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        base_url="https://pm.example",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin", "form[URL]": target},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == target


def test_a_login_answers_an_empty_302_with_its_length(mock: MockServer) -> None:
    client = Client(mock.app)
    answer = client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "admin", "form[URL]": "/x"},
    )
    assert answer.status_code == 302
    assert answer.get_data() == b""
    recorded = dict(list(mock.journal)[-1].response_headers)
    assert (recorded["Location"], recorded["Content-Length"]) == ("/x", "0")


@pytest.mark.parametrize("supplied", ["http://localhost/callback\r\nX-Injected: 1", "http://é"])
def test_a_supplied_uri_unlike_the_registered_one_is_still_a_mismatch(
    mock: MockServer, supplied: str
) -> None:
    # bshaffer's own checks come first: a clean registered URI never equals such a supplied one,
    # so the answer stays PM's redirect_uri_mismatch (the header rule adds nothing here).
    from mockserver.protocol.errors import RFC_3_1_2
    from mockserver.protocol.errors import RedirectUriMismatchError

    answer = _signed_in(mock).post(
        "/workflow/oauth2/authorize",
        query_string={
            "response_type": "code",
            "client_id": DOC_CLIENT_ID,
            "redirect_uri": supplied,
        },
        data={"transaction_id": ""},
    )
    assert answer.status_code == 400
    assert answer.json == {
        "error": "redirect_uri_mismatch",
        "error_description": RedirectUriMismatchError.AUTHORIZE_MISMATCH,
        "error_uri": RFC_3_1_2,
    }
