"""The password grant, in process, under the profiles where it differs."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidClientError
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.state.formats import TOKEN_RE
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import basic
from tests.mockserver.helpers import error_of
from tests.mockserver.helpers import login
from tests.mockserver.helpers import password_params


def test_issues_documented_token_response(client: Client) -> None:
    response = login(client)
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert list(body) == ["access_token", "expires_in", "token_type", "scope", "refresh_token"]
    assert TOKEN_RE.match(body["access_token"]) and TOKEN_RE.match(body["refresh_token"])
    assert body["expires_in"] == 86400
    assert body["token_type"] == "bearer"
    assert body["scope"] == "*"


@pytest.mark.parametrize("username", ["johndoe", "JOHNDOE", "JohnDoe"])
def test_username_is_case_insensitive(client: Client, username: str) -> None:
    assert "access_token" in (login(client, username=username).json or {})


@pytest.mark.parametrize(
    "overrides",
    [{"password": "wrong"}, {"username": "nobody"}, {"password": "P4SSW0RD"}],
)
def test_bad_user_credentials(client: Client, overrides: dict[str, str]) -> None:
    response = login(client, **overrides)
    assert response.status_code == 200  # documented: errors with HTTP 200
    assert error_of(response) == ("invalid_grant", InvalidGrantError.BAD_USER_CREDENTIALS)


@pytest.mark.parametrize("overrides", [{"password": None}, {"username": ""}, {"password": "0"}])
def test_missing_user_credentials(client: Client, overrides: dict[str, str | None]) -> None:
    response = login(client, **overrides)
    assert error_of(response) == ("invalid_request", InvalidRequestError.MISSING_USER_CREDENTIALS)


@pytest.mark.parametrize(
    ("status", "due_date"),
    [("INACTIVE", "2030-12-31"), ("ACTIVE", "2001-01-01")],
    ids=["inactive", "past-due-date"],
)
def test_inactive_and_expired_users_look_like_bad_passwords(
    mock: MockServer, client: Client, status: str, due_date: str
) -> None:
    # VerifyLogin refuses an inactive user and an active one past its due date alike
    user = {"username": "janedoe", "password": "s3cret", "status": status, "due_date": due_date}
    mock.apply_scenario({"seed": {"users": [user]}})
    response = login(client, username="janedoe", password="s3cret")
    assert error_of(response) == ("invalid_grant", InvalidGrantError.BAD_USER_CREDENTIALS)


def test_an_active_user_before_its_due_date_logs_in(mock: MockServer, client: Client) -> None:
    user = {
        "username": "janedoe",
        "password": "s3cret",
        "status": "ACTIVE",
        "due_date": "2999-12-31",
    }
    mock.apply_scenario({"seed": {"users": [user]}})
    assert "access_token" in (login(client, username="janedoe", password="s3cret").json or {})


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
def test_rc_profile_does_not_check_user_status(mock: MockServer, client: Client) -> None:
    store = mock.workspace()
    user = store.find_user("johndoe")
    assert user is not None
    store.set_user_status(user.uid, 0)
    assert "access_token" in (login(client).json or {})


@pytest.mark.parametrize("encoding", ["form", "multipart", "json"])
def test_every_body_encoding(client: Client, encoding: str) -> None:
    params = password_params()
    if encoding == "json":
        response = client.post(TOKEN, json=params)
    elif encoding == "multipart":
        response = client.post(TOKEN, data=params, content_type="multipart/form-data")
    else:
        response = client.post(TOKEN, data=params)
    assert "access_token" in (response.json or {})


def test_basic_header_credentials(client: Client) -> None:
    params = password_params(client_id=None, client_secret=None)
    response = client.post(TOKEN, data=params, headers=basic(DOC_CLIENT_ID, DOC_CLIENT_SECRET))
    assert "access_token" in (response.json or {})


def test_basic_header_wins_over_body(client: Client) -> None:
    params = password_params(client_secret="wrong")
    ok = client.post(TOKEN, data=params, headers=basic(DOC_CLIENT_ID, DOC_CLIENT_SECRET))
    assert "access_token" in (ok.json or {})
    bad = client.post(TOKEN, data=password_params(), headers=basic(DOC_CLIENT_ID, "wrong"))
    assert error_of(bad) == ("invalid_client", InvalidClientError.INVALID)


@pytest.mark.parametrize("profile_name", ["pm-3.4.11"])
def test_3_4_11_requires_body_client_credentials(client: Client) -> None:
    params = password_params(client_id=None, client_secret=None)
    response = client.post(TOKEN, data=params, headers=basic(DOC_CLIENT_ID, DOC_CLIENT_SECRET))
    assert response.status_code == 200
    assert error_of(response) == ("invalid_client", InvalidClientError.PM_BODY_CREDENTIALS)


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_3_4_10_errors_are_http_400(client: Client) -> None:
    response = login(client, password="wrong")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_unknown_client_with_empty_secret_passes_in_source_profiles(client: Client) -> None:
    response = login(client, client_id="NOSUCHCLIENT", client_secret="")
    assert "access_token" in (response.json or {})


def test_unknown_client_with_empty_secret_is_refused_by_documented(client: Client) -> None:
    response = login(client, client_id="NOSUCHCLIENT", client_secret="")
    assert error_of(response) == ("invalid_client", InvalidClientError.INVALID)


def test_no_client_credentials(client: Client) -> None:
    response = login(client, client_id=None, client_secret=None)
    assert error_of(response) == ("invalid_client", InvalidClientError.NOT_FOUND)


def test_secret_with_colon_in_basic_is_compared_whole(mock: MockServer, client: Client) -> None:
    # PHP splits a Basic value at the first ':' (issue 14): the secret is 'a:b', and wrong.
    params = password_params()
    response = client.post(TOKEN, data=params, headers=basic(DOC_CLIENT_ID, "a:b"))
    assert error_of(response) == ("invalid_client", InvalidClientError.INVALID)
