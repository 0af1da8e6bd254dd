"""The client battery: a correct client passes every scenario; each flaw is caught by its scenario."""

from __future__ import annotations

import sys

import pytest

from conformance.clients.harness import run_scenario
from conformance.clients.harness import select
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

DRIVER = f"{sys.executable} -m tests.conformance.clients.flawed_driver"

# scenario id -> the client flaw it must catch (its negative control)
FLAWS = {
    "PM3-CLIENT-LOGIN-001": "token-swap",
    "PM3-CLIENT-LOGIN-002": "ignore-encoding",
    "PM3-CLIENT-LOGIN-003": "ignore-basic",
    "PM3-CLIENT-ERR-001": "any-200",
    "PM3-CLIENT-ERR-002": "drop-description",
    "PM3-CLIENT-ERR-003": "503-ok",
    "PM3-CLIENT-ERR-004": "no-status",
    "PM3-CLIENT-ERR-005": "any-200",
    "PM3-CLIENT-REFRESH-001": "reuse-first-refresh",
    "PM3-CLIENT-REFRESH-002": "no-retry",
    "PM3-CLIENT-REFRESH-003": "fake-refresh",
    "PM3-CLIENT-FAULT-001": "lenient-parse",
    "PM3-CLIENT-FAULT-002": "lenient-parse",
    "PM3-CLIENT-FAULT-003": "ignore-timeout",
    "PM3-CLIENT-SEC-001": "secret-in-url",
    "PM3-CLIENT-SCOPE-001": "scope-comma",
    "PM3-CLIENT-CC-001": "claims-refresh",
}
DOCUMENTED = get_profile("documented")


def test_every_scenario_has_a_flaw_to_catch() -> None:
    assert sorted(FLAWS) == sorted(SCENARIOS)


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_correct_client_passes(scenario_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PM3_FLAW", raising=False)
    result, _ = run_scenario(SCENARIOS[scenario_id], DRIVER, DOCUMENTED)
    assert result.outcome == "passed", result.failures


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_flawed_client_is_caught(scenario_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PM3_FLAW", FLAWS[scenario_id])
    result, name = run_scenario(SCENARIOS[scenario_id], DRIVER, DOCUMENTED)
    assert result.outcome == "failed", f"{scenario_id} did not catch {name}"
    assert result.failures[0].message


def test_select_by_tag_and_glob() -> None:
    assert {s.id for s in select(["refresh"])} >= {
        "PM3-CLIENT-REFRESH-001",
        "PM3-CLIENT-REFRESH-002",
    }
    assert next(s.id for s in select(["PM3-CLIENT-ERR-00*"])) == "PM3-CLIENT-ERR-001"
    with pytest.raises(KeyError):
        select(["nothing-like-this"])
