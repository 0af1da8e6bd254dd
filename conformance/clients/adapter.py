"""The Python adapter API: a driver for a Python client library in a few lines.

.. code-block:: python

    from conformance.clients.adapter import ClientAdapter, ClientReportedError, Request, serve

    class MyClient(ClientAdapter):
        name = "my-client 1.0"
        actions = ("login", "refresh", "call")

        def login(self, request: Request) -> dict:
            try:
                self.token = my_lib.login(request.token_url, **request.credentials)
            except my_lib.OAuthError as exc:
                raise ClientReportedError("oauth", error=exc.code, error_description=exc.text)
            return self.token

    if __name__ == "__main__":
        serve(MyClient())

:func:`serve` speaks the JSON-lines protocol on stdin/stdout. An exception other than
:class:`ClientReportedError` is reported as ``ok: false`` with kind ``other`` and the driver goes on.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any
from typing import ClassVar
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    action: str
    server: str
    workspace: str
    credentials: dict[str, str]
    options: dict[str, Any]

    @property
    def token_url(self) -> str:
        return f"{self.server}/{self.workspace}/oauth2/token"

    def api_url(self, resource: str | None = None) -> str:
        return f"{self.server}/api/1.0/{self.workspace}/{resource or self.options.get('resource', 'users')}"

    @property
    def timeout(self) -> float:
        return float(self.options.get("timeout") or 30)


class ClientReportedError(Exception):
    """The client reported a failure; its fields are what the client saw."""

    def __init__(
        self,
        kind: str,
        *,
        error: str | int | None = None,
        error_description: str | None = None,
        status: int | None = None,
        message: str = "",
    ) -> None:
        super().__init__(message or f"{kind}: {error} {error_description}")
        self.fields: dict[str, Any] = {"kind": kind, "message": message or str(self)}
        if error is not None:
            self.fields["error"] = error
        if error_description is not None:
            self.fields["error_description"] = error_description
        if status is not None:
            self.fields["status"] = status


class ClientAdapter:
    """Subclass and implement the actions your client supports."""

    name: ClassVar[str] = "python client"
    actions: ClassVar[tuple[str, ...]] = ("login",)
    auto_refresh: ClassVar[bool] = False
    encodings: ClassVar[tuple[str, ...]] = ("form",)
    client_auth: ClassVar[tuple[str, ...]] = ("body",)
    honours_timeout: ClassVar[bool] = True

    def hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "name": self.name,
            "capabilities": {
                "actions": list(self.actions),
                "auto_refresh": self.auto_refresh,
                "encodings": list(self.encodings),
                "client_auth": list(self.client_auth),
                "timeout": self.honours_timeout,
            },
        }

    def login(self, request: Request) -> dict[str, Any]:
        raise NotImplementedError

    def authorize_code(self, request: Request) -> dict[str, Any]:
        raise NotImplementedError

    def client_credentials(self, request: Request) -> dict[str, Any]:
        raise NotImplementedError

    def refresh(self, request: Request) -> dict[str, Any]:
        raise NotImplementedError

    def call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """Returns (state, result) where result is ``{"status": int, "body": ...}``."""
        raise NotImplementedError

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """A user's program in one step: log in, then (only with the token the login gave) call.

        Returns what :meth:`call` returns; a refused login is reported as the login's failure.
        """
        raise NotImplementedError

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """The user named ``options.username`` (``GET users?filter=…``, the token held): returns
        (state, ``{"status": int, "body": <the user's record, or None>}``)."""
        raise NotImplementedError


def api_result(status: int, body_text: str) -> dict[str, Any]:
    """The ``call`` result for an /api/1.0 answer; a non-200 raises with Restler's code and message."""
    try:
        body = json.loads(body_text)
    except ValueError:
        body = None
    if status != 200:
        error = body.get("error") if isinstance(body, dict) else None
        detail = error if isinstance(error, dict) else {}
        raise ClientReportedError(
            "http", error=detail.get("code"), error_description=detail.get("message"), status=status
        )
    return {"status": status, "body": body}


def exact_user(users: Any, username: str) -> dict[str, Any] | None:
    """The element of a ``GET users`` answer whose ``usr_username`` is ``username``: ``filter``
    matches a substring of the username, first or last name, so the answer may hold others."""
    if not isinstance(users, list):
        return None
    for user in users:
        if isinstance(user, dict) and user.get("usr_username") == username:
            return user
    return None


def session_get(
    session: Any,
    request: Request,
    failure: Any,
    resource: str | None = None,
    params: dict[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """GET a REST resource through a requests-style OAuth session (authlib's ``OAuth2Session``,
    requests-oauthlib's): the session's token and the call's result. ``failure`` turns the
    library's exception into the error the driver reports."""
    url = request.api_url(resource) if resource is not None else request.api_url()
    try:
        response = session.get(url, params=params, timeout=request.timeout)
    except Exception as exc:
        raise failure(exc) from None
    return dict(session.token or {}), api_result(response.status_code, response.text)


def session_find_user(
    session: Any, request: Request, failure: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``find_user`` through a requests-style session: ``GET users?filter=<username>``, then the
    element whose ``usr_username`` is exactly the name (the filter is a substring match)."""
    username = str(request.options.get("username", ""))
    token, result = session_get(session, request, failure, "users", {"filter": username})
    return token, {**result, "body": exact_user(result["body"], username)}


def _state(token: dict[str, Any]) -> dict[str, Any]:
    keys = ("access_token", "refresh_token", "expires_in", "scope")
    state: dict[str, Any] = {k: token.get(k) for k in keys if k in token}
    scope = state.get("scope")
    if isinstance(scope, list | tuple):  # some libraries hold scopes as a list
        state["scope"] = " ".join(str(s) for s in scope)
    expires = state.get("expires_in")
    if isinstance(expires, float):
        state["expires_in"] = int(expires)
    return state


def handle(adapter: ClientAdapter, data: dict[str, Any]) -> dict[str, Any]:
    """One request line → one outcome line."""
    request = Request(
        id=int(data["id"]),
        action=str(data["action"]),
        server=str(data["server"]).rstrip("/"),
        workspace=str(data["workspace"]),
        credentials=dict(data.get("credentials") or {}),
        options=dict(data.get("options") or {}),
    )
    out: dict[str, Any] = {"type": "outcome", "id": request.id}
    try:
        if request.action in ("call", "login_and_call", "find_user"):
            state, result = getattr(adapter, request.action)(request)
            out.update(ok=True, state=_state(state), result=result)
        else:
            state = getattr(adapter, request.action)(request)
            out.update(ok=True, state=_state(state))
    except ClientReportedError as exc:
        out.update(ok=False, error=exc.fields)
    except NotImplementedError:
        out.update(
            ok=False, error={"kind": "other", "message": f"{request.action} is not implemented"}
        )
    except Exception as exc:  # the client blew up: a failure of the client, reported as such
        out.update(
            ok=False, error={"kind": "other", "message": f"{type(exc).__name__}: {exc}"[:500]}
        )
    return out


def serve(
    adapter: ClientAdapter, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    """Run the protocol until stdin closes."""
    inp = stdin or sys.stdin
    out = stdout or sys.stdout
    out.write(json.dumps(adapter.hello()) + "\n")
    out.flush()
    for line in inp:
        if not line.strip():
            continue
        outcome = handle(adapter, json.loads(line))
        out.write(json.dumps(outcome, default=str) + "\n")
        out.flush()
