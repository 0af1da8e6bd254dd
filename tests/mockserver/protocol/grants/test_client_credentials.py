"""The client_credentials grant: no user, no refresh token, Basic or body credentials."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidClientError
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.seed import LOCAL_CLIENT_SECRET
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import basic
from tests.mockserver.helpers import error_of

# The documentation's own example header.
DOC_BASIC = "Basic eC1wbS1sb2NhbC1jbGllbnQ6MTc5YWQ0NWM2Y2UyY2I5N2NmMTAyOWUyMTIwNDZlODE"


def test_documentation_example_header(mock: MockServer, client: Client) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": DOC_BASIC}
    )
    body = response.json
    assert body is not None
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert body["scope"] is None
    rows = mock.workspace().query(
        "SELECT USER_ID FROM OAUTH_ACCESS_TOKENS WHERE ACCESS_TOKEN = ?", (body["access_token"],)
    )
    assert rows == [(None,)]


def test_body_credentials_and_scope(client: Client) -> None:
    response = client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": LOCAL_CLIENT_ID,
            "client_secret": LOCAL_CLIENT_SECRET,
            "scope": "view_processes",
        },
    )
    assert (response.json or {}).get("scope") == "view_processes"


def test_wrong_secret(client: Client) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers=basic(LOCAL_CLIENT_ID, "nope")
    )
    assert error_of(response) == ("invalid_client", InvalidClientError.INVALID)


@pytest.mark.parametrize("profile_name", ["pm-3.4.11"])
def test_any_client_id_with_empty_secret_gets_a_token_in_pm(client: Client) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": "anything"}
    )
    assert "access_token" in (response.json or {})


@pytest.mark.parametrize("profile_name", ["rfc6749"])
def test_rfc_profile_answers_401_with_a_challenge_to_bad_basic(client: Client) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers=basic(LOCAL_CLIENT_ID, "nope")
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Service"'
