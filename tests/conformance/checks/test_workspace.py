"""What the unknown-workspace check says when the profile's answer is not the one served."""

from __future__ import annotations

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.checks.workspace import _expect_unknown_workspace
from conformance.context import CheckContext
from conformance.failures import Failure
from conformance.http import HttpResponse
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


EMPTY_404 = HttpResponse(404, (), b"")
EMPTY_503 = HttpResponse(503, (), b"")
HTML_503 = HttpResponse(503, (("Content-Type", "text/html; charset=utf-8"),), b"<h1>Exception</h1>")
JSON_503 = HttpResponse(
    503, (("Content-Type", "application/json"),), b'{"error":{"code":503,"message":"x"}}'
)


@pytest.mark.parametrize(
    ("profile", "answer", "failure"),
    [
        (
            "documented",  # empty-503
            EMPTY_404,
            (
                "status_mismatch",
                "status",
                "unknown workspace: expected HTTP 503, got HTTP 404 with an empty body",
            ),
        ),
        (
            "documented",
            HTML_503,
            (
                "value_mismatch",
                "body",
                "unknown workspace: expected no body, got HTTP 503 with an HTML page",
            ),
        ),
        (
            "pm-3.0-rc",  # html-503
            EMPTY_404,
            (
                "status_mismatch",
                "status",
                "unknown workspace: expected HTTP 503, got HTTP 404 with an empty body",
            ),
        ),
        (
            "pm-3.0-rc",
            JSON_503,
            (
                "header_mismatch",
                "header:Content-Type",
                "unknown workspace: expected an HTML page, got HTTP 503 with Restler's nested "
                "error 503 'x' (Content-Type 'application/json')",
            ),
        ),
        (
            "rfc6749",  # plain-404
            EMPTY_503,
            (
                "status_mismatch",
                "status",
                "unknown workspace: expected HTTP 404, got HTTP 503 with an empty body",
            ),
        ),
    ],
)
def test_each_unknown_workspace_style_names_what_the_answer_got_wrong(
    profile: str, answer: HttpResponse, failure: tuple[str, str, str]
) -> None:
    target = Target.mock(profile)
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-WS-001"), session, get_profile(profile), CREDENTIALS, target
        )
        with pytest.raises(Failure) as caught:
            _expect_unknown_workspace(ctx, answer, "unknown workspace")
    assert (caught.value.kind, caught.value.expectation, caught.value.message) == failure


@pytest.mark.parametrize(
    ("profile", "answer"),
    [("documented", EMPTY_503), ("pm-3.0-rc", HTML_503), ("rfc6749", EMPTY_404)],
)
def test_the_profile_s_own_unknown_workspace_answer_passes(
    profile: str, answer: HttpResponse
) -> None:
    target = Target.mock(profile)
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-WS-001"), session, get_profile(profile), CREDENTIALS, target
        )
        _expect_unknown_workspace(ctx, answer, "unknown workspace")
    assert ctx.exchanges == []  # judged from the answer alone: nothing else was sent
