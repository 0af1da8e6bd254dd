"""The token endpoint's shared steps: the Basic scheme, PHP's loose ``==`` on secrets, an empty scope.

Source: source fact §2.3 (``HttpBasic``, ``PmPdo::checkClientCredentials``: PHP ``==`` between the
stored and the given secret) and §7 (an omitted or empty scope: the token's scope is NULL).
"""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidScopeError
from mockserver.protocol.token import basic_credentials
from mockserver.protocol.token import check_scope
from mockserver.protocol.token import php_loose_equals
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.store import ClientRow
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import error_of
from tests.mockserver.helpers import login
from tests.mockserver.helpers import refresh
from tests.mockserver.helpers import tokens

ENCODED = base64.b64encode(b"id:secret").decode()


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_the_basic_scheme_is_matched_case_insensitively(scheme: str) -> None:
    assert basic_credentials(f"{scheme} {ENCODED}") == ("id", "secret")


@pytest.mark.parametrize("header", [None, "", f"Bearer {ENCODED}", f"Basi {ENCODED}"])
def test_a_header_of_another_scheme_carries_no_credentials(header: str | None) -> None:
    assert basic_credentials(header) is None


@pytest.mark.parametrize("scheme", ["basic", "BASIC"])
def test_the_token_endpoint_accepts_basic_in_any_case(client: Client, scheme: str) -> None:
    raw = base64.b64encode(f"{DOC_CLIENT_ID}:{DOC_CLIENT_SECRET}".encode()).decode()
    answer = client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"{scheme} {raw}"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json is not None and "access_token" in answer.json


@pytest.mark.parametrize(
    ("stored", "given", "equal"),
    [
        ("1e3", "1000", True),  # PHP < 8: numeric strings compare as numbers
        ("1000", "1e3", True),
        ("10", "10.0", True),
        (" 1", "1", True),  # leading whitespace is allowed in a numeric string
        ("0x1A", "26", False),  # hexadecimal strings are not numeric
        ("1e3", "1e3x", False),
        ("1e3", "1001", False),
        ("secret", "secret", True),
        ("secret", "Secret", False),
        ("abc", "abc ", False),
        (None, "", True),  # null == '': the unknown-client quirk (§2.3)
        (None, "0", False),
    ],
)
def test_php_loose_equals(stored: str | None, given: str, equal: bool) -> None:
    assert php_loose_equals(stored, given) is equal


def _numeric_secret_client(mock: MockServer) -> str:
    mock.workspace().add_client(
        ClientRow("numeric-client", "1e3", "Numeric", "", "", "http://localhost/cb", "")
    )
    return "numeric-client"


@pytest.mark.parametrize("given", ["1000", "1000.0", "1E3"])
def test_a_numeric_secret_matches_by_value(mock: MockServer, client: Client, given: str) -> None:
    client_id = _numeric_secret_client(mock)
    answer = client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": given},
    )
    assert answer.json is not None and "access_token" in answer.json, answer.get_data(as_text=True)


def test_a_numeric_secret_still_refuses_another_number(mock: MockServer, client: Client) -> None:
    client_id = _numeric_secret_client(mock)
    answer = client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "999"},
    )
    assert error_of(answer) == ("invalid_client", "The client credentials are invalid")


def test_an_empty_scope_counts_as_absent(client: Client) -> None:
    absent = tokens(client, scope=None)
    empty = tokens(client, scope="")
    assert empty["scope"] is None
    assert empty["scope"] == absent["scope"]


def test_an_empty_scope_on_refresh_keeps_the_stored_scope(client: Client) -> None:
    first = tokens(client, scope="*")
    answer = refresh(client, first["refresh_token"], scope="")
    assert answer.json is not None, answer.get_data(as_text=True)
    assert answer.json["scope"] == "*"


def test_an_empty_scope_in_the_query_string_counts_as_absent(client: Client) -> None:
    answer = client.post(
        f"{TOKEN}?scope=",
        data={
            "grant_type": "client_credentials",
            "client_id": DOC_CLIENT_ID,
            "client_secret": DOC_CLIENT_SECRET,
        },
    )
    assert answer.json is not None and answer.json.get("access_token"), answer.get_data(True)
    assert answer.json["scope"] is None


def test_an_unsupported_scope_is_still_refused(client: Client) -> None:
    answer = login(client, scope="delete_everything")
    assert error_of(answer)[0] == "invalid_scope"


def test_only_spaces_are_trimmed_from_a_requested_scope() -> None:
    check_scope(" X ", None, ("X",))  # a scope that begins or ends with X keeps it
    with pytest.raises(InvalidScopeError):
        check_scope("X  Y", None, ("X", "Y"))  # an inner double space is an empty scope
