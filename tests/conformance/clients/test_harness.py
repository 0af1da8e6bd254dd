"""Client scenarios run through the checks' runner: a scenario's own defect, or the mock's, is
that scenario's error, never the end of the run; a scenario a driver cannot do is skipped."""

from __future__ import annotations

import sys

from conformance.clients.harness import run_clients
from conformance.clients.harness import run_scenario
from conformance.clients.scenarios import SCENARIOS
from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario
from conformance.registry import Severity
from mockserver import get_profile

DRIVER = f"{sys.executable} -m tests.conformance.clients.flawed_driver"
DOCUMENTED = get_profile("documented")


def test_a_scenario_that_raises_is_its_own_error_and_the_run_goes_on() -> None:
    with SCENARIOS.scoped():

        @scenario("PM3-CLIENT-TEST-001", source="§1", severity=Severity.LOW, tags=("test",))
        def broken(env: ScenarioEnv) -> None:
            """A scenario with a defect of its own."""
            env.do("login", scope="*")
            raise ZeroDivisionError("the scenario's own bug")

        run = run_clients(
            DRIVER,
            DOCUMENTED,
            [SCENARIOS["PM3-CLIENT-TEST-001"], SCENARIOS["PM3-CLIENT-LOGIN-001"]],
        )
    first, second = run.results
    assert first.outcome == "error" and first.failures[0].kind == "check_error"
    assert (
        "PM3-CLIENT-TEST-001 raised ZeroDivisionError: the scenario's own bug"
        in first.failures[0].message
    )
    assert second.outcome == "passed"  # before, the exception ended the whole clients run
    assert not run.driver_error


def test_a_mock_defect_is_the_scenario_s_error() -> None:
    with SCENARIOS.scoped():

        @scenario("PM3-CLIENT-TEST-002", source="§1", severity=Severity.LOW)
        def scripting_defect(env: ScenarioEnv) -> None:
            """A scenario whose scripting makes the mock fail."""
            env.do("login", scope="*")
            # what the engine does when the app fails below its own handler
            env.mock.app.record_error(RuntimeError("the mock's own defect"))

        result, _ = run_scenario(SCENARIOS["PM3-CLIENT-TEST-002"], DRIVER, DOCUMENTED)
    assert result.outcome == "error", result
    assert "raised RuntimeError: the mock's own defect" in result.failures[0].message


def test_selection_is_the_registry_s() -> None:
    chosen = [s.id for s in SCENARIOS.select(["PM3-CLIENT-LOGIN-*", "faults"])]
    assert chosen[:3] == ["PM3-CLIENT-LOGIN-001", "PM3-CLIENT-LOGIN-002", "PM3-CLIENT-LOGIN-003"]
    assert "PM3-CLIENT-FAULT-003" in chosen
