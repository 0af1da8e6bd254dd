"""The registration page refuses a user without PM_REST_API_APPLICATIONS as applications.php does."""

from __future__ import annotations

import re

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.applications import MAX_LENGTHS
from mockserver.protocol.applications import USER_HAVENT_RIGHTS_PAGE
from mockserver.protocol.applications import validate_application
from mockserver.state.store import ClientRow

LOGIN = "/sysworkflow/en/neoclassic/login/authentication.php"
APPLICATIONS = "/sysworkflow/en/neoclassic/oauth2/applications"
LOGIN_PAGE = "/sysworkflow/en/neoclassic/login/login"


def logged_in(mock: MockServer, username: str, password: str) -> Client:
    client = Client(mock.app)
    answer = client.post(
        LOGIN, data={"form[USR_USERNAME]": username, "form[USR_PASSWORD]": password}
    )
    assert answer.status_code == 302
    return client


def test_the_message_is_the_english_translation() -> None:
    # processmaker.en.po, msgid of LABEL/ID_USER_HAVENT_RIGHTS_PAGE
    assert USER_HAVENT_RIGHTS_PAGE == "User does not have rights on this page."


@pytest.mark.parametrize("profile_name", ["documented", "pm-3.4.10", "pm-3.4.11", "rfc6749"])
def test_without_the_permission_302_to_the_login_page_with_the_message(mock: MockServer) -> None:
    # PROCESSMAKER_OPERATOR is not granted PM_REST_API_APPLICATIONS (rbac/.../insert.sql)
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    client = logged_in(mock, "op", "op-pass")
    refused = client.get(APPLICATIONS)
    assert refused.status_code == 302
    assert refused.headers["Location"] == "../login/login"  # PHP's header() sends it as written
    assert ("Location", "../login/login") in list(mock.journal)[-1].response_headers
    assert refused.get_data() == b""
    page = client.get(LOGIN_PAGE)
    assert page.status_code == 200
    assert USER_HAVENT_RIGHTS_PAGE in page.get_data(as_text=True)
    again = client.get(LOGIN_PAGE)  # a temporary message is shown once
    assert USER_HAVENT_RIGHTS_PAGE not in again.get_data(as_text=True)


def test_the_relative_location_resolves_to_the_login_page() -> None:
    from urllib.parse import urljoin

    base = "http://pm.example" + APPLICATIONS
    assert urljoin(base, "../login/login") == "http://pm.example" + LOGIN_PAGE


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
def test_before_3_2_there_is_no_gate(mock: MockServer) -> None:
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    client = logged_in(mock, "op", "op-pass")
    assert client.get(APPLICATIONS).status_code == 200
    assert USER_HAVENT_RIGHTS_PAGE not in client.get(LOGIN_PAGE).get_data(as_text=True)


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
@pytest.mark.parametrize("username", ["admin", "johndoe"])
def test_a_user_whose_role_grants_the_permission_gets_the_page(
    mock: MockServer, username: str
) -> None:
    # admin is PROCESSMAKER_ADMIN, johndoe PROCESSMAKER_MANAGER: both roles grant it
    client = logged_in(mock, username, {"admin": "admin", "johndoe": "p4ssw0rd"}[username])
    page = client.get(APPLICATIONS)
    assert page.status_code == 200 and 'id="new-application"' in page.get_data(as_text=True)


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_an_operator_given_the_permission_explicitly_gets_the_page(mock: MockServer) -> None:
    mock.add_user("op", "op-pass", permissions=["PM_REST_API_APPLICATIONS"])  # type: ignore[arg-type]
    client = logged_in(mock, "op", "op-pass")
    assert client.get(APPLICATIONS).status_code == 200


SETUP_AJAX = "/sysworkflow/en/neoclassic/oauth2/clientSetupAjax"


def test_without_a_session_the_ajax_answers_401(mock: MockServer) -> None:
    answer = Client(mock.app).post(SETUP_AJAX, data={"option": "LST"})
    assert answer.status_code == 401
    assert answer.get_json() == {"status": "ERROR", "message": "session expired"}


def test_a_delete_without_a_client_id_touches_no_client(mock: MockServer) -> None:
    store = mock.workspace("workflow")
    row = ClientRow("XXXX", "secret", "n", "d", "https://w.example", "https://w.example/cb", "")
    store.add_client(row)
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    answer = client.post(SETUP_AJAX, data={"option": "DEL"})
    assert answer.status_code == 400
    assert answer.get_json() == {"status": "ERROR", "message": "unknown client"}
    assert store.get_client("XXXX") is not None


def _ajax(client: Client, **form: str) -> tuple[int, object]:
    answer = client.post(SETUP_AJAX, data=form)
    return answer.status_code, answer.get_json()


NEW_APP = {
    "name": " App ",
    "description": "desc",
    "webSite": "https://w.example",
    "redirectUri": " https://w.example/cb ",
}


def test_every_option_answers_its_complete_json(mock: MockServer) -> None:
    store = mock.workspace("workflow")
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    assert _ajax(client, option="LST") == (
        200,
        {"status": "OK", "success": True, "resultRoot": [], "resultTotal": 0},
    )
    status, created = _ajax(client, option="INS", **NEW_APP)
    assert status == 200 and isinstance(created, dict)
    client_id = created["data"]["CLIENT_ID"]
    row = store.get_client(client_id)
    assert row is not None
    assert created == {
        "status": "OK",
        "data": {"CLIENT_ID": client_id, "CLIENT_SECRET": row.client_secret},
    }
    # name and redirect URI are stripped, description and web site kept as sent
    assert (row.name, row.description, row.website, row.redirect_uri) == (
        "App",
        "desc",
        "https://w.example",
        "https://w.example/cb",
    )
    listed = {
        "CLIENT_ID": client_id,
        "CLIENT_NAME": "App",
        "CLIENT_DESCRIPTION": "desc",
        "CLIENT_WEBSITE": "https://w.example",
        "REDIRECT_URI": "https://w.example/cb",
    }
    assert _ajax(client, option="LST") == (
        200,
        {"status": "OK", "success": True, "resultRoot": [listed], "resultTotal": 1},
    )
    # an empty name or web site keeps the stored one; description and redirect URI are replaced
    update = {"name": "", "description": "", "webSite": "", "redirectUri": "https://x.example/cb"}
    assert _ajax(client, option="UPD", oauthClientId=client_id, **update) == (
        200,
        {"status": "OK"},
    )
    updated = store.get_client(client_id)
    assert updated is not None
    assert (updated.name, updated.description, updated.website, updated.redirect_uri) == (
        "App",
        "",
        "https://w.example",
        "https://x.example/cb",
    )
    assert updated.client_secret == row.client_secret
    renamed = {**NEW_APP, "name": "B", "webSite": "https://b.example"}
    assert _ajax(client, option="UPD", oauthClientId=client_id, **renamed) == (
        200,
        {"status": "OK"},
    )
    again = store.get_client(client_id)
    assert again is not None and (again.name, again.website) == ("B", "https://b.example")
    assert _ajax(client, option="DEL", oauthClientId=client_id) == (200, {"status": "OK"})
    assert store.get_client(client_id) is None
    assert _ajax(client, option="LST") == (
        200,
        {"status": "OK", "success": True, "resultRoot": [], "resultTotal": 0},
    )


def test_an_absent_description_or_redirect_uri_is_stored_empty(mock: MockServer) -> None:
    from mockserver.protocol.applications import create_client

    class Ctx:  # create_client reads only the store and the clock
        def __init__(self) -> None:
            self.store = mock.workspace("workflow")
            self.state = mock.state

    row = create_client(Ctx(), {"name": "n", "webSite": "https://w.example"}, "owner")  # type: ignore[arg-type]
    assert (row.description, row.website, row.redirect_uri) == ("", "https://w.example", "")


def test_an_invalid_insert_names_every_problem(mock: MockServer) -> None:
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    assert _ajax(client, option="INS", name=" ", webSite="w.example") == (
        400,
        {
            "status": "ERROR",
            "message": 'Name is required. Web Site must be a URL including the protocol "http://".',
        },
    )


@pytest.mark.parametrize("option", ["UPD", "DEL"])
def test_an_unknown_client_is_refused_and_nothing_changes(mock: MockServer, option: str) -> None:
    store = mock.workspace("workflow")
    row = ClientRow("XXXX", "secret", "n", "d", "https://w.example", "https://w.example/cb", "")
    store.add_client(row)
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    answer = _ajax(client, option=option, oauthClientId="nope", **NEW_APP)
    assert answer == (400, {"status": "ERROR", "message": "unknown client"})
    assert store.get_client("XXXX") == row


@pytest.mark.parametrize("option", ["", "lst", "ins", "upd", "del", "CRT", "XX"])
def test_an_option_is_matched_exactly(mock: MockServer, option: str) -> None:
    store = mock.workspace("workflow")
    row = ClientRow("XXXX", "secret", "n", "d", "https://w.example", "https://w.example/cb", "")
    store.add_client(row)
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    answer = _ajax(client, option=option, oauthClientId="XXXX", **NEW_APP)
    assert answer == (400, {"status": "ERROR", "message": "unknown option"})
    assert store.get_client("XXXX") == row


def test_without_a_session_u_is_the_page_without_an_empty_query(mock: MockServer) -> None:
    answer = Client(mock.app).get(APPLICATIONS)
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        "/sysworkflow/en/neoclassic/login/login?u=%2Fsysworkflow%2Fen%2Fneoclassic%2Foauth2%2Fapplications"
    )
    # the journal keeps the header name as the mock wrote it (werkzeug fixes the wire's only)
    names = [name for name, _ in list(mock.journal)[-1].response_headers]
    assert "Location" in names


def test_a_refused_registration_keeps_what_was_typed(mock: MockServer) -> None:
    client = logged_in(mock, "admin", "admin")
    typed = {"name": "My CI", "description": "d", "webSite": "example", "redirectUri": "x"}
    answer = client.post(APPLICATIONS, data=typed)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Web Site must be a URL including the protocol" in page
    for name, value in typed.items():
        assert re.search(rf'name="{name}"[^>]*(value="{re.escape(value)}"|>{value}<)', page), name


@pytest.mark.parametrize(("key", "limit"), list(MAX_LENGTHS.items()))
def test_a_field_may_fill_its_column_but_not_overflow_it(key: str, limit: int) -> None:
    valid = {"name": "n", "description": "", "webSite": "https://w.example", "redirectUri": ""}
    filled = {**valid, key: "https://" + "w" * (limit - len("https://"))}
    assert validate_application(filled) == []
    overflowing = {**filled, key: filled[key] + "w"}
    assert validate_application(overflowing) == [f"{key} is longer than {limit} characters."]


def test_the_columns_are_oauth_clients_widths() -> None:
    # pm3-behavior.md, the OAUTH_CLIENTS table: CLIENT_NAME VARCHAR(256), CLIENT_DESCRIPTION and
    # CLIENT_WEBSITE VARCHAR(1024), REDIRECT_URI VARCHAR(2000)
    assert MAX_LENGTHS == {"name": 256, "description": 1024, "webSite": 1024, "redirectUri": 2000}


def test_a_registration_without_a_name_is_refused_and_absent_fields_are_empty(
    mock: MockServer,
) -> None:
    store = mock.workspace("workflow")
    seeded = store.list_clients()
    client = logged_in(mock, "admin", "admin")
    refused = client.post(APPLICATIONS, data={"webSite": "https://w.example"})
    assert refused.status_code == 400
    assert '<p class="error" role="alert">Name is required.</p>' in refused.get_data(as_text=True)
    assert store.list_clients() == seeded
    created = client.post(APPLICATIONS, data={"name": "n", "webSite": "https://w.example"})
    assert created.status_code == 201
    [row] = [c for c in store.list_clients() if c not in seeded]
    assert (row.name, row.description, row.website, row.redirect_uri) == (
        "n",
        "",
        "https://w.example",
        "",
    )


def test_without_a_session_u_keeps_a_query_and_drops_only_an_empty_one(mock: MockServer) -> None:
    # sysGeneric.php sends the request URI; werkzeug's full_path adds a bare "?" to a path without
    # a query, which is the only character stripped
    answer = Client(mock.app).get(APPLICATIONS + "?tab=X")
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        "/sysworkflow/en/neoclassic/login/login"
        "?u=%2Fsysworkflow%2Fen%2Fneoclassic%2Foauth2%2Fapplications%3Ftab%3DX"
    )


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({}, ["Name is required.", 'Web Site must be a URL including the protocol "http://".']),
        ({"webSite": "https://w.example"}, ["Name is required."]),
        ({"name": "n"}, ['Web Site must be a URL including the protocol "http://".']),
        ({"name": "n", "webSite": "https://w.example"}, []),
    ],
)
def test_an_absent_field_is_validated_as_empty(values: dict[str, str], problems: list[str]) -> None:
    assert validate_application(values) == problems


def test_the_refusal_leaves_an_error_message_in_the_session(mock: MockServer) -> None:
    from mockserver.protocol.context import SESSION_COOKIE

    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    client = logged_in(mock, "op", "op-pass")
    assert client.get(APPLICATIONS).status_code == 302
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    # G::SendTemporalMessage('ID_USER_HAVENT_RIGHTS_PAGE', 'error', 'labels'): the type is "error"
    store = mock.workspace("workflow")
    assert store.pop_session_message(cookie.value) == (USER_HAVENT_RIGHTS_PAGE, "error")


def _listed_names(page: str) -> list[str]:
    table = page.partition('<table id="applications">')[2].partition("</table>")[0]
    return re.findall(r"<tr><td>([^<]*)</td>", table)


def test_the_page_lists_only_the_signed_in_users_applications(mock: MockServer) -> None:
    store = mock.workspace("workflow")
    foreign = ClientRow("F" * 32, "s", "Foreign", "", "https://f.example", "", "someone-else")
    store.add_client(foreign)
    own = sorted(c.name for c in store.list_clients() if c.owner != "someone-else")
    assert own  # the seed gives admin applications of its own
    client = logged_in(mock, "admin", "admin")
    shown = client.get(APPLICATIONS)
    assert shown.status_code == 200
    assert _listed_names(shown.get_data(as_text=True)) == own
    refused = client.post(APPLICATIONS, data={"name": "", "webSite": "https://w.example"})
    assert refused.status_code == 400
    assert _listed_names(refused.get_data(as_text=True)) == own
    created = client.post(APPLICATIONS, data={"name": "Zz new", "webSite": "https://w.example"})
    assert created.status_code == 201
    assert _listed_names(created.get_data(as_text=True)) == [*own, "Zz new"]


def test_the_secret_carries_the_mocks_clock(mock: MockServer) -> None:
    # G::generateUniqueID: nine random digits, then the time's seconds (8 hex) and microseconds
    # (5 hex)
    mock.clock.freeze(1_700_000_000.5)
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    status, created = _ajax(client, option="INS", name="n", webSite="https://w.example")
    assert status == 200 and isinstance(created, dict)
    secret = created["data"]["CLIENT_SECRET"]
    assert secret[9:22] == f"{1_700_000_000:08x}{500_000:05x}"


def test_absent_ajax_fields_are_empty(mock: MockServer) -> None:
    store = mock.workspace("workflow")
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    status, created = _ajax(client, option="INS", name="n", webSite="https://w.example")
    assert status == 200 and isinstance(created, dict)
    client_id = created["data"]["CLIENT_ID"]
    row = store.get_client(client_id)
    assert row is not None and (row.description, row.redirect_uri) == ("", "")
    kept = ClientRow(client_id, row.client_secret, "n", "d", "https://w.example", "https://cb", "")
    store.add_client(kept)
    # an absent name or web site keeps the stored one; an absent description or URI empties it
    assert _ajax(client, option="UPD", oauthClientId=client_id) == (200, {"status": "OK"})
    updated = store.get_client(client_id)
    assert updated is not None
    assert (updated.name, updated.description, updated.website, updated.redirect_uri) == (
        "n",
        "",
        "https://w.example",
        "",
    )


def test_create_client_stores_absent_fields_empty(mock: MockServer) -> None:
    from mockserver.protocol.applications import create_client

    class Ctx:  # create_client reads only the store and the clock
        def __init__(self) -> None:
            self.store = mock.workspace("workflow")
            self.state = mock.state

    row = create_client(Ctx(), {}, "owner")  # type: ignore[arg-type]
    assert (row.name, row.description, row.website, row.redirect_uri) == ("", "", "", "")
    assert mock.workspace("workflow").get_client(row.client_id) == row


def test_an_absent_option_is_unknown(mock: MockServer) -> None:
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    assert _ajax(client, **NEW_APP) == (400, {"status": "ERROR", "message": "unknown option"})
