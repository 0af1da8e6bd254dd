"""The authorize endpoint: login redirect, consent page, code and implicit redirects, errors."""

from __future__ import annotations

import re
from typing import assert_never
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from hypothesis import given

from conformance import adversarial
from conformance.adversarial import NAMED_STATES
from conformance.context import CheckContext
from conformance.context import parse_forms
from conformance.failures import RedirectMismatch
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check

DOC = '"authorization_code" Grant Type'
TOKEN_RE = r"^[0-9a-f]{40}$"


def _expect_redirect(ctx: CheckContext, response: HttpResponse, what: str) -> str:
    ctx.expect(
        response.status in (301, 302, 303),
        f"{what}: expected a redirect, got {ctx.describe(response)}",
        RedirectMismatch,
        expectation="redirect",
    )
    return response.header("Location") or ""


@check(
    "PM3-AUTHZ-001",
    severity=Severity.HIGH,
    doc=f"{DOC}: redirected to a ProcessMaker login screen",
    source="§8.1",
    tags=("authorize", "login"),
)
def unauthenticated_authorize_redirects_to_login(ctx: CheckContext) -> None:
    """Without a session, authorize redirects to /sys{ws}/en/neoclassic/login/login?u=<the request>."""
    params = ctx.authorize_params("code")
    answer = ctx.authorize_get(params)
    location = _expect_redirect(ctx, answer, "authorize without a session")
    split = urlsplit(location)
    ctx.expect(
        split.path == f"/sys{ctx.workspace}/en/neoclassic/login/login",
        f"expected a redirect to /sys{ctx.workspace}/en/neoclassic/login/login, got "
        f"{ctx.describe(answer)}",
        RedirectMismatch,
        expectation="redirect",
    )
    u = dict(parse_qsl(split.query)).get("u", "")
    target = f"/{ctx.workspace}/oauth2/authorize?"
    style = ctx.profile.login_redirect
    if style == "absolute":
        ctx.expect(
            u.startswith(("http://", "https://")) and target in u,
            f"u should be absolute: {u!r}",
            RedirectMismatch,
            expectation="field:u",
        )
    elif style == "relative":
        ctx.expect(
            u.startswith(target),
            f"u should be relative: {u!r}",
            RedirectMismatch,
            expectation="field:u",
        )
    else:
        assert_never(style)
    inner = dict(parse_qsl(urlsplit(u).query))
    ctx.expect(
        inner.get("client_id") == ctx.credentials.client_id,
        f"u lost the client_id: {u!r}",
        RedirectMismatch,
        expectation="field:u",
    )
    ctx.expect(
        inner.get("scope") == "*",
        f"u lost the scope: {u!r}",
        RedirectMismatch,
        expectation="field:u",
    )


@check(
    "PM3-AUTHZ-002",
    severity=Severity.HIGH,
    doc=f"{DOC}: the user may authorize the external application",
    source="§8.2 (templates/oauth2/authorize.html)",
    tags=("authorize", "consent"),
    requires=("login",),
)
def consent_page_names_the_client_and_offers_accept_and_deny(ctx: CheckContext) -> None:
    """After login the consent page names the application and offers Accept and Deny."""
    params = ctx.authorize_params("code")
    ctx.login()
    page = ctx.authorize_get(params)
    ctx.expect_status(page, 200, "consent page", expectation="page")
    forms = parse_forms(page.text)
    ctx.expect(
        bool(forms), f"the consent page has no form: {ctx.describe(page)}", expectation="page"
    )
    buttons = [label for label, _ in forms[0]["buttons"]]
    ctx.expect(
        "cancel" in buttons,
        f"the consent page (HTTP {page.status}) has no Deny button (name=cancel); buttons: {buttons}",
        expectation="page",
    )
    ctx.expect(
        len(forms[0]["buttons"]) >= 2,
        f"the consent page (HTTP {page.status}) should offer Accept and Deny; buttons: {buttons}",
        expectation="page",
    )
    ctx.expect(
        "is requesting access" in page.text,
        f"the consent page (HTTP {page.status}) does not say the application requests access",
        expectation="page",
    )


@check(
    "PM3-AUTHZ-003",
    severity=Severity.CRITICAL,
    doc=f"{DOC}: Accept → GET {{callback-url}}?code={{authorization-code}}",
    source="§8.6",
    rfc="RFC 6749 §4.1.2",
    tags=("authorize", "code"),
    requires=("login",),
)
def accept_redirects_with_a_code_and_the_state(ctx: CheckContext) -> None:
    """Accept redirects with a 40-hex code and the exact state, reserved and non-ASCII ones too.

    The state comes back decoded once to exactly what was sent: named and generated values with
    reserved and non-ASCII characters, so an encoding too many or too few shows."""
    _accept_echoes_the_state(ctx, "xyz-123")
    for state in NAMED_STATES:
        _accept_echoes_the_state(ctx, state)

    @adversarial.examples(ctx.target.controllable, mock=15, live=3)
    @given(adversarial.states())
    def generated(state: str) -> None:
        _accept_echoes_the_state(ctx, state)

    generated()


def _accept_echoes_the_state(ctx: CheckContext, state: str) -> None:
    callback = ctx.callback
    answer = ctx.consent(ctx.authorize_params("code", state=state))
    _expect_redirect(ctx, answer, "Accept")
    base, query, _ = ctx.location_parts(answer)
    ctx.expect(
        base == callback,
        f"redirected to {base!r}, not the registered callback {callback!r}",
        RedirectMismatch,
        expectation="redirect",
    )
    ctx.expect(
        bool(re.match(TOKEN_RE, query.get("code", ""))),
        f"code {query.get('code')!r} is not 40 hex",
        expectation="field:code",
    )
    states = [
        v for k, v in parse_qsl(urlsplit(answer.header("Location") or "").query) if k == "state"
    ]
    ctx.expect(
        states == [state],
        f"state not echoed: sent {state!r}, the callback gets {states[0] if len(states) == 1 else states!r} "
        f"({ctx.describe(answer)})",
        expectation="field:state",
    )


@check(
    "PM3-AUTHZ-004",
    severity=Severity.HIGH,
    doc=f"{DOC}: Deny → ?error=access_denied&error_description=The+user+denied+access+to+your+application",
    source="§8.5",
    rfc="RFC 6749 §4.1.2.1",
    tags=("authorize", "consent", "errors"),
    requires=("login",),
)
def deny_redirects_with_access_denied(ctx: CheckContext) -> None:
    """Deny redirects with access_denied and the exact, '+'-encoded description, then the state."""
    callback = ctx.callback
    answer = ctx.consent(ctx.authorize_params("code", state="s1"), accept=False)
    location = _expect_redirect(ctx, answer, "Deny")
    expected = f"{callback}?error=access_denied&error_description=The+user+denied+access+to+your+application&state=s1"
    ctx.expect(
        location == expected,
        f"expected a redirect to {expected!r}, got {ctx.describe(answer)}",
        RedirectMismatch,
        expectation="redirect",
    )


@check(
    "PM3-AUTHZ-005",
    severity=Severity.CRITICAL,
    doc="Implicit Grant",
    source="§8.7",
    rfc="RFC 6749 §4.2.2",
    tags=("authorize", "implicit"),
    requires=("login",),
)
def implicit_grant_returns_a_fragment_token(ctx: CheckContext) -> None:
    """response_type=token redirects with #access_token, expires_in, token_type=bearer, scope; no refresh token."""
    answer = ctx.consent(ctx.authorize_params("token", state="st"))
    location = _expect_redirect(ctx, answer, "implicit Accept")
    _, query, fragment = ctx.location_parts(answer)
    ctx.expect(
        not query,
        f"the implicit answer must be in the fragment, not the query: {ctx.describe(answer)}",
        RedirectMismatch,
        expectation="redirect",
    )
    ctx.expect(
        set(fragment) == {"access_token", "expires_in", "token_type", "scope", "state"},
        f"fragment keys: expected access_token, expires_in, token_type, scope, state, got "
        f"{sorted(fragment)}",
        RedirectMismatch,
        expectation="redirect",
    )
    ctx.expect(
        fragment.get("expires_in") == str(ctx.profile.access_lifetime),
        f"expires_in: expected {ctx.profile.access_lifetime}, got {fragment.get('expires_in')!r}",
        expectation="field:expires_in",
    )
    ctx.expect(
        fragment.get("token_type") == "bearer",
        f"token_type: expected 'bearer', got {fragment.get('token_type')!r}",
        expectation="field:token_type",
    )
    ctx.expect(
        "scope=%2A" in location,
        f"scope '*' should be written %2A: {ctx.describe(answer)}",
        RedirectMismatch,
        expectation="field:scope",
    )
    ctx.expect_status(
        ctx.api("users", fragment.get("access_token", "")),
        200,
        "the implicit token on /api/1.0",
        expectation="token",
    )


@check(
    "PM3-AUTHZ-006",
    severity=Severity.MEDIUM,
    source="§8.3 (response_type validated on the consent POST)",
    rfc="RFC 6749 §4.1.2.1",
    tags=("authorize", "errors"),
    requires=("login",),
)
def unsupported_response_type_redirects_invalid_request(ctx: CheckContext) -> None:
    """An unsupported response_type redirects with invalid_request "Invalid or missing response type"."""
    callback = ctx.callback
    answer = ctx.consent(ctx.authorize_params("id_token"))
    location = _expect_redirect(ctx, answer, "unsupported response_type")
    expected = (
        f"{callback}?error=invalid_request&error_description=Invalid+or+missing+response+type"
    )
    ctx.expect(
        location == expected,
        f"expected a redirect to {expected!r}, got {ctx.describe(answer)}",
        RedirectMismatch,
        expectation="redirect",
    )


@check(
    "PM3-AUTHZ-007",
    severity=Severity.MEDIUM,
    source="§7 (scope validated on the consent POST)",
    rfc="RFC 6749 §4.1.2.1",
    tags=("authorize", "scope", "errors"),
    requires=("login",),
)
def unsupported_scope_redirects_invalid_scope(ctx: CheckContext) -> None:
    """An unsupported scope on authorize redirects with invalid_scope."""
    answer = ctx.consent(ctx.authorize_params("code", scope="delete_everything"))
    _expect_redirect(ctx, answer, "unsupported scope")
    _, query, _ = ctx.location_parts(answer)
    ctx.expect(
        query.get("error") == "invalid_scope",
        f"expected a redirect with error=invalid_scope, got {ctx.describe(answer)}",
        RedirectMismatch,
        expectation="error",
    )
    ctx.expect(
        query.get("error_description") == "An unsupported scope was requested",
        f"invalid_scope: expected the description 'An unsupported scope was requested', got "
        f"{query.get('error_description')!r}",
        RedirectMismatch,
        expectation="error_description",
    )


@check(
    "PM3-AUTHZ-008",
    severity=Severity.MEDIUM,
    source="§3.3 (Restler errors of GET authorize)",
    tags=("authorize", "errors"),
    requires=("login",),
)
def authorize_parameter_errors_are_restler_400s(ctx: CheckContext) -> None:
    """Logged in, a missing client_id / response_type or an unknown client gets Restler's exact 400."""
    ctx.login()
    ctx.expect_restler_error(
        ctx.authorize_get({"response_type": "code"}),
        400,
        "Bad Request: Invalid request. The 'client_id' parameter is missing!",
    )
    ctx.expect_restler_error(
        ctx.authorize_get({"client_id": ctx.credentials.client_id}),
        400,
        "Bad Request: Invalid request. The 'response_type' parameter is missing!",
    )
    ctx.expect_restler_error(
        ctx.authorize_get({"client_id": "NOSUCHCLIENT", "response_type": "code"}),
        400,
        "Bad Request: Error, unknown client. The client with id 'NOSUCHCLIENT' is not registered",
    )


@check(
    "PM3-AUTHZ-009",
    severity=Severity.MEDIUM,
    source="§3.3 (POST authorize without a session)",
    tags=("authorize", "errors"),
)
def consent_post_without_session_is_refused(ctx: CheckContext) -> None:
    """POST authorize without a login session: 400 "Local Authentication Error, user session is not started."."""
    response = ctx.request(
        "POST",
        f"/{ctx.workspace}/oauth2/authorize",
        query=ctx.authorize_params("code"),
        form={"transaction_id": ""},
    )
    ctx.expect_restler_error(
        response, 400, "Bad Request: Local Authentication Error, user session is not started."
    )


@check(
    "PM3-AUTHZ-010",
    severity=Severity.HIGH,
    source="§8.4 (exact match against the registered callback)",
    rfc="RFC 6749 §3.1.2.2, §10.6",
    tags=("authorize", "redirect", "security"),
    requires=("login",),
)
def unregistered_redirect_uri_is_refused(ctx: CheckContext) -> None:
    """A redirect_uri other than the registered one, even one step off: 400, no redirect.

    redirect_uri_mismatch far from the callback, one step from it (a slash, a letter's case, a
    query, userinfo, an encoding: bshaffer compares with strcmp) and one generated edit from it;
    invalid_uri with a fragment."""
    callback = ctx.callback
    _refused_redirect_uri(ctx, "http://evil.example/steal", "another site")
    for what, uri in adversarial.near_miss_uris(callback):
        _refused_redirect_uri(ctx, uri, what)
    answer = ctx.consent(ctx.authorize_params("code", redirect_uri=callback + "#x"))
    ctx.expect_oauth_error(
        answer, "invalid_uri", "The redirect URI must not contain a fragment", status=400
    )

    @adversarial.examples(ctx.target.controllable, mock=25, live=5)
    @given(adversarial.one_edit(callback))
    def generated(uri: str) -> None:
        _refused_redirect_uri(ctx, uri, "one edit away")

    generated()


def _refused_redirect_uri(ctx: CheckContext, uri: str, what: str) -> None:
    answer = ctx.consent(ctx.authorize_params("code", redirect_uri=uri))
    if 300 <= answer.status < 400:
        ctx.fail(
            f"redirect_uri {uri!r} ({what}, registered {ctx.callback!r}) should be refused, got "
            f"{ctx.describe(answer)}",
            RedirectMismatch,
            expectation="redirect",
        )
    ctx.expect_oauth_error(
        answer,
        "redirect_uri_mismatch",
        "The redirect URI provided is missing or does not match",
        status=400,
        error_uri="http://tools.ietf.org/html/rfc6749#section-3.1.2",
    )


@check(
    "PM3-AUTHZ-011",
    severity=Severity.MEDIUM,
    doc="Error Response: 'No redirect URL was supplied or stored'",
    source="§8.4",
    tags=("authorize", "redirect", "errors"),
    requires=("login", "control"),
    mock_only="needs a client registered without a callback URL; the suite registers no "
    "application on a live install (a lasting write: clients cannot be managed over REST, §12)",
)
def client_without_callback_and_no_redirect_uri(ctx: CheckContext) -> None:
    """A client with no callback and no redirect_uri: 400 invalid_uri with the profile's wording."""
    ctx.mock.apply_scenario({"seed": {"clients": [{**_doc_client(ctx), "redirect_uri": ""}]}})
    answer = ctx.consent(ctx.authorize_params("code"))
    ctx.expect_oauth_error(
        answer, "invalid_uri", ctx.profile.no_redirect_uri_description, status=400
    )


@check(
    "PM3-AUTHZ-012",
    severity=Severity.LOW,
    doc=f"{DOC}: this button will need to be clicked every time",
    source="§8 (no remembered consent)",
    tags=("authorize", "consent"),
    requires=("login",),
)
def consent_is_asked_every_time(ctx: CheckContext) -> None:
    """After an Accept, the next authorize shows the consent page again."""
    params = ctx.authorize_params("code")
    first = ctx.consent(params)
    _expect_redirect(ctx, first, "first Accept")
    again = ctx.authorize_get(params)
    ctx.expect_status(again, 200, "second authorize (consent page again)", expectation="page")
    ctx.expect(
        bool(parse_forms(again.text)),
        f"no consent form the second time: {ctx.describe(again)}",
        expectation="page",
    )


def _doc_client(ctx: CheckContext) -> dict[str, str]:
    c = ctx.credentials
    return {
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "name": "Example REST application",
    }
