"""PM3-RESTDOOR-*: the failures their negative controls do not cover, the per-profile refusal,
and the operator user on a live target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.runner import CheckResult
from mockserver import MockServer
from mockserver import get_profile

CREDENTIALS = load_credentials(env={})
NOT_FOUND = {"error": {"code": 404, "message": "Not Found"}}


def _run(
    check_id: str,
    prepare: Callable[[MockServer], None] | None = None,
    *,
    expected: str = "documented",
    server: str | None = None,
) -> CheckResult:
    target = Target.mock(server or expected, prepare=prepare)
    return run_check(CHECKS.get(check_id), target, get_profile(expected), CREDENTIALS)


def test_a_protected_route_answered_404_before_authentication_fails_on_the_status() -> None:
    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None, method="GET").respond_with(404, json=NOT_FOUND)

    result = _run("PM3-RESTDOOR-001", prepare)
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert failure.expectation == "status"
    assert failure.message.startswith("GET groups without a token: expected the 401")
    assert "would see 404 instead of 401" in failure.message


def test_a_write_served_without_a_token_fails_as_not_refused() -> None:
    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None, method="DELETE").respond_with(200)

    result = _run("PM3-RESTDOOR-001", prepare)
    assert result.outcome == "failed"
    assert result.failures[0].expectation == "refused"
    assert "DELETE user/ffffffffffffffffffffffffffffffff without a token" in (
        result.failures[0].message
    )


def test_paging_ignored_fails_on_the_body() -> None:
    def prepare(pm: MockServer) -> None:
        pm.add_user("third", "third-pw-1", role="PROCESSMAKER_OPERATOR")
        pm.override("api", times=None, method="GET", params={"limit": "*"}).respond_with(
            200, json=[{"usr_uid": "a" * 32}, {"usr_uid": "b" * 32}]
        )

    result = _run("PM3-RESTDOOR-003", prepare)
    assert result.outcome == "failed"
    failure = result.failures[0]
    assert failure.expectation == "body"
    assert failure.message.startswith("GET users?start=0&limit=1: expected the unfiltered")
    assert "start/limit were ignored" in failure.message


def test_lfilter_is_checked_only_where_the_release_has_it() -> None:
    """3.0's doGetUsers takes filter, start and limit only: an lfilter ignored there is right,
    and the same answer under 3.4.11 is a failure."""

    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None, method="GET", params={"lfilter": "*"}).respond_with(
            200, json=[{"usr_uid": "a" * 32, "usr_username": "someone"}]
        )

    assert _run("PM3-RESTDOOR-003", prepare, expected="pm-3.0-rc").outcome == "passed"
    failed = _run("PM3-RESTDOOR-003", prepare, expected="pm-3.4.11")
    assert failed.outcome == "failed"
    assert failed.failures[0].message.startswith("GET users?lfilter=johndoe: every user")


def test_the_refusal_comes_from_the_profile_field_permission_refusal() -> None:
    assert _run("PM3-RESTDOOR-002", expected="pm-3.0-rc").outcome == "passed"
    # a 3.4.11 server (AccessControl's 401) judged as 3.0 (the constructor's 400), and back
    as_30 = _run("PM3-RESTDOOR-002", expected="pm-3.0-rc", server="pm-3.4.11")
    assert as_30.outcome == "failed" and as_30.failures[0].expectation == "status"
    as_3411 = _run("PM3-RESTDOOR-002", expected="pm-3.4.11", server="pm-3.0-rc")
    assert as_3411.outcome == "failed" and as_3411.failures[0].expectation == "error"


def test_a_live_target_needs_the_operator_from_the_credentials() -> None:
    with MockServer() as pm:
        pm.add_user("op", "op-secret-pw", role="PROCESSMAKER_OPERATOR")
        target = Target.url(pm.url, "workflow")
        spec = CHECKS.get("PM3-RESTDOOR-002")
        skipped = run_check(spec, target, get_profile("documented"), CREDENTIALS)
        assert skipped.outcome == "skipped"
        assert "operator_username" in (skipped.skip_reason or "")
        with_operator = replace(
            CREDENTIALS, operator_username="op", operator_password="op-secret-pw"
        )
        passed = run_check(spec, target, get_profile("documented"), with_operator)
        assert passed.outcome == "passed"
        # johndoe is not an operator: given as one, the check sees him served
        as_manager = replace(CREDENTIALS, operator_username="johndoe", operator_password="p4ssw0rd")
        served = run_check(spec, target, get_profile("documented"), as_manager)
        assert served.outcome == "failed" and served.failures[0].expectation == "refused"
