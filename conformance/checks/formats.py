"""Formats of what ProcessMaker generates: tokens, codes, client ids and secrets.

PYTEST_DONT_REWRITE: failure messages are the ones written here, the same whether the package
is installed as a wheel (pytest rewrites a plugin's modules) or from source.
"""

from __future__ import annotations

import re
from dataclasses import replace

from conformance.context import CheckContext
from conformance.context import parse_forms
from conformance.failures import HarnessError
from conformance.registry import Severity
from conformance.registry import check

TOKEN = re.compile(r"^[0-9a-f]{40}$")
CLIENT_ID = re.compile(r"^[A-Z]{32}$")
SECRET = re.compile(r"^[1-9][0-9]{8}[0-9a-f]{13}[0-9]0[0-9]{8}$")


@check(
    "PM3-FORMAT-001",
    severity=Severity.MEDIUM,
    doc='"Password" Grant Type: example tokens',
    source="§6",
    tags=("format", "token"),
)
def tokens_are_40_lowercase_hex(ctx: CheckContext) -> None:
    """Access and refresh tokens are 40 lowercase hex characters."""
    body = ctx.tokens()
    for key in ("access_token", "refresh_token"):
        ctx.expect(
            bool(TOKEN.match(str(body.get(key)))),
            f"{key} {body.get(key)!r} is not 40 lowercase hex",
            expectation=f"field:{key}",
        )


@check(
    "PM3-FORMAT-002",
    severity=Severity.LOW,
    doc='"Password" Grant Type: token_type is always "bearer"',
    source="§6",
    tags=("format", "token"),
)
def token_type_is_lowercase_bearer_and_expires_in_an_integer(ctx: CheckContext) -> None:
    """token_type is the lowercase "bearer" and expires_in an integer."""
    body = ctx.tokens()
    ctx.expect(
        body.get("token_type") == "bearer",
        f"token_type: expected 'bearer', got {body.get('token_type')!r}",
        expectation="field:token_type",
    )
    ctx.expect(
        type(body.get("expires_in")) is int,
        f"expires_in {body.get('expires_in')!r} is not an integer",
        expectation="field:expires_in",
    )


@check(
    "PM3-FORMAT-003",
    severity=Severity.MEDIUM,
    doc="Registering an External Application to Use REST",
    source="§6, §12",
    tags=("format", "registration"),
    requires=("login", "control"),
    mock_only="registers a new application through the applications page as admin with the "
    "default password: a lasting write the suite does not make on a live install",
)
def registered_application_credentials_have_pm_formats(ctx: CheckContext) -> None:
    """A registered application gets a 32 A-Z client id and a PM-format secret that work."""
    admin = replace(ctx.credentials, username="admin", password="admin")
    original = ctx.credentials
    ctx.credentials = admin
    ctx.login()
    ctx.credentials = original
    page_path = f"/sys{ctx.workspace}/en/neoclassic/oauth2/applications"
    page = ctx.request("GET", page_path)
    ctx.expect_status(page, 200, f"the applications page {page_path}", expectation="page")
    forms = [f for f in parse_forms(page.text) if "webSite" in f["inputs"]]
    if not forms:
        raise HarnessError(
            f"the applications page {page_path} answered {ctx.describe(page)}, but has no "
            "registration form this suite can fill in (no webSite input)"
        )
    answer = ctx.request(
        "POST",
        page_path,
        form={
            "name": "pm3 conformance",
            "description": "",
            "webSite": "http://example.com",
            "redirectUri": "",
        },
    )
    ctx.expect(
        answer.status in (200, 201),
        f"registration: expected HTTP 200 or 201, got {ctx.describe(answer)}",
        expectation="status",
    )
    client_id = re.search(r'id="client-id">([^<]*)<', answer.text)
    secret = re.search(r'id="client-secret">([^<]*)<', answer.text)
    ctx.expect(
        client_id is not None and secret is not None,
        f"the registration answer ({ctx.describe(answer)}) does not show the new credentials",
        expectation="page",
    )
    assert client_id is not None and secret is not None
    ctx.expect(
        bool(CLIENT_ID.match(client_id.group(1))),
        f"client id {client_id.group(1)!r} is not 32 A-Z",
        expectation="field:client_id",
    )
    ctx.expect(
        bool(SECRET.match(secret.group(1))),
        f"secret {secret.group(1)!r} is not in PM's format",
        expectation="field:client_secret",
    )
    ctx.expect_token_response(
        ctx.password_grant(client_id=client_id.group(1), client_secret=secret.group(1)),
        refresh=True,
        scope="*",
    )
