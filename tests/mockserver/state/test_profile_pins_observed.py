"""The most important profile values, pinned by what the mock answers rather than by the profile.

These tests never read a profile: each drives the mock under a profile name and compares a literal
observable (a status, ``expires_in``, a body, a header) with the value the spec texts give for that
profile (the rows of ``test_profile_pins.py`` name the sources). A profile value that drifted would
fail here even if every check that reads the same value went on passing.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import basic
from tests.mockserver.helpers import error_of
from tests.mockserver.helpers import login
from tests.mockserver.helpers import password_params
from tests.mockserver.helpers import refresh
from tests.mockserver.helpers import tokens

NAMES = ("documented", "pm-3.0-rc", "pm-3.4.10", "pm-3.4.11", "rfc6749")


@pytest.fixture(params=NAMES)
def profile_name(request: pytest.FixtureRequest) -> str:
    """Every shipped profile, named here and not read from the profile module; ``mock`` and
    ``client`` (tests/conftest.py) serve it."""
    return str(request.param)


# token_error_status: doc Error Response 200; §3.2 rows 1-3; RFC 6749 §5.2.
WRONG_PASSWORD_STATUS = {
    "documented": 200,
    "pm-3.0-rc": 200,
    "pm-3.4.10": 400,
    "pm-3.4.11": 200,
    "rfc6749": 400,
}


def test_status_of_a_token_error(client: Client, profile_name: str) -> None:
    response = login(client, password="wrong")
    assert response.status_code == WRONG_PASSWORD_STATUS[profile_name]
    assert error_of(response) == ("invalid_grant", "Invalid username and password combination")


# access_lifetime: 86400 everywhere but the 3.0 betas/RC1 (3600, §5).
EXPIRES_IN = {
    "documented": 86400,
    "pm-3.0-rc": 3600,
    "pm-3.4.10": 86400,
    "pm-3.4.11": 86400,
    "rfc6749": 86400,
}


def test_expires_in(client: Client, profile_name: str) -> None:
    assert tokens(client)["expires_in"] == EXPIRES_IN[profile_name]


# unknown_workspace: doc 503 without a return object; §1.5 HTML 503 before PM-1752, Restler 400
# after; a plain 404 under the RFC profile.
RESTLER_WORKSPACE_400 = {
    "error": {"code": 400, "message": "Bad Request: You have specified an unavailable workspace."}
}


def test_unknown_workspace(client: Client, profile_name: str) -> None:
    response = client.post("/nowhere/oauth2/token", data=password_params())
    body = response.get_data()
    if profile_name == "documented":
        assert (response.status_code, body) == (503, b"")
    elif profile_name == "pm-3.0-rc":
        assert response.status_code == 503
        assert response.mimetype == "text/html" and body.lstrip().startswith(b"<")
    elif profile_name in ("pm-3.4.10", "pm-3.4.11"):
        assert response.status_code == 400
        assert response.json is not None
        assert {"error": response.json["error"]} == RESTLER_WORKSPACE_400
    else:
        assert profile_name == "rfc6749"
        assert response.status_code == 404


# always_issue_new_refresh_token and refresh_token_single_use: doc "a new refresh_token ... only
# used once"; §4 no rotation before PM-1873.
ROTATES = {
    "documented": True,
    "pm-3.0-rc": False,
    "pm-3.4.10": True,
    "pm-3.4.11": True,
    "rfc6749": True,
}


def test_refresh_rotation_and_reuse(client: Client, profile_name: str) -> None:
    first = tokens(client)["refresh_token"]
    renewed = refresh(client, first)
    assert renewed.json is not None and "access_token" in renewed.json
    assert ("refresh_token" in renewed.json) is ROTATES[profile_name]
    again = refresh(client, first)
    assert again.json is not None
    if ROTATES[profile_name]:
        assert error_of(again) == ("invalid_grant", "Invalid refresh token")
    else:
        assert "access_token" in again.json


# scope_when_none: JSON null (design rule; §7) or no key (RFC 6749 §5.1).
def test_scope_of_a_grant_without_scope(client: Client, profile_name: str) -> None:
    answer = tokens(client, scope=None)
    if profile_name == "rfc6749":
        assert "scope" not in answer
    else:
        assert "scope" in answer and answer["scope"] is None


# supported_scopes: the doc's singular spelling is accepted only by `documented` (design rule).
def test_singular_scope_spelling(client: Client, profile_name: str) -> None:
    response = login(client, scope="view_process")
    if profile_name == "documented":
        assert response.json is not None and response.json["scope"] == "view_process"
    else:
        assert error_of(response) == ("invalid_scope", "An unsupported scope was requested")


# password_requires_body_client_credentials: 3.4.11 only (PMCORE-1181, §2.3).
def test_password_grant_with_basic_only_credentials(client: Client, profile_name: str) -> None:
    response = client.post(
        TOKEN,
        data=password_params(client_id=None, client_secret=None),
        headers=basic(DOC_CLIENT_ID, DOC_CLIENT_SECRET),
    )
    if profile_name == "pm-3.4.11":
        assert error_of(response) == (
            "invalid_client",
            "Invalid REST API credentials, please send a valid client_id and client_secret.",
        )
    else:
        assert response.json is not None and "access_token" in response.json


# unknown_client_empty_secret_passes: the 3.x bug (§2.3); refused by the doc and the RFC.
def test_unknown_client_with_empty_secret(client: Client, profile_name: str) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": "NOSUCHCLIENT"}
    )
    if profile_name in ("documented", "rfc6749"):
        assert error_of(response) == ("invalid_client", "The client credentials are invalid")
    else:
        assert response.status_code == 200
        assert response.json is not None and "access_token" in response.json


# invalid_client_status_with_basic: 401 + WWW-Authenticate only under RFC 6749 §5.2.
BAD_BASIC_STATUS = {
    "documented": 200,
    "pm-3.0-rc": 200,
    "pm-3.4.10": 400,
    "pm-3.4.11": 200,
    "rfc6749": 401,
}


def test_invalid_client_after_basic(client: Client, profile_name: str) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers=basic(DOC_CLIENT_ID, "wrong")
    )
    assert response.status_code == BAD_BASIC_STATUS[profile_name]
    assert error_of(response) == ("invalid_client", "The client credentials are invalid")
    assert ("WWW-Authenticate" in response.headers) is (profile_name == "rfc6749")


# token_headers and restler_version: bshaffer's no-store, or Restler's rewrite (§3.2).
CACHE_CONTROL = {
    "documented": ("no-cache, must-revalidate", "Luracast Restler v3.0.0rc5"),
    "pm-3.0-rc": ("no-cache, must-revalidate", "Luracast Restler v3.0.0rc4"),
    "pm-3.4.10": ("no-store", None),
    "pm-3.4.11": ("no-cache, must-revalidate", "Luracast Restler v3.0.0rc5"),
    "rfc6749": ("no-store", None),
}


def test_headers_of_a_token_answer(client: Client, profile_name: str) -> None:
    response = login(client)
    assert response.status_code == 200
    observed = (response.headers.get("Cache-Control"), response.headers.get("X-Powered-By"))
    assert observed == CACHE_CONTROL[profile_name]


# resource_errors: Restler's 401 without a challenge (§9), or RFC 6750 §3's Bearer challenge.
def test_rest_call_without_a_token(client: Client, profile_name: str) -> None:
    response = client.get("/api/1.0/workflow/users")
    assert response.status_code == 401
    challenge = response.headers.get("WWW-Authenticate")
    if profile_name == "rfc6749":
        assert challenge is not None and challenge.startswith("Bearer")
    else:
        assert challenge is None
        assert response.json == {"error": {"code": 401, "message": "Unauthorized"}}


# login_redirect: the doc's absolute u (and 3.x up to 3.4.2), relative from 3.4.4 (§8.1).
ABSOLUTE_U = {
    "documented": True,
    "pm-3.0-rc": True,
    "pm-3.4.10": False,
    "pm-3.4.11": False,
    "rfc6749": False,
}


def test_login_redirect_target(client: Client, profile_name: str) -> None:
    query = f"response_type=code&client_id={DOC_CLIENT_ID}&scope=*"
    response = client.get(f"/workflow/oauth2/authorize?{query}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sysworkflow/en/neoclassic/login/login"
    (u,) = parse_qs(location.query)["u"]
    expected = "/workflow/oauth2/authorize?" + query
    if ABSOLUTE_U[profile_name]:
        expected = "http://localhost" + expected
    assert u == expected
