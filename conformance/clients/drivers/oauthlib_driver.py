"""Driver for requests-oauthlib's ``OAuth2Session`` with oauthlib's ``LegacyApplicationClient``."""

from __future__ import annotations

import os
from typing import Any
from typing import ClassVar

import oauthlib
import requests
import requests_oauthlib
from oauthlib.oauth2 import LegacyApplicationClient
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from conformance.clients.adapter import ClientAdapter
from conformance.clients.adapter import ClientReportedError
from conformance.clients.adapter import Request
from conformance.clients.adapter import serve
from conformance.clients.adapter import session_find_user
from conformance.clients.adapter import session_get

os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the mock serves plain http on loopback


def _failure(exc: Exception) -> ClientReportedError:
    if isinstance(exc, OAuth2Error):
        # no status: the client side never sees the HTTP status (the session hands oauthlib the
        # body alone), and OAuth2Error.status_code is the class's default for servers (400)
        return ClientReportedError("oauth", error=exc.error, error_description=exc.description)
    if isinstance(exc, requests.Timeout):
        return ClientReportedError("timeout", message=str(exc))
    if isinstance(exc, requests.RequestException):
        return ClientReportedError("transport", message=str(exc))
    if isinstance(exc, ValueError):
        return ClientReportedError("parse", message=str(exc))
    return ClientReportedError("other", message=f"{type(exc).__name__}: {exc}")


class OauthlibClient(ClientAdapter):
    name: ClassVar[str] = (
        f"requests-oauthlib {requests_oauthlib.__version__} / oauthlib {oauthlib.__version__}"
    )
    actions: ClassVar[tuple[str, ...]] = ("login", "refresh", "call", "login_and_call", "find_user")

    def __init__(self) -> None:
        self.session: OAuth2Session | None = None

    def _session(self, request: Request) -> OAuth2Session:
        if self.session is None:
            client_id = request.credentials["client_id"]
            scope = request.options.get("scope")
            self.session = OAuth2Session(
                client=LegacyApplicationClient(client_id=client_id),
                scope=scope.split(" ") if scope else None,
            )
        return self.session

    def login(self, request: Request) -> dict[str, Any]:
        session = self._session(request)
        c = request.credentials
        try:
            token = session.fetch_token(
                request.token_url,
                username=c.get("username"),
                password=c.get("password"),
                client_id=c["client_id"],
                client_secret=c["client_secret"],
                include_client_id=True,
                scope=session.scope,
                timeout=request.timeout,
            )
        except Exception as exc:
            raise _failure(exc) from None
        return dict(token)

    def refresh(self, request: Request) -> dict[str, Any]:
        session = self._session(request)
        c = request.credentials
        try:
            token = session.refresh_token(
                request.token_url,
                client_id=c["client_id"],
                client_secret=c["client_secret"],
                timeout=request.timeout,
            )
        except Exception as exc:
            raise _failure(exc) from None
        return dict(token)

    def call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        return session_get(self._session(request), request, _failure)

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        self.login(request)  # fetch_token raises on an error answer: the call never happens
        return self.call(request)

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        return session_find_user(self._session(request), request, _failure)


if __name__ == "__main__":
    serve(OauthlibClient())
