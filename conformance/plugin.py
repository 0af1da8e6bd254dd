"""pytest plugin (entry point ``pytest11``): the conformance suite as pytest tests.

``pytest --pyargs conformance.suite --pm3-target mock --pm3-profile pm-3.4.10`` runs every check
as one test (ids are the check ids), on the same runner as ``pm3-conformance run``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from mockserver import get_profile

from .failures import HarnessError
from .registry import CHECKS
from .registry import CheckSpec
from .runner import run_check
from .target import Credentials
from .target import Target
from .target import check_redirect_uri
from .target import load_credentials


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pm3", "ProcessMaker 3 OAuth conformance")
    group.addoption("--pm3-target", default="mock", help="mock, mock-http, or a base URL")
    group.addoption("--pm3-workspace", default="workflow")
    group.addoption("--pm3-profile", default="documented", help="expected profile")
    group.addoption("--pm3-mock-profile", default=None, help="profile the mock runs")
    group.addoption("--pm3-select", action="append", default=[], help="check id (glob) or tag")
    group.addoption("--pm3-credentials", type=Path, default=None)
    group.addoption("--pm3-allow-lockout-risk", action="store_true")
    group.addoption(
        "--pm3-slow",
        action="store_true",
        help="live: wait out short lifetimes in real time (as `pm3-conformance run --slow`)",
    )
    group.addoption(
        "--pm3-redirect-uri",
        default=None,
        help="the client's registered callback (as `pm3-conformance run --redirect-uri`)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "pm3_check" not in metafunc.fixturenames:
        return
    selectors = metafunc.config.getoption("--pm3-select") or None
    try:
        specs = CHECKS.select(selectors)
    except KeyError as exc:
        raise pytest.UsageError(str(exc.args[0])) from None
    metafunc.parametrize("pm3_check", specs, ids=[s.id for s in specs])


@pytest.fixture(scope="session")
def pm3_target(pytestconfig: pytest.Config) -> Target:
    kind = pytestconfig.getoption("--pm3-target")
    profile = pytestconfig.getoption("--pm3-mock-profile") or pytestconfig.getoption(
        "--pm3-profile"
    )
    if kind == "mock":
        return Target.mock(profile)
    if kind == "mock-http":
        return Target.mock_http(profile)
    return Target.url(
        kind,
        pytestconfig.getoption("--pm3-workspace"),
        allow_lockout_risk=pytestconfig.getoption("--pm3-allow-lockout-risk"),
        slow=pytestconfig.getoption("--pm3-slow"),
    )


@pytest.fixture(scope="session")
def pm3_credentials(pytestconfig: pytest.Config) -> Credentials:
    try:
        credentials = load_credentials(pytestconfig.getoption("--pm3-credentials"))
        callback = pytestconfig.getoption("--pm3-redirect-uri")
        if callback is not None:
            callback = check_redirect_uri(callback, "--pm3-redirect-uri")
            credentials = dataclasses.replace(credentials, redirect_uri=callback)
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    return credentials


@pytest.fixture
def pm3_run(
    pytestconfig: pytest.Config, pm3_target: Target, pm3_credentials: Credentials
) -> Callable[[CheckSpec], None]:
    """Run one check and turn its outcome into a pytest outcome."""
    profile = get_profile(pytestconfig.getoption("--pm3-profile"))

    def go(spec: CheckSpec) -> None:
        result = run_check(spec, pm3_target, profile, pm3_credentials)
        if result.outcome == "skipped":
            pytest.skip(result.skip_reason)
        if result.outcome in ("failed", "error"):
            failure = result.failures[0]
            detail = [f"[{result.outcome}] {spec.id} {spec.title}", failure.message]
            if failure.curl:
                detail.append(f"replay: {failure.curl}")
            pytest.fail("\n".join(detail), pytrace=False)

    return go
