"""What the PHP and JavaScript kit tests share: where the drivers are, the verdicts committed in
``reports/clients/report.json``, and the rule that a missing runtime skips locally but never in CI.
"""

from __future__ import annotations

import json
import os
import shlex
from functools import cache
from pathlib import Path

import pytest

from conformance.clients.harness import run_scenario
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

ROOT = Path(__file__).resolve().parents[4]
COMMITTED = ROOT / "reports" / "clients" / "report.json"
HERE = Path(__file__).resolve().parent


def absolute(command: str) -> str:
    """A command as the README writes it (paths from the clone's root), runnable from anywhere."""
    program, path = shlex.split(command)
    return f"{program} {shlex.quote(str(ROOT / path))}"


def needs(missing: str | None) -> pytest.MarkDecorator:
    """Skip when something is missing, unless in CI: there the tests run and fail loudly."""
    return pytest.mark.skipif(
        missing is not None and not os.environ.get("CI"),
        reason=f"{missing} (.ci/run installs it; in CI these tests never skip)",
    )


@cache
def _committed() -> dict[str, dict[str, str]]:
    report = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return {
        run["target"]["url"]: {o["id"]: o["outcome"] for o in run["outcomes"]}
        for run in report["runs"]
    }


def committed_outcome(command: str, scenario_id: str) -> str:
    runs = _committed()
    assert command in runs, f"{COMMITTED} has no run of {command!r}: regenerate the verdicts"
    outcomes = runs[command]
    assert scenario_id in outcomes, (
        f"{COMMITTED} has no verdict on {scenario_id} for {command!r}: regenerate the verdicts "
        "(README: Which popular libraries handle ProcessMaker's quirks)"
    )
    return outcomes[scenario_id]


def assert_committed_verdict(command: str, scenario_id: str) -> None:
    """The driver gets, on this scenario, the verdict committed in reports/clients/."""
    expected = committed_outcome(command, scenario_id)
    result, name = run_scenario(
        SCENARIOS[scenario_id], absolute(command), get_profile("documented")
    )
    detail = result.failures[0].message if result.failures else result.skip_reason
    assert result.outcome == expected, f"{name} on {scenario_id}: {result.outcome} ({detail})"


def assert_flaw_caught(program: str, script: str, scenario_id: str) -> None:
    """The flawed variant ``script`` (beside these tests) fails the scenario meant to catch it."""
    command = f"{program} {HERE / script}"
    result, name = run_scenario(SCENARIOS[scenario_id], command, get_profile("documented"))
    assert result.outcome == "failed", f"{scenario_id} did not catch {name}"
    assert "flaw" in name and result.failures[0].message
