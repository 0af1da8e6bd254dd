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

from conformance.failures import Failure
from conformance.runner import CheckResult
from conformance.runner import FailureRecord
from conformance.runner import redact_result
from conformance.target import DOC_CREDENTIALS
from mockserver import MockServer
from mockserver import Profile
from mockserver import get_profile
from mockserver.redaction import SecretSet

from .driver import Driver
from .driver import DriverError
from .scenarios import SCENARIOS
from .scenarios import Scenario
from .scenarios import ScenarioEnv
from .scenarios import ScenarioFailure


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
    if not selectors:
        return list(SCENARIOS.values())
    import re

    chosen = []
    for scenario in SCENARIOS.values():
        for selector in selectors:
            pattern = re.compile(
                "^" + re.escape(selector).replace(r"\*", ".*") + "$", re.IGNORECASE
            )
            if pattern.match(scenario.id) or selector in scenario.tags:
                chosen.append(scenario)
                break
    if not chosen:
        raise KeyError(f"--select {' '.join(selectors)} matches no scenario")
    return chosen


def run_scenario(
    scenario: Scenario, command: str, profile: Profile, *, secrets: SecretSet | None = None
) -> tuple[CheckResult, str]:
    """Run one scenario; returns the result and the driver's name. :raises DriverError.

    :param secrets: the run's secrets: what this scenario saw is added to them.
    """
    started = time.perf_counter()
    prof = get_profile(scenario.profile) if scenario.profile else profile
    vault = SecretSet(credentials=(DOC_CREDENTIALS["client_secret"], DOC_CREDENTIALS["password"]))

    def result(
        outcome: str, failures: tuple[FailureRecord, ...] = (), reason: str = ""
    ) -> CheckResult:
        env.learn_journal()
        return redact_result(
            CheckResult(
                id=scenario.id,
                title=scenario.title,
                severity=scenario.severity.value,
                outcome=outcome,
                duration_s=round(time.perf_counter() - started, 4),
                references=scenario.references,
                tags=scenario.tags,
                failures=failures,
                skip_reason=reason,
            ),
            vault,
        )

    try:
        with MockServer(prof) as mock, Driver(command) as driver:
            vault.update(mock.known_secrets())
            env = ScenarioEnv(mock, driver, dict(DOC_CREDENTIALS), secrets=vault)
            missing = driver.capabilities.missing(scenario.needs)
            if missing:
                reason = f"the driver lacks: {', '.join(missing)}"
                return result("skipped", reason=reason), driver.name
            try:
                scenario.function(env)
            except ScenarioFailure as exc:
                return result(
                    "failed", (FailureRecord(exc.message, exc.kind, exc.rendered_evidence),)
                ), driver.name
            except DriverError:
                env.learn_journal()
                raise
            except Failure as exc:
                return result("failed", (FailureRecord(exc.message, exc.kind),)), driver.name
            mock.check()
            return result("passed"), driver.name
    except DriverError as exc:  # its stderr tail or a bad line may echo what it was sent
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
