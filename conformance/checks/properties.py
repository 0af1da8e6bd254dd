"""Property-based checks (hypothesis): generated token requests, and a stateful lifecycle model.

Failing examples are shrunk by hypothesis; the failure carries the minimal request as a curl
command. On live targets the example counts are small and no wrong password is ever generated
unless ``--allow-lockout-risk`` is given.

PYTEST_DONT_REWRITE: failure messages are the ones written here, the same whether the package
is installed as a wheel (pytest rewrites a plugin's modules) or from source.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test

from conformance.context import CheckContext
from conformance.failures import Failure
from conformance.failures import PropertyFalsified
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check

GRANT_TYPES = ("password", "client_credentials", "refresh_token", "authorization_code")


def _settings(ctx: CheckContext, mock_examples: int, live_examples: int) -> settings:
    return settings(
        max_examples=mock_examples if ctx.target.controllable else live_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )


def _shape(response: HttpResponse) -> str:
    """Which documented shape an answer has; raises AssertionError when it has none."""
    if response.status == 503 and not response.body:
        return "empty-503"
    ctype = response.header("Content-Type") or ""
    if ctype.startswith("text/html"):
        return "html"
    body = response.json()
    assert isinstance(body, dict), (
        f"HTTP {response.status} body is not a JSON object: {response.text[:80]!r}"
    )
    if "access_token" in body:
        assert body.get("token_type") == "bearer", "token without token_type bearer"
        return "token"
    error = body.get("error")
    if isinstance(error, str):
        assert isinstance(body.get("error_description"), str), (
            "flat error without error_description"
        )
        return "oauth-error"
    assert isinstance(error, dict) and isinstance(error.get("code"), int), "unknown JSON shape"
    return "restler-error"


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
    failing: list[str] = []

    @_settings(ctx, 150, 15)
    @given(_token_requests(ctx))
    def prop(req: dict[str, Any]) -> None:
        basic = (ctx.credentials.client_id, ctx.credentials.client_secret) if req["basic"] else None
        response = ctx.token(req["params"], encoding=req["encoding"], basic=basic)
        assert response.status < 500, f"HTTP {response.status} from the token endpoint"
        shape = _shape(response)
        if shape == "oauth-error":
            expected = ctx.profile.token_error_status
            if expected is not None:
                assert response.status == expected, (
                    f"OAuth error with HTTP {response.status}, the profile says {expected}"
                )
        if shape == "token":
            assert response.status == 200, f"token with HTTP {response.status}"

    try:
        prop()
    except AssertionError as exc:
        failing.append(str(exc))
    if failing:
        last = ctx.exchanges[-1] if ctx.exchanges else None
        raise PropertyFalsified(
            f"falsified (shrunk): {failing[0]}",
            evidence=tuple(ctx.exchanges[-1:]),
            curl=last.curl(ctx.credentials.secrets()) if last else None,
        )


@check(
    "PM3-PROP-002",
    severity=Severity.HIGH,
    doc="Get a New Access Token Using the Refresh Token",
    source="§4, §5",
    rfc="RFC 6749 §6",
    tags=("token", "refresh", "property", "lifecycle"),
    requires=("control", "login"),
)
def token_lifecycle_agrees_with_the_model(ctx: CheckContext) -> None:
    """A stateful model of issue, refresh, reuse, code exchange, use and expiry agrees with the target."""
    profile = ctx.profile

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.live_refresh: list[str] = []
            self.spent_refresh: list[str] = []
            self.live_access: list[str] = []

        @rule()
        def login(self) -> None:
            body = ctx.tokens()
            self.live_access.append(body["access_token"])
            self.live_refresh.append(body["refresh_token"])

        @precondition(lambda self: bool(self.live_refresh))
        @rule(data=st.data())
        def refresh(self, data: st.DataObject) -> None:
            token = data.draw(st.sampled_from(self.live_refresh))
            response = ctx.refresh(token)
            body = response.json() or {}
            assert "access_token" in body, f"refresh of a live token failed: {response.text[:120]}"
            self.live_access.append(body["access_token"])
            if profile.refresh_token_single_use:
                self.live_refresh.remove(token)
                self.spent_refresh.append(token)
            if profile.always_issue_new_refresh_token:
                assert "refresh_token" in body, "no new refresh token on refresh"
                self.live_refresh.append(body["refresh_token"])

        @precondition(lambda self: bool(self.spent_refresh))
        @rule(data=st.data())
        def reuse(self, data: st.DataObject) -> None:
            token = data.draw(st.sampled_from(self.spent_refresh))
            body = ctx.refresh(token).json() or {}
            assert body.get("error") == "invalid_grant", (
                f"a spent refresh token was accepted: {body}"
            )

        @precondition(lambda self: bool(self.live_access))
        @rule(data=st.data())
        def use(self, data: st.DataObject) -> None:
            token = data.draw(st.sampled_from(self.live_access))
            status = ctx.api("users", token).status
            assert status == 200, f"a live access token got HTTP {status} on /api/1.0/users"

        @rule()
        def code_exchange_and_reuse(self) -> None:
            code = ctx.code()
            first = ctx.exchange_code(code).json() or {}
            assert "access_token" in first, f"a fresh code was refused: {first}"
            self.live_access.append(first["access_token"])
            self.live_refresh.append(first["refresh_token"])
            again = ctx.exchange_code(code).json() or {}
            assert again.get("error") == "invalid_grant", f"a spent code was accepted: {again}"

        @precondition(lambda self: bool(self.live_access))
        @rule()
        def expire_all_access(self) -> None:
            ctx.advance(profile.access_lifetime + 1)
            for token in self.live_access:
                status = ctx.api("users", token).status
                assert status == 401, f"an expired access token got HTTP {status}"
            self.live_access.clear()
            if (
                profile.refresh_token_lifetime is not None
                and profile.refresh_token_lifetime <= profile.access_lifetime
            ):
                self.spent_refresh += self.live_refresh
                self.live_refresh.clear()

        @invariant()
        def store_agrees(self) -> None:
            stored = ctx.mock.workspace(ctx.workspace).count("OAUTH_REFRESH_TOKENS")
            assert stored >= len(self.live_refresh), (
                f"the store holds {stored} refresh tokens, the model {len(self.live_refresh)} live ones"
            )

    try:
        run_state_machine_as_test(  # type: ignore[no-untyped-call,unused-ignore]
            Lifecycle,
            settings=settings(
                max_examples=25,
                stateful_step_count=12,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except AssertionError as exc:
        if isinstance(exc, Failure):
            raise
        last = ctx.exchanges[-1] if ctx.exchanges else None
        raise PropertyFalsified(
            f"the model and the target disagree (shrunk): {str(exc).splitlines()[0]}",
            evidence=tuple(ctx.exchanges[-2:]),
            curl=last.curl(ctx.credentials.secrets()) if last else None,
        ) from None
