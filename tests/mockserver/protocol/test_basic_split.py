"""A Basic value with several ':' is read as the profile's PHP reads it (issue 14, item 6)."""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from mockserver import PROFILES
from mockserver import MockServer
from mockserver.protocol.token import basic_credentials
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET


def _basic(value: str) -> str:
    return "Basic " + base64.b64encode(value.encode()).decode()


@pytest.mark.parametrize("name", list(PROFILES))
def test_a_secret_with_a_colon_in_basic_is_compared_whole(name: str) -> None:
    pm = MockServer(name)
    answer = Client(pm.app).post(
        "/workflow/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DOC_CLIENT_ID,
            "client_secret": DOC_CLIENT_SECRET,
        },
        headers={"Authorization": _basic(f"{DOC_CLIENT_ID}:a:b")},
    )
    body = answer.get_json()
    if PROFILES[name].basic_split == "first-colon":
        assert body["error"] == "invalid_client"
        assert body["error_description"] == "The client credentials are invalid"
    else:
        assert "access_token" in body
    pm.close()


def test_the_single_colon_reading_ignores_such_a_header() -> None:
    profile = PROFILES["pm-3.4.10"]
    pm = MockServer(profile.derive("fpm", basic_split="single-colon"))
    answer = Client(pm.app).post(
        "/workflow/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DOC_CLIENT_ID,
            "client_secret": DOC_CLIENT_SECRET,
        },
        headers={"Authorization": _basic(f"{DOC_CLIENT_ID}:a:b")},
    )
    assert "access_token" in answer.get_json()
    pm.close()


@pytest.mark.parametrize(
    ("value", "split", "expected"),
    [
        ("id:secret", "first-colon", ("id", "secret")),
        ("id:a:b", "first-colon", ("id", "a:b")),
        ("id:a:b", "single-colon", None),
        ("id:secret", "single-colon", ("id", "secret")),
        ("nocolon", "first-colon", None),
        (":", "first-colon", ("", "")),
    ],
)
def test_basic_credentials(value: str, split: str, expected: tuple[str, str] | None) -> None:
    assert basic_credentials(_basic(value), split) == expected
