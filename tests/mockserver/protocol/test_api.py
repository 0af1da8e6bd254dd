"""The /api/1.0 routes: ProcessMaker's paths and shapes under every profile, 404 for the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from mockserver import PROFILES
from mockserver import MockServer
from mockserver.protocol.api import modelled_routes
from mockserver.protocol.rest.cases import NO_USER
from mockserver.state.casework import DEMO_PRO_UID
from mockserver.state.casework import DEMO_START_TAS_UID
from mockserver.state.seed import ADMIN_UID
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.seed import LOCAL_CLIENT_SECRET
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import tokens

API = "/api/1.0/workflow/"
LISTS = ("", "/draft", "/participated", "/unassigned", "/paused", "/advanced-search")
PAGE_KEYS = [
    "totalCount",
    "data",
    "total",
    "start",
    "limit",
    "sort",
    "dir",
    "cat_uid",
    "pro_uid",
    "search",
]
USER_KEYS = {
    "usr_uid",
    "usr_username",
    "usr_firstname",
    "usr_lastname",
    "usr_email",
    "usr_due_date",
    "usr_status",
    "usr_role",
}


@pytest.fixture(params=list(PROFILES))
def api(request: pytest.FixtureRequest) -> Iterator[tuple[Client, str]]:
    """A werkzeug client of a mock under each profile, and a password-grant access token."""
    server = MockServer(str(request.param))
    client = Client(server.app)
    yield client, tokens(client)["access_token"]
    server.close()


def _get(client: Client, path: str, token: str | None = None, **query: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(API + path, headers=headers, query_string=query)


def _client_credentials(client: Client) -> str:
    body = client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": LOCAL_CLIENT_ID,
            "client_secret": LOCAL_CLIENT_SECRET,
        },
    ).json
    assert body is not None and "access_token" in body, body
    return str(body["access_token"])


@pytest.mark.parametrize("path", ["project", "projects", "project/", "projects/"])
def test_project_and_projects_both_list_the_projects(api: tuple[Client, str], path: str) -> None:
    client, _ = api
    # GET project needs PM_FACTORY from 3.2 (Api/Project.php's AccessControl): admin's role has it
    token = tokens(client, username="admin", password="admin")["access_token"]
    response = _get(client, path, token)
    assert response.status_code == 200
    assert [p["prj_name"] for p in response.json] == ["Expense Report"]
    assert set(response.json[0]) == {
        "prj_uid",
        "prj_name",
        "prj_description",
        "prj_category",
        "prj_type",
        "prj_create_date",
        "prj_update_date",
        "prj_status",
    }


@pytest.mark.parametrize("prefix", ["cases", "case"])
@pytest.mark.parametrize("kind", LISTS)
def test_a_cases_list_is_a_json_list(api: tuple[Client, str], prefix: str, kind: str) -> None:
    client, token = api
    response = _get(client, prefix + kind, token)
    assert response.status_code == 200
    assert response.json == []


@pytest.mark.parametrize("prefix", ["cases", "case"])
@pytest.mark.parametrize("kind", LISTS)
def test_a_paged_cases_list_is_getlists_page(
    api: tuple[Client, str], prefix: str, kind: str
) -> None:
    client, token = api
    response = _get(client, f"{prefix}{kind}/paged", token)
    assert response.status_code == 200
    assert list(response.json) == PAGE_KEYS
    assert response.json == {
        "totalCount": 0,
        "data": [],
        "total": 0,
        "start": 1,
        "limit": 0,
        "sort": "application.app_number",
        "dir": "desc",
        "cat_uid": "",
        "pro_uid": "",
        "search": "",
    }


def test_a_page_echoes_its_parameters_as_getlist_does(api: tuple[Client, str]) -> None:
    client, token = api
    query = {"start": "10", "limit": "5", "sort": "APP_CACHE_VIEW.APP_TITLE", "dir": "ASC"}
    page = _get(client, "cases/participated/paged", token, search="x", pro_uid="p", **query).json
    assert (page["start"], page["limit"]) == (11, 5)
    assert (page["sort"], page["dir"]) == ("app_cache_view.app_title", "asc")
    assert (page["search"], page["pro_uid"], page["cat_uid"]) == ("x", "p", "")


def test_a_non_integer_start_or_limit_is_restlers_400(api: tuple[Client, str]) -> None:
    client, token = api
    for name in ("start", "limit"):
        response = _get(client, "cases/paged", token, **{name: "ten"})
        assert response.status_code == 400
        assert response.json == {
            "error": {
                "code": 400,
                "message": f"Bad Request: Invalid value specified for `{name}`. "
                "Expecting integer value",
            }
        }


def test_a_client_credentials_token_has_no_user_for_the_cases_lists(
    api: tuple[Client, str],
) -> None:
    client, _ = api
    profile = client.application.state.profile  # type: ignore[attr-defined]
    # a case of johndoe's, so that "every case" has one to show
    user_token = tokens(client)["access_token"]
    started = client.post(
        API + "cases",
        headers={"Authorization": f"Bearer {user_token}"},
        json={"pro_uid": DEMO_PRO_UID, "tas_uid": DEMO_START_TAS_UID},
    )
    assert started.status_code == 200, started.get_data()
    token = _client_credentials(client)
    for kind in LISTS:
        for path in (f"cases{kind}", f"cases{kind}/paged"):
            response = _get(client, path, token)
            if profile.cases_without_user == "refused-400":
                assert response.status_code == 400, path
                assert response.json == {
                    "error": {"code": 400, "message": f"Bad Request: {NO_USER}"}
                }
            else:  # 3.2.3+: no USR_UID filter, every user's cases
                assert response.status_code == 200, path
    if profile.cases_without_user == "every-case":
        drafts = _get(client, "cases/draft", token).json
        assert [c["app_uid"] for c in drafts] == [started.json["app_uid"]]
    # AccessControl (3.2+) skips a token without a user; 3.0's User constructor refuses it.
    users = _get(client, "users", token)
    if client.application.state.profile.permission_refusal == "constructor-400":  # type: ignore[attr-defined]
        assert users.status_code == 400
        assert users.json["error"]["message"] == (
            'Bad Request: The user with "" not have permissions to perform this action.'
        )
    else:
        assert users.status_code == 200
    for path in ("projects", "project"):
        assert _get(client, path, token).status_code == 200, path


@pytest.mark.parametrize("path", ["users", "user"])
def test_user_and_users_both_list_the_users(api: tuple[Client, str], path: str) -> None:
    client, token = api
    response = _get(client, path, token)
    assert response.status_code == 200
    assert isinstance(response.json, list) and response.json
    assert all(set(user) >= USER_KEYS for user in response.json)  # of getUsers' 28 keys


@pytest.mark.parametrize("path", ["users", "user"])
def test_one_user_under_either_alias(api: tuple[Client, str], path: str) -> None:
    client, token = api
    assert _get(client, f"{path}/{ADMIN_UID}", token).json["usr_uid"] == ADMIN_UID
    unknown = "1" * 32  # usr_uid is {@min 32}{@max 32}: a shorter one fails validation first
    missing = _get(client, f"{path}/{unknown}", token)
    assert missing.status_code == 400
    assert unknown in missing.json["error"]["message"]
    short = _get(client, f"{path}/nosuchuser", token)
    assert short.status_code == 400
    assert short.json["error"]["message"] == (
        "Bad Request: Invalid value specified for `usr_uid`. Minimum 32 characters required."
    )


@pytest.mark.parametrize(
    "path", ["processes", "processes/", "process-list", "projects/x/y/z", "cases/paged/extra"]
)
def test_a_path_processmaker_lacks_is_404_before_authentication(
    api: tuple[Client, str], path: str
) -> None:
    client, token = api
    for sent in (None, token):
        response = _get(client, path, sent)
        assert response.status_code == 404, (path, sent)
        assert response.json == {"error": {"code": 404, "message": "Not Found"}}


def test_a_known_path_without_a_token_is_the_profiles_401(api: tuple[Client, str]) -> None:
    client, _ = api
    release = client.application.state.profile.rest_release  # type: ignore[attr-defined]
    for route in modelled_routes(release):
        if route.method != "GET" or route.access == "public":  # 3.0's Department is public
            continue
        path = re.sub(r"\{[a-z_]+\}", ADMIN_UID, route.path)
        assert _get(client, path).status_code == 401, path


def test_another_method_on_a_known_path_is_405(api: tuple[Client, str]) -> None:
    client, token = api
    response = client.put(API + "users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"  # Routes::find lists the path's methods
    assert client.delete(API + "processes/x").status_code == 404  # routing comes first


@pytest.mark.parametrize("profile_name", ["rfc6749"])
def test_an_unknown_token_is_named_invalid_in_the_rfc6750_challenge(client: Client) -> None:
    response = client.get(API + "users", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="Service", error="invalid_token", '
        'error_description="The access token provided is invalid"'
    )


@pytest.mark.parametrize("profile_name", ["rfc6749"])
def test_a_token_is_valid_up_to_its_expiry_second_and_not_after(
    mock: MockServer, client: Client
) -> None:
    # bshaffer ResourceController: expired when time() > expires, so the expiry second still serves
    token = tokens(client)["access_token"]
    mock.clock.advance(mock.profile.access_lifetime)
    assert _get(client, "users", token).status_code == 200
    mock.clock.advance(1)
    expired = _get(client, "users", token)
    assert expired.status_code == 401
    assert (
        'error_description="The access token provided has expired"'
        in (expired.headers["WWW-Authenticate"])
    )


def test_an_inactive_user_is_listed_inactive() -> None:
    server = MockServer()
    client = Client(server.app)
    token = tokens(client)["access_token"]
    user = _get(client, f"user/{ADMIN_UID}", token).json
    assert user["usr_status"] == "ACTIVE"
    server.workspace("workflow").set_user_status(ADMIN_UID, 0)
    assert _get(client, f"user/{ADMIN_UID}", token).json == {**user, "usr_status": "INACTIVE"}
    server.close()


def test_a_page_echoes_every_parameter_in_full(api: tuple[Client, str]) -> None:
    client, token = api
    query = {
        "start": "3",
        "limit": "7",
        "sort": "APP_CACHE_VIEW.APP_NUMBER",  # the default sort, written out: getList's replaces it
        "dir": "Asc",
        "cat_uid": "c1",
        "pro_uid": "p1",
        "search": "s1",
    }
    response = _get(client, "cases/paused/paged", token, **query)
    assert response.status_code == 200
    assert response.json == {
        "totalCount": 0,
        "data": [],
        "total": 0,
        "start": 4,
        "limit": 7,
        "sort": "application.app_number",
        "dir": "asc",
        "cat_uid": "c1",
        "pro_uid": "p1",
        "search": "s1",
    }


def test_an_unpaged_list_ignores_its_parameters(api: tuple[Client, str]) -> None:
    client, token = api
    response = _get(client, "cases/draft", token, start="2", limit="3", search="x", cat_uid="c")
    assert response.status_code == 200
    assert response.json == []


def test_a_token_in_both_header_and_query_is_bshaffers_invalid_request() -> None:
    """bshaffer's Bearer refuses two token sources; rfc6749 shows its description (RFC 6750 §2)."""
    server = MockServer("rfc6749")
    client = Client(server.app)
    token = tokens(client)["access_token"]
    response = _get(client, "users", token, access_token=token)
    server.close()
    assert response.status_code == 401
    assert response.json == {
        "error": "invalid_request",
        "error_description": "Only one method may be used to authenticate at a time",
    }


def test_deleting_an_unknown_token_is_restlers_400_and_deletes_nothing(
    api: tuple[Client, str],
) -> None:
    client, token = api
    unknown = "f" * 40
    response = client.delete(f"/workflow/oauth2/{unknown}")
    assert response.status_code == 400
    assert unknown in response.get_data(as_text=True)
    assert _get(client, "users", token).status_code == 200
    assert client.delete(f"/workflow/oauth2/{token}").status_code == 200
    assert _get(client, "users", token).status_code == 401
