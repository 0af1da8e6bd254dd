"""The registration page refuses a user without PM_REST_API_APPLICATIONS as applications.php does."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.applications import USER_HAVENT_RIGHTS_PAGE
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
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    refused = client.get(APPLICATIONS)
    assert refused.status_code == 302
    assert refused.headers["Location"] == "../login/login"  # PHP's header() sends it as written
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
    client = logged_in(mock, "johndoe", "p4ssw0rd")
    assert client.get(APPLICATIONS).status_code == 200
    assert USER_HAVENT_RIGHTS_PAGE not in client.get(LOGIN_PAGE).get_data(as_text=True)


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_a_user_with_the_permission_gets_the_page(mock: MockServer) -> None:
    client = logged_in(mock, "admin", "admin")
    page = client.get(APPLICATIONS)
    assert page.status_code == 200 and 'id="new-application"' in page.get_data(as_text=True)


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
