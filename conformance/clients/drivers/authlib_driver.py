"""Driver for authlib's ``OAuth2Session`` (requests integration)."""

from __future__ import annotations

from typing import Any
from typing import ClassVar

import authlib
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from conformance.clients.adapter import ClientAdapter
from conformance.clients.adapter import ClientReportedError
from conformance.clients.adapter import Request
from conformance.clients.adapter import serve
from conformance.clients.adapter import session_find_user
from conformance.clients.adapter import session_get


def _failure(exc: Exception) -> ClientReportedError:
    if isinstance(exc, OAuthError):
        return ClientReportedError("oauth", error=exc.error, error_description=exc.description)
    if isinstance(exc, requests.Timeout):
        return ClientReportedError("timeout", message=str(exc))
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        # authlib raises the response's status for a 5xx or a body that is not a JSON object
        return ClientReportedError("http", status=exc.response.status_code, message=str(exc))
    if isinstance(exc, requests.RequestException):
        return ClientReportedError("transport", message=str(exc))
    if isinstance(exc, ValueError):
        return ClientReportedError("parse", message=str(exc))
    return ClientReportedError("other", message=f"{type(exc).__name__}: {exc}")


class AuthlibClient(ClientAdapter):
    name: ClassVar[str] = f"authlib {authlib.__version__} OAuth2Session"
    actions: ClassVar[tuple[str, ...]] = (
        "login",
        "refresh",
        "call",
        "client_credentials",
        "login_and_call",
        "find_user",
    )
    client_auth: ClassVar[tuple[str, ...]] = ("body", "basic")

    def __init__(self) -> None:
        self.session: OAuth2Session | None = None

    def _session(self, request: Request, *, fresh: bool = False) -> OAuth2Session:
        c = request.credentials
        session = self.session
        held = None if session is None else (session.client_id, session.client_secret)
        if fresh and held != (c["client_id"], c["client_secret"]):
            self.session = None  # a login with other client credentials: a new session for them
        if self.session is None:
            method = (
                "client_secret_basic"
                if request.options.get("client_auth") == "basic"
                else "client_secret_post"
            )
            self.session = OAuth2Session(
                c["client_id"],
                c["client_secret"],
                scope=request.options.get("scope"),
                token_endpoint_auth_method=method,
            )
        return self.session

    def login(self, request: Request) -> dict[str, Any]:
        session = self._session(request, fresh=True)
        try:
            token = session.fetch_token(
                request.token_url,
                grant_type="password",
                username=request.credentials.get("username"),
                password=request.credentials.get("password"),
                timeout=request.timeout,
            )
        except Exception as exc:
            raise _failure(exc) from None
        return dict(token)

    def client_credentials(self, request: Request) -> dict[str, Any]:
        session = self._session(request)
        try:
            return dict(
                session.fetch_token(
                    request.token_url, grant_type="client_credentials", timeout=request.timeout
                )
            )
        except Exception as exc:
            raise _failure(exc) from None

    def refresh(self, request: Request) -> dict[str, Any]:
        session = self._session(request)
        try:
            return dict(session.refresh_token(request.token_url, timeout=request.timeout))
        except Exception as exc:
            raise _failure(exc) from None

    def call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        return session_get(self._session(request), request, _failure)

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        self.login(request)  # fetch_token raises on an error answer: the call never happens
        return self.call(request)

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        return session_find_user(self._session(request), request, _failure)


if __name__ == "__main__":
    serve(AuthlibClient())
