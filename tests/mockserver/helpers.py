"""Request helpers shared by the mock server's tests."""

from __future__ import annotations

import base64
from typing import Any

from werkzeug.test import Client
from werkzeug.test import TestResponse

from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME

TOKEN = "/workflow/oauth2/token"


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def password_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "grant_type": "password",
        "scope": "*",
        "client_id": DOC_CLIENT_ID,
        "client_secret": DOC_CLIENT_SECRET,
        "username": DOC_USERNAME,
        "password": DOC_PASSWORD,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def login(client: Client, **overrides: Any) -> TestResponse:
    return client.post(TOKEN, data=password_params(**overrides))


def tokens(client: Client, **overrides: Any) -> dict[str, Any]:
    response = login(client, **overrides)
    body = response.json
    assert body is not None and "access_token" in body, response.get_data(as_text=True)
    return body


def refresh(client: Client, refresh_token: str, **overrides: Any) -> TestResponse:
    params = {
        "grant_type": "refresh_token",
        "client_id": DOC_CLIENT_ID,
        "client_secret": DOC_CLIENT_SECRET,
        "refresh_token": refresh_token,
    }
    params.update(overrides)
    return client.post(TOKEN, data={k: v for k, v in params.items() if v is not None})


def error_of(response: TestResponse) -> tuple[str, str]:
    body = response.json
    assert isinstance(body, dict), response.get_data(as_text=True)
    return body["error"], body["error_description"]
