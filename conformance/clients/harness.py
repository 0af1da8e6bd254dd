"""Run the client battery against one driver command, scenario by scenario.

Every scenario gets a fresh mock (its own port) and a fresh driver process, so no state leaks
between scenarios. A protocol violation by the driver stops the run: the scenario it broke on is
an *error* saying how (:attr:`ClientRun.driver_error`), and the reports are still written. Verdicts,
evidence and driver errors are redacted with every secret the scenario saw.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from conformance.failures import SkipCheck
from conformance.runner import CheckResult
from conformance.runner import FailureRecord
from conformance.runner import judge
from conformance.runner import redact_result
from conformance.runner import result_of
from conformance.target import DOC_CREDENTIALS
from mockserver import MockServer
from mockserver import Profile
from mockserver import get_profile
from mockserver.redaction import SecretSet

from .battery import SCENARIOS
from .driver import Driver
from .driver import DriverError
from .scenarios import Scenario
from .scenarios import ScenarioEnv


@dataclass(slots=True)
class ClientRun:
    driver: str
    name: str
    profile: Profile
    results: list[CheckResult]
    started_at: float
    duration_s: float
    secrets: SecretSet = field(default_factory=SecretSet)
    """Every secret the scenarios saw: reports redact with it once more."""
    driver_error: str = ""
    """How the driver broke the protocol (redacted), which stopped its battery; empty when it
    did not. The scenario it broke on is an *error* outcome with this message."""


def select(selectors: list[str] | None) -> list[Scenario]:
    """Scenarios whose id or a tag matches a selector (globs allowed). :raises KeyError."""
    return SCENARIOS.select(selectors)


def run_scenario(
    scenario: Scenario, command: str, profile: Profile, *, secrets: SecretSet | None = None
) -> tuple[CheckResult, str]:
    """Run one scenario through the runner the checks use (:func:`~conformance.runner.judge`);
    returns the result and the driver's name.

    A scenario's own defect, or the mock's, is this scenario's *error*; only a driver that
    broke the protocol stops the battery (:class:`DriverError`, raised redacted).

    :param secrets: the run's secrets: what this scenario saw is added to them.
    """
    started = time.perf_counter()
    prof = get_profile(scenario.profile) if scenario.profile else profile
    vault = SecretSet(credentials=(DOC_CREDENTIALS["client_secret"], DOC_CREDENTIALS["password"]))
    env: ScenarioEnv | None = None
    name = command
    try:
        with MockServer(prof) as mock, Driver(command) as driver:
            name = driver.name
            vault.update(mock.known_secrets())
            env = ScenarioEnv(mock, driver, dict(DOC_CREDENTIALS), secrets=vault)
            ready = env

            def body() -> None:
                missing = driver.capabilities.missing(scenario.needs)
                if missing:
                    raise SkipCheck(f"the driver lacks: {', '.join(missing)}")
                scenario.function(ready)
                mock.check()

            verdict = judge(scenario, body, vault, ready.evidence, passthrough=(DriverError,))
            ready.learn_journal()
            return result_of(scenario, verdict, time.perf_counter() - started, vault), name
    except DriverError as exc:  # its stderr tail or a bad line may echo what it was sent
        if env is not None:
            env.learn_journal()
        raise DriverError(vault.redact(str(exc))) from None
    finally:
        if secrets is not None:
            secrets.merge(vault)


def run_clients(
    command: str,
    profile: Profile,
    scenarios: list[Scenario],
    *,
    on_result: Callable[[CheckResult], None] | None = None,
) -> ClientRun:
    started_at, started = time.time(), time.perf_counter()
    results: list[CheckResult] = []
    name = command
    vault = SecretSet(credentials=(DOC_CREDENTIALS["client_secret"], DOC_CREDENTIALS["password"]))
    broke = ""
    for scenario in scenarios:
        scenario_started = time.perf_counter()
        try:
            res, name = run_scenario(scenario, command, profile, secrets=vault)
        except DriverError as exc:
            # the driver broke the protocol: this scenario is an error saying how, and the
            # battery stops for this driver (a driver that broke once cannot be judged)
            broke = vault.redact(str(exc))
            res = CheckResult(
                id=scenario.id,
                title=scenario.title,
                severity=scenario.severity.value,
                outcome="error",
                duration_s=round(time.perf_counter() - scenario_started, 4),
                references=scenario.references,
                tags=scenario.tags,
                failures=(FailureRecord(broke, "harness_error"),),
            )
        results.append(res)
        if on_result:
            on_result(redact_result(res, vault, evidence=False))
        if broke:
            break
    results = [redact_result(r, vault) for r in results]
    duration = time.perf_counter() - started
    return ClientRun(command, name, profile, results, started_at, duration, vault, broke)


__all__ = ["ClientRun", "DriverError", "run_clients", "run_scenario", "select"]
