"""What a check receives: request helpers that speak ProcessMaker, and ``expect_*`` helpers.

Expectations come from the *expected* profile (``ctx.profile``), never from the profile's name.
Every exchange is kept; a failure carries the last few as evidence, redacted by the runner. Every
exchange also feeds the check's :class:`~conformance.redaction.SecretSet` (credentials sent,
tokens, codes and client secrets received), so what the target hands out is hidden by value.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

import schemas
from mockserver import MockServer
from mockserver import Profile

from .failures import ErrorMismatch
from .failures import Failure
from .failures import HarnessError
from .failures import HeaderMismatch
from .failures import SchemaViolation
from .failures import SkipCheck
from .failures import StatusMismatch
from .failures import ValueMismatch
from .http import CookieJar
from .http import Exchange
from .http import HttpRequest
from .http import HttpResponse
from .http import is_connection_error
from .redaction import SecretSet
from .registry import CheckSpec
from .target import Credentials
from .target import Session
from .target import Target

UNSET: Any = object()
EVIDENCE_DEPTH = 3


class _Forms(HTMLParser):
    """Forms of a page: action, method and named inputs (hidden values included)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get"),
                    "inputs": {},
                    "buttons": [],
                }
            )
        elif self.forms and tag in ("input", "textarea") and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")
        elif self.forms and tag == "button":
            self.forms[-1]["buttons"].append((a.get("name", ""), a.get("value", "")))


def parse_forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class CheckContext:
    """One check's view of the target."""

    def __init__(
        self,
        spec: CheckSpec,
        session: Session,
        profile: Profile,
        credentials: Credentials,
        target: Target,
        secrets: SecretSet | None = None,
    ) -> None:
        self.spec = spec
        self.session = session
        self.profile = profile
        self.credentials = credentials
        self.target = target
        self.workspace = session.workspace
        self.exchanges: list[Exchange] = []
        self.cookies = CookieJar()
        self.issued_access_tokens: list[str] = []
        self.secrets = (
            secrets if secrets is not None else SecretSet(credentials=credentials.secrets())
        )

    # --- plumbing ------------------------------------------------------------------------------
    @property
    def mock(self) -> MockServer:
        """The mock behind a controllable target. :raises SkipCheck: on a live target."""
        if self.session.mock is None:
            raise SkipCheck("needs a controllable target (the mock)")
        return self.session.mock

    def advance(self, seconds: float) -> None:
        """Move the target's clock (mock targets only)."""
        self.mock.clock.advance(seconds)

    def send(self, request: HttpRequest) -> HttpResponse:
        self.secrets.learn_request(request.path, request.headers, request.body)
        try:
            response = self.session.transport.send(request)
        except Exception as exc:
            if is_connection_error(exc):
                self.exchanges.append(
                    Exchange(request, None, self.session.transport.base_url, str(exc))
                )
                raise HarnessError(f"{request.method} {request.path}: {exc}") from None
            raise
        self.secrets.learn_response(response.headers, response.body)
        self.exchanges.append(Exchange(request, response, self.session.transport.base_url))
        return response

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: bool = True,
    ) -> HttpResponse:
        hdrs: dict[str, str] = dict(headers or {})
        data = b""
        if form is not None:
            data = urlencode(list(form.items()) if isinstance(form, Mapping) else form).encode()
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not UNSET:
            data = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if cookies:
            hdrs.update(self.cookies.header())
        full = path + ("?" + urlencode(query) if query else "")
        response = self.send(HttpRequest(method, full, tuple(hdrs.items()), data))
        self.cookies.absorb(response)
        return response

    # --- token endpoint ------------------------------------------------------------------------
    @property
    def token_path(self) -> str:
        return f"/{self.workspace}/oauth2/token"

    def token(
        self,
        params: Mapping[str, str | None],
        *,
        encoding: str = "form",
        basic: tuple[str, str] | None = None,
        workspace: str | None = None,
        query: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """POST the token endpoint. ``None`` values are left out; ``encoding`` is form, json or multipart."""
        values = {k: v for k, v in params.items() if v is not None}
        headers: dict[str, str] = {}
        if basic is not None:
            raw = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {raw}"
        path = f"/{workspace or self.workspace}/oauth2/token"
        if encoding == "json":
            response = self.request(
                "POST", path, json_body=values, headers=headers, query=query, cookies=False
            )
        elif encoding == "multipart":
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in values.items()
            ]
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            response = self.request(
                "POST",
                path,
                body=body,
                content_type=f"multipart/form-data; boundary={boundary}",
                headers=headers,
                query=query,
                cookies=False,
            )
        else:
            response = self.request(
                "POST", path, form=values, headers=headers, query=query, cookies=False
            )
        body_json = response.json()
        if isinstance(body_json, dict) and isinstance(body_json.get("access_token"), str):
            self.issued_access_tokens.append(body_json["access_token"])
        return response

    def password_params(self, **overrides: str | None) -> dict[str, str | None]:
        c = self.credentials
        params: dict[str, str | None] = {
            "grant_type": "password",
            "scope": "*",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "username": c.username,
            "password": c.password,
        }
        params.update(overrides)
        return params

    def password_grant(
        self, *, encoding: str = "form", basic: bool = False, **overrides: str | None
    ) -> HttpResponse:
        params = self.password_params(**overrides)
        creds = None
        if basic:
            creds = (self.credentials.client_id, self.credentials.client_secret)
            params = {
                **params,
                "client_id": overrides.get("client_id"),
                "client_secret": overrides.get("client_secret"),
            }
        return self.token(params, encoding=encoding, basic=creds)

    def tokens(self, **overrides: str | None) -> dict[str, Any]:
        """A successful password grant's body. :raises HarnessError: when the login itself fails."""
        response = self.token(self.password_params(**overrides))
        body = response.json()
        if not isinstance(body, dict) or "access_token" not in body:
            raise HarnessError(
                f"could not obtain a token with the password grant (HTTP {response.status}: "
                f"{self.secrets.redact(response.text)[:200]!r}); check the credentials"
            )
        return body

    def refresh(self, refresh_token: str | None, **overrides: str | None) -> HttpResponse:
        c = self.credentials
        params: dict[str, str | None] = {
            "grant_type": "refresh_token",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "refresh_token": refresh_token,
        }
        params.update(overrides)
        return self.token(params)

    # --- REST resources ------------------------------------------------------------------------
    def api(
        self,
        resource: str = "users",
        token: str | None = None,
        *,
        via: str = "header",
        scheme: str = "Bearer",
        workspace: str | None = None,
        version: str = "1.0",
        method: str = "GET",
    ) -> HttpResponse:
        path = f"/api/{version}/{workspace or self.workspace}/{resource}"
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        if token is not None and via == "header":
            headers["Authorization"] = f"{scheme} {token}"
        elif token is not None and via == "query":
            query["access_token"] = token
        return self.request(method, path, headers=headers, query=query, cookies=False)

    # --- authorize flow ------------------------------------------------------------------------
    def authorize_get(self, params: Mapping[str, str]) -> HttpResponse:
        return self.request("GET", f"/{self.workspace}/oauth2/authorize", query=params)

    def login(self) -> None:
        """Log in through the HTML login form, as a browser would. :raises HarnessError."""
        target = f"/{self.workspace}/oauth2/authorize?response_type=code&client_id={self.credentials.client_id}"
        page = self.request(
            "GET", f"/sys{self.workspace}/en/neoclassic/login/login", query={"u": target}
        )
        forms = [f for f in parse_forms(page.text) if any("USR_USERNAME" in n for n in f["inputs"])]
        if page.status != 200 or not forms:
            raise HarnessError("the login page has no login form this suite can fill in")
        form = forms[0]
        values = dict(form["inputs"])
        for name in values:
            if "USR_USERNAME" in name:
                values[name] = self.credentials.username
            elif "USR_PASSWORD" in name:
                values[name] = self.credentials.password
        answer = self.request("POST", urlsplit(form["action"]).path or form["action"], form=values)
        if answer.status not in (301, 302, 303) or "PHPSESSID" not in self.cookies.values:
            raise HarnessError(f"logging in through the form failed (HTTP {answer.status})")

    def consent(self, params: Mapping[str, str], *, accept: bool = True) -> HttpResponse:
        """GET the consent page (logging in first if needed) and press Accept or Deny."""
        page = self.authorize_get(params)
        if page.status in (301, 302, 303) and "/login/login" in (page.header("Location") or ""):
            self.login()
            page = self.authorize_get(params)
        if page.status != 200:
            return page
        forms = parse_forms(page.text)
        if not forms:
            raise HarnessError("the consent page has no form")
        form = forms[0]
        values = list(form["inputs"].items())
        if not accept:
            deny = next((b for b in form["buttons"] if b[0]), None)
            if deny is None:
                raise HarnessError("the consent page has no Deny button with a name")
            values.append(deny)
        action = form["action"]
        split = urlsplit(action)
        return self.request(
            "POST", split.path + (f"?{split.query}" if split.query else ""), form=values
        )

    def authorize_params(self, response_type: str = "code", **extra: str) -> dict[str, str]:
        params = {
            "response_type": response_type,
            "client_id": self.credentials.client_id,
            "scope": "*",
        }
        params.update(extra)
        return params

    @staticmethod
    def location_parts(response: HttpResponse) -> tuple[str, dict[str, str], dict[str, str]]:
        """``(uri without query/fragment, query params, fragment params)`` of a redirect."""
        location = response.header("Location") or ""
        split = urlsplit(location)
        base = f"{split.scheme}://{split.netloc}{split.path}" if split.scheme else split.path
        return (
            base,
            dict(parse_qsl(split.query, keep_blank_values=True)),
            dict(parse_qsl(split.fragment, keep_blank_values=True)),
        )

    def code(self, **extra: str) -> str:
        """An authorization code through login + consent (``redirect_uri``/``state`` optional)."""
        answer = self.consent(self.authorize_params("code", **extra))
        _, query, _ = self.location_parts(answer)
        if answer.status != 302 or "code" not in query:
            raise HarnessError(f"could not obtain an authorization code (HTTP {answer.status})")
        return query["code"]

    def exchange_code(self, code: str, **overrides: str | None) -> HttpResponse:
        c = self.credentials
        params: dict[str, str | None] = {"grant_type": "authorization_code", "code": code}
        params.update(overrides)
        return self.token(params, basic=(c.client_id, c.client_secret))

    # --- profile-derived expectations ----------------------------------------------------------
    def token_error_status(self, bshaffer_status: int = 400) -> int:
        return (
            self.profile.token_error_status
            if self.profile.token_error_status is not None
            else bshaffer_status
        )

    # --- expectations --------------------------------------------------------------------------
    def fail(self, message: str, cls: type[Failure] = Failure) -> None:
        raise cls(message, evidence=tuple(self.exchanges[-EVIDENCE_DEPTH:]))

    def expect(self, condition: bool, message: str, cls: type[Failure] = ValueMismatch) -> None:
        if not condition:
            self.fail(message, cls)

    def expect_status(self, response: HttpResponse, status: int, what: str = "") -> None:
        if response.status != status:
            label = f"{what}: " if what else ""
            self.fail(f"{label}expected HTTP {status}, got {response.status}", StatusMismatch)

    def expect_json(self, response: HttpResponse) -> Any:
        body = response.json()
        if body is None:
            self.fail(
                f"expected a JSON body, got {self.secrets.redact(response.text)[:120]!r}",
                SchemaViolation,
            )
        return body

    def expect_schema(self, instance: Any, name: str) -> None:
        problems = schemas.errors(name, instance)
        if problems:
            self.fail(f"does not match schema {name}: {problems[0]}", SchemaViolation)

    def expect_header(self, response: HttpResponse, name: str, value: str | None) -> None:
        """``value=None`` expects the header to be absent."""
        actual = response.header(name)
        if actual != value:
            want = "absent" if value is None else repr(value)
            self.fail(f"header {name}: expected {want}, got {actual!r}", HeaderMismatch)

    def expect_token_response(
        self, response: HttpResponse, *, refresh: bool = True, scope: Any = UNSET
    ) -> dict[str, Any]:
        self.expect_status(response, 200, "token response")
        body = self.expect_json(response)
        if isinstance(body, dict) and "error" in body:
            self.fail(
                f"expected a token, got error {body.get('error')!r}: {body.get('error_description')!r}"
            )
        self.expect_schema(body, "token-response")
        self.expect(
            body.get("expires_in") == self.profile.access_lifetime,
            f"expires_in: expected {self.profile.access_lifetime}, got {body.get('expires_in')!r}",
        )
        self.expect(
            ("refresh_token" in body) == refresh,
            f"refresh_token: expected {'present' if refresh else 'absent'}",
        )
        if scope is not UNSET:
            if scope is None and self.profile.scope_when_none == "omit":
                self.expect(
                    "scope" not in body, f"scope: expected absent, got {body.get('scope')!r}"
                )
            else:
                self.expect(
                    "scope" in body and body["scope"] == scope,
                    f"scope: expected {scope!r}, got {body.get('scope', '<absent>')!r}",
                )
        return dict(body)

    def expect_oauth_error(
        self,
        response: HttpResponse,
        error: str,
        description: str | None,
        *,
        status: int | None = None,
        error_uri: str | None = None,
    ) -> None:
        """A flat ``{"error","error_description"}`` with the profile's token-error status."""
        expected_status = status if status is not None else self.token_error_status()
        body = self.expect_json(response)
        if not isinstance(body, dict) or not isinstance(body.get("error"), str):
            self.fail(
                f"expected the flat OAuth error object, got {self.secrets.redact(response.text)[:160]!r}",
                SchemaViolation,
            )
        self.expect_schema(body, "oauth-error")
        got = (body.get("error"), body.get("error_description"))
        if got[0] != error or (description is not None and got[1] != description):
            self.fail(
                f"expected {error!r} / {description!r}, got {got[0]!r} / {got[1]!r}", ErrorMismatch
            )
        if error_uri is not None:
            self.expect(
                body.get("error_uri") == error_uri,
                f"error_uri: expected {error_uri!r}, got {body.get('error_uri')!r}",
            )
        self.expect_status(response, expected_status, f"{error} error")

    def expect_restler_error(self, response: HttpResponse, status: int, message: str) -> None:
        body = self.expect_json(response)
        self.expect_schema(body, "restler-error")
        got = body["error"]
        if got.get("code") != status or got.get("message") != message:
            self.fail(
                f"expected Restler error {status} {message!r}, got {got.get('code')} {got.get('message')!r}",
                ErrorMismatch,
            )
        self.expect_status(response, status)
