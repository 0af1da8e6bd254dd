"""The password grant: form, JSON and Basic client credentials."""

from __future__ import annotations

from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario
from conformance.registry import Severity

from .common import issued_values


@scenario(
    "PM3-CLIENT-LOGIN-001", severity=Severity.CRITICAL, doc='"Password" Grant Type', tags=("login",)
)
def login_works(env: ScenarioEnv) -> None:
    """Logs in with the password grant and holds the token it was given."""
    outcome = env.do("login", scope="*")
    env.expect(outcome.ok, f"login failed: {outcome.describe()}")
    issued = issued_values(env, "access_token")
    env.expect(bool(issued), "the mock issued no token")
    env.expect(
        outcome.state.get("access_token") == issued[-1],
        "the client holds another token than the one issued",
    )


@scenario(
    "PM3-CLIENT-LOGIN-002",
    doc="jQuery/JavaScript examples (JSON bodies)",
    source="§2.2",
    needs=("login", "encoding:json"),
    tags=("login", "encoding"),
)
def login_with_json_body(env: ScenarioEnv) -> None:
    """Logs in with a JSON body when asked to."""
    outcome = env.do("login", scope="*", encoding="json")
    env.expect(outcome.ok, f"login failed: {outcome.describe()}")
    env.expect(
        env.token_requests()[-1].request.encoding == "json", "the token request was not JSON"
    )


@scenario(
    "PM3-CLIENT-LOGIN-003",
    doc='"authorization_code" Grant Type (Basic header)',
    source="§2.3",
    rfc="RFC 6749 §2.3.1",
    needs=("login", "client_auth:basic"),
    tags=("login", "client-auth"),
)
def login_with_basic_client_credentials(env: ScenarioEnv) -> None:
    """Sends client credentials in an HTTP Basic header when asked to."""
    outcome = env.do("login", scope="*", client_auth="basic")
    env.expect(outcome.ok, f"login failed: {outcome.describe()}")
    headers = {k.lower(): v for k, v in env.token_requests()[-1].request.headers.items()}
    env.expect(
        headers.get("authorization", "").lower().startswith("basic "), "no Basic header was sent"
    )
