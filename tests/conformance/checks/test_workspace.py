"""What the unknown-workspace check says when the profile's HTML error page is not served."""

from __future__ import annotations

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import get_profile
from tests.conformance.control_kit import profile_field

CREDENTIALS = load_credentials(env={})


def test_a_503_without_the_html_page_fails_on_the_content_type() -> None:
    # pm-3.0-rc answers an unknown workspace with a 503 HTML exception page; this mock sends
    # the documented empty 503 instead: the status is right, the page is missing
    target = Target.mock("pm-3.0-rc", prepare=profile_field(unknown_workspace="empty-503"))
    result = run_check(CHECKS.get("PM3-WS-001"), target, get_profile("pm-3.0-rc"), CREDENTIALS)
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert (failure.kind, failure.expectation) == ("header_mismatch", "header:Content-Type")
    assert failure.message == (
        "unknown workspace: expected an HTML page, got HTTP 503 with an empty body "
        "(Content-Type None)"
    )
