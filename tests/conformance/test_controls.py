"""Every check passes against the mock under every profile, and fails against its negative control."""

from __future__ import annotations

import re

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import PROFILES
from mockserver import get_profile
from tests.conformance.negative_controls import CONTROLS

CREDENTIALS = load_credentials(env={})
IDS = [c.id for c in CHECKS.all()]


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_check_passes_against_the_mock(profile: str) -> None:
    failures = []
    for spec in CHECKS.all():
        result = run_check(spec, Target.mock(profile), get_profile(profile), CREDENTIALS)
        if result.outcome not in ("passed", "skipped"):
            failures.append(f"{spec.id}: {result.outcome}: {result.failures[0].message}")
    assert failures == []


def test_every_check_has_a_negative_control() -> None:
    missing = [i for i in IDS if i not in CONTROLS]
    assert missing == [], "checks without a negative control (a check that cannot fail is a defect)"
    stale = [i for i in CONTROLS if i not in IDS]
    assert stale == [], "controls for checks that do not exist"


@pytest.mark.parametrize("check_id", IDS)
def test_negative_control_makes_the_check_fail(check_id: str) -> None:
    control = CONTROLS.get(check_id)
    if control is None:
        pytest.fail(f"{check_id} has no negative control")
    spec = CHECKS.get(check_id)
    target = Target.mock(control.server or control.expected, prepare=control.prepare)
    result = run_check(spec, target, get_profile(control.expected), CREDENTIALS)
    assert result.outcome == "failed", (
        f"{check_id} did not catch its control ({control.note or 'override'}): "
        f"{result.outcome} {result.failures[0].message if result.failures else ''}"
    )
    if control.reason:
        message = result.failures[0].message
        assert re.search(control.reason, message), (
            f"{check_id} failed for another reason than its control's ({control.reason!r}): "
            f"{message}"
        )
