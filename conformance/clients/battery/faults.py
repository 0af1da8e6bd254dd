"""Faults on the wire: non-JSON and truncated bodies, a slow token endpoint."""

from __future__ import annotations

from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario


@scenario("PM3-CLIENT-FAULT-001", source="fault: non-JSON body", tags=("faults",))
def non_json_answer_is_a_failure(env: ScenarioEnv) -> None:
    """A non-JSON token answer is a failure, not a token."""
    env.mock.fault("non_json", "token")
    outcome = env.do("login", scope="*")
    env.expect(not outcome.ok, "the client reported success for a non-JSON answer")


@scenario("PM3-CLIENT-FAULT-002", source="fault: truncated body", tags=("faults",))
def truncated_answer_is_a_failure(env: ScenarioEnv) -> None:
    """A truncated token answer is a failure, not a token."""
    env.mock.fault("truncate", "token")
    outcome = env.do("login", scope="*", timeout=5)
    env.expect(not outcome.ok, "the client reported success for a truncated answer")


SLOW_ANSWER_SECONDS = 4
"""How long the mock holds the token answer in PM3-CLIENT-FAULT-003."""
CLIENT_TIMEOUT_SECONDS = 1
"""The timeout (``options.timeout``) the client is asked to honour there."""
TIMEOUT_REPORTED_WITHIN = 3.5
"""By when the client must have reported its failure (its timeout, plus room for a slow start)."""


@scenario(
    "PM3-CLIENT-FAULT-003",
    doc="PHP example: CURLOPT_TIMEOUT 30",
    source="fault: slow token endpoint",
    needs=("login", "timeout"),
    tags=("faults", "timeout"),
)
def slow_token_endpoint_hits_the_clients_timeout(env: ScenarioEnv) -> None:
    """A slow token endpoint ends in the client's own timeout, reported as a failure."""
    delay, timeout, limit = SLOW_ANSWER_SECONDS, CLIENT_TIMEOUT_SECONDS, TIMEOUT_REPORTED_WITHIN
    env.mock.fault("slow", "token", seconds=delay)
    outcome = env.do("login", scope="*", timeout=timeout)
    given = (
        f"the login was given options.timeout = {timeout:g} s and the mock held its answer "
        f"{delay:g} s"
    )
    env.expect(
        not outcome.ok,
        f"the client waited out a slow answer past its own timeout: {given}, and the client "
        f"reported success after {outcome.seconds:.1f} s",
    )
    env.expect(
        outcome.seconds < limit,
        f"the client reported its failure after {outcome.seconds:.1f} s: {given}, so it should "
        f"have given up within {limit:g} s ({outcome.describe()})",
    )
