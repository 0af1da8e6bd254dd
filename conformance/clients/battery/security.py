"""Secrets and scopes: never in URLs, scopes as the server accepts them, what a grant hands out."""

from __future__ import annotations

from conformance.clients.scenarios import SECRET_PARAMS
from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario
from conformance.registry import Severity

from .common import answer_of


@scenario(
    "PM3-CLIENT-SEC-001",
    severity=Severity.CRITICAL,
    doc="REST Security",
    rfc="RFC 6749 §2.3.1, RFC 6750 §2.3 and §5.3",
    tags=("security",),
)
def secrets_never_in_urls(env: ScenarioEnv) -> None:
    """Client secrets, passwords and tokens never travel in URLs."""
    env.do("login", scope="*")
    caps = env.driver.capabilities
    if "refresh" in caps.actions:
        env.do("refresh")
    if "call" in caps.actions:
        env.do("call", resource="users")
    for entry in env.mock.journal:
        leaked = [k for k in SECRET_PARAMS if k in entry.request.query]
        env.expect(
            not leaked,
            f"{entry.request.method} {entry.request.path} carried {', '.join(leaked)} in its URL",
        )


@scenario(
    "PM3-CLIENT-SCOPE-001",
    doc='"authorization_code": scopes separated by a single space',
    source="§7",
    tags=("scope",),
)
def scopes_as_the_server_accepts_them(env: ScenarioEnv) -> None:
    """Sends a two-scope request as the server accepts it (one space between scopes)."""
    outcome = env.do("login", scope="view_processes edit_processes")
    sent = env.token_requests()[-1].request.params.get("scope")
    env.expect(sent == "view_processes edit_processes", f"the scope was sent as {sent!r}")
    env.expect(outcome.ok, f"login failed: {outcome.describe()}")


@scenario(
    "PM3-CLIENT-SCOPE-002",
    doc="Get a New Access Token: POST parameters (no scope)",
    source="§4 (scope on refresh), §7",
    rfc="RFC 6749 §6",
    needs=("login", "refresh"),
    profile="documented",
    tags=("scope", "refresh"),
)
def refresh_keeps_the_granted_scope(env: ScenarioEnv) -> None:
    """Refreshes within the granted scope: no scope, or a literal subset of the granted one.

    The documentation's refresh request has no ``scope``, and ProcessMaker gives a refresh without
    one the scope stored with the refresh token, so leaving it out is right. A scope that is not
    a literal subset of the granted one (``*`` is a plain word there, so ``*`` does not cover
    ``view_processes``, nor the reverse) is refused with ``invalid_scope``.
    """
    wanted = "view_processes edit_processes"
    login = env.do("login", scope=wanted)
    env.expect(login.ok, f"login failed: {login.describe()}")
    _, granted_body = answer_of(env.token_requests()[-1])
    granted = (granted_body or {}).get("scope")
    env.expect(granted == wanted, f"premise: the login was granted scope {granted!r}")
    outcome = env.do("refresh")
    refreshes = env.token_requests("refresh_token")
    env.expect(len(refreshes) == 1, f"expected one refresh request, saw {len(refreshes)}")
    asked = refreshes[0].request.params.get("scope")
    if asked is None:
        asked = refreshes[0].request.query.get("scope")
    env.expect(
        not asked or set(asked.split(" ")) <= set(wanted.split(" ")),
        f"the refresh asked for scope {asked!r}, which is not a literal subset of the granted "
        f"{wanted!r} (ProcessMaker refuses it with invalid_scope)",
    )
    env.expect(outcome.ok, f"refresh failed: {outcome.describe()}")
    _, answer = answer_of(refreshes[0])
    given = (answer or {}).get("scope")
    env.expect(
        bool(asked) or given == wanted,
        f"premise: a refresh without scope was given {given!r}, not the granted {wanted!r}",
    )
    held = outcome.state.get("scope", given)
    env.expect(
        held == given,
        f"the client holds scope {held!r} after the refresh; the server gave {given!r}",
    )


@scenario(
    "PM3-CLIENT-CC-001",
    doc="Client Credentials",
    source="§2.5 client_credentials",
    needs=("client_credentials",),
    tags=("client-credentials",),
)
def client_credentials_without_refresh_token(env: ScenarioEnv) -> None:
    """client_credentials: holds the token and expects no refresh token."""
    outcome = env.do("client_credentials")
    env.expect(outcome.ok, f"client_credentials failed: {outcome.describe()}")
    env.expect(
        not outcome.state.get("refresh_token"),
        "the client claims a refresh token it was never given",
    )
