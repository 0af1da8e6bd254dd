"""A correct ProcessMaker client, with one flaw switched on by ``PM3_FLAW``: the negative controls
of the client battery. With no flaw it must pass every scenario; with each flaw, the scenario
that guards against it must fail.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from typing import ClassVar

from conformance.clients.adapter import ClientAdapter
from conformance.clients.adapter import ClientReportedError
from conformance.clients.adapter import Request
from conformance.clients.adapter import serve

FLAW = os.environ.get("PM3_FLAW", "")


class FlawedClient(ClientAdapter):
    name: ClassVar[str] = f"reference client (flaw: {FLAW or 'none'})"
    actions: ClassVar[tuple[str, ...]] = (
        "login",
        "refresh",
        "call",
        "client_credentials",
        "login_and_call",
        "find_user",
    )
    auto_refresh: ClassVar[bool] = True
    encodings: ClassVar[tuple[str, ...]] = ("form", "json")
    client_auth: ClassVar[tuple[str, ...]] = ("body", "basic")

    def __init__(self) -> None:
        self.token: dict[str, Any] = {}
        self.first_refresh: str | None = None
        self.last_request: Request | None = None

    # --- HTTP --------------------------------------------------------------------------------
    def _http(
        self, request: Request, url: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        timeout = 10.0 if FLAW == "ignore-timeout" else request.timeout
        req = urllib.request.Request(url, data=data, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except TimeoutError as exc:
            raise ClientReportedError("timeout", message=str(exc)) from None
        except http.client.IncompleteRead as exc:
            if FLAW == "lenient-parse":
                return 200, exc.partial
            raise ClientReportedError("parse", message="truncated answer") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise ClientReportedError("transport", message=str(exc)) from None

    def _token_request(self, request: Request, params: dict[str, str]) -> dict[str, Any]:
        c = request.credentials
        headers: dict[str, str] = {}
        basic = request.options.get("client_auth") == "basic" and FLAW != "ignore-basic"
        if basic:
            raw = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
            headers["Authorization"] = f"Basic {raw}"
        else:
            params = {**params, "client_id": c["client_id"], "client_secret": c["client_secret"]}
        if request.options.get("encoding") == "json" and FLAW != "ignore-encoding":
            data = json.dumps(params).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = urllib.parse.urlencode(params).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, body = self._http(request, request.token_url, data, headers)
        if FLAW == "keyerror-on-error":  # takes the token out of whatever came back
            token = json.loads(body)
            self.token = {**token, "access_token": token["access_token"]}
            return self.token
        try:
            parsed = json.loads(body)
        except ValueError:
            if FLAW in ("lenient-parse", "503-ok"):
                return self.token
            if FLAW == "503-crash":  # decodes before it looks at the status, and blows up
                raise
            raise ClientReportedError(
                "parse" if body else "http",
                status=status,
                message=f"HTTP {status}, unreadable body",
            ) from None
        if not isinstance(parsed, dict):
            raise ClientReportedError("parse", status=status, message="not a JSON object")
        looks_at_error = FLAW != "any-200" and not (FLAW == "ignore-error-200" and status == 200)
        if "error" in parsed and looks_at_error:
            description = None if FLAW == "drop-description" else parsed.get("error_description")
            raise ClientReportedError(
                "oauth", error=parsed["error"], error_description=description, status=status
            )
        if status != 200 and FLAW != "any-200":
            raise ClientReportedError("http", status=status, message=f"HTTP {status}")
        self.token = parsed
        if FLAW == "token-swap" and "access_token" in parsed:
            self.token = {**parsed, "access_token": "0" * 40}
        if self.first_refresh is None and parsed.get("refresh_token"):
            self.first_refresh = parsed["refresh_token"]
        return self.token

    # --- actions -----------------------------------------------------------------------------
    def login(self, request: Request) -> dict[str, Any]:
        scope = request.options.get("scope")
        params = {
            "grant_type": "password",
            "username": request.credentials.get("username", ""),
            "password": request.credentials.get("password", ""),
        }
        if scope:
            params["scope"] = scope.replace(" ", ",") if FLAW == "scope-comma" else scope
        return self._token_request(request, params)

    def client_credentials(self, request: Request) -> dict[str, Any]:
        token = self._token_request(request, {"grant_type": "client_credentials"})
        if FLAW == "claims-refresh":
            token = {**token, "refresh_token": self.first_refresh or "1" * 40}
        return token

    def refresh(self, request: Request) -> dict[str, Any]:
        current = (
            self.first_refresh if FLAW == "reuse-first-refresh" else self.token.get("refresh_token")
        )
        params = {"grant_type": "refresh_token", "refresh_token": current or ""}
        if FLAW == "refresh-scope-star":  # a default scope sent on every token request
            params["scope"] = "*"
        try:
            return self._token_request(request, params)
        except ClientReportedError as exc:
            if FLAW == "fake-refresh" and exc.fields["kind"] in ("transport", "parse", "oauth"):
                return {**self.token, "access_token": "f" * 40}
            if FLAW == "refresh-200-keeps-old" and exc.fields.get("status") == 200:
                return self.token  # "HTTP 200, so it worked": keeps the tokens it had
            raise

    def call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        status, body = self._api(request)
        refreshable = bool(self.token.get("refresh_token"))
        if status == 401 and refreshable and FLAW not in ("no-retry", "no-status"):
            self.refresh(request)
            status, body = self._api(request)
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if status != 200:
            err = decoded.get("error") if isinstance(decoded, dict) else None
            detail = err if isinstance(err, dict) else {}
            raise ClientReportedError(
                "http" if FLAW != "no-status" else "other",
                error=detail.get("code"),
                error_description=detail.get("message"),
                status=None if FLAW == "no-status" else status,
            )
        return self.token, {"status": status, "body": decoded}

    def login_and_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            self.login(request)
        except ClientReportedError:
            if FLAW != "call-after-refused-login":
                raise
            self.token = {}  # goes on as if logged in, with no token
        return self.call(request)

    def find_user(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        username = str(request.options.get("username", ""))
        query = (
            "" if FLAW == "ignore-filter" else "?" + urllib.parse.urlencode({"filter": username})
        )
        token = self.token.get("access_token", "")
        status, body = self._http(
            request, request.api_url("users") + query, None, {"Authorization": f"Bearer {token}"}
        )
        users = json.loads(body) if status == 200 else None
        if not isinstance(users, list):
            raise ClientReportedError("http", status=status, message=f"HTTP {status}")
        if FLAW in ("first-element", "ignore-filter"):
            found = users[0] if users else None
        else:
            found = next((u for u in users if u.get("usr_username") == username), None)
        return self.token, {"status": status, "body": found}

    def _api(self, request: Request) -> tuple[int, bytes]:
        token = self.token.get("access_token", "")
        if FLAW == "secret-in-url":
            return self._http(request, request.api_url() + "?access_token=" + token, None, {})
        return self._http(request, request.api_url(), None, {"Authorization": f"Bearer {token}"})


if __name__ == "__main__":
    serve(FlawedClient())
