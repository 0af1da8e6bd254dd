"""What the authorize checks take for a redirect, and what they say when Accept gets none."""

from __future__ import annotations

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import MockServer
from mockserver import get_profile
from tests.conformance.control_kit import Prepare

CREDENTIALS = load_credentials(env={})


def _accept_answered_with_a_page(pm: MockServer) -> None:
    pm.override("authorize", method="POST", times=None).respond_with(
        200, body="<html><body>done</body></html>", headers={"Content-Type": "text/html"}
    )


def test_an_accept_without_a_redirect_fails_naming_the_step_and_the_answer() -> None:
    spec = CHECKS.get("PM3-AUTHZ-012")
    target = Target.mock("documented", prepare=_accept_answered_with_a_page)
    result = run_check(spec, target, get_profile("documented"), CREDENTIALS)
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert (failure.expectation, failure.kind) == ("redirect", "redirect_mismatch")
    assert failure.message.startswith("first Accept: expected a redirect, got HTTP 200"), (
        failure.message
    )


def _accept_answered_with(status: int) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("authorize", method="POST", times=None).respond_with(
            status, headers={"Location": "http://localhost/callback?code=" + "c" * 40}
        )

    return prepare


@pytest.mark.parametrize(
    ("status", "outcome"), [(301, "passed"), (302, "passed"), (303, "passed"), (304, "failed")]
)
def test_a_redirect_is_a_301_302_or_303(status: int, outcome: str) -> None:
    """304 Not Modified has a 3xx status but sends the browser nowhere."""
    target = Target.mock("documented", prepare=_accept_answered_with(status))
    result = run_check(CHECKS.get("PM3-AUTHZ-012"), target, get_profile("documented"), CREDENTIALS)
    assert result.outcome == outcome, result.failures
    if outcome == "failed":
        assert result.failures[0].message.startswith(
            f"first Accept: expected a redirect, got HTTP {status}"
        ), result.failures[0].message
