"""Workspaces, routing and transport: unknown workspace, CORS, OPTIONS, API-mode quirks."""

from __future__ import annotations

from typing import assert_never

from conformance.answers import UNAVAILABLE_WORKSPACE
from conformance.answers import shape_of
from conformance.answers import unknown_workspace_phrase
from conformance.answers import unknown_workspace_style
from conformance.context import CheckContext
from conformance.failures import HeaderMismatch
from conformance.http import HttpResponse
from conformance.registry import Severity
from conformance.registry import check

CORS = {
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS, HEADERS",
    "Access-Control-Allow-Headers": "authorization, content-type",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Max-Age": "60",
}


@check(
    "PM3-WS-001",
    severity=Severity.HIGH,
    doc="Error Response: if the name of the workspace isn't valid, error code 503 and no return object",
    source="§1.5",
    tags=("workspace", "errors"),
)
def unknown_workspace_answer(ctx: CheckContext) -> None:
    """An unknown workspace gets the profile's answer (documented: 503 with an empty body)."""
    response = ctx.token(ctx.password_params(), workspace="pm3nosuchworkspace")
    _expect_unknown_workspace(ctx, response, "unknown workspace")
    # the REST API's front door too, with a token of the real workspace: never served
    token = ctx.tokens()["access_token"]
    for via in ("header", "query"):
        answer = ctx.api("users", token, via=via, workspace="pm3nosuchworkspace")
        _expect_unknown_workspace(
            ctx, answer, f"/api/1.0/pm3nosuchworkspace/users (token in the {via})"
        )


def _expect_unknown_workspace(ctx: CheckContext, response: HttpResponse, what: str) -> None:
    """The profile's answer for a workspace that does not exist; never a token."""
    ctx.expect(
        shape_of(response) != "token",
        f"{what}: expected the unknown-workspace answer, got {ctx.describe(response)}",
        expectation="refused",
    )
    style = ctx.profile.unknown_workspace
    if style == "empty-503":
        ctx.expect_status(response, 503, what)
        ctx.expect(
            response.body == b"",
            f"{what}: expected no body, got {ctx.describe(response)}",
            expectation="body",
        )
    elif style == "html-503":
        ctx.expect_status(response, 503, what)
        ctx.expect(
            (response.header("Content-Type") or "").startswith("text/html"),
            f"{what}: expected an HTML page, got {ctx.describe(response)} "
            f"(Content-Type {response.header('Content-Type')!r})",
            HeaderMismatch,
            expectation="header:Content-Type",
        )
    elif style == "restler-400":
        ctx.expect_restler_error(response, 400, UNAVAILABLE_WORKSPACE)
    elif style == "plain-404":
        ctx.expect_status(response, 404, what)
    else:
        assert_never(style)
    # What each part above looked at, the shared classifier must agree with as a whole.
    ctx.expect(
        unknown_workspace_style(response) == style,
        f"{what}: expected {unknown_workspace_phrase(style)}, got {ctx.describe(response)}",
        expectation="refused",
    )


@check(
    "PM3-WS-002",
    severity=Severity.LOW,
    source="§1.5 (site folders are case-sensitive)",
    tags=("workspace",),
)
def workspace_names_are_case_sensitive(ctx: CheckContext) -> None:
    """The workspace name is case-sensitive: an upper-cased name is an unknown workspace."""
    response = ctx.token(ctx.password_params(), workspace=ctx.workspace.upper())
    _expect_unknown_workspace(ctx, response, f"workspace {ctx.workspace.upper()!r}")


@check(
    "PM3-WS-003",
    severity=Severity.MEDIUM,
    source="§1.4 (OPTIONS short-circuit)",
    tags=("cors",),
)
def options_answers_cors_preflight(ctx: CheckContext) -> None:
    """OPTIONS on the token URL: 200, empty body, and the four CORS headers."""
    response = ctx.request("OPTIONS", ctx.token_path, cookies=False)
    ctx.expect_status(response, 200)
    ctx.expect(
        response.body == b"",
        f"OPTIONS should have an empty body, got {ctx.describe(response)}",
        expectation="body",
    )
    for name, value in CORS.items():
        ctx.expect_header(response, name, value)


@check(
    "PM3-WS-004",
    severity=Severity.MEDIUM,
    source="§1.4 (Access-Control-Allow-Origin on dispatched requests)",
    tags=("cors",),
)
def dispatched_answers_allow_any_origin(ctx: CheckContext) -> None:
    """Token and API answers carry Access-Control-Allow-Origin: *, the API's 401 included."""
    tokens = ctx.password_grant()
    ctx.expect_header(tokens, "Access-Control-Allow-Origin", "*")
    if shape_of(tokens) != "token":  # a browser's client could not read it: no token to use
        ctx.fail(f"expected a token, got {ctx.describe(tokens)}", expectation="token")
    ctx.expect_header(
        ctx.api("users", tokens.json()["access_token"]), "Access-Control-Allow-Origin", "*"
    )
    # the JavaScript refresh flow reads the API's 401 to know it must refresh: without the
    # header the browser hides that answer from it
    for what, token in (("no token", None), ("an unknown token", "0" * 40)):
        unauthorized = ctx.api("users", token)
        ctx.expect_status(unauthorized, 401, f"/api/1.0/{{ws}}/users with {what}")
        if unauthorized.header("Access-Control-Allow-Origin") != "*":
            ctx.fail(
                f"header Access-Control-Allow-Origin: expected '*' on the API's 401 ({what}), "
                f"got {unauthorized.header('Access-Control-Allow-Origin')!r}",
                HeaderMismatch,
                expectation="header:Access-Control-Allow-Origin",
            )


@check(
    "PM3-WS-005",
    severity=Severity.LOW,
    source="§1.4 (the auth class is also an API class)",
    tags=("routing", "quirk"),
)
def token_endpoint_reachable_in_api_mode(ctx: CheckContext) -> None:
    """POST /api/1.0/{ws}/oauth2/token works like the token endpoint."""
    response = ctx.request(
        "POST",
        f"/api/1.0/{ctx.workspace}/oauth2/token",
        form={k: v for k, v in ctx.password_params().items() if v},
        cookies=False,
    )
    ctx.expect_token_response(response, refresh=True, scope="*")


@check(
    "PM3-WS-006",
    severity=Severity.LOW,
    source="§1.1 (HOR-4697 side effect: workspaces starting with 'api')",
    tags=("routing", "quirk"),
)
def workspace_starting_with_api_is_routed_to_api_mode(ctx: CheckContext) -> None:
    """A workspace named apitest cannot reach its token URL: "Invalid API version.".

    The front controller decides on the URL's first characters before any workspace is looked
    up, so a live install needs no such workspace; the mock gets one, to show that even an
    existing workspace is not reached."""
    if ctx.session.mock is not None:
        ctx.mock.add_workspace("apitest")
    response = ctx.token(ctx.password_params(), workspace="apitest")
    ctx.expect_restler_error(response, 400, "Bad Request: Invalid API version.")


@check(
    "PM3-WS-007",
    severity=Severity.LOW,
    source="§2.4 step 1 (only POST is routed to postToken)",
    rfc="RFC 6749 §3.2",
    tags=("routing", "errors"),
)
def get_on_the_token_endpoint_is_not_a_token(ctx: CheckContext) -> None:
    """GET on the token endpoint is Restler's 405 "Method Not Allowed", never a token."""
    response = ctx.request(
        "GET", ctx.token_path, query={"grant_type": "client_credentials"}, cookies=False
    )
    ctx.expect_restler_error(response, 405, "Method Not Allowed")


@check(
    "PM3-WS-008",
    severity=Severity.INFO,
    source="§9 (Restler headers)",
    tags=("headers", "rest"),
)
def restler_answers_name_restler(ctx: CheckContext) -> None:
    """Restler answers carry X-Powered-By: Luracast Restler v<version> (fingerprinting aid)."""
    response = ctx.api("no-such-resource")
    ctx.expect_header(response, "X-Powered-By", f"Luracast Restler v{ctx.profile.restler_version}")
    ctx.expect_header(response, "Content-Type", "application/json; charset=utf-8")
