"""Every error class and string: one spelling, the right wire code, a flat body."""

from __future__ import annotations

import pytest

from mockserver.protocol.errors import ERRORS_BY_CODE
from mockserver.protocol.errors import InvalidClientError
from mockserver.protocol.errors import InvalidGrantError
from mockserver.protocol.errors import InvalidTokenError
from mockserver.protocol.errors import InvalidUriError
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.errors import error_from_wire

# The documentation's error table (Error Response), as (error, description) pairs a constant holds.
DOC_TABLE = [
    ("invalid_uri", "No redirect URL was supplied or stored"),
    ("invalid_token", "The client credentials are invalid"),
    ("invalid_token", "The access token provided is invalid"),
    ("invalid_token", 'Malformed token (missing "expires" or "client_id")'),
    ("invalid_token", "The access token provided has expired"),
    ("invalid_grant", "Invalid username and password combination"),
    ("invalid_grant", "Authorization code doesn't exist or is invalid for the client"),
    ("invalid_client", "Client credentials were not found in the headers or body"),
    ("invalid_scope", "An unsupported scope was requested"),
    ("access_denied", "The user denied access to your application"),
]


@pytest.mark.parametrize(("code", "text"), DOC_TABLE)
def test_doc_table_strings_are_constants_of_their_class(code: str, text: str) -> None:
    cls = ERRORS_BY_CODE[code]
    constants = {v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)}
    assert text in constants


@pytest.mark.parametrize("code", sorted(ERRORS_BY_CODE))
def test_every_code_renders_a_flat_body(code: str) -> None:
    err = error_from_wire(code)
    body = err.body()
    assert body["error"] == code
    assert body["error_description"]
    assert set(body) == {"error", "error_description"}


def test_statuses_bshaffer_sets() -> None:
    assert InvalidGrantError("x").http_status == 400
    assert InvalidTokenError("x").http_status == 401
    assert InvalidClientError("x", status=401).http_status == 401


def test_client_mismatch_interpolates_the_grant() -> None:
    assert (
        InvalidGrantError.client_mismatch("refresh_token")
        == InvalidGrantError.REFRESH_CLIENT_MISMATCH
    )


def test_restler_messages() -> None:
    assert RestlerError(401).body() == {"error": {"code": 401, "message": "Unauthorized"}}
    assert RestlerError(400, RestlerError.UNKNOWN_WORKSPACE).message == (
        "Bad Request: You have specified an unavailable workspace."
    )
    assert InvalidUriError.DOC_NO_REDIRECT_URL != InvalidUriError.NO_REDIRECT_URI


def test_an_unknown_wire_code_is_a_plain_error_carrying_it() -> None:
    err = error_from_wire("server_error", "scripted")
    assert type(err) is OAuthError
    assert err.body() == {"error": "server_error", "error_description": "scripted"}
    assert err.http_status == 400


def test_a_known_code_keeps_its_class_and_the_class_keeps_its_code() -> None:
    err = error_from_wire("invalid_grant")
    assert isinstance(err, InvalidGrantError)
    assert err.error == InvalidGrantError.wire == "invalid_grant"
    assert err.description == InvalidGrantError.BAD_USER_CREDENTIALS


def test_an_unknown_code_without_a_description_has_an_empty_one() -> None:
    err = error_from_wire("slow_down")
    assert type(err) is OAuthError
    assert err.body() == {"error": "slow_down", "error_description": ""}


@pytest.mark.parametrize(
    ("err", "shown"),
    [
        (InvalidGrantError("Invalid code"), "InvalidGrantError('Invalid code')"),
        (OAuthError("", error="slow_down"), "OAuthError('')"),
    ],
)
def test_an_error_shows_its_class_and_description(err: OAuthError, shown: str) -> None:
    assert repr(err) == shown


def test_every_error_text_the_mock_sends_is_in_the_source_facts_table() -> None:
    """docs/source-facts.md §3.3 lists every error string: each text errors.py spells is there
    (with where it comes from, or that it is the mock's own), so the table cannot fall behind."""
    import inspect
    import re
    from pathlib import Path

    from mockserver.protocol import errors

    facts = (Path(__file__).resolve().parents[3] / "docs" / "source-facts.md").read_text()
    section = facts[facts.index("### 3.3 Every error string") :]
    section = " ".join(section[: section.index("\n## ", 10)].split())
    texts = {
        value
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if cls.__module__ == errors.__name__
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str) and not value.startswith("http")
    }
    assert len(texts) > 30, texts
    missing = sorted(t for t in texts if " ".join(t.split()) not in section)
    assert not missing, f"docs/source-facts.md §3.3 lacks: {missing}"
    assert re.search(r"must be printable ASCII` \| \*\*the mock's own text", section)
