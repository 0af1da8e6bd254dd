"""Negative controls that cut across checks: a proxy in front of the mock rewrites answers.

A UTF-8 byte-order mark before every JSON answer of the token endpoint: Python's ``json.loads``
reads those bytes, PHP's ``json_decode`` (the documentation's clients) does not. Before the suite
parsed strictly (:mod:`conformance.strictjson`), every check passed against this server.
"""

from __future__ import annotations

import re

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from mockserver import get_profile
from tests.conformance.control_kit import Control
from tests.conformance.controls_adversarial import ADVERSARIAL_CONTROLS
from tests.conformance.proxy_kit import bom_on_token_answers_logged

CREDENTIALS = load_credentials(env={})
READS_HEADERS_ONLY = {
    "PM3-TOKEN-ERRORS-007": "Cache-Control, Pragma and Content-Type of a token answer",
}
"""Checks that get token answers but judge their headers only: a BOM is not theirs to see."""


def test_a_byte_order_mark_on_token_answers_fails_every_check_that_parses_them() -> None:
    parsed, missed, read_headers = [], [], []
    for spec in CHECKS.all():
        log: list[str] = []
        target = Target.mock("documented", prepare=bom_on_token_answers_logged(log))
        result = run_check(spec, target, get_profile("documented"), CREDENTIALS)
        if not log:
            continue  # never got a JSON answer from the token endpoint
        if spec.id in READS_HEADERS_ONLY:
            read_headers.append(spec.id)
            assert result.outcome == "passed", result.failures
            continue
        if result.outcome != "failed":
            missed.append(f"{spec.id}: {result.outcome}")
            continue
        parsed.append(spec.id)
        message = result.failures[0].message
        assert "PHP's json_decode refuses" in message and "byte-order mark" in message, message
    assert missed == []
    assert read_headers == sorted(READS_HEADERS_ONLY)
    assert len(parsed) >= 60, parsed  # the token, refresh, code, REST and property checks


ADVERSARIAL = [
    pytest.param(check_id, control, id=f"{check_id}-{i}")
    for check_id, controls in ADVERSARIAL_CONTROLS.items()
    for i, control in enumerate(controls)
]


@pytest.mark.parametrize(("check_id", "control"), ADVERSARIAL)
def test_adversarial_inputs_catch_a_subtly_broken_server(check_id: str, control: Control) -> None:
    target = Target.mock(control.expected, prepare=control.prepare)
    result = run_check(CHECKS.get(check_id), target, get_profile(control.expected), CREDENTIALS)
    assert result.outcome == "failed", f"{check_id} missed {control.note}: {result.outcome}"
    failure = result.failures[0]
    assert failure.expectation == control.breaks, failure.message
    assert re.search(control.reason, failure.message), failure.message


def test_the_adversarial_proxies_change_nothing_else() -> None:
    """Each broken server passes every other check's first control's healthy run: the checks
    it does not target still pass against it (so it breaks one rule, not the mock)."""
    targeted = set(ADVERSARIAL_CONTROLS)
    for check_id, controls in ADVERSARIAL_CONTROLS.items():
        for control in controls:
            for spec in CHECKS.all():
                if spec.id in targeted or "property" in spec.tags:
                    continue
                target = Target.mock("documented", prepare=control.prepare)
                result = run_check(spec, target, get_profile("documented"), CREDENTIALS)
                assert result.outcome in ("passed", "skipped"), (
                    f"{control.note} ({check_id}'s control) also fails {spec.id}: "
                    f"{result.failures[0].message if result.failures else result.outcome}"
                )
