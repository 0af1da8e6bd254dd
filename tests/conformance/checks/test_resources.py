"""PM3-REST-003's 401 expectations, each broken alone, with the failure message a user reads."""

from __future__ import annotations

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.checks.resources import UNAUTHORIZED
from mockserver import MockServer
from mockserver import get_profile

CREDENTIALS = load_credentials(env={})


def _failure_of(profile: str, answer: tuple[int, object, dict[str, str]]) -> tuple[str, str, str]:
    status, body, headers = answer

    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None).respond_with(status, json=body, headers=headers)

    spec = CHECKS.get("PM3-REST-003")
    result = run_check(
        spec, Target.mock(profile, prepare=prepare), get_profile(profile), CREDENTIALS
    )
    assert result.outcome == "failed"
    failure = result.failures[0]
    return failure.kind, failure.expectation, failure.message


def test_a_bearer_challenge_where_restler_sends_none_fails_on_the_header() -> None:
    answer = (401, UNAUTHORIZED, {"WWW-Authenticate": 'Bearer realm="Service"'})
    assert _failure_of("documented", answer) == (
        "header_mismatch",
        "header:WWW-Authenticate",
        "no token: unexpected WWW-Authenticate 'Bearer realm=\"Service\"' (HTTP 401)",
    )


def test_a_missing_bearer_challenge_under_rfc6750_fails_on_the_header() -> None:
    answer = (401, {"error": "invalid_token"}, {})
    assert _failure_of("rfc6749", answer) == (
        "header_mismatch",
        "header:WWW-Authenticate",
        "no token: expected a Bearer challenge, got WWW-Authenticate None (HTTP 401)",
    )


@pytest.mark.parametrize("profile", ["documented", "rfc6749"])
def test_a_served_request_without_a_token_fails_on_the_status_naming_the_request(
    profile: str,
) -> None:
    kind, expectation, message = _failure_of(profile, (200, [], {}))
    assert (kind, expectation) == ("status_mismatch", "status")
    assert message.startswith("no token: expected HTTP 401, got HTTP 200"), message


def test_a_resource_not_served_fails_on_the_status_naming_the_request() -> None:
    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None).respond_with(500, json={"error": "boom"})

    result = run_check(
        CHECKS.get("PM3-REST-001"),
        Target.mock("documented", prepare=prepare),
        get_profile("documented"),
        CREDENTIALS,
    )
    failure = result.failures[0]
    assert (failure.kind, failure.expectation) == ("status_mismatch", "status")
    assert failure.message.startswith("bearer header: expected HTTP 200, got HTTP 500"), (
        failure.message
    )
