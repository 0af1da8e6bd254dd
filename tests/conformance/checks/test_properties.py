"""The property checks: reproducible settings, the documented shapes, the lifecycle model, and
what a falsified property reports."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck
from hypothesis import settings

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.checks.properties import _expect_documented_shape
from conformance.checks.properties import _holds
from conformance.checks.properties import _Lifecycle
from conformance.checks.properties import _settings
from conformance.context import CheckContext
from conformance.failures import PropertyFalsified
from conformance.http import HttpResponse
from mockserver import get_profile
from tests.conformance.controls_properties import CONTROLS

LIVE = Target.url("http://127.0.0.1:9", "workflow")
"""A live target; no test here sends it anything."""


def test_property_runs_are_reproducible_and_report_one_minimal_example() -> None:
    target = Target.mock("documented")
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-PROP-002"),
            session,
            get_profile("documented"),
            load_credentials(env={}),
            target,
        )
        chosen = _settings(ctx, mock_examples=7, live_examples=3)
    # The same run gives the same report (golden baselines, regression diffs): no random seed.
    assert chosen.derandomize is True and chosen.database is None
    # One falsifying example, shrunk, is what a failure shows; not several at once.
    assert chosen.report_multiple_bugs is False
    assert chosen.max_examples == 7 and chosen.deadline is None


@pytest.fixture
def hypothesis_defaults() -> Iterator[None]:
    """Hypothesis's own default settings, as a run of the suite outside pytest has them (this
    project's conftest loads a profile without a deadline)."""
    previous = settings.get_current_profile_name()
    settings.load_profile("default")
    try:
        yield
    finally:
        settings.load_profile(previous)


@pytest.mark.usefixtures("hypothesis_defaults")
@pytest.mark.parametrize(("target", "examples"), [(Target.mock("documented"), 7), (LIVE, 3)])
def test_property_settings_hold_outside_the_test_suite_s_hypothesis_profile(
    target: Target, examples: int
) -> None:
    assert settings().deadline is not None  # the default profile is the one in force
    with Target.mock("documented").session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-PROP-001"),
            session,
            get_profile("documented"),
            load_credentials(env={}),
            target,
        )
        chosen = _settings(ctx, mock_examples=7, live_examples=3)
    # a live server's latency is no bug, and a slow mock or a filtered strategy must not turn
    # the check into a hypothesis health-check error
    assert chosen.deadline is None
    assert list(chosen.suppress_health_check) == list(HealthCheck)
    assert chosen.max_examples == examples  # few requests against a live server


def test_the_lifecycle_model_expires_refresh_tokens_by_their_age() -> None:
    from conformance.checks.properties import _TokenModel

    model = _TokenModel(get_profile("pm-3.4.10").derive("t", refresh_token_lifetime=100))
    model.advanced(50)
    model.issued({"access_token": "a1", "refresh_token": "r1"})  # issued at t=50
    model.advanced(60)  # t=110: r1 is 60 s old
    assert "r1" in model.live_refresh and model.expired_refresh == []
    assert model.live_access == []  # access tokens do not survive a clock move
    model.advanced(41)  # t=151: 101 s old
    assert "r1" not in model.live_refresh and model.expired_refresh == ["r1"]


def test_the_lifecycle_model_spends_single_use_refresh_tokens() -> None:
    from conformance.checks.properties import _TokenModel

    model = _TokenModel(get_profile("documented"))
    model.issued({"access_token": "a1", "refresh_token": "r1"})
    model.refreshed("r1", {"access_token": "a2", "refresh_token": "r2"})
    assert model.spent_refresh == ["r1"] and list(model.live_refresh) == ["r2"]
    assert model.live_access == ["a1", "a2"]


@pytest.mark.parametrize("check_id", sorted(CONTROLS))
def test_a_falsified_property_replays_the_last_request_of_its_shrunk_example(
    check_id: str,
) -> None:
    control = CONTROLS[check_id]
    result = run_check(
        CHECKS.get(check_id),
        Target.mock(control.expected, prepare=control.prepare),
        get_profile(control.expected),
        load_credentials(env={}),
    )
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert failure.kind == "property_falsified" and failure.curl is not None
    last = failure.evidence[-1]["request"]
    replay = shlex.split(failure.curl)
    assert replay[:4] == ["curl", "-i", "-X", last["method"]]
    assert replay[-1] == last["url"]
    assert replay[replay.index("--data-binary") + 1] == last["body"]


@pytest.fixture
def ctx() -> Iterator[CheckContext]:
    target = Target.mock("documented")
    with target.session() as session:
        yield CheckContext(
            CHECKS.get("PM3-PROP-001"),
            session,
            get_profile("documented"),
            load_credentials(env={}),
            target,
        )


def _answer(
    status: int, body: object = None, content_type: str = "application/json"
) -> HttpResponse:
    raw = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, (("Content-Type", content_type),), raw)


@pytest.mark.parametrize(
    ("answer", "shape"),
    [
        (HttpResponse(503, (), b""), "empty-503"),
        (_answer(503, b"<h1>Exception</h1>", "text/html; charset=utf-8"), "html"),
        (_answer(200, {"access_token": "a" * 40, "token_type": "bearer"}), "token"),
        (_answer(400, {"error": "invalid_grant", "error_description": "x"}), "oauth-error"),
        (_answer(400, {"error": {"code": 400, "message": "Bad Request"}}), "restler-error"),
    ],
)
def test_each_documented_shape_is_named(
    ctx: CheckContext, answer: HttpResponse, shape: str
) -> None:
    assert _expect_documented_shape(ctx, answer) == shape


@pytest.mark.parametrize(
    ("answer", "expectation", "message"),
    [
        (HttpResponse(200, (), b""), "shape", "no documented shape: HTTP 200 with an empty body"),
        (
            _answer(200, {"access_token": "a" * 40, "token_type": "mac"}),
            "field:token_type",
            "a token whose token_type is 'mac', not 'bearer' (HTTP 200)",
        ),
        (
            _answer(400, {"error": "invalid_grant"}),
            "shape",
            "a flat OAuth error without error_description: HTTP 400 with a flat OAuth error "
            "'invalid_grant': None",
        ),
        (
            _answer(400, {"error": {"code": "400", "message": "Bad Request"}}),
            "shape",
            "Restler's nested error without an integer code: HTTP 400 with Restler's nested "
            "error '400' 'Bad Request'",
        ),
    ],
)
def test_an_answer_of_no_documented_shape_falsifies_the_property(
    ctx: CheckContext, answer: HttpResponse, expectation: str, message: str
) -> None:
    with pytest.raises(PropertyFalsified) as caught:
        _expect_documented_shape(ctx, answer)
    assert (caught.value.expectation, caught.value.message) == (expectation, message)


def test_a_spent_refresh_token_refused_with_another_error_than_invalid_grant_is_named(
    ctx: CheckContext,
) -> None:
    machine = type("Lifecycle", (_Lifecycle,), {"ctx": ctx})()
    refused = _answer(400, {"error": "invalid_request", "error_description": "Missing token"})
    with pytest.raises(PropertyFalsified) as caught:
        machine._refused(refused, "reusing a spent refresh token", "reuse")
    assert caught.value.expectation == "error"
    assert caught.value.message == (
        "reusing a spent refresh token: expected invalid_grant, got HTTP 400 with a flat OAuth "
        "error 'invalid_request': 'Missing token'"
    )
    machine._refused(
        _answer(400, {"error": "invalid_grant", "error_description": "x"}), "", "reuse"
    )


def test_a_falsified_property_carries_the_last_two_exchanges(ctx: CheckContext) -> None:
    for token in ("t1", "t2", "t3"):
        ctx.api("users", token)
    first, *last_two = ctx.exchanges
    _holds(ctx, True, "status", "holds: nothing raised")
    with pytest.raises(PropertyFalsified) as caught:
        _holds(ctx, False, "status", "a 401 for an unknown token")
    assert (caught.value.expectation, caught.value.message) == (
        "status",
        "a 401 for an unknown token",
    )
    assert caught.value.evidence == tuple(last_two)
    assert first not in caught.value.evidence
