"""What the requests-oauthlib driver reports for the exceptions oauthlib raises."""

from __future__ import annotations

from oauthlib.oauth2 import InvalidGrantError
from oauthlib.oauth2 import MissingTokenError

from conformance.clients.drivers.oauthlib_driver import _failure


def test_an_oauth_error_carries_no_status_the_client_never_saw() -> None:
    fields = _failure(InvalidGrantError(description="Invalid refresh token")).fields
    assert fields == {
        "kind": "oauth",
        "message": fields["message"],
        "error": "invalid_grant",
        "error_description": "Invalid refresh token",
    }


def test_an_empty_answer_is_oauthlibs_missing_token() -> None:
    fields = _failure(MissingTokenError()).fields
    assert (fields["kind"], fields["error"]) == ("oauth", "missing_token")
