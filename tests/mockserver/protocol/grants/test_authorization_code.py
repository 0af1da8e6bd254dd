"""The authorization_code grant: a stored redirect_uri must come back, compared after urldecode.

Source: source fact §2.5 (bshaffer ``GrantType/AuthorizationCode``: ``urldecode($redirect_uri)``
against the stored value, else 400 ``redirect_uri_mismatch`` with RFC 6749 §4.1.3's error_uri).
"""

from __future__ import annotations

import pytest
from werkzeug.test import Client
from werkzeug.test import TestResponse

from mockserver import MockServer
from mockserver.protocol.errors import RFC_4_1_3
from mockserver.protocol.errors import RedirectUriMismatchError
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_USERNAME
from mockserver.state.store import TokenRow
from tests.mockserver.helpers import TOKEN

CODE = "0c0a5b0a" * 5


def _stored_code(mock: MockServer, redirect_uri: str | None) -> None:
    user = mock.workspace().find_user(DOC_USERNAME)
    assert user is not None
    mock.workspace().insert_code(
        TokenRow(CODE, DOC_CLIENT_ID, user.uid, mock.clock.stamp(30), "*", redirect_uri)
    )


def _exchange(client: Client, **extra: str) -> TestResponse:
    data = {
        "grant_type": "authorization_code",
        "code": CODE,
        "client_id": DOC_CLIENT_ID,
        "client_secret": DOC_CLIENT_SECRET,
        **extra,
    }
    return client.post(TOKEN, data=data)


@pytest.mark.parametrize(
    ("stored", "sent"),
    [
        ("http://localhost/callback", "http://localhost/callback"),
        ("http://localhost/callback", "http%3A%2F%2Flocalhost%2Fcallback"),
        ("http://localhost/call back", "http://localhost/call+back"),  # urldecode: '+' is a space
        ("http://localhost/call back", "http://localhost/call%20back"),
    ],
)
def test_the_redirect_uri_is_compared_after_urldecode(
    mock: MockServer, client: Client, stored: str, sent: str
) -> None:
    _stored_code(mock, stored)
    answer = _exchange(client, redirect_uri=sent)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json is not None and answer.json["scope"] == "*"


@pytest.mark.parametrize("profile_name", ["documented", "pm-3.4.10"])
@pytest.mark.parametrize("sent", [None, "http://localhost/other", "http%3A%2F%2Flocalhost%2Fcb"])
def test_another_or_missing_redirect_uri_is_a_mismatch(
    mock: MockServer, client: Client, sent: str | None
) -> None:
    _stored_code(mock, "http://localhost/callback")
    answer = _exchange(client, **({} if sent is None else {"redirect_uri": sent}))
    assert answer.status_code == (mock.profile.token_error_status or 400)
    assert answer.json == {
        "error": "redirect_uri_mismatch",
        "error_description": RedirectUriMismatchError.TOKEN_MISMATCH,
        "error_uri": RFC_4_1_3,
    }


def test_without_a_stored_redirect_uri_any_is_accepted(mock: MockServer, client: Client) -> None:
    _stored_code(mock, None)
    answer = _exchange(client, redirect_uri="http://anything.example/")
    assert answer.json is not None and "access_token" in answer.json, answer.get_data(True)


def test_a_code_of_another_client_is_refused(mock: MockServer, client: Client) -> None:
    from mockserver.protocol.errors import InvalidGrantError
    from mockserver.state.seed import LOCAL_CLIENT_ID
    from mockserver.state.seed import LOCAL_CLIENT_SECRET

    _stored_code(mock, None)
    answer = _exchange(client, client_id=LOCAL_CLIENT_ID, client_secret=LOCAL_CLIENT_SECRET)
    assert answer.status_code == (mock.profile.token_error_status or 400)
    assert answer.json == {
        "error": "invalid_grant",
        "error_description": InvalidGrantError.client_mismatch("authorization_code"),
    }
    assert mock.workspace().get_code(CODE) is not None  # refused before it is spent


def test_a_code_spent_by_a_concurrent_request_is_an_unknown_code(
    mock: MockServer, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockserver.protocol.errors import InvalidGrantError

    _stored_code(mock, None)
    # the other request spends it between this one's checks and its own spend
    monkeypatch.setattr(mock.workspace(), "spend_code", lambda code: False)
    answer = _exchange(client)
    assert answer.status_code == (mock.profile.token_error_status or 400)
    assert answer.json == {
        "error": "invalid_grant",
        "error_description": InvalidGrantError.BAD_CODE,
    }
