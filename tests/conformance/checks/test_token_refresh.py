"""PM3-TOKEN-REFRESH-001 holds both halves of rotation: a new access token, and a new refresh token.

The registry's negative control breaks only the refresh token's rotation; this test breaks only the
access token's, so each of the check's two assertions has a server that only it catches.
"""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import MockServer
from mockserver import get_profile

CREDENTIALS = load_credentials(env={})


def _same_access_token_back(pm: MockServer) -> None:
    # one real access token is what every password grant and every refresh hands out; the
    # refresh tokens stay new and single-use
    answer = Client(pm.app).post(
        "/workflow/oauth2/token",
        data={
            "grant_type": "password",
            "scope": "*",
            "client_id": CREDENTIALS.client_id,
            "client_secret": CREDENTIALS.client_secret,
            "username": CREDENTIALS.username,
            "password": CREDENTIALS.password,
        },
    )
    kept = answer.get_json()["access_token"]
    for grant in ("password", "refresh_token"):
        pm.override("token", times=None, grant_type=grant).alter(set={"access_token": kept})


@pytest.mark.parametrize("profile", ["documented", "pm-3.0-rc"])
def test_a_refresh_that_returns_the_same_access_token_fails(profile: str) -> None:
    spec = CHECKS.get("PM3-TOKEN-REFRESH-001")
    target = Target.mock(profile, prepare=_same_access_token_back)
    result = run_check(spec, target, get_profile(profile), CREDENTIALS)
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert failure.expectation == "rotation"
    assert failure.message == (
        "the refresh returned the access token it was meant to replace (HTTP 200)"
    )
