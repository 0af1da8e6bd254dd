"""Runnable examples of the README's "Scripting the mock" section (kept in step with it)."""

from __future__ import annotations

import pytest
import requests

from mockserver import MockServer
from mockserver.pytest_plugin import ClientCredentials
from mockserver.pytest_plugin import UserCredentials


def login(pm: MockServer, client: ClientCredentials, user: UserCredentials) -> requests.Response:
    return requests.post(
        pm.token_url(),
        data={
            "grant_type": "password",
            "scope": "*",
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "username": user.username,
            "password": user.password,
        },
        timeout=10,
    )


# --- overrides --------------------------------------------------------------------------------
def test_howto_override_a_refresh(
    pm_mock: MockServer, pm_client: ClientCredentials, pm_user: UserCredentials
) -> None:
    tokens = login(pm_mock, pm_client, pm_user).json()
    pm_mock.override("token", grant_type="refresh_token").respond_with_error(
        "invalid_grant", "Invalid refresh token"
    )
    answer = requests.post(
        pm_mock.token_url(),
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": pm_client.client_id,
            "client_secret": pm_client.client_secret,
        },
        timeout=10,
    )
    assert answer.status_code == 200  # documented profile: errors come with HTTP 200
    assert answer.json()["error"] == "invalid_grant"
    pm_mock.assert_request_made("token", grant_type="refresh_token", count=1)


def test_howto_alter_the_real_answer(
    pm_mock: MockServer, pm_client: ClientCredentials, pm_user: UserCredentials
) -> None:
    pm_mock.override("token", times=None).alter(drop=["refresh_token"], set={"expires_in": "86400"})
    body = login(pm_mock, pm_client, pm_user).json()
    assert "refresh_token" not in body and body["expires_in"] == "86400"


# --- faults -----------------------------------------------------------------------------------
def test_howto_inject_a_fault(
    pm_mock: MockServer, pm_client: ClientCredentials, pm_user: UserCredentials
) -> None:
    pm_mock.fault("php_warning", "token")
    assert login(pm_mock, pm_client, pm_user).text.startswith("<br />")
    pm_mock.fault("slow", "token", seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.post(pm_mock.token_url(), data={}, timeout=0.1)


# --- clock ------------------------------------------------------------------------------------
def test_howto_expire_by_the_clock(
    pm_mock: MockServer, pm_client: ClientCredentials, pm_user: UserCredentials
) -> None:
    token = login(pm_mock, pm_client, pm_user).json()["access_token"]
    pm_mock.clock.advance(86401)  # the documented 86400 s lifetime is over
    users = requests.get(
        pm_mock.api_url(), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert users.status_code == 401
    assert users.json() == {"error": {"code": 401, "message": "Unauthorized"}}


# --- profiles ---------------------------------------------------------------------------------
@pytest.mark.pm_profile("documented", "pm-3.4.10", "pm-3.4.11")
def test_howto_every_profile(
    pm_mock: MockServer, pm_profile: str, pm_client: ClientCredentials, pm_user: UserCredentials
) -> None:
    wrong = login(pm_mock, pm_client, UserCredentials(pm_user.username, "wrong"))
    expected = pm_mock.profile.token_error_status or 400
    assert wrong.status_code == expected
