"""The refresh_token grant: rotation, single use, expiry, scope, per profile."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import InvalidScopeError
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.seed import LOCAL_CLIENT_SECRET
from tests.mockserver.helpers import error_of
from tests.mockserver.helpers import refresh
from tests.mockserver.helpers import tokens


def test_refresh_rotates_and_is_single_use(client: Client) -> None:
    first = tokens(client)
    second = refresh(client, first["refresh_token"]).json
    assert second is not None
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == "*"
    reused = refresh(client, first["refresh_token"])
    assert error_of(reused) == ("invalid_grant", InvalidGrantError.BAD_REFRESH_TOKEN)
    third = refresh(client, second["refresh_token"]).json
    assert third is not None and "access_token" in third


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
def test_rc_profile_keeps_the_refresh_token(client: Client) -> None:
    first = tokens(client)
    for _ in range(2):
        body = refresh(client, first["refresh_token"]).json
        assert body is not None
        assert "refresh_token" not in body
        assert body["expires_in"] == 3600


def test_documented_refresh_token_never_expires(mock: MockServer, client: Client) -> None:
    first = tokens(client)
    mock.clock.advance(10 * 365 * 86400)
    assert "access_token" in (refresh(client, first["refresh_token"]).json or {})


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_source_refresh_token_expires_after_14_days_and_is_purged(
    mock: MockServer, client: Client
) -> None:
    first = tokens(client)
    mock.clock.advance(1209600 + 1)
    tokens(client)  # any issuance purges expired rows (RC 27d312e86)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 400
    assert error_of(response) == ("invalid_grant", InvalidGrantError.BAD_REFRESH_TOKEN)


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
def test_expired_refresh_token_without_purge(mock: MockServer, client: Client) -> None:
    first = tokens(client)
    mock.clock.advance(1209600 + 1)
    response = refresh(client, first["refresh_token"])
    assert error_of(response) == ("invalid_grant", InvalidGrantError.REFRESH_EXPIRED)


def test_missing_refresh_token(client: Client) -> None:
    response = refresh(client, "")
    assert error_of(response) == ("invalid_request", InvalidRequestError.MISSING_REFRESH_TOKEN)


def test_refresh_token_of_another_client(client: Client) -> None:
    first = tokens(client)
    response = refresh(
        client,
        first["refresh_token"],
        client_id=LOCAL_CLIENT_ID,
        client_secret=LOCAL_CLIENT_SECRET,
    )
    assert error_of(response) == ("invalid_grant", InvalidGrantError.REFRESH_CLIENT_MISMATCH)


def test_narrowing_a_star_scope_is_rejected(client: Client) -> None:
    first = tokens(client)
    response = refresh(client, first["refresh_token"], scope="view_processes")
    assert error_of(response) == ("invalid_scope", InvalidScopeError.UNSUPPORTED)
    # a failed refresh does not spend the token
    assert "access_token" in (refresh(client, first["refresh_token"]).json or {})


def test_narrowing_a_list_scope_works(client: Client) -> None:
    first = tokens(client, scope="view_processes edit_processes")
    body = refresh(client, first["refresh_token"], scope="view_processes").json
    assert body is not None and body["scope"] == "view_processes"


def test_no_scope_asked_gives_null_and_then_anything(client: Client) -> None:
    first = tokens(client, scope=None)
    assert first["scope"] is None
    body = refresh(client, first["refresh_token"], scope="edit_processes").json
    assert body is not None and body["scope"] == "edit_processes"


@pytest.mark.parametrize("profile_name", ["rfc6749"])
def test_rfc_profile_omits_a_null_scope(client: Client) -> None:
    first = tokens(client, scope=None)
    assert "scope" not in first
