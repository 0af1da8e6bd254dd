"""Attack: values that used to wedge state or get a 500 (issue 10, class 8)."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from tests.conftest import DOC_CREDENTIALS


def _token_ok(pm: MockServer) -> None:
    answer = requests.post(
        pm.token_url(), data={"grant_type": "password", **DOC_CREDENTIALS}, timeout=10
    )
    assert answer.status_code == 200 and "access_token" in answer.json(), answer.text


@pytest.mark.parametrize(
    "payload",
    [
        '{"advance": 1e308}',
        '{"advance": -1e308}',
        '{"advance": NaN}',
        '{"advance": Infinity}',
        '{"set": "9999-12-31T23:59:59Z"}',
        '{"set": "0001-01-01T00:00:00Z"}',
        '{"set": "1e308"}',
    ],
)
def test_clock_values_out_of_range_get_400_and_change_nothing(
    controlled: MockServer, payload: str
) -> None:
    before = controlled.clock.now()
    answer = requests.post(
        f"{controlled.url}/_pm3/clock",
        data=payload,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 400, answer.text
    assert "clock" in answer.json()["error"]
    assert abs(controlled.clock.now() - before) < 60
    _token_ok(controlled)
    controlled.check()


@pytest.mark.parametrize("limit", ["²", "-1", "1e3", "٣", "x"])
def test_journal_limit_must_be_ascii_digits(controlled: MockServer, limit: str) -> None:
    answer = requests.get(f"{controlled.url}/_pm3/journal", params={"limit": limit}, timeout=10)
    assert answer.status_code == 400 and "limit" in answer.json()["error"]


@pytest.mark.parametrize("field", ["username", "password", "refresh_token", "client_id"])
def test_a_lone_surrogate_in_json_is_malformed_json_not_a_500(field: str) -> None:
    pm = MockServer()
    client = Client(pm.app)
    body = json.dumps({"grant_type": "password", **DOC_CREDENTIALS}).replace(
        '"grant_type"', f'"{field}": "\\ud800", "grant_type"', 1
    )
    # Keys later in the object win in PHP too; put the surrogate last so it is the value used.
    body = body[:-1] + f', "{field}": "\\ud800"}}'
    answer = client.post("/workflow/oauth2/token", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert "Malformed" in answer.get_data(as_text=True) or "JSON" in answer.get_data(as_text=True)
    pm.check()
    pm.close()


def test_a_lone_surrogate_in_the_control_api_is_a_400(controlled: MockServer) -> None:
    answer = requests.post(
        f"{controlled.url}/_pm3/users",
        data='{"username": "\\ud800", "password": "pw-12345"}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 400
    controlled.check()


def test_a_far_future_clock_still_issues_tokens(controlled: MockServer) -> None:
    controlled.clock.set(datetime(8999, 12, 31, tzinfo=UTC))
    answer = requests.post(
        controlled.token_url(),
        data={
            "grant_type": "client_credentials",
            "client_id": DOC_CREDENTIALS["client_id"],
            "client_secret": DOC_CREDENTIALS["client_secret"],
        },
        timeout=10,
    )
    assert answer.status_code == 200 and "access_token" in answer.json(), answer.text
    controlled.check()


def test_a_multipart_part_with_an_unreadable_name_is_ignored_not_a_dropped_connection() -> None:
    # Found by schemathesis' stateful phase: the journal's accounting met a part named None.
    pm = MockServer()
    client = Client(pm.app)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="\\"\r\n\r\nnull\r\n'
        b'--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n'
        b"--b--\r\n"
    )
    answer = client.post(
        "/workflow/oauth2/token", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert answer.status_code == 200 and answer.get_json()["error"] == "invalid_client"
    assert None not in pm.journal.last().request.params  # type: ignore[union-attr]
    pm.check()
    pm.close()
