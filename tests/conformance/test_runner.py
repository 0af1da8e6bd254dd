"""The runner: worker processes fork only while the process is single-threaded; a check that
waits out a lifetime skips live unless `--slow` allows it, and then waits in real time."""

from __future__ import annotations

import multiprocessing
import re
import threading

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance.context import CheckContext
from conformance.registry import SLOW_LIMIT
from conformance.registry import CheckSpec
from conformance.registry import Registry
from conformance.registry import Severity
from conformance.registry import check
from conformance.registry import check_registry
from conformance.runner import _worker_context
from conformance.runner import run
from conformance.runner import run_check
from mockserver import MockServer
from mockserver import Profile
from mockserver import get_profile

CREDENTIALS = load_credentials(env={})

LINUX_LIKE = "fork" in multiprocessing.get_all_start_methods()


@pytest.mark.skipif(not LINUX_LIKE, reason="fork is a POSIX start method")
def test_workers_fork_only_from_a_single_threaded_process() -> None:
    if threading.active_count() == 1:
        assert _worker_context().get_start_method() == "fork"
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert _worker_context().get_start_method() in ("forkserver", "spawn")
    finally:
        stop.set()
        helper.join()


def test_two_workers_give_the_results_of_one() -> None:
    specs = CHECKS.select(["PM3-TOKEN-PASSWORD-001", "PM3-TOKEN-ERRORS-004", "PM3-WS-001"])
    args = (specs, Target.mock("documented"), get_profile("documented"), load_credentials(env={}))
    serial = run(*args, workers=1)
    parallel = run(*args, workers=2)
    assert [(r.id, r.outcome) for r in parallel.results] == [
        (r.id, r.outcome) for r in serial.results
    ]
    assert all(r.outcome == "passed" for r in parallel.results)


def _waiting_check(registry: Registry[CheckSpec], ran: list[str]) -> CheckSpec:
    @check("PM3-TEST-WAIT-001", source="§5", waits="access_lifetime", registry=registry)
    def token_expires(ctx: CheckContext) -> None:
        """A token is refused once its lifetime has passed."""
        ran.append(ctx.target.kind)
        token = ctx.tokens()["access_token"]
        ctx.wait(ctx.profile.access_lifetime + 1)
        ctx.expect_status(
            ctx.api("users", token), 401, "after its lifetime", expectation="lifetime"
        )

    return registry.get("PM3-TEST-WAIT-001")


def _short(lifetime: int) -> Profile:
    return get_profile("documented").derive("short", access_lifetime=lifetime)


@pytest.mark.parametrize(
    ("lifetime", "slow", "reason"),
    [
        (1, False, r"waits out the profile's access_lifetime \(1 s\) in real time: pass --slow"),
        (SLOW_LIMIT + 1, True, rf"is {SLOW_LIMIT + 1} s, longer than --slow waits"),
    ],
)
def test_a_check_that_waits_a_lifetime_skips_live_unless_slow_allows_it(
    lifetime: int, slow: bool, reason: str
) -> None:
    ran: list[str] = []
    spec = _waiting_check(check_registry(), ran)
    with MockServer(_short(lifetime)) as pm:
        target = Target.url(pm.url, "workflow", slow=slow)
        result = run_check(spec, target, _short(lifetime), CREDENTIALS)
    assert result.outcome == "skipped"
    assert re.search(reason, result.skip_reason), result.skip_reason
    assert ran == []  # skipped before it sent anything


def test_an_unlimited_lifetime_cannot_be_waited_out_live() -> None:
    def never(ctx: CheckContext) -> None:
        raise AssertionError("ran")

    spec = CheckSpec("PM3-TEST-WAIT-002", "t", Severity.LOW, never, waits="refresh_token_lifetime")
    profile = get_profile("documented")
    assert profile.refresh_token_lifetime is None
    with MockServer() as pm:
        result = run_check(spec, Target.url(pm.url, "workflow", slow=True), profile, CREDENTIALS)
    assert result.outcome == "skipped" and "is unlimited" in result.skip_reason


def test_a_slow_live_run_waits_in_real_time_and_the_mock_moves_its_clock() -> None:
    """The token of a one-second lifetime is refused after the wait: on a live target because
    the time passed, on the mock because its clock moved."""
    ran: list[str] = []
    spec = _waiting_check(check_registry(), ran)
    with MockServer(_short(1)) as pm:
        live = run_check(spec, Target.url(pm.url, "workflow", slow=True), _short(1), CREDENTIALS)
    assert live.outcome == "passed", live.failures
    on_mock = run_check(spec, Target.mock(_short(1)), _short(1), CREDENTIALS)
    assert on_mock.outcome == "passed", on_mock.failures
    assert ran == ["url", "mock"]


def test_the_registry_wants_a_reason_for_mock_only_and_a_lifetime_to_wait() -> None:
    def body(ctx: CheckContext) -> None:
        """A check."""

    with pytest.raises(ValueError, match="mock_only"):
        check_registry().register(
            CheckSpec("PM3-TEST-X-001", "t", Severity.LOW, body, source="§1", requires=("control",))
        )
    with pytest.raises(ValueError, match="not a profile lifetime"):
        check_registry().register(
            CheckSpec(
                "PM3-TEST-X-002", "t", Severity.LOW, body, source="§1", waits="token_error_status"
            )
        )
