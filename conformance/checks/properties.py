"""Property-based checks (hypothesis): generated token requests, and a stateful lifecycle model.

Failing examples are shrunk by hypothesis; the failure carries the minimal request as a curl
command. On live targets the example counts are small and no wrong password is ever generated
unless ``--allow-lockout-risk`` is given.

PYTEST_DONT_REWRITE: failure messages are the ones written here, the same whether the package
is installed as a wheel (pytest rewrites a plugin's modules) or from source.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test

from conformance.answers import shape_of
from conformance.context import CheckContext
from conformance.failures import PropertyFalsified
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check
from mockserver import Profile

GRANT_TYPES = ("password", "client_credentials", "refresh_token", "authorization_code")


def _settings(ctx: CheckContext, mock_examples: int, live_examples: int) -> settings:
    # derandomize=True also means no example database: hypothesis sets database=None
    return settings(
        max_examples=mock_examples if ctx.target.controllable else live_examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )


def _falsified(ctx: CheckContext, message: str, expectation: str) -> PropertyFalsified:
    """A falsified property, with the exchanges of the (shrunk) example that showed it; the
    report's replay is the last of them (:meth:`~conformance.failures.Failure.redacted`)."""
    return PropertyFalsified(message, expectation=expectation, evidence=tuple(ctx.exchanges[-2:]))


def _holds(ctx: CheckContext, condition: bool, expectation: str, message: str) -> None:
    """:raises PropertyFalsified: naming ``expectation`` when ``condition`` is false (hypothesis
    shrinks on it like on any assertion)."""
    if not condition:
        raise _falsified(ctx, message, expectation)


def _expect_documented_shape(ctx: CheckContext, response: HttpResponse) -> str:
    """Which documented shape an answer has; :raises PropertyFalsified: when it has none."""
    if response.status == 503 and not response.body:
        return "empty-503"
    if (response.header("Content-Type") or "").startswith("text/html"):
        return "html"
    shape = shape_of(response)
    body = response.json()
    _holds(
        ctx,
        shape in ("token", "oauth-error", "restler-error"),
        "shape",
        f"no documented shape: {ctx.describe(response)}",
    )
    if shape == "token":
        _holds(
            ctx,
            body.get("token_type") == "bearer",
            "field:token_type",
            f"a token whose token_type is {body.get('token_type')!r}, not 'bearer' "
            f"(HTTP {response.status})",
        )
    elif shape == "oauth-error":
        _holds(
            ctx,
            isinstance(body.get("error_description"), str),
            "shape",
            f"a flat OAuth error without error_description: {ctx.describe(response)}",
        )
    else:
        _holds(
            ctx,
            isinstance(body["error"].get("code"), int),
            "shape",
            f"Restler's nested error without an integer code: {ctx.describe(response)}",
        )
    return shape


@st.composite
def _token_requests(draw: st.DrawFn, ctx: CheckContext) -> dict[str, Any]:
    c = ctx.credentials
    passwords = [c.password, None, ""]
    if ctx.target.allow_lockout_risk:
        passwords += ["wrong", c.password.upper(), "0"]
    params: dict[str, str | None] = {
        "grant_type": draw(
            st.sampled_from([*GRANT_TYPES, "", "implicit", "PASSWORD"]) | st.text(max_size=10)
        ),
        "scope": draw(
            st.none()
            | st.lists(
                st.sampled_from(["*", "view_process", "view_processes", "edit_processes", "", "x"]),
                max_size=3,
            ).map(" ".join)
        ),
        "client_id": draw(st.sampled_from([c.client_id, c.client_id.lower(), None, ""])),
        "client_secret": draw(st.sampled_from([c.client_secret, None, ""])),
        "username": draw(st.sampled_from([c.username, c.username.upper(), None, ""])),
        "password": draw(st.sampled_from(passwords)),
        "refresh_token": draw(st.none() | st.text("0123456789abcdef", min_size=40, max_size=40)),
        "code": draw(st.none() | st.text("0123456789abcdef", max_size=40)),
    }
    return {
        "params": params,
        "encoding": draw(st.sampled_from(["form", "json", "multipart"])),
        "basic": draw(st.booleans()),
    }


@check(
    "PM3-PROP-001",
    severity=Severity.HIGH,
    doc="Error Response",
    source="§2.2-§3.3",
    rfc="RFC 6749 §5",
    tags=("token", "property", "errors"),
)
def token_endpoint_answers_have_documented_shapes(ctx: CheckContext) -> None:
    """Generated token requests never get a 5xx, and every answer has a documented shape."""

    @_settings(ctx, 150, 15)
    @given(_token_requests(ctx))
    def prop(req: dict[str, Any]) -> None:
        basic = (ctx.credentials.client_id, ctx.credentials.client_secret) if req["basic"] else None
        response = ctx.token(req["params"], encoding=req["encoding"], basic=basic)
        _holds(
            ctx,
            response.status < 500,
            "status",
            f"a server error from the token endpoint: {ctx.describe(response)}",
        )
        shape = _expect_documented_shape(ctx, response)
        expected = ctx.profile.token_error_status
        if shape == "oauth-error" and expected is not None:
            _holds(
                ctx,
                response.status == expected,
                "status",
                f"an OAuth error with HTTP {response.status}, the profile says {expected}: "
                f"{ctx.describe(response)}",
            )
        if shape == "token":
            _holds(ctx, response.status == 200, "status", f"a token with HTTP {response.status}")

    try:
        prop()
    except PropertyFalsified as exc:
        raise PropertyFalsified(
            f"falsified (shrunk): {exc.message}",
            expectation=exc.expectation,
            evidence=exc.evidence[-1:],
        ) from None


@dataclass
class _TokenModel:
    """What the target should hold, as the expected profile says: which refresh tokens work,
    which were spent (single use), which have expired, which access tokens work."""

    profile: Profile
    now: int = 0
    """Seconds the clock has been moved since the run began."""
    live_refresh: dict[str, int] = field(default_factory=dict)
    """Refresh tokens that work, with the time they were issued."""
    spent_refresh: list[str] = field(default_factory=list)
    expired_refresh: list[str] = field(default_factory=list)
    live_access: list[str] = field(default_factory=list)

    def issued(self, body: dict[str, Any]) -> None:
        self.live_access.append(body["access_token"])
        if isinstance(body.get("refresh_token"), str):
            self.live_refresh[body["refresh_token"]] = self.now

    def refreshed(self, used: str, body: dict[str, Any]) -> None:
        if self.profile.refresh_token_single_use:
            del self.live_refresh[used]
            self.spent_refresh.append(used)
        self.issued(body)

    def advanced(self, seconds: int) -> None:
        """The clock moved: access tokens are past their lifetime, refresh tokens may be too."""
        self.now += seconds
        self.live_access.clear()
        lifetime = self.profile.refresh_token_lifetime
        if lifetime is None:
            return
        for token, issued in list(self.live_refresh.items()):
            if self.now - issued > lifetime:
                del self.live_refresh[token]
                self.expired_refresh.append(token)


class _Lifecycle(RuleBasedStateMachine):
    """Issue, refresh, reuse, code exchange, use and expiry against the target, each answer
    compared with :class:`_TokenModel`; the store (on the mock) must agree with the model too."""

    ctx: ClassVar[CheckContext]

    def __init__(self) -> None:
        super().__init__()
        self.model = _TokenModel(self.ctx.profile)

    def _token(self, response: HttpResponse, what: str) -> dict[str, Any]:
        _holds(
            self.ctx,
            shape_of(response) == "token",
            "token",
            f"{what} should give a token, got {self.ctx.describe(response)}",
        )
        return dict(response.json())

    def _refused(self, response: HttpResponse, what: str, expectation: str) -> None:
        ctx = self.ctx
        _holds(ctx, shape_of(response) != "token", expectation, f"{what} was accepted")
        body = response.json()
        _holds(
            ctx,
            isinstance(body, dict) and body.get("error") == "invalid_grant",
            "error",
            f"{what}: expected invalid_grant, got {ctx.describe(response)}",
        )

    @rule()
    def login(self) -> None:
        self.model.issued(self.ctx.tokens())

    @precondition(lambda self: bool(self.model.live_refresh))
    @rule(data=st.data())
    def refresh(self, data: st.DataObject) -> None:
        token = data.draw(st.sampled_from(sorted(self.model.live_refresh)))
        body = self._token(self.ctx.refresh(token), "refreshing with a live refresh token")
        if self.model.profile.always_issue_new_refresh_token:
            _holds(self.ctx, "refresh_token" in body, "rotation", "no new refresh token on refresh")
        self.model.refreshed(token, body)

    @precondition(lambda self: bool(self.model.spent_refresh or self.model.expired_refresh))
    @rule(data=st.data())
    def reuse(self, data: st.DataObject) -> None:
        model = self.model
        token = data.draw(st.sampled_from(model.spent_refresh + model.expired_refresh))
        if token in model.spent_refresh:
            self._refused(self.ctx.refresh(token), "a spent refresh token", "reuse")
        else:
            self._refused(self.ctx.refresh(token), "an expired refresh token", "lifetime")

    @precondition(lambda self: bool(self.model.live_access))
    @rule(data=st.data())
    def use(self, data: st.DataObject) -> None:
        response = self.ctx.api("users", data.draw(st.sampled_from(self.model.live_access)))
        _holds(
            self.ctx,
            response.status == 200,
            "lifetime",
            f"a live access token on /api/1.0/users: {self.ctx.describe(response)}",
        )

    @rule()
    def code_exchange_and_reuse(self) -> None:
        ctx = self.ctx
        code = ctx.code()
        self.model.issued(self._token(ctx.exchange_code(code), "a fresh authorization code"))
        self._refused(ctx.exchange_code(code), "a spent authorization code", "reuse")

    @precondition(lambda self: bool(self.model.live_access))
    @rule()
    def expire_all_access(self) -> None:
        ctx = self.ctx
        seconds = ctx.profile.access_lifetime + 1
        ctx.advance(seconds)
        for token in self.model.live_access:
            response = ctx.api("users", token)
            _holds(
                ctx,
                response.status == 401,
                "lifetime",
                f"an access token {seconds} s old: expected HTTP 401, got {ctx.describe(response)}",
            )
        self.model.advanced(seconds)

    @invariant()
    def store_agrees(self) -> None:
        """Every live refresh token is stored; no spent one is (it could be used again)."""
        store = self.ctx.mock.workspace(self.ctx.workspace)
        missing = [t for t in self.model.live_refresh if store.get_refresh_token(t) is None]
        _holds(
            self.ctx,
            not missing,
            "store",
            f"{len(missing)} of {len(self.model.live_refresh)} live refresh token(s) not stored",
        )
        kept = [t for t in self.model.spent_refresh if store.get_refresh_token(t) is not None]
        _holds(
            self.ctx,
            not kept,
            "reuse",
            f"{len(kept)} spent refresh token(s) still stored, so they can be used again",
        )


@check(
    "PM3-PROP-002",
    severity=Severity.HIGH,
    doc="Get a New Access Token Using the Refresh Token",
    source="§4, §5",
    rfc="RFC 6749 §6",
    tags=("token", "refresh", "property", "lifecycle"),
    requires=("control", "login"),
    mock_only="compares the server's token store with the model after each step and moves the "
    "clock by up to days; only the mock shows its store and clock",
)
def token_lifecycle_agrees_with_the_model(ctx: CheckContext) -> None:
    """A stateful model of issue, refresh, reuse, code exchange, use and expiry agrees with the target."""
    machine = type("Lifecycle", (_Lifecycle,), {"ctx": ctx})
    try:
        run_state_machine_as_test(  # type: ignore[no-untyped-call,unused-ignore]
            machine,
            settings=settings(
                max_examples=25,
                stateful_step_count=12,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,  # one failure, not an ExceptionGroup (an "error")
            ),
        )
    except PropertyFalsified as exc:
        raise PropertyFalsified(
            f"the model and the target disagree (shrunk): {exc.message}",
            expectation=exc.expectation,
            evidence=exc.evidence,
        ) from None
