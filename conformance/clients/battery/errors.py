"""Errors as ProcessMaker sends them (HTTP 200 errors, the empty 503, Restler's nested errors): reported, never a crash."""

from __future__ import annotations

from typing import Any

from conformance.clients.scenarios import ScenarioEnv
from conformance.clients.scenarios import scenario
from conformance.registry import Severity

from .common import answer_of
from .common import answered_error
from .common import issued_values
from .common import reports_oauth_error
from .common import sent_credentials
from .common import wrong_password


@scenario(
    "PM3-CLIENT-ERR-001",
    severity=Severity.CRITICAL,
    doc="Error Response: HTTP status code of 200 (OK) and an error object",
    source="§3.2",
    profile="documented",
    tags=("errors", "quirk"),
)
def error_with_http_200_is_a_failure(env: ScenarioEnv) -> None:
    """A wrong password answered with HTTP 200 + error object is reported as a failure."""
    wrong = wrong_password(env)
    outcome = env.do("login", credentials=wrong, scope="*")
    logins = env.token_requests("password")
    env.expect(len(logins) == 1, f"expected one login request, saw {len(logins)}")
    env.expect(
        logins[0].request.params.get("password") == wrong["password"],
        "the client did not send the password it was given",
    )
    body = answered_error(env, logins[0], 200)
    env.expect(
        not outcome.ok,
        f"the client read an error answered with HTTP 200 as a successful login: it never "
        f"looked at `error` ({body['error']!r})",
    )
    reports_oauth_error(env, outcome, "invalid_grant", "Invalid username and password combination")


@scenario(
    "PM3-CLIENT-ERR-002",
    severity=Severity.CRITICAL,
    source="§3.2 (3.0 GA - 3.4.10: HTTP 400)",
    rfc="RFC 6749 §5.2",
    profile="pm-3.4.10",
    tags=("errors",),
)
def error_with_http_400_is_a_failure(env: ScenarioEnv) -> None:
    """A wrong password answered with HTTP 400 + error object is reported with its error."""
    outcome = env.do("login", credentials=wrong_password(env), scope="*")
    reports_oauth_error(env, outcome, "invalid_grant", "Invalid username and password combination")


@scenario(
    "PM3-CLIENT-ERR-003",
    doc="Error Response: unknown workspace, error code 503 and no return object",
    source="§1.5",
    profile="documented",
    tags=("errors", "workspace"),
)
def unknown_workspace_is_a_clear_failure(env: ScenarioEnv) -> None:
    """An unknown workspace (HTTP 503, empty body) is a clear failure, not a crash.

    Clear means: reported as the HTTP status it is (the documentation's PHP example tests the
    status before it decodes the body), not as a crash (an exception the client did not handle,
    kind ``other``), and not as an OAuth error the empty body never carried.
    """
    outcome = env.do("login", workspace="nosuchworkspace", scope="*")
    sent = env.token_requests()
    env.expect(len(sent) == 1, f"expected one token request, saw {len(sent)}")
    status, _ = answer_of(sent[0])
    env.expect(
        status == 503 and sent[0].response_body == b"",
        f"premise: the mock was to answer HTTP 503 with an empty body, it answered HTTP {status}",
    )
    env.expect(not outcome.ok, "the client reported success for a 503 with no body")
    error = outcome.error
    env.expect(
        error.get("kind") != "other",
        f"the client crashed on the empty 503 body instead of reporting it: {error.get('message')}",
    )
    env.expect(
        error.get("error") is None,
        f"the client reported the OAuth error {error.get('error')!r}, but the 503 answer had no "
        "body: it read the body without looking at the HTTP status",
    )
    reported = error.get("status")
    env.expect(
        reported == 503 or (reported is None and "503" in str(error.get("message", ""))),
        f"the client did not report the HTTP status 503: {outcome.describe()}",
    )
    again = env.do("login", scope="*")
    env.expect(again.ok, f"the client could not log in afterwards: {again.describe()}")


@scenario(
    "PM3-CLIENT-ERR-004",
    source='§9 (Restler 401 {"error":{"code","message"}})',
    rfc="RFC 6750 §3.1",
    needs=("login", "call"),
    tags=("errors", "rest"),
)
def rest_error_shape_is_understood(env: ScenarioEnv) -> None:
    """A REST 401 with the nested error object is reported with its status."""
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    for token in issued_values(env, "access_token"):
        env.mock.expire_token(token)
    outcome = env.do("call", resource="users")
    if outcome.ok and len(env.token_requests("refresh_token")) == 1:
        return  # the client refreshed by itself and retried: also right
    env.expect(not outcome.ok, "the client reported success for a 401")
    env.expect(
        outcome.error.get("status") == 401,
        f"the client did not report the 401: {outcome.describe()}",
    )


@scenario(
    "PM3-CLIENT-ERR-005",
    source="§2.3 (PMCORE-1181: body credentials required for password, 3.4.11+)",
    profile="pm-3.4.11",
    needs=("login", "client_auth:basic"),
    tags=("errors", "client-auth", "quirk"),
)
def basic_only_refused_by_3_4_11_is_reported(env: ScenarioEnv) -> None:
    """Basic-only client credentials refused by 3.4.11+ (HTTP 200) are reported as invalid_client."""
    outcome = env.do("login", scope="*", client_auth="basic")
    if outcome.ok:
        params = env.token_requests()[-1].request.params
        env.expect(
            bool(params.get("client_id")) and bool(params.get("client_secret")),
            "the client reported success for a refused login",
        )
        return
    reports_oauth_error(
        env,
        outcome,
        "invalid_client",
        "Invalid REST API credentials, please send a valid client_id and client_secret.",
    )


@scenario(
    "PM3-CLIENT-ERR-006",
    severity=Severity.CRITICAL,
    doc="Error Response: HTTP status code of 200 (OK) and an error object",
    source="§3.2, §9",
    profile="documented",
    needs=("login_and_call",),
    tags=("errors", "quirk", "rest"),
)
def refused_login_is_not_hidden_behind_the_next_call(env: ScenarioEnv) -> None:
    """A refused login (HTTP 200 + error) is reported as the login's error; no REST call follows.

    The mistake: the program logs in, does not notice the HTTP 200 error object, and calls the API
    with no token (or ``undefined``), so its user sees only the resource's 401 ``Unauthorized``
    and never learns that the password was wrong.
    """
    outcome = env.do("login_and_call", credentials=wrong_password(env), scope="*")
    logins = env.token_requests("password")
    env.expect(len(logins) == 1, f"expected one login request, saw {len(logins)}")
    body = answered_error(env, logins[0], 200)
    calls = env.api_requests()
    if calls:
        hidden = outcome.error.get("status")
        env.expect(
            False,
            f"the login was refused ({body['error']!r} with HTTP 200), but the client went on to "
            f"{calls[0].request.method} {calls[0].request.path} and reported "
            + (
                f"that call's HTTP {hidden} instead of the login's error"
                if not outcome.ok and hidden == calls[0].status
                else outcome.describe()
            ),
        )
    env.expect(not outcome.ok, f"the client reported success for a refused login: {outcome.state}")
    env.expect(
        outcome.error.get("error") == body["error"],
        f"the client reported {outcome.describe()}; expected the login's error {body['error']!r}",
    )
    good = env.do("login_and_call", scope="*")
    env.expect(good.ok, f"the client could not log in and call afterwards: {good.describe()}")
    issued = issued_values(env, "access_token")
    calls = env.api_requests()
    env.expect(len(calls) == 1, f"expected one API call after the login, saw {len(calls)}")
    sent = {k.lower(): v for k, v in calls[0].request.headers.items()}.get("authorization", "")
    env.expect(
        bool(issued) and sent == f"Bearer {issued[-1]}",
        "the call after the login did not carry the token the login gave",
    )


@scenario(
    "PM3-CLIENT-ERR-007",
    doc="Error Response: an error object (HTTP 200); unknown workspace: 503 and no return object",
    source="§1.5, §3.2",
    profile="documented",
    tags=("errors", "quirk"),
)
def every_token_error_is_reported_not_a_crash(env: ScenarioEnv) -> None:
    """Every class of token error is reported as a failure, never a crash of the client.

    The mistake: reading ``access_token`` from the answer before looking for ``error`` (a
    ``KeyError``, ``undefined``, or a PHP warning), or decoding the empty 503 body as JSON. A crash
    is what the protocol calls an ``other`` failure: an exception the client did not handle.
    """
    classes: list[tuple[str, dict[str, Any], int, str | None]] = [
        ("invalid_grant (HTTP 200)", {"credentials": wrong_password(env)}, 200, "invalid_grant"),
        (
            "invalid_client (HTTP 200)",
            {"credentials": {**env.credentials, "client_secret": "0" * 32}},
            200,
            "invalid_client",
        ),
        (
            "an unknown workspace (HTTP 503, empty body)",
            {"workspace": "nosuchworkspace"},
            503,
            None,
        ),
    ]
    crashes: list[str] = []
    for label, kwargs, status, error in classes:
        before = len(env.token_requests())
        outcome = env.do("login", scope="*", **kwargs)
        sent = env.token_requests()
        env.expect(len(sent) == before + 1, f"{label}: expected one token request")
        given = kwargs.get("credentials", env.credentials)
        env.expect(
            sent_credentials(sent[-1])
            == (given["client_id"], given["client_secret"], given["password"]),
            f"{label}: the client did not send the credentials it was given",
        )
        got, body = answer_of(sent[-1])
        env.expect(
            got == status and (body or {}).get("error") == error,
            f"premise: the mock was to answer {label}, it answered HTTP {got} with {body!r}",
        )
        env.expect(not outcome.ok, f"the client reported success for {label}: {outcome.state}")
        env.expect(not outcome.state.get("access_token"), f"the client holds a token after {label}")
        if outcome.error.get("kind") == "other":
            crashes.append(f"{label}: {outcome.error.get('message', '')}"[:200])
    env.expect(
        not crashes,
        "the client crashed instead of reporting the token error, on " + "; ".join(crashes),
    )
    again = env.do("login", scope="*")
    env.expect(again.ok, f"the client could not log in after the errors: {again.describe()}")
