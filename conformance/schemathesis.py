"""ProcessMaker 3 semantics for schemathesis: ``SCHEMATHESIS_HOOKS=conformance.schemathesis``.

.. code-block:: sh

    pm3-conformance openapi --profile documented -o pm3.json
    SCHEMATHESIS_HOOKS=conformance.schemathesis st run pm3.json --url http://127.0.0.1:8080

What it adds to a plain ``st run``:

- **Authentication**, as a client of ProcessMaker does it: a password grant for the
  ``/api/1.0`` resources (a bearer token), a real web session for the authorize pages, real
  tokens for the expire and delete operations. Credentials come from ``PM3_CLIENT_ID``,
  ``PM3_CLIENT_SECRET``, ``PM3_USERNAME``, ``PM3_PASSWORD`` (else the documentation's example).
- **PM3 semantics in the built-in checks**: under a profile whose token errors carry HTTP 200, a
  200 whose body is an OAuth error *is* a rejection; a generated request with no grant type is
  rejected by ProcessMaker with an error, as it should.
- **Checks of its own**: an OAuth error names a code of bshaffer's table with its HTTP status
  (``pm3_oauth_error``); a Restler error is ``{"error": {"code", "message"}}`` with the code of its
  status (``pm3_restler_error``); a refresh token works once (``pm3_refresh_single_use``: the
  refresh link is sent with the run's own client credentials, so refreshes really succeed); an
  unknown workspace (generated on purpose in the fuzzing phase) gets the profile's answer
  (``pm3_unknown_workspace``); a token answer carries ProcessMaker's values, not only its shape
  (``pm3_token_values``).

``PM3_PROFILE`` names the profile the server is expected to follow (default ``documented``) and
``PM3_WORKSPACE`` the workspace (default ``workflow``).
"""

from __future__ import annotations

import os
import re
from typing import Any
from typing import assert_never
from urllib.parse import unquote
from urllib.parse import urlsplit

import requests
import schemathesis

from mockserver import ERRORS_BY_CODE
from mockserver import get_profile
from mockserver.protocol import restler_routes

from . import strictjson
from .answers import unknown_workspace_phrase
from .answers import unknown_workspace_style
from .http import HttpResponse
from .target import load_credentials

PROFILE = get_profile(os.environ.get("PM3_PROFILE", "documented"))
WORKSPACE = os.environ.get("PM3_WORKSPACE", "workflow")
EXPIRE = "/{workspace}/oauth2/{token}/expire"
DELETE = "/{workspace}/oauth2/{token}"
API_DELETE = "/api/1.0/{workspace}/{token}"
CREDENTIALS = load_credentials(env=dict(os.environ))
UNKNOWN_WORKSPACE = "pm3nosuchworkspace"
"""The workspace the hooks generate on purpose: no install has it."""
_ISSUED = re.compile(r"^[0-9a-f]{40}$")
"""A token ProcessMaker issued (what a link carries); generated strings are not of this form."""
TIMEOUT = 10


def _base(case: Any) -> str:
    return str(case.operation.schema.get_base_url()).rstrip("/")


def _password_grant(base: str) -> dict[str, Any]:
    c = CREDENTIALS
    answer = requests.post(
        f"{base}/{WORKSPACE}/oauth2/token",
        data=c.password_form(),
        timeout=TIMEOUT,
    )
    body = answer.json()
    if "access_token" not in body:
        raise RuntimeError(f"the credentials cannot log in: {answer.status_code} {body}")
    return dict(body)


def _session(base: str) -> str:
    """A logged-in ProcessMaker web session (PHPSESSID)."""
    c = CREDENTIALS
    with requests.Session() as browser:
        browser.post(
            f"{base}/sys{WORKSPACE}/en/neoclassic/login/authentication.php",
            data={"form[USR_USERNAME]": c.username, "form[USR_PASSWORD]": c.password},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        session = browser.cookies.get("PHPSESSID")
    if not session:
        raise RuntimeError("the credentials cannot log in to the web pages")
    return str(session)


@schemathesis.auth().apply_to(path_regex=r"^/api/")
class BearerToken:
    """A password-grant access token for ``/api/1.0`` (refreshed as schemathesis sees fit)."""

    def get(self, case: Any, context: Any) -> str:
        return str(_password_grant(_base(case))["access_token"])

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """A generated workspace other than the served one (the description's enum has only that
    one, so these are the negative cases) names, on purpose, one that does not exist:
    ``pm3_unknown_workspace`` holds its answer to the profile's (documented: 503, no body).
    Before, these cases were dropped, and the 503 quirk was never exercised."""
    workspace = path_parameters.get("workspace")
    if workspace is None or workspace == WORKSPACE:
        return path_parameters
    return {**path_parameters, "workspace": UNKNOWN_WORKSPACE}


def _negative(case: Any, location: str) -> bool:
    """Whether schemathesis generated this part of the case to be invalid (leave it so)."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    from schemathesis.core.parameters import ParameterLocation

    return bool(meta.is_negative_at(ParameterLocation(location)))


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Real credentials where a request needs a live object: a session, a token to expire.

    A part schemathesis made invalid on purpose (a negative test) is left as generated."""
    path = case.operation.path
    if path.endswith("/oauth2/authorize") and not _negative(case, "cookie"):
        case.cookies = {**(case.cookies or {}), "PHPSESSID": _session(_base(case))}
    body = case.body if isinstance(case.body, dict) else None
    if (
        path.endswith("/oauth2/token")
        and body is not None
        and body.get("grant_type") == "refresh_token"
        and isinstance(body.get("refresh_token"), str)
        and _ISSUED.match(body["refresh_token"])
        and not _negative(case, "body")
    ):
        # A refresh through the link: the client that holds the token refreshes it, with its
        # own credentials (generated ones would only ever get invalid_client, so no refresh
        # would succeed and pm3_refresh_single_use would never see one).
        body["client_id"] = CREDENTIALS.client_id
        body["client_secret"] = CREDENTIALS.client_secret
    if path in (EXPIRE, DELETE, API_DELETE) and not _negative(case, "path"):
        case.path_parameters = {
            **case.path_parameters,
            "token": _password_grant(_base(case))["access_token"],
        }


_ROUTES = [
    (method, re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"))
    for method, path in (("DELETE", DELETE), ("POST", EXPIRE), ("DELETE", API_DELETE))
]


def _path_ended_by_restler(path: str) -> bool:
    """A generated path parameter holding ``%3F``: Restler decodes the whole path, then cuts it at
    the first ``?`` (``Restler::getPath``; the mock does the same, ``restler_routes``), so what
    answers is the route of the path before it (``cases/`` for ``cases/a%3Fb/variables``), or
    Restler's 404 when there is none: not the operation the case was generated for."""
    return path.startswith("/api/") and "?" in unquote(path)


def _routed_elsewhere(method: str, path: str) -> bool:
    """A method "undeclared" on one path that ProcessMaker routes to another operation, or to a
    route of its own that the description leaves out: ``DELETE /workflow/oauth2/token`` is
    ``DELETE /{workspace}/oauth2/{token}`` with ``token=token``, ``DELETE /api/1.0/workflow/users``
    the token deletion mounted at the API root, and ``POST /api/1.0/workflow/projects`` a route
    of the profile's release (``docs/rest-routes.md``), which answers 401, 400 or 501, not 405."""
    if any(m == method and pattern.match(path) for m, pattern in _ROUTES):
        return True
    prefix = f"/api/1.0/{WORKSPACE}/"
    if not path.startswith(prefix):
        return False
    found = restler_routes.table(PROFILE.rest_release).find(method, path[len(prefix) :])
    return isinstance(found, restler_routes.Found)


def _answer(response: Any) -> HttpResponse:
    """A schemathesis response as the suite's own answer, for the shared classifiers."""
    headers = tuple((k, v) for k, values in response.headers.items() for v in values)
    return HttpResponse(int(response.status_code), headers, bytes(response.content or b""))


def _json(response: Any) -> Any:
    """The body as PHP's json_decode reads it (:mod:`conformance.strictjson`), else ``None``."""
    try:
        return strictjson.parse(response.content)
    except strictjson.Refused:
        return None


def _is_oauth_error(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), str)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """ProcessMaker's own semantics for the built-in checks (see the module docstring)."""
    title = str(getattr(failure, "title", "")).lower()
    request = response.request
    path = urlsplit(request.url).path
    if "accepted" in title and response.status_code == 200 and _is_oauth_error(_json(response)):
        return False  # an OAuth error with HTTP 200 (the documented bug) is a rejection
    location = response.headers.get("location") or [""]
    if "accepted" in title and response.status_code == 302 and "/login/login" in location[0]:
        return False  # no valid session: ProcessMaker sends the browser to log in (a refusal)
    if "accepted" in title and response.status_code == 302 and "error=" in location[0]:
        return False  # an OAuth error delivered by redirect (RFC 6749 §4.1.2.1): a refusal
    if (
        _workspace_of(path) != WORKSPACE
        and unknown_workspace_style(_answer(response)) == PROFILE.unknown_workspace
    ):
        return False  # the profile's documented answer for an unknown workspace
    if _path_ended_by_restler(path) and ("accepted" in title or "undocumented status" in title):
        return False  # Restler decodes the path, then ends it at a "?": another route answered
    if "schema-valid request rejected" in title and _business_refusal(path, response):
        return False  # ProcessMaker's "does not exist" and "already exists" are 400s
    if "undeclared method" in title or "unsupported method" in title:
        return not _routed_elsewhere(str(request.method), path)
    return True


def _business_refusal(path: str, response: Any) -> bool:
    """A Restler 400 on ``/api/1.0`` that names no parameter: the business model refused the
    data (an unknown uid, a taken username, an invalid e-mail). ProcessMaker answers every such
    refusal with 400 (``Api::STAT_APP_EXCEPTION``), where another API would say 404 or 409; a
    message naming a parameter in backquotes is Restler's validator, which a schema-valid request
    must pass."""
    body = _json(response)
    if response.status_code != 400 or not path.startswith("/api/"):
        return False
    if not (isinstance(body, dict) and isinstance(body.get("error"), dict)):
        return False
    message = body["error"].get("message")
    return isinstance(message, str) and "`" not in message


def _workspace_of(path: str) -> str:
    parts = path.split("/")
    if path.startswith("/api/") and len(parts) > 3:
        return parts[3]
    return parts[1] if len(parts) > 1 else ""


@schemathesis.check
def pm3_oauth_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """An OAuth error names a code of the table, with the status the profile gives it."""
    body = _json(response)
    if not _is_oauth_error(body):
        return None
    code = body["error"]
    if code not in ERRORS_BY_CODE:
        raise AssertionError(f"OAuth error code {code!r} is not one ProcessMaker sends")
    if not isinstance(body.get("error_description", ""), str):
        raise AssertionError("error_description is not a string")
    if case.operation.path.endswith("/oauth2/token"):
        expected = {PROFILE.token_error_status} if PROFILE.token_error_status else {400, 401}
        if response.status_code not in expected:
            raise AssertionError(
                f"OAuth error {code!r} with HTTP {response.status_code}; the {PROFILE.name} "
                f"profile sends {sorted(expected)}"
            )
    return None


@schemathesis.check
def pm3_restler_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """A Restler error is ``{"error": {"code": <its status>, "message": ...}}``."""
    body = _json(response)
    if not (isinstance(body, dict) and isinstance(body.get("error"), dict)):
        return None
    error = body["error"]
    if error.get("code") != response.status_code or not isinstance(error.get("message"), str):
        raise AssertionError(
            f"a Restler error must carry its status as code and a message, got {error!r} with "
            f"HTTP {response.status_code}"
        )
    return None


@schemathesis.check
def pm3_refresh_single_use(ctx: Any, response: Any, case: Any) -> bool | None:
    """A refresh token that was just spent is refused the second time (when single use)."""
    body = _json(response)
    if not PROFILE.refresh_token_single_use or not isinstance(body, dict):
        return None
    request_body = response.request.body or b""
    sent = case.body if isinstance(case.body, dict) else {}
    if "access_token" not in body or sent.get("grant_type") != "refresh_token":
        return None
    replay = requests.post(
        response.request.url,
        data=request_body,
        headers=dict(response.request.headers),
        timeout=TIMEOUT,
    )
    if "access_token" in (_json(replay) or {}):
        raise AssertionError("a spent refresh token was accepted a second time")
    return None


def _case_workspace(case: Any) -> str | None:
    value = (case.path_parameters or {}).get("workspace")
    return value if isinstance(value, str) else None


@schemathesis.check
def pm3_unknown_workspace(ctx: Any, response: Any, case: Any) -> bool | None:
    """A workspace that does not exist gets the profile's answer, never a token or a resource."""
    workspace = _case_workspace(case)
    if workspace is None or workspace == WORKSPACE:
        return None
    style = PROFILE.unknown_workspace
    answer = _answer(response)
    if unknown_workspace_style(answer) != style:
        raise AssertionError(
            f"the unknown workspace {workspace!r} got HTTP {answer.status} "
            f"({len(answer.body)} bytes); the {PROFILE.name} profile answers "
            f"{unknown_workspace_phrase(style)}"
        )
    return None


def _token_headers() -> dict[str, str]:
    style = PROFILE.token_headers
    if style == "bshaffer":
        return {
            "cache-control": "no-store",
            "content-type": "application/json",
            "pragma": "no-cache",
        }
    if style == "restler":
        return {
            "cache-control": "no-cache, must-revalidate",
            "content-type": "application/json; charset=utf-8",
            "pragma": "no-cache",
        }
    assert_never(style)


def _no_scope_echo(body: dict[str, Any]) -> list[str]:
    """An empty scope is no scope (PHP reads ``""`` as absent): the answer's ``scope`` is the
    profile's answer when none is asked, JSON null or left out."""
    style = PROFILE.scope_when_none
    if style == "null":
        if "scope" in body and body["scope"] is None:
            return []
        return [f"scope {body.get('scope', '(left out)')!r} for an empty scope, not null"]
    if style == "omit":
        return [] if "scope" not in body else [f"scope {body['scope']!r} for an empty scope"]
    assert_never(style)


@schemathesis.check
def pm3_token_values(ctx: Any, response: Any, case: Any) -> bool | None:
    """A token answer carries the values ProcessMaker fixes, not only the shape the OpenAPI
    pins: ``token_type`` bearer, the profile's ``expires_in``, its headers, the scope asked for
    echoed (password and client_credentials grants)."""
    body = _json(response)
    if not case.operation.path.endswith("/oauth2/token") or not isinstance(body, dict):
        return None
    if not isinstance(body.get("access_token"), str):
        return None
    problems = []
    if body.get("token_type") != "bearer":
        problems.append(f"token_type {body.get('token_type')!r}, not 'bearer'")
    if body.get("expires_in") != PROFILE.access_lifetime:
        problems.append(f"expires_in {body.get('expires_in')!r}, not {PROFILE.access_lifetime}")
    for name, value in _token_headers().items():
        got = (response.headers.get(name) or [None])[0]
        if got != value:
            problems.append(f"{name}: {got!r}, not {value!r}")
    sent = case.body if isinstance(case.body, dict) else {}
    scope = sent.get("scope")
    asked = sent.get("grant_type") in ("password", "client_credentials") and isinstance(scope, str)
    if asked and scope == "":
        problems += _no_scope_echo(body)
    elif asked and body.get("scope") != scope:
        problems.append(f"scope {body.get('scope')!r}, {scope!r} was asked for")
    if problems:
        raise AssertionError(
            "a token answer with other values than ProcessMaker's: " + "; ".join(problems)
        )
    return None
