"""x-pm-local-client: its registered callback, the grant page, and the designer's token at login."""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.designer import DESIGNER_SCOPE
from mockserver.protocol.designer import print_r
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.seed import MOBILE_CLIENT_ID
from mockserver.state.seed import Seed
from mockserver.state.seed import SeedUser
from mockserver.state.store import TokenRow

LOGIN = "/sysworkflow/en/neoclassic/login/authentication.php"
GRANT = "/sysworkflow/en/neoclassic/oauth2/grant"
ALL_PROFILES = ["documented", "pm-3.0-rc", "pm-3.4.10", "pm-3.4.11", "rfc6749"]


def logged_in(app: object, username: str = "johndoe", password: str = "p4ssw0rd") -> Client:
    client = Client(app)  # type: ignore[arg-type]
    answer = client.post(
        LOGIN, data={"form[USR_USERNAME]": username, "form[USR_PASSWORD]": password}
    )
    assert answer.status_code == 302
    return client


def authorize(client: Client, **params: str) -> tuple[int, str, str]:
    query = {"response_type": "code", "client_id": LOCAL_CLIENT_ID, "scope": "*", **params}
    answer = client.post("/workflow/oauth2/authorize", query_string=query)
    return answer.status_code, answer.headers.get("Location", ""), answer.get_data(as_text=True)


@pytest.mark.parametrize("profile_name", ALL_PROFILES)
def test_the_callback_is_the_grant_page_at_the_mock_origin(mock: MockServer) -> None:
    rows = mock.workspace().query(
        "SELECT REDIRECT_URI FROM OAUTH_CLIENTS WHERE CLIENT_ID = ?", (LOCAL_CLIENT_ID,)
    )
    assert rows == [("http://localhost/sysworkflow/en/neoclassic/oauth2/grant",)]


def test_a_started_server_registers_its_own_url() -> None:
    with MockServer(workspaces=("workflow", "other")) as pm:
        for ws in ("workflow", "other"):
            rows = pm.workspace(ws).query(
                "SELECT REDIRECT_URI FROM OAUTH_CLIENTS WHERE CLIENT_ID = ?", (LOCAL_CLIENT_ID,)
            )
            assert rows == [(f"{pm.url}/sys{ws}/en/neoclassic/oauth2/grant",)]
        pm.reset()  # reseeding keeps the origin
        assert pm.workspace().query(
            "SELECT REDIRECT_URI FROM OAUTH_CLIENTS WHERE CLIENT_ID = ?", (LOCAL_CLIENT_ID,)
        ) == [(f"{pm.url}/sysworkflow/en/neoclassic/oauth2/grant",)]


@pytest.mark.parametrize("profile_name", ALL_PROFILES)
def test_authorize_accepts_the_registered_callback(mock: MockServer) -> None:
    client = logged_in(mock.app)
    callback = "http://localhost/sysworkflow/en/neoclassic/oauth2/grant"
    for params in ({}, {"redirect_uri": callback}):
        status, location, _ = authorize(client, state="s1", **params)
        assert status == 302
        assert location.startswith(callback + "?code=")
        assert dict(parse_qsl(urlsplit(location).query))["state"] == "s1"


@pytest.mark.parametrize("profile_name", ALL_PROFILES)
@pytest.mark.parametrize(
    "foreign",
    [
        "http://evil.example/steal",
        "javascript:alert(document.cookie)",
        "http://localhost/sysworkflow/en/neoclassic/oauth2/grant/../../../x",
        "http://localhost:8080/sysworkflow/en/neoclassic/oauth2/grant",
    ],
)
def test_authorize_refuses_any_other_redirect_uri(mock: MockServer, foreign: str) -> None:
    client = logged_in(mock.app)
    status, location, body = authorize(client, redirect_uri=foreign)
    assert status == 400 and location == ""
    assert '"error":"redirect_uri_mismatch"' in body
    assert mock.workspace().count("OAUTH_AUTHORIZATION_CODES") == 0


def test_the_grant_page_shows_the_code_and_exchanges_it(mock: MockServer) -> None:
    client = logged_in(mock.app)
    _, location, _ = authorize(client, state="xyz")
    code = dict(parse_qsl(urlsplit(location).query))["code"]
    page = client.get(urlsplit(location).path, query_string=urlsplit(location).query)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"[code] =&gt; {code}" in text and "[state] =&gt; xyz" in text
    assert "[token_type] =&gt; bearer" in text and "[expires_in] =&gt; 86400" in text
    assert mock.workspace().count("OAUTH_AUTHORIZATION_CODES") == 0  # spent


def test_the_grant_page_shows_an_error_and_stops(mock: MockServer) -> None:
    client = logged_in(mock.app)
    page = client.get(GRANT, query_string={"error": "access_denied", "state": "<b>"})
    text = page.get_data(as_text=True)
    assert text.count("[error] =&gt; access_denied") == 2  # grant.php prints $_GET twice
    assert "[state] =&gt; &lt;b&gt;" in text and "<b>" not in text.split("<main>")[1]
    assert "access_token" not in text


def test_the_grant_page_exchange_fails_as_the_token_endpoint_would(mock: MockServer) -> None:
    client = logged_in(mock.app)
    text = client.get(GRANT, query_string={"code": "0" * 40}).get_data(as_text=True)
    assert "[error] =&gt; invalid_grant" in text


def test_the_grant_page_without_a_code_exchanges_nn_as_grant_php_does() -> None:
    pm = MockServer("rfc6749")  # exact-case lookups: only the row 'NN' itself is found
    try:
        row = TokenRow("NN", LOCAL_CLIENT_ID, ADMIN_UID, pm.clock.stamp(30), "*")
        pm.workspace().insert_code(row)
        text = logged_in(pm.app).get(GRANT, query_string={"state": "s"}).get_data(as_text=True)
        assert "[token_type] =&gt; bearer" in text
        assert pm.workspace().get_code("NN") is None  # spent
    finally:
        pm.close()


def test_the_grant_page_prints_a_repeated_parameter_once(mock: MockServer) -> None:
    client = logged_in(mock.app)
    page = client.get(GRANT, query_string=[("state", "a"), ("state", "b"), ("x", "1")])
    text = page.get_data(as_text=True)
    # PHP's $_GET keeps one value a key; print_r shows each key once
    assert text.count("[state] =&gt;") == 1 and text.count("[x] =&gt; 1") == 1


def test_the_grant_page_needs_a_session(mock: MockServer) -> None:
    answer = Client(mock.app).get(GRANT, query_string={"code": "abc"})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sysworkflow/en/neoclassic/login/login?u=")


@pytest.mark.parametrize("profile_name", ALL_PROFILES)
def test_the_classic_login_issues_the_designer_token(mock: MockServer) -> None:
    store = mock.workspace()
    cookie_client = logged_in(mock.app, "admin", "admin")
    sid = cookie_client.get_cookie("PHPSESSID")
    assert sid is not None
    # the documentation's trigger query, narrowed to the web client
    rows = store.query(
        "SELECT ACCESS_TOKEN, SCOPE FROM OAUTH_ACCESS_TOKENS WHERE USER_ID = ? AND CLIENT_ID = ? "
        "ORDER BY EXPIRES DESC",
        (ADMIN_UID, LOCAL_CLIENT_ID),
    )
    assert len(rows) == 1 and rows[0][1] == DESIGNER_SCOPE
    linked = store.query("SELECT * FROM PMOAUTH_USER_ACCESS_TOKENS")
    refresh = store.query("SELECT REFRESH_TOKEN FROM OAUTH_REFRESH_TOKENS")
    assert linked == [(rows[0][0], refresh[0][0], ADMIN_UID, sid.value, "PHPSESSID")]
    assert store.count("OAUTH_AUTHORIZATION_CODES") == 0
    api = Client(mock.app).get(
        "/api/1.0/workflow/users", headers={"Authorization": f"Bearer {rows[0][0]}"}
    )
    assert api.status_code == 200


def test_a_failed_login_issues_nothing(mock: MockServer) -> None:
    Client(mock.app).post(LOGIN, data={"form[USR_USERNAME]": "admin", "form[USR_PASSWORD]": "x"})
    assert mock.workspace().count("OAUTH_ACCESS_TOKENS") == 0
    assert mock.workspace().count("PMOAUTH_USER_ACCESS_TOKENS") == 0


def test_without_the_web_client_the_login_still_works() -> None:
    seed = Seed(users=(SeedUser("alice", "s3cret"),), replace=True)
    pm = MockServer(seed=seed)
    logged_in(pm.app, "alice", "s3cret")
    assert pm.workspace().count("OAUTH_ACCESS_TOKENS") == 0
    pm.close()


@pytest.mark.parametrize(
    ("profile_name", "seeded"),
    [
        ("documented", True),
        ("pm-3.0-rc", False),
        ("pm-3.4.10", True),
        ("pm-3.4.11", True),
        ("rfc6749", True),
    ],
)
def test_the_mobile_client_from_3_3(mock: MockServer, seeded: bool) -> None:
    rows = mock.workspace().query(
        "SELECT CLIENT_SECRET, REDIRECT_URI FROM OAUTH_CLIENTS WHERE CLIENT_ID = ?",
        (MOBILE_CLIENT_ID,),
    )
    expected = [
        (
            "4426746995afa07e7485df1055471800",
            "http://localhost/sysworkflow/en/neoclassic/oauth2/grant",
        )
    ]
    assert rows == (expected if seeded else [])
    token = Client(mock.app).post(
        "/workflow/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": MOBILE_CLIENT_ID,
            "client_secret": "4426746995afa07e7485df1055471800",
            "username": "johndoe",
            "password": "p4ssw0rd",
        },
    )
    assert ("access_token" in token.get_data(as_text=True)) is seeded


def test_a_profile_switch_adds_or_removes_the_mobile_client() -> None:
    pm = MockServer("pm-3.4.10")
    assert pm.workspace().count("OAUTH_CLIENTS") == 3
    pm.set_profile("pm-3.0-rc")
    assert pm.workspace().get_client(MOBILE_CLIENT_ID) is None
    pm.set_profile("pm-3.4.11")
    assert pm.workspace().get_client(MOBILE_CLIENT_ID) is not None
    pm.close()


def test_print_r_is_phps_layout() -> None:
    assert print_r([("a", 1), ("b", None)]) == "Array\n(\n    [a] => 1\n    [b] => \n)\n\n"
    assert print_r([]) == "Array\n(\n)\n\n"


def test_over_http_a_browser_lands_on_the_grant_page() -> None:
    with MockServer("pm-3.4.11") as pm:
        s = requests.Session()
        s.post(
            pm.url + LOGIN,
            data={"form[USR_USERNAME]": "johndoe", "form[USR_PASSWORD]": "p4ssw0rd"},
            allow_redirects=False,
            timeout=10,
        )
        consent = s.post(
            pm.authorize_url(response_type="code", client_id=LOCAL_CLIENT_ID),
            allow_redirects=False,
            timeout=10,
        )
        assert consent.headers["Location"].startswith(f"{pm.url}{GRANT}?code=")
        page = s.get(consent.headers["Location"], timeout=10)
        assert page.status_code == 200 and "[access_token] =&gt;" in page.text
        pm.check()
