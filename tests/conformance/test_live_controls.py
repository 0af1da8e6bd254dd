"""The checks' live variants catch a broken server on the wire, and pass against a sound one.

Every check that waits out a lifetime (``--slow``), and every one whose live path differs from its
mock path, has a control in :data:`tests.conformance.controls_live.LIVE_CONTROLS`; a mock-only
check has none (``pm3-conformance list`` says why it is mock-only).
"""

from __future__ import annotations

import re

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import run_check
from conformance.registry import live_mode
from conformance.runner import CheckResult
from mockserver import MockServer
from tests.conformance.controls_live import CREDENTIALS
from tests.conformance.controls_live import LIVE_CONTROLS
from tests.conformance.controls_live import LiveControl

LIVE_VARIANTS = {
    "PM3-TOKEN-REFRESH-004": "the built-in client x-pm-local-client is the second client",
    "PM3-WS-006": "no workspace is added: the routing needs none",
}
"""Checks that run live by default with a path of their own (the rest wait: ``--slow``)."""


def _run_live(check_id: str, control: LiveControl, *, broken: bool) -> CheckResult:
    pm = MockServer(control.expected)
    if broken:
        control.prepare(pm)
    with pm:
        target = Target.url(pm.url, "workflow", slow=True)
        return run_check(CHECKS.get(check_id), target, control.expected, CREDENTIALS)


def test_every_live_variant_has_a_live_control() -> None:
    waiting = {s.id for s in CHECKS.all() if live_mode(s)[0] == "--slow"}
    assert waiting, "no check waits out a lifetime"
    assert sorted(waiting | set(LIVE_VARIANTS)) == sorted(LIVE_CONTROLS)
    assert all(live_mode(CHECKS.get(i))[0] == "live" for i in LIVE_VARIANTS)


@pytest.mark.parametrize("check_id", sorted(LIVE_CONTROLS))
def test_the_live_variant_catches_its_control(check_id: str) -> None:
    control = LIVE_CONTROLS[check_id]
    result = _run_live(check_id, control, broken=True)
    assert result.outcome == "failed", (
        f"{check_id} missed {control.note} on a live target: {result.outcome} "
        f"{result.skip_reason or (result.failures[0].message if result.failures else '')}"
    )
    failure = result.failures[0]
    assert failure.expectation == control.breaks, failure.message
    assert re.search(control.reason, failure.message), failure.message


@pytest.mark.parametrize("check_id", sorted(LIVE_CONTROLS))
def test_the_live_variant_passes_against_a_sound_server(check_id: str) -> None:
    control = LIVE_CONTROLS[check_id]
    result = _run_live(check_id, control, broken=False)
    assert result.outcome == "passed", result.skip_reason or (
        result.failures[0].message if result.failures else ""
    )
