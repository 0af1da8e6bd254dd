"""The client battery's framework: a scenario scripts the mock, drives the client, and judges both
the outcome the client reports and the traffic the mock recorded. The scenarios themselves are
in :mod:`conformance.clients.battery`, one module per area (as :mod:`conformance.checks` holds the
checks); they register in :data:`SCENARIOS`, the same kind of registry as the checks', and run
through the same runner (:func:`conformance.runner.judge`).

A scenario needs capabilities (actions, ``auto_refresh``, ``encoding:json``, ``client_auth:basic``,
``timeout``); a driver that lacks one gets *skipped*, never *passed*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from conformance.failures import Failure
from conformance.registry import Registry
from conformance.registry import Severity
from conformance.registry import references
from mockserver import MockServer
from mockserver.redaction import SecretSet
from mockserver.scripting.journal import Exchange

from .driver import Driver
from .driver import Outcome

SECRET_PARAMS = ("client_secret", "password", "refresh_token", "access_token", "code")


class ScenarioFailure(Failure):
    """The client broke a rule; the evidence is the mock's journal, rendered already."""

    kind = "client_misbehaved"

    def __init__(self, message: str, evidence: tuple[dict[str, Any], ...] = ()) -> None:
        super().__init__(message)
        self.rendered_evidence = evidence

    def redacted(self, secrets: SecretSet) -> tuple[str, tuple[dict[str, Any], ...], str | None]:
        return secrets.redact(self.message), secrets.redact_data(self.rendered_evidence), None


@dataclass
class ScenarioEnv:
    """What a scenario gets: a started mock (fresh), a started driver (fresh), credentials, and
    the secrets seen so far (credentials, what the mock issued, what the client reported holding),
    which hide verdicts' values from reports."""

    mock: MockServer
    driver: Driver
    credentials: dict[str, str]
    workspace: str = "workflow"
    secrets: SecretSet = field(default_factory=SecretSet)

    def do(
        self,
        action: str,
        *,
        workspace: str | None = None,
        credentials: dict[str, str] | None = None,
        **options: Any,
    ) -> Outcome:
        creds = credentials or self.credentials
        self.secrets.learn_params(creds.items())
        outcome = self.driver.request(
            action, self.mock.url, workspace or self.workspace, creds, **options
        )
        self.secrets.learn_tokens([outcome.state, outcome.result])
        return outcome

    def learn_journal(self) -> None:
        """Add what the mock's exchanges carried (credentials sent, tokens and codes issued)."""
        for entry in self.mock.journal.entries():
            self.secrets.learn_params(entry.request.params.items())
            self.secrets.learn_request("", entry.request.headers.items(), b"")
            self.secrets.learn_response(entry.response_headers, entry.response_body)

    def token_requests(self, grant_type: str | None = None) -> list[Exchange]:
        return [
            e
            for e in self.mock.journal
            if e.request.endpoint == "token"
            and (grant_type is None or e.request.params.get("grant_type") == grant_type)
        ]

    def api_requests(self) -> list[Exchange]:
        return [e for e in self.mock.journal if e.request.endpoint == "api"]

    def evidence(self, last: int = 3) -> tuple[dict[str, Any], ...]:
        out: list[dict[str, Any]] = []
        for entry in self.mock.journal.entries()[-last:]:
            rendered = entry.to_dict(secrets=self.mock.known_secrets())
            req, resp = rendered["request"], rendered["response"]
            query = "&".join(f"{k}={v}" for k, v in req["query"].items())
            out.append(
                {
                    "request": {
                        "method": req["method"],
                        "url": self.mock.url + req["path"] + (f"?{query}" if query else ""),
                        "headers": req["headers"],
                        "body": req["params"],
                    },
                    "response": resp,
                }
            )
        self.learn_journal()
        return tuple(self.secrets.redact_data(e) for e in out)

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            self.learn_journal()
            raise ScenarioFailure(self.secrets.redact(message), self.evidence())


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    severity: Severity
    function: Callable[[ScenarioEnv], None]
    doc: str = ""
    source: str = ""
    rfc: str = ""
    needs: tuple[str, ...] = ()
    profile: str | None = None
    """A fixed profile for the mock (else the run's profile)."""
    tags: tuple[str, ...] = ()

    @property
    def references(self) -> tuple[str, ...]:
        return references(self.doc, self.source, self.rfc)


SCENARIOS: Registry[Scenario] = Registry("scenario", battery="conformance.clients.battery")
"""Every client scenario, by id (:mod:`conformance.clients.battery` registers them)."""


def scenario(
    scenario_id: str,
    *,
    severity: Severity = Severity.HIGH,
    doc: str = "",
    source: str = "",
    rfc: str = "",
    needs: tuple[str, ...] = ("login",),
    profile: str | None = None,
    tags: tuple[str, ...] = (),
) -> Callable[[Callable[[ScenarioEnv], None]], Callable[[ScenarioEnv], None]]:
    """Register a scenario; its docstring's first line is its title."""

    def decorate(function: Callable[[ScenarioEnv], None]) -> Callable[[ScenarioEnv], None]:
        title = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        SCENARIOS.register(
            Scenario(scenario_id, title, severity, function, doc, source, rfc, needs, profile, tags)
        )
        return function

    return decorate
