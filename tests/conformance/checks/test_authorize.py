"""What the authorize checks say when the consent's Accept is not answered with a redirect."""

from __future__ import annotations

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import MockServer
from mockserver import get_profile

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
    assert failure.expectation == "redirect"
    assert failure.message.startswith("first Accept: expected a redirect, got HTTP 200"), (
        failure.message
    )
