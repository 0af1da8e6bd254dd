"""The documentation's error table: every placement that a request can reach is driven through
the mock under every profile. A row said to appear must appear, as printed (error and
description); a row said never to appear must not appear in the answer to the request that
comes closest to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client
from werkzeug.test import TestResponse

from mockserver import PROFILES
from mockserver import MockServer
from mockserver.state import doc_errors
from mockserver.state.doc_errors import NEVER
from mockserver.state.doc_errors import ROWS
from mockserver.state.doc_errors import DocErrorRow
from mockserver.state.doc_errors import Placement
from mockserver.state.doc_errors import _pm
from mockserver.state.doc_errors import document
from mockserver.state.profiles import decision
from mockserver.state.profiles import rfc
from mockserver.state.profiles import src
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.store import ClientRow
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import login
from tests.mockserver.helpers import tokens
from tests.mockserver.protocol.test_authorize import forms

NO_CALLBACK_CLIENT = "NOCALLBACKCLIENTNOCALLBACKCLIENT"
USERS = "/api/1.0/workflow/users"


def _text(response: TestResponse) -> str:
    """Everything of an answer a client can read an error from: body, Location, WWW-Authenticate."""
    parts = [response.get_data(as_text=True)]
    for name in ("Location", "WWW-Authenticate"):
        parts.append(response.headers.get(name, ""))
    location = urlsplit(response.headers.get("Location", ""))
    parts += [f"{k}={v}" for k, v in parse_qsl(location.query) + parse_qsl(location.fragment)]
    return "\n".join(parts)


def _pair_in(response: TestResponse, row: DocErrorRow) -> bool:
    """Whether the answer carries the row's error with the row's description."""
    body = response.get_data(as_text=True)
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    flat = isinstance(data, dict) and data.get("error") == row.error
    if flat and isinstance(data, dict) and data.get("error_description") == row.description:
        return True
    text = _text(response)
    if f'error="{row.error}"' in text and f'error_description="{row.description}"' in text:
        return True
    location = urlsplit(response.headers.get("Location", ""))
    params = dict(parse_qsl(location.query) + parse_qsl(location.fragment))
    return params.get("error") == row.error and params.get("error_description") == row.description


def _signed_in(client: Client) -> None:
    page = client.get("/sysworkflow/en/neoclassic/login/login")
    form = forms(page.get_data(as_text=True))[0]
    values = dict(form["inputs"])  # type: ignore[call-overload]
    values["form[USR_USERNAME]"], values["form[USR_PASSWORD]"] = "johndoe", "p4ssw0rd"
    answer = client.post(str(form["action"]), data=values)
    assert answer.status_code == 302, answer.get_data(as_text=True)


def _consent(client: Client, client_id: str, **extra: str) -> TestResponse:
    _signed_in(client)
    query = {"response_type": "code", "client_id": client_id, "scope": "*", **extra}
    page = client.get("/workflow/oauth2/authorize", query_string=query)
    assert page.status_code == 200, page.get_data(as_text=True)
    return page


def _press(client: Client, page: TestResponse, *, deny: bool) -> TestResponse:
    form = forms(page.get_data(as_text=True))[0]
    data = dict(form["inputs"])  # type: ignore[call-overload]
    if deny:
        data["cancel"] = "Deny"
    return client.post(str(form["action"]), data=data)


def _no_redirect(mock: MockServer, client: Client) -> TestResponse:
    mock.workspace().add_client(
        ClientRow(NO_CALLBACK_CLIENT, "1" * 32, "No callback", "", "http://x", "", ADMIN_UID)
    )
    return _press(client, _consent(client, NO_CALLBACK_CLIENT), deny=False)


def _denied(mock: MockServer, client: Client) -> TestResponse:
    return _press(client, _consent(client, DOC_CLIENT_ID), deny=True)


def _wrong_secret(mock: MockServer, client: Client) -> TestResponse:
    return login(client, client_secret="0" * 32)


def _unknown_token(mock: MockServer, client: Client) -> TestResponse:
    return client.get(USERS, headers={"Authorization": "Bearer " + "0" * 40})


def _expired_token(mock: MockServer, client: Client) -> TestResponse:
    access = tokens(client)["access_token"]
    mock.clock.advance(10 * 86400)
    return client.get(USERS, headers={"Authorization": f"Bearer {access}"})


def _bad_code(mock: MockServer, client: Client) -> TestResponse:
    return client.post(
        TOKEN,
        data={"grant_type": "authorization_code", "code": "0" * 40},
        auth=(DOC_CLIENT_ID, DOC_CLIENT_SECRET),
    )


def _no_client(mock: MockServer, client: Client) -> TestResponse:
    return client.post(TOKEN, data={"grant_type": "client_credentials"})


def _bad_scope(mock: MockServer, client: Client) -> TestResponse:
    return login(client, scope="launch_missiles")


def _bad_grant_type(mock: MockServer, client: Client) -> TestResponse:
    return client.post(TOKEN, data={"grant_type": "X"}, auth=(DOC_CLIENT_ID, DOC_CLIENT_SECRET))


Trigger = Callable[[MockServer, Client], TestResponse]

# The request that reaches (or comes closest to) each row. Rows whose text is a PHP exception have
# no request that can reach them; their placements must say so.
TRIGGERS: dict[str, list[Trigger]] = {
    "no_redirect": [_no_redirect],
    "client_invalid": [_wrong_secret],
    "token_invalid": [_unknown_token],
    "token_malformed": [_unknown_token, _expired_token],
    "token_expired": [_expired_token],
    "bad_password": [lambda m, c: login(c, password="wrong")],
    "bad_code": [_bad_code],
    "no_client": [_no_client],
    "bad_scope": [_bad_scope],
    "bad_grant_type": [_bad_grant_type],
    "denied": [_denied],
}
UNREACHABLE = {"is_authorized", "pdo_config"}


def test_every_row_has_a_trigger_or_is_unreachable() -> None:
    assert {row.key for row in ROWS} == set(TRIGGERS) | UNREACHABLE
    for row in ROWS:
        assert set(row.placements) == set(PROFILES), row.key
        for placement in row.placements.values():
            assert placement.where and placement.why.ref, row.key


@pytest.mark.parametrize("key", sorted(UNREACHABLE))
def test_unreachable_rows_are_never_sent(key: str) -> None:
    row = next(r for r in ROWS if r.key == key)
    assert all(p.where.startswith(NEVER) for p in row.placements.values())


@pytest.mark.parametrize("profile_name", list(PROFILES))
@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_placement_matches_what_the_mock_sends(mock: MockServer, client: Client, key: str) -> None:
    row = next(r for r in ROWS if r.key == key)
    placement = row.placement(mock.profile.name)
    expected = not placement.where.startswith(NEVER)
    for trigger in TRIGGERS[key]:
        # Each trigger on a fresh client: the authorize triggers sign in.
        answer = trigger(mock, Client(mock.app))
        assert _pair_in(answer, row) is expected, (
            f"{key} under {mock.profile.name}: placement says {placement.where!r}; "
            f"the answer was {answer.status} {_text(answer)[:300]!r}"
        )


@pytest.mark.parametrize("profile_name", ["rfc6749"])
def test_rfc6749_names_the_expired_token_in_the_challenge(mock: MockServer, client: Client) -> None:
    answer = _expired_token(mock, client)
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    assert "has expired" in answer.headers["WWW-Authenticate"]


def test_every_row_is_placed_under_exactly_the_shipped_profiles() -> None:
    for row in ROWS:
        assert set(row.placements) == set(PROFILES), row.key


def test_pm_placements_go_to_the_three_pm_profiles_and_the_others_to_their_own() -> None:
    """``ROWS`` is built at import; this calls the builder itself, so a change to it shows."""
    documented = Placement("doc where", decision("doc why"))
    out = _pm("pm where", src("pm why"), "rfc where", rfc("rfc why"), documented)
    assert out == {
        "pm-3.0-rc": Placement("pm where", src("pm why")),
        "pm-3.4.10": Placement("pm where", src("pm why")),
        "pm-3.4.11": Placement("pm where", src("pm why")),
        "documented": documented,
        "rfc6749": Placement("rfc where", rfc("rfc why")),
    }
    assert set(out) == set(PROFILES)


_PRINTED = "authorize, for a client with no registered callback and no redirect_uri"
_NOT_PRINTED = (
    "never as printed: authorize sends 'No redirect URI was supplied or stored' instead "
    "(URI, not URL) for a client with no callback and no redirect_uri"
)


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("documented", _PRINTED),
        ("pm-3.0-rc", _NOT_PRINTED),
        ("pm-3.4.10", _NOT_PRINTED),
        ("pm-3.4.11", _NOT_PRINTED),
        ("rfc6749", _NOT_PRINTED),
    ],
)
def test_the_no_redirect_row_is_placed_by_the_profiles_description(name: str, where: str) -> None:
    """The bshaffer library says URI (§3.3); only the documentation's profile prints URL. ``ROWS``
    is built at import; this calls the builder itself, so a change to it shows."""
    why = PROFILES[name].source_of("no_redirect_uri_description")
    assert why is not None
    assert doc_errors._no_redirect(name) == Placement(where, why)


def test_the_document_prints_each_row_as_a_heading_and_a_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pipe in a description becomes a slash, so the heading reads the same in any renderer."""
    placements = {name: Placement(f"where {name}", src(f"why {name}")) for name in PROFILES}
    rows = (
        DocErrorRow("piped", "invalid_request", "a | b", placements),
        DocErrorRow("bare", "", "c", placements),
    )
    monkeypatch.setattr(doc_errors, "ROWS", rows)
    table = ["| profile | where | why |", "|---|---|---|"] + [
        f"| `{name}` | where {name} | source: why {name} |" for name in PROFILES
    ]
    assert document().splitlines()[4:] == [
        "### `invalid_request` a / b",
        "",
        *table,
        "",
        "### c",
        "",
        *table,
    ]
