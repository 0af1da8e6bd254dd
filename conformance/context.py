"""What a check receives: request helpers that speak ProcessMaker, and ``expect_*`` helpers.

Expectations come from the *expected* profile (``ctx.profile``), never from the profile's name.
Every exchange is kept; a failure carries the last few as evidence, redacted by the runner. Every
exchange also feeds the check's :class:`~mockserver.redaction.SecretSet` (credentials sent,
tokens, codes and client secrets received), so what the target hands out is hidden by value.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from typing import Literal
from typing import NoReturn
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

from werkzeug.test import encode_multipart

import schemas
from mockserver import MockServer
from mockserver import Profile
from mockserver.redaction import SecretSet

from .answers import SCHEMA_SHAPES
from .answers import SHAPES
from .answers import describe
from .answers import shape_of
from .answers import shape_of_value
from .failures import ErrorMismatch
from .failures import Failure
from .failures import HarnessError
from .failures import HeaderMismatch
from .failures import OversizedAnswer
from .failures import RedirectMismatch
from .failures import SchemaViolation
from .failures import SkipCheck
from .failures import StatusMismatch
from .failures import ValueMismatch
from .http import AnswerTooLarge
from .http import CookieJar
from .http import Exchange
from .http import HttpRequest
from .http import HttpResponse
from .registry import CheckSpec
from .target import Credentials
from .target import Session
from .target import Target
from .targetclient import TargetClient

UNSET: Any = object()
EVIDENCE_DEPTH = 3
MULTIPART_BOUNDARY = "pm3-conformance-multipart-boundary"
"""Fixed, so a multipart request (and the evidence and curl replay of it) is the same every run;
no value this suite sends contains it."""


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


BodyEncoding = Literal["form", "json", "multipart"]
"""How a token request's parameters are sent."""


def form_target(page_url: str, form: Mapping[str, Any]) -> str:
    """The path and query a form posts to: its action resolved against the page's URL, as a
    browser does (an empty action posts back to the page itself, query included)."""
    split = urlsplit(urljoin(page_url, str(form["action"])))
    return split.path + (f"?{split.query}" if split.query else "")


def parse_forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def lifetime_margin(lifetime: int) -> int:
    """Seconds before and after a lifetime's end that a check asks at: 5, fewer for a lifetime
    of a few seconds (a live ``--slow`` run; whole seconds, as ProcessMaker stores EXPIRES)."""
    return max(1, min(5, lifetime // 4))


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
        self.secrets = (
            secrets if secrets is not None else SecretSet(credentials=credentials.secrets())
        )
        self.client = TargetClient(session.transport, self.workspace, self.secrets)
        self.cookies = CookieJar()
        self.exchanges: list[Exchange] = self.client.exchanges
        self.issued_access_tokens: list[str] = self.client.issued
        """Every access token an answer handed out (a token body, an implicit redirect)."""
        self.removed_access_tokens: set[str] = self.client.removed
        """Tokens this check deleted or expired itself: nothing to expire, none left valid."""

    # --- plumbing ------------------------------------------------------------------------------
    @property
    def mock(self) -> MockServer:
        """The mock behind a controllable target. :raises SkipCheck: on a live target."""
        if self.session.mock is None:
            raise SkipCheck("needs a controllable target (the mock)")
        return self.session.mock

    @property
    def callback(self) -> str:
        """The client's registered callback: the one the credentials name (``redirect_uri`` in
        the credentials file, ``PM3_REDIRECT_URI``, ``--redirect-uri``), else, on the mock, the
        one its seeded client has.

        :raises SkipCheck: on a live target when none is known (every install registers its
            own, so guessing would fail the check for the suite's reason).
        """
        if self.credentials.redirect_uri:
            return self.credentials.redirect_uri
        if self.session.mock is not None:
            client = self.session.mock.workspace(self.workspace).get_client(
                self.credentials.client_id
            )
            if client is not None and client.redirect_uri:
                return client.redirect_uri
        raise SkipCheck(
            f"needs the callback URL registered for client {self.credentials.client_id}: "
            'add "redirect_uri" to the credentials file, or pass --redirect-uri URL'
        )

    def advance(self, seconds: float) -> None:
        """Move the target's clock (mock targets only)."""
        self.mock.clock.advance(seconds)

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` pass on the target: the mock's clock moves; a live target is waited
        on in real time, only when the run allows it (``--slow``; the runner skips a check whose
        ``waits`` lifetime is too long before it starts).

        :raises SkipCheck: on a live target without ``--slow``."""
        if self.session.mock is not None:
            self.mock.clock.advance(seconds)
            return
        if not self.target.slow:
            raise SkipCheck(f"waits {seconds:g} s in real time: pass --slow")
        time.sleep(max(0.0, seconds))

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send through the check's :class:`~conformance.targetclient.TargetClient`; an answer
        too large to read is the server's failure."""
        try:
            return self.client.send(request)
        except AnswerTooLarge as exc:  # the server's failure: the suite stopped reading
            raise OversizedAnswer(
                str(exc), expectation="body", evidence=(self.exchanges[-1],)
            ) from None

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
            data = urlencode(form).encode()  # a mapping or pairs, in their order
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not UNSET:
            data = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        full = path + ("?" + urlencode(query) if query else "")
        url = self.session.transport.base_url + full
        if cookies:
            hdrs.update(self.cookies.header(url))
        response = self.send(HttpRequest(method, full, tuple(hdrs.items()), data))
        self.cookies.absorb(response, url)
        return response

    # --- token endpoint ------------------------------------------------------------------------
    @property
    def token_path(self) -> str:
        return f"/{self.workspace}/oauth2/token"

    def token(
        self,
        params: Mapping[str, str | None],
        *,
        encoding: BodyEncoding = "form",
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
            boundary, body = encode_multipart(values, boundary=MULTIPART_BOUNDARY)
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
        return response

    def password_params(self, **overrides: str | None) -> dict[str, str | None]:
        c = self.credentials
        params: dict[str, str | None] = dict(c.password_form())
        params.update(overrides)
        return params

    def password_grant(
        self, *, encoding: BodyEncoding = "form", basic: bool = False, **overrides: str | None
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
        """A successful password grant's body.

        :raises Failure: (``token``) no token: the credentials logged in before the run (or the
            run would have stopped), so the refusal is the server's."""
        response = self.token(self.password_params(**overrides))
        body = response.json()
        if shape_of(response) != "token":
            self.fail(
                f"a valid password grant should give a token, got {self.describe(response)}",
                expectation="token",
            )
        return dict(body)

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
        """Log in through the HTML login form, as a browser would.

        :raises Failure: (``login``) the login page is not served, or its form does not start a
            session: the server's failure.
        :raises HarnessError: the page is served but has no form this suite recognises.
        """
        target = f"/{self.workspace}/oauth2/authorize?response_type=code&client_id={self.credentials.client_id}"
        path = f"/sys{self.workspace}/en/neoclassic/login/login"
        page = self.request("GET", path, query={"u": target})
        if page.status != 200:
            self.fail(
                f"the login page {path} should answer HTTP 200 with a login form, got "
                f"{self.describe(page)}",
                StatusMismatch,
                expectation="login",
            )
        forms = [f for f in parse_forms(page.text) if any("USR_USERNAME" in n for n in f["inputs"])]
        if not forms:
            raise HarnessError(
                f"the login page {path} answered {self.describe(page)}, but has no login form "
                "this suite can fill in (no USR_USERNAME input)"
            )
        form = forms[0]
        values = dict(form["inputs"])
        for name in values:
            if "USR_USERNAME" in name:
                values[name] = self.credentials.username
            elif "USR_PASSWORD" in name:
                values[name] = self.credentials.password
        answer = self.request(
            "POST", form_target(f"{path}?{urlencode({'u': target})}", form), form=values
        )
        location = answer.header("Location") or ""
        # authentication.php sends a refused login back to the login page ("login?u=..."), with
        # its reason as a temporary message there (source fact §13)
        refused = answer.status in (301, 302, 303) and location.split("?")[0].endswith("login")
        if (
            answer.status not in (301, 302, 303)
            or refused
            or "PHPSESSID" not in self.cookies.values
        ):
            session = "a" if "PHPSESSID" in self.cookies.values else "no"
            reason = " (back to the login page: the credentials were refused)" if refused else ""
            self.fail(
                "logging in through the login form should redirect and start a PHP session, "
                f"got {self.describe(answer)} and {session} PHPSESSID cookie{reason}",
                expectation="login",
            )

    def consent(self, params: Mapping[str, str], *, accept: bool = True) -> HttpResponse:
        """GET the consent page (logging in first if needed) and press Accept or Deny.

        :raises Failure: (``page``) a consent page without a form, or without a named Deny."""
        page = self.authorize_get(params)
        if page.status in (301, 302, 303) and "/login/login" in (page.header("Location") or ""):
            self.login()
            page = self.authorize_get(params)
        if page.status != 200:
            return page
        forms = parse_forms(page.text)
        if not forms:
            self.fail(
                f"the consent page should offer Accept and Deny, got {self.describe(page)} "
                "with no form",
                expectation="page",
            )
        form = forms[0]
        values = list(form["inputs"].items())
        if not accept:
            deny = next((b for b in form["buttons"] if b[0]), None)
            if deny is None:
                self.fail(
                    f"the consent page (HTTP {page.status}) has no Deny button with a name; "
                    f"buttons: {form['buttons']}",
                    expectation="page",
                )
            values.append(deny)
        page_url = f"/{self.workspace}/oauth2/authorize?{urlencode(params)}"
        return self.request("POST", form_target(page_url, form), form=values)

    def authorize_params(self, response_type: str, **extra: str) -> dict[str, str]:
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
        if answer.status != 302:
            self.fail(
                f"Accept on the consent page should redirect with a code, got {self.describe(answer)}",
                RedirectMismatch,
                expectation="redirect",
            )
        if "code" not in query:
            self.fail(
                f"Accept redirected without a code: {self.describe(answer)}",
                RedirectMismatch,
                expectation="field:code",
            )
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
    def describe(self, response: HttpResponse) -> str:
        """What the server answered: status and shape (:func:`conformance.answers.describe`)."""
        return describe(response, self.secrets)

    def fail(self, message: str, cls: type[Failure] = Failure, *, expectation: str) -> NoReturn:
        """:raises Failure: ``cls`` naming ``expectation`` (see :data:`~conformance.failures.EXPECTATIONS`)."""
        raise cls(
            message, expectation=expectation, evidence=tuple(self.exchanges[-EVIDENCE_DEPTH:])
        )

    def expect(
        self,
        condition: bool,
        message: str,
        cls: type[Failure] = ValueMismatch,
        *,
        expectation: str,
    ) -> None:
        if not condition:
            self.fail(message, cls, expectation=expectation)

    def expect_status(
        self, response: HttpResponse, status: int, what: str = "", *, expectation: str = "status"
    ) -> None:
        """The status; ``expectation`` names what the status stands for when it is not the point
        itself (``lifetime``: a token still works; ``token``: a refresh worked)."""
        if response.status != status:
            label = f"{what}: " if what else ""
            self.fail(
                f"{label}expected HTTP {status}, got {self.describe(response)}",
                StatusMismatch,
                expectation=expectation,
            )

    def expect_json(self, response: HttpResponse) -> Any:
        body = response.json()
        if body is None:
            self.fail(
                f"expected a JSON body, got {self.describe(response)}",
                SchemaViolation,
                expectation="json",
            )
        return body

    def expect_schema(self, instance: Any, name: str, response: HttpResponse | None = None) -> None:
        """``instance`` matches schema ``name``; a wrong shape is named as such (a flat OAuth error
        where Restler's nested error was expected), not with the validator's text."""
        problems = schemas.errors(name, instance)
        if not problems:
            return
        status = f" (HTTP {response.status})" if response is not None else ""
        want = SCHEMA_SHAPES.get(name)
        got = shape_of_value(instance)
        if want is not None and got != want and got in SCHEMA_SHAPES.values():
            message = f"{SHAPES[got]} where {SHAPES[want]} was expected{status}"
        else:
            message = f"does not match schema {name}{status}: {problems[0]}"
        self.fail(message, SchemaViolation, expectation=f"schema:{name}")

    def expect_header(self, response: HttpResponse, name: str, value: str | None) -> None:
        """``value=None`` expects the header to be absent."""
        actual = response.header(name)
        if actual != value:
            want = "absent" if value is None else repr(value)
            self.fail(
                f"header {name}: expected {want}, got {actual!r} (HTTP {response.status})",
                HeaderMismatch,
                expectation=f"header:{name}",
            )

    def expect_token_response(
        self, response: HttpResponse, *, refresh: bool, scope: Any = UNSET
    ) -> dict[str, Any]:
        """A token answer as the profile shapes it: a token (not an error), HTTP 200, the
        token-response schema, the profile's ``expires_in``, a refresh token or none, the scope."""
        body = response.json()
        if shape_of(response) != "token":
            self.fail(f"expected a token, got {self.describe(response)}", expectation="token")
        self.expect_status(response, 200, "token response")
        self.expect_schema(body, "token-response", response)
        self.expect(
            body.get("expires_in") == self.profile.access_lifetime,
            f"expires_in: expected {self.profile.access_lifetime}, got {body.get('expires_in')!r}",
            expectation="field:expires_in",
        )
        self.expect(
            ("refresh_token" in body) == refresh,
            f"refresh_token: expected {'present' if refresh else 'absent'}, got "
            + ("one" if "refresh_token" in body else "none"),
            expectation="field:refresh_token",
        )
        if scope is not UNSET:
            if scope is None and self.profile.scope_when_none == "omit":
                self.expect(
                    "scope" not in body,
                    f"scope: expected absent, got {body.get('scope')!r}",
                    expectation="field:scope",
                )
            else:
                self.expect(
                    "scope" in body and body["scope"] == scope,
                    f"scope: expected {scope!r}, got {body.get('scope', '<absent>')!r}",
                    expectation="field:scope",
                )
        return dict(body)

    def _expect_no_redirect(self, response: HttpResponse, wanted: str) -> None:
        if 300 <= response.status < 400:
            self.fail(
                f"expected {wanted}, got {self.describe(response)}",
                RedirectMismatch,
                expectation="redirect",
            )

    def expect_oauth_error(
        self,
        response: HttpResponse,
        error: str,
        description: str,
        *,
        status: int | None = None,
        error_uri: str | None = None,
    ) -> None:
        """A flat ``{"error","error_description"}`` with the profile's token-error status.

        In order: no token (``refused``), no redirect (``redirect``), the shape (``json``, ``schema:oauth-error``), the code
        (``error``), the exact description (``error_description``), ``error_uri`` when given, and
        the status last (``status``)."""
        expected_status = status if status is not None else self.token_error_status()
        wanted = f"{error!r}: {description!r}"
        if shape_of(response) == "token":
            self.fail(
                f"expected the error {wanted}, got {self.describe(response)}",
                expectation="refused",
            )
        self._expect_no_redirect(response, f"the error {wanted}")
        body = self.expect_json(response)
        self.expect_schema(body, "oauth-error", response)
        if body.get("error") != error:
            self.fail(
                f"expected the error {wanted}, got {self.describe(response)}",
                ErrorMismatch,
                expectation="error",
            )
        if body.get("error_description") != description:
            self.fail(
                f"{error}: expected the description {description!r}, got "
                f"{body.get('error_description')!r} (HTTP {response.status})",
                ErrorMismatch,
                expectation="error_description",
            )
        if error_uri is not None:
            self.expect(
                body.get("error_uri") == error_uri,
                f"error_uri: expected {error_uri!r}, got {body.get('error_uri')!r}",
                expectation="error_uri",
            )
        self.expect_status(response, expected_status, f"{error} error")

    def expect_restler_error(self, response: HttpResponse, status: int, message: str) -> None:
        """Restler's nested ``{"error":{"code","message"}}``: no token (``refused``), no redirect,
        the shape, the code (``error``), the message (``error_description``), then the status."""
        if shape_of(response) == "token":
            self.fail(
                f"expected Restler's error {status} {message!r}, got {self.describe(response)}",
                expectation="refused",
            )
        self._expect_no_redirect(response, f"Restler's error {status} {message!r}")
        body = self.expect_json(response)
        self.expect_schema(body, "restler-error", response)
        got = body["error"]
        if got.get("code") != status:
            self.fail(
                f"expected Restler's error {status} {message!r}, got {self.describe(response)}",
                ErrorMismatch,
                expectation="error",
            )
        if got.get("message") != message:
            self.fail(
                f"Restler error {status}: expected the message {message!r}, got "
                f"{got.get('message')!r} (HTTP {response.status})",
                ErrorMismatch,
                expectation="error_description",
            )
        self.expect_status(response, status, f"Restler error {status}")
