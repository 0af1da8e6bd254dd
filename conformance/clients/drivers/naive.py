"""A deliberately naive client: it treats any HTTP 200 as success, reuses its first refresh token,
calls the API after a login whatever the login answered, and takes a lookup's first element.

It is what the client battery must fail: a maintainer should see every quirk it misses.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from typing import ClassVar

from conformance.clients.adapter import ClientAdapter
from conformance.clients.adapter import ClientReportedError
from conformance.clients.adapter import Request
from conformance.clients.adapter import serve


class NaiveClient(ClientAdapter):
    name: ClassVar[str] = "naive (any 200 is a success)"
    actions: ClassVar[tuple[str, ...]] = (
        "login",
        "refresh",
        "call",
        "client_credentials",
        "login_and_call",
        "find_user",
    )

    def __init__(self) -> None:
        self.token: dict[str, Any] = {}
        self.first_refresh: str | None = None

    def _post(self, request: Request, form: dict[str, str]) -> dict[str, Any]:
        data = urllib.parse.urlencode(form).encode()
        try:
            with urllib.request.urlopen(request.token_url, data, timeout=request.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise ClientReportedError("http", status=exc.code, message=f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ClientReportedError("transport", message=str(exc)) from None
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        # the naive part: HTTP 200 means success, whatever the body says
        self.token = parsed if isinstance(parsed, dict) else {}
        if self.first_refresh is None and self.token.get("refresh_token"):
            self.first_refresh = self.token["refresh_token"]
        return self.token

    def login(self, request: Request) -> dict[str, Any]:
        c = request.credentials
        return self._post(
            request,
            {
                "grant_type": "password",
                "scope": request.options.get("scope") or "*",
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
                "username": c.get("username", ""),
                "password": c.get("password", ""),
            },
        )

    def client_credentials(self, request: Request) -> dict[str, Any]:
        c = request.credentials
        return self._post(
            request,
            {
                "grant_type": "client_credentials",
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
            },
        )

    def refresh(self, request: Request) -> dict[str, Any]:
        c = request.credentials
        return self._post(
            request,
            {
                "grant_type": "refresh_token",
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
                "refresh_token": self.first_refresh or "",
            },
        )

    def call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        return self._get(request, request.api_url(), {})

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        self.login(request)  # the naive part: whatever the login answered, on to the call
        return self.call(request)

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        username = str(request.options.get("username", ""))
        state, result = self._get(request, request.api_url("users"), {"filter": username})
        users = result["body"]
        # the naive part: the filter found the user, so the first element is the user
        found = users[0] if isinstance(users, list) and users else None
        return state, {**result, "body": found}

    def _get(
        self, request: Request, url: str, query: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        token = self.token.get("access_token", "")
        # the naive part: the token travels in the URL
        url += "?" + urllib.parse.urlencode({**query, "access_token": token})
        try:
            with urllib.request.urlopen(url, timeout=request.timeout) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            raise ClientReportedError("http", status=exc.code, message=f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ClientReportedError("transport", message=str(exc)) from None
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        return self.token, {"status": status, "body": decoded}


if __name__ == "__main__":
    serve(NaiveClient())
