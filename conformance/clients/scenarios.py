"""The client battery: each scenario scripts the mock, drives the client, and judges both the
outcome the client reports and the traffic the mock recorded.

A scenario needs capabilities (actions, ``auto_refresh``, ``encoding:json``, ``client_auth:basic``,
``timeout``); a driver that lacks one gets *skipped*, never *passed*.
"""

from __future__ import annotations

import base64
import contextlib
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from conformance.failures import Failure
from conformance.registry import Severity
from conformance.registry import references
from mockserver import MockServer
from mockserver.redaction import SecretSet

from .driver import Driver
from .driver import Outcome

SECRET_PARAMS = ("client_secret", "password", "refresh_token", "access_token", "code")


class ScenarioFailure(Failure):
    kind = "client_misbehaved"

    def __init__(self, message: str, evidence: tuple[dict[str, Any], ...] = ()) -> None:
        super().__init__(message)
        self.rendered_evidence = evidence


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

    def token_requests(self, grant_type: str | None = None) -> list[Any]:
        return [
            e
            for e in self.mock.journal
            if e.request.endpoint == "token"
            and (grant_type is None or e.request.params.get("grant_type") == grant_type)
        ]

    def api_requests(self) -> list[Any]:
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


SCENARIOS: dict[str, Scenario] = {}


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
    def decorate(function: Callable[[ScenarioEnv], None]) -> Callable[[ScenarioEnv], None]:
        if scenario_id in SCENARIOS:
            raise ValueError(f"scenario {scenario_id} registered twice")
        title = (function.__doc__ or "").strip().splitlines()[0]
        SCENARIOS[scenario_id] = Scenario(
            scenario_id, title, severity, function, doc, source, rfc, needs, profile, tags
        )
        return function

    return decorate


def _issued(env: ScenarioEnv, key: str) -> list[str]:
    values = []
    for entry in env.token_requests():
        body = entry.json()
        if isinstance(body, dict) and isinstance(body.get(key), str):
            values.append(body[key])
    return values


def _wrong_password(env: ScenarioEnv) -> dict[str, str]:
    return {**env.credentials, "password": env.credentials["password"] + "-wrong"}


def _sent_credentials(entry: Any) -> tuple[str | None, str | None, str | None]:
    """The client id, secret and password a token request carried (body, or a Basic header)."""
    params = entry.request.params
    client_id, secret = params.get("client_id"), params.get("client_secret")
    auth = {k.lower(): v for k, v in entry.request.headers.items()}.get("authorization", "")
    if auth.lower().startswith("basic "):
        with contextlib.suppress(ValueError):
            pair = base64.b64decode(auth[6:].strip()).decode()
            client_id, _, secret = pair.partition(":")
            client_id, secret = urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
    return client_id, secret, params.get("password")


def _answer(entry: Any) -> tuple[int, dict[str, Any] | None]:
    """What the mock answered an exchange: its status and its JSON object (None if it had none)."""
    body = entry.json()
    return entry.status, body if isinstance(body, dict) else None


def _answered_error(env: ScenarioEnv, entry: Any, status: int) -> dict[str, Any]:
    """The error object the mock answered with ``status``: the scenario's premise, checked."""
    got, body = _answer(entry)
    env.expect(
        got == status and body is not None and "error" in body,
        f"premise: the mock was to answer HTTP {status} with an error object, "
        f"it answered HTTP {got} with {body!r}",
    )
    assert body is not None
    return body


def _reports_oauth_error(
    env: ScenarioEnv, outcome: Outcome, error: str, description: str, *, status: int | None = None
) -> None:
    """The client reports the error object it was answered, and no other status than the wire's.

    :param status: the HTTP status the answer carried (the last token exchange's, if not given).
    """
    env.expect(not outcome.ok, f"the client reported success for an error answer: {outcome.state}")
    env.expect(
        not outcome.state.get("access_token"),
        "the client holds a token after an error answer",
    )
    got = (outcome.error.get("error"), outcome.error.get("error_description"))
    env.expect(
        got == (error, description),
        f"the client reported {outcome.describe()}; expected error {error!r} with description {description!r}",
    )
    wire = status if status is not None else env.token_requests()[-1].status
    reported = outcome.error.get("status")
    env.expect(
        reported is None or reported == wire,
        f"the client reported HTTP {reported}, but the answer came with HTTP {wire}",
    )


# --- login -----------------------------------------------------------------------------------
@scenario(
    "PM3-CLIENT-LOGIN-001", severity=Severity.CRITICAL, doc='"Password" Grant Type', tags=("login",)
)
def login_works(env: ScenarioEnv) -> None:
    """Logs in with the password grant and holds the token it was given."""
    outcome = env.do("login", scope="*")
    env.expect(outcome.ok, f"login failed: {outcome.describe()}")
    issued = _issued(env, "access_token")
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


# --- errors ----------------------------------------------------------------------------------
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
    wrong = _wrong_password(env)
    outcome = env.do("login", credentials=wrong, scope="*")
    logins = env.token_requests("password")
    env.expect(len(logins) == 1, f"expected one login request, saw {len(logins)}")
    env.expect(
        logins[0].request.params.get("password") == wrong["password"],
        "the client did not send the password it was given",
    )
    body = _answered_error(env, logins[0], 200)
    env.expect(
        not outcome.ok,
        f"the client read an error answered with HTTP 200 as a successful login: it never "
        f"looked at `error` ({body['error']!r})",
    )
    _reports_oauth_error(env, outcome, "invalid_grant", "Invalid username and password combination")


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
    outcome = env.do("login", credentials=_wrong_password(env), scope="*")
    _reports_oauth_error(env, outcome, "invalid_grant", "Invalid username and password combination")


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
    status, _ = _answer(sent[0])
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
    for token in _issued(env, "access_token"):
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
    _reports_oauth_error(
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
    outcome = env.do("login_and_call", credentials=_wrong_password(env), scope="*")
    logins = env.token_requests("password")
    env.expect(len(logins) == 1, f"expected one login request, saw {len(logins)}")
    body = _answered_error(env, logins[0], 200)
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
    issued = _issued(env, "access_token")
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
        ("invalid_grant (HTTP 200)", {"credentials": _wrong_password(env)}, 200, "invalid_grant"),
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
            _sent_credentials(sent[-1])
            == (given["client_id"], given["client_secret"], given["password"]),
            f"{label}: the client did not send the credentials it was given",
        )
        got, body = _answer(sent[-1])
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


# --- refresh ---------------------------------------------------------------------------------
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
        newest = _issued(env, "refresh_token")[-1:]
        outcome = env.do("refresh")
        refreshes = env.token_requests("refresh_token")
        env.expect(bool(refreshes), "the client sent no refresh request")
        env.expect(
            [refreshes[-1].request.params.get("refresh_token")] == newest,
            "a refresh used a spent refresh token instead of the newest one",
        )
        env.expect(outcome.ok, f"refresh failed: {outcome.describe()}")
    issued = _issued(env, "refresh_token")
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
        not again.ok or again.state.get("access_token") in _issued(env, "access_token"),
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
    issued = _issued(env, "refresh_token")
    env.expect(bool(issued), "premise: the mock issued no refresh token")
    env.mock.expire_tokens(client=env.credentials["client_id"])
    outcome = env.do("refresh")
    refreshes = env.token_requests("refresh_token")
    env.expect(len(refreshes) == 1, f"expected one refresh request, saw {len(refreshes)}")
    env.expect(
        refreshes[0].request.params.get("refresh_token") == issued[0],
        "the refresh did not carry the refresh token issued at login",
    )
    body = _answered_error(env, refreshes[0], 200)
    kept = bool(outcome.state) and (
        outcome.state.get("access_token") == login.state.get("access_token")
        or outcome.state.get("refresh_token") == issued[0]
    )
    env.expect(
        not outcome.ok,
        f"the client read an error answered with HTTP 200 ({body['error']!r}) as a successful "
        "refresh" + (" and kept its old tokens" if kept else ""),
    )
    _reports_oauth_error(
        env, outcome, str(body["error"]), str(body.get("error_description")), status=200
    )


# --- REST resources --------------------------------------------------------------------------
LOOKALIKES = (("x{}", "Aaberg"), ("{}2", "Abbott"))
"""Users seeded next to the one looked up: their usernames contain its name, and their last
names (ProcessMaker lists users by last name) put them first."""


@scenario(
    "PM3-CLIENT-REST-001",
    source="§9 (GET users: filter matches part of a username, first or last name)",
    needs=("login", "find_user"),
    profile="documented",
    tags=("rest",),
)
def user_lookup_picks_the_exact_username(env: ScenarioEnv) -> None:
    """A user looked up by username is the one with that exact name, not the list's first.

    ``GET users?filter=NAME`` is a substring match (``LIKE '%NAME%'`` on the username, first and
    last name), ordered by last name: looking up ``johndoe`` lists ``xjohndoe`` and ``johndoe2``
    first. The client must pick the element whose ``usr_username`` is the name.
    """
    target = env.credentials["username"]
    user = env.mock.workspace(env.workspace).find_user(target)
    env.expect(user is not None, f"premise: the mock has no user {target!r}")
    assert user is not None
    for pattern, lastname in LOOKALIKES:
        env.mock.add_user(pattern.format(target), "Lookalike-1", lastname=lastname)
    login = env.do("login", scope="*")
    env.expect(login.ok, f"login failed: {login.describe()}")
    outcome = env.do("find_user", username=target)
    lists = [e for e in env.api_requests() if e.request.path.rstrip("/").endswith("/users")]
    env.expect(bool(lists), "the client never listed the users (GET users)")
    env.expect(outcome.ok, f"the lookup failed: {outcome.describe()}")
    found = outcome.result.get("body")
    picked = found.get("usr_username") if isinstance(found, dict) else None
    if picked != target:
        _, listed = lists[-1].status, lists[-1].json()
        names = (
            [u.get("usr_username") for u in listed if isinstance(u, dict)]
            if isinstance(listed, list)
            else []
        )
        where = f", element {names.index(picked)} of {names}" if picked in names else ""
        unfiltered = not any(k in lists[-1].request.query for k in ("filter", "lfilter", "rfilter"))
        env.expect(
            False,
            f"the client picked {picked!r} for {target!r}{where}: `filter` matches any username, "
            "first or last name that contains it, so the element to take is the one whose "
            "usr_username is the name"
            + ("; it sent no filter, so the list held every user" if unfiltered else ""),
        )
    assert isinstance(found, dict)
    env.expect(
        found.get("usr_uid") == user.uid,
        f"the client reported {target!r} with usr_uid {found.get('usr_uid')!r}, not {user.uid!r}",
    )


# --- faults ----------------------------------------------------------------------------------
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


# --- security and scope ----------------------------------------------------------------------
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
    _, granted_body = _answer(env.token_requests()[-1])
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
    _, answer = _answer(refreshes[0])
    given = (answer or {}).get("scope")
    env.expect(
        asked or given == wanted,
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
