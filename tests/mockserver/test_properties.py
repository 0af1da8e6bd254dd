"""Property tests: whatever a client sends to the token endpoint, the answer has a documented shape.

Hypothesis generates well-formed and malformed token requests (grant types, form / multipart /
JSON / raw bodies, Basic vs body vs both, scopes and separators, username case, missing,
duplicated and empty fields); the properties are: never a 5xx, and every body is a token
response, a flat OAuth error, a Restler error, or the profile's empty 503.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import Client

from mockserver import PROFILES
from mockserver import MockServer
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET

SERVERS = {name: MockServer(name) for name in PROFILES}

grant_types = st.sampled_from(
    [
        "password",
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "implicit",
        "",
        "PASSWORD",
    ]
) | st.text(max_size=12)
scopes = st.lists(
    st.sampled_from(
        ["*", "view_process", "view_processes", "edit_process", "edit_processes", "", "bogus"]
    ),
    max_size=3,
).flatmap(lambda parts: st.sampled_from([" ", "  ", "%20", "+"]).map(lambda sep: sep.join(parts)))
usernames = st.sampled_from(["johndoe", "JOHNDOE", "JohnDoe", "admin", "nobody", "", "0"])
values = st.one_of(
    st.none(), st.text(max_size=20), st.sampled_from([DOC_CLIENT_ID, DOC_CLIENT_SECRET, "0"])
)


@st.composite
def token_requests(draw: st.DrawFn) -> dict[str, Any]:
    params: dict[str, Any] = {
        "grant_type": draw(grant_types),
        "scope": draw(st.none() | scopes),
        "client_id": draw(
            st.sampled_from([DOC_CLIENT_ID, DOC_CLIENT_ID.lower(), "x-pm-local-client"]) | values
        ),
        "client_secret": draw(st.sampled_from([DOC_CLIENT_SECRET]) | values),
        "username": draw(usernames),
        "password": draw(st.sampled_from(["p4ssw0rd", "admin", "wrong", ""])),
        "refresh_token": draw(st.none() | st.text(alphabet="0123456789abcdef", max_size=40)),
        "code": draw(st.none() | st.text(max_size=40)),
    }
    params = {
        k: v for k, v in params.items() if v is not None and draw(st.booleans() | st.just(True))
    }
    return {
        "params": params,
        "encoding": draw(
            st.sampled_from(["form", "multipart", "json", "raw-json", "text", "none"])
        ),
        "basic": draw(st.sampled_from(["none", "good", "bad", "garbage", "colon"])),
        "duplicate": draw(st.booleans()),
        "profile": draw(st.sampled_from(list(PROFILES))),
        "workspace": draw(st.sampled_from(["workflow", "workflow", "nosuch"])),
    }


def _send(client: Client, req: dict[str, Any]) -> Any:
    headers: dict[str, str] = {}
    basic = req["basic"]
    if basic != "none":
        raw = {
            "good": f"{DOC_CLIENT_ID}:{DOC_CLIENT_SECRET}",
            "bad": f"{DOC_CLIENT_ID}:nope",
            "colon": "a:b:c",
            "garbage": "\xff\x00",
        }[basic]
        headers["Authorization"] = (
            "Basic " + base64.b64encode(raw.encode("utf-8", "replace")).decode()
        )
    url = f"/{req['workspace']}/oauth2/token"
    params = req["params"]
    enc = req["encoding"]
    if enc == "form":
        data: Any = list(params.items()) + (
            [("grant_type", "password")] if req["duplicate"] else []
        )
        return client.post(url, data=dict(data), headers=headers)
    if enc == "multipart":
        return client.post(url, data=params, content_type="multipart/form-data", headers=headers)
    if enc == "json":
        return client.post(url, json=params, headers=headers)
    if enc == "raw-json":
        return client.post(
            url, data=json.dumps(params)[:-1], content_type="application/json", headers=headers
        )
    if enc == "text":
        return client.post(
            url, data="grant_type=password", content_type="text/plain", headers=headers
        )
    return client.post(url, data=json.dumps(params), headers={**headers, "Content-Type": ""})


def _shape(status: int, body: bytes) -> str:
    if status == 503 and body == b"":
        return "empty-503"
    if body.startswith(b"<!DOCTYPE html>"):
        return "html"
    decoded = json.loads(body)
    if isinstance(decoded, dict) and "access_token" in decoded:
        assert decoded["token_type"] == "bearer"
        assert isinstance(decoded["expires_in"], int)
        return "token"
    if isinstance(decoded.get("error"), str):
        assert isinstance(decoded["error_description"], str)
        assert set(decoded) <= {"error", "error_description", "error_uri"}
        return "oauth-error"
    error = decoded["error"]
    assert isinstance(error["code"], int) and isinstance(error["message"], str)
    assert error["code"] == status
    return "restler-error"


@given(token_requests())
def test_token_endpoint_never_5xx_and_always_a_documented_shape(req: dict[str, Any]) -> None:
    server = SERVERS[req["profile"]]
    response = _send(Client(server.app), req)
    server.check()
    assert response.status_code < 500 or response.status_code == 503
    shape = _shape(response.status_code, response.get_data())
    if shape == "oauth-error" and server.profile.token_error_status is not None:
        assert response.status_code == server.profile.token_error_status
    if shape == "token":
        assert response.status_code == 200


@given(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
    st.lists(
        st.sampled_from(
            [
                "workflow",
                "oauth2",
                "token",
                "authorize",
                "api",
                "1.0",
                "sysworkflow",
                "en",
                "neoclassic",
                "login",
                "users",
                "x",
                "",
                "..",
                "%00",
            ]
        ),
        max_size=6,
    ),
    st.binary(max_size=64),
)
def test_any_path_and_method_gets_an_answer(method: str, segments: list[str], body: bytes) -> None:
    server = SERVERS["documented"]
    path = "/" + "/".join(segments).lstrip("/")  # "//x" would be a host name to the test client
    response = Client(server.app).open(path, method=method, data=body)
    server.check()
    assert response.status_code < 500 or response.status_code == 503
