"""Refresh: the newest token, one refresh and retry, lost and refused refresh answers."""

from __future__ import annotations

from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario
from conformance.registry import Severity

from .common import answered_error
from .common import issued_values
from .common import reports_oauth_error


@scenario(
    "PM3-CLIENT-REFRESH-001",
    severity=Severity.CRITICAL,
    doc="Get a New Access Token: the refresh_token is only used once",
    source="§4",
    rfc="RFC 6749 §6, §10.4",
    needs=("login", "refresh"),
    profile="documented",
    tags=("refresh",),
)
def refresh_uses_the_newest_token(env: ScenarioEnv) -> None:
    """Refreshes with the newest refresh token and never reuses a spent one."""
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    for _ in range(2):
        newest = issued_values(env, "refresh_token")[-1:]
        outcome = env.do("refresh")
        refreshes = env.token_requests("refresh_token")
        env.expect(bool(refreshes), "the client sent no refresh request")
        env.expect(
            [refreshes[-1].request.params.get("refresh_token")] == newest,
            "a refresh used a spent refresh token instead of the newest one",
        )
        env.expect(outcome.ok, f"refresh failed: {outcome.describe()}")
    issued = issued_values(env, "refresh_token")
    sent = [e.request.params.get("refresh_token") for e in env.token_requests("refresh_token")]
    env.expect(sent == issued[:2], "a refresh used a spent refresh token instead of the newest one")
    env.expect(
        login.state.get("refresh_token") != outcome.state.get("refresh_token"),
        "the client kept the old refresh token",
    )


@scenario(
    "PM3-CLIENT-REFRESH-002",
    doc="Get a New Access Token: call pmRestRefresh() when a REST endpoint returns 401",
    source="§9",
    needs=("login", "refresh", "call", "auto_refresh"),
    tags=("refresh", "rest"),
)
def expired_token_leads_to_one_refresh_and_retry(env: ScenarioEnv) -> None:
    """An expired access token (401) leads to one refresh and one retry."""
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    env.mock.clock.advance(env.mock.profile.access_lifetime + 1)
    outcome = env.do("call", resource="users")
    env.expect(outcome.ok, f"the call failed: {outcome.describe()}")
    env.expect(len(env.token_requests("refresh_token")) == 1, "expected exactly one refresh")
    env.expect(
        len(env.api_requests()) == 2, f"expected two API calls, saw {len(env.api_requests())}"
    )


@scenario(
    "PM3-CLIENT-REFRESH-003",
    source="§4 (single use) with a lost answer",
    rfc="RFC 6749 §6",
    needs=("login", "refresh"),
    profile="documented",
    tags=("refresh", "faults"),
)
def lost_refresh_answer_is_a_failure(env: ScenarioEnv) -> None:
    """A refresh whose answer was lost (the token already rotated) is reported, never faked."""
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    env.mock.fault("rotate_then_drop", "token", grant_type="refresh_token")
    lost = env.do("refresh", timeout=5)
    env.expect(not lost.ok, "the client reported success although the answer never arrived")
    again = env.do("refresh", timeout=5)
    env.expect(
        not again.ok or again.state.get("access_token") in issued_values(env, "access_token"),
        "the client reported a refresh success with a token the server never issued",
    )
    relogin = env.do("login", scope="*")
    env.expect(relogin.ok, f"the client could not log in again: {relogin.describe()}")


@scenario(
    "PM3-CLIENT-REFRESH-004",
    severity=Severity.CRITICAL,
    doc="Get a New Access Token: on an error the HTTP status code is still 200",
    source="§3.2, §4",
    rfc="RFC 6749 §5.2",
    needs=("login", "refresh"),
    profile="documented",
    tags=("refresh", "errors", "quirk"),
)
def refresh_error_with_http_200_is_a_failure(env: ScenarioEnv) -> None:
    """A refused refresh answered with HTTP 200 + error object is a failure, not new tokens."""
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    issued = issued_values(env, "refresh_token")
    env.expect(bool(issued), "premise: the mock issued no refresh token")
    env.mock.expire_tokens(client=env.credentials["client_id"])
    outcome = env.do("refresh")
    refreshes = env.token_requests("refresh_token")
    env.expect(len(refreshes) == 1, f"expected one refresh request, saw {len(refreshes)}")
    env.expect(
        refreshes[0].request.params.get("refresh_token") == issued[0],
        "the refresh did not carry the refresh token issued at login",
    )
    body = answered_error(env, refreshes[0], 200)
    kept = bool(outcome.state) and (
        outcome.state.get("access_token") == login.state.get("access_token")
        or outcome.state.get("refresh_token") == issued[0]
    )
    env.expect(
        not outcome.ok,
        f"the client read an error answered with HTTP 200 ({body['error']!r}) as a successful "
        "refresh" + (" and kept its old tokens" if kept else ""),
    )
    reports_oauth_error(
        env, outcome, str(body["error"]), str(body.get("error_description")), status=200
    )
