"""Restler's front door on every route: routing, negotiation, authentication, permission,
validation, and an honest 501 for what the mock does not model (source fact §13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol import restler_routes
from mockserver.protocol.api import modelled_routes
from mockserver.state.seed import ADMIN_UID
from tests.mockserver.helpers import tokens

API = "/api/1.0/workflow/"
UNAUTHORIZED = {"error": {"code": 401, "message": "Unauthorized"}}
# The routes the client programs met as 404/405 before this round, and a few more.
PROTECTED = [
    ("POST", "cases"),
    ("POST", "user"),
    ("POST", "users"),
    ("PUT", f"user/{ADMIN_UID}"),
    ("DELETE", f"user/{ADMIN_UID}"),
    ("GET", "groups"),
    ("GET", "roles"),
    ("GET", "departments"),
    ("GET", "cases/00000000000000000000000000000001/variables"),
    ("PUT", "cases/00000000000000000000000000000001/variable"),
    ("GET", "case/start-cases"),
    ("GET", "project/4224292655297723eb98691001100052"),
    ("GET", "light/start-case"),
    ("GET", "calendars"),
]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _json(response: Any) -> Any:
    return json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize("profile_name", ["documented", "pm-3.0-rc", "pm-3.4.10", "pm-3.4.11"])
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_protected_route_is_restlers_401_without_a_token_whatever_the_method(
    mock: MockServer, client: Client, method: str, path: str
) -> None:
    found = restler_routes.table(mock.profile.rest_release).find(method, path)
    assert isinstance(found, restler_routes.Found)
    if found.route.access == "public":  # 3.0's Department class is not @protected
        assert found.route.class_.endswith("Department")
        refused = client.open(API + path, method=method)
        assert _json(refused)["error"]["message"] == (
            'Bad Request: The user with "" not have permissions to perform this action.'
        )
        return
    response = client.open(API + path, method=method, json={"usr_username": "x"})
    assert response.status_code == 401, (method, path, response.get_data())
    assert response.status == "401 Unauthorized"
    assert _json(response) == UNAUTHORIZED
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize("profile_name", ["pm-3.4.11"])
def test_a_bad_token_expired_token_or_two_tokens_are_the_same_401(
    mock: MockServer, client: Client
) -> None:
    token = tokens(client)["access_token"]
    both = client.get(API + "users", headers=_bearer(token), query_string={"access_token": token})
    lower = client.get(API + "users", headers={"Authorization": f"bearer {token}"})
    unknown = client.get(API + "users", headers=_bearer("f" * 40))
    mock.expire_token(token)
    expired = client.get(API + "users", headers=_bearer(token))
    for response in (both, lower, unknown, expired):
        assert response.status_code == 401 and _json(response) == UNAUTHORIZED


def test_routing_comes_first_unknown_paths_are_404_and_known_ones_405_with_allow(
    client: Client,
) -> None:
    assert client.get(API + "processes").status_code == 404
    assert _json(client.get(API + "no/such/thing")) == {
        "error": {"code": 404, "message": "Not Found"}
    }
    put = client.put(API + "users")
    assert put.status_code == 405 and put.headers["Allow"] == "GET, POST"
    assert put.status == "405 Method Not Allowed"
    # a path with parameters is never an exact key: another method there is 404 (Routes::find)
    assert client.open(API + f"user/{ADMIN_UID}", method="PATCH").status_code == 404


@pytest.mark.parametrize("profile_name", ["pm-3.4.11", "documented", "pm-3.4.10"])
def test_accesscontrol_refuses_an_operator_on_a_permission_route_with_401(
    mock: MockServer, client: Client
) -> None:
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    operator = tokens(client, username="op", password="op-pass")["access_token"]
    for path in ("users", f"user/{ADMIN_UID}"):
        refused = client.get(API + path, headers=_bearer(operator))
        assert refused.status_code == 401 and _json(refused) == UNAUTHORIZED, path
    # johndoe (PROCESSMAKER_MANAGER) has PM_USERS: the documentation's call works
    johndoe = tokens(client)["access_token"]
    assert client.get(API + "users", headers=_bearer(johndoe)).status_code == 200


@pytest.mark.parametrize("profile_name", ["pm-3.0-rc"])
def test_before_3_2_the_user_class_constructor_refuses_with_400(
    mock: MockServer, client: Client
) -> None:
    uid = mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    operator = tokens(client, username="op", password="op-pass")["access_token"]
    refused = client.get(API + "users", headers=_bearer(operator))
    assert refused.status_code == 400
    assert _json(refused) == {
        "error": {
            "code": 400,
            "message": f'Bad Request: The user with "{uid}" not have permissions to perform '
            "this action.",
        }
    }


@pytest.mark.parametrize("profile_name", ["pm-3.4.11"])
def test_a_route_the_mock_does_not_model_is_a_501_that_names_it(client: Client) -> None:
    admin = tokens(client, username="admin", password="admin")["access_token"]
    table = restler_routes.table("3.4.11")
    found = table.find("GET", "calendars")
    assert isinstance(found, restler_routes.Found)
    assert found.route not in modelled_routes("3.4.11")
    response = client.get(API + "calendars", headers=_bearer(admin))
    assert response.status_code == 501 and response.status == "501 Not Implemented"
    message = _json(response)["error"]["message"]
    assert message.startswith("Not Implemented: The pm3 mock does not model GET calendar")
    assert f"{found.route.class_}::{found.route.function}" in message
    assert found.route.source in message
    # still behind the real door: no token is 401, not 501
    assert client.get(API + "calendars").status_code == 401


def test_suppress_response_codes_turns_every_status_into_200(client: Client) -> None:
    refused = client.get(API + "users", query_string={"suppress_response_codes": "true"})
    assert refused.status_code == 200 and _json(refused) == UNAUTHORIZED
    missing = client.get(API + "nothing", query_string={"suppress_response_codes": "1"})
    assert missing.status_code == 200 and _json(missing)["error"]["code"] == 404
    assert (
        client.get(API + "users", query_string={"suppress_response_codes": "false"}).status_code
        == 401
    )


def test_negotiation_406_vary_and_content_language(client: Client) -> None:
    xml = client.get(API + "users", headers={"Accept": "application/xml"})
    assert xml.status_code == 406 and xml.status == "406 Not Acceptable"
    assert _json(xml)["error"]["message"] == (
        "Not Acceptable: Content negotiation failed. Try `application/json` instead."
    )
    # 406 comes before routing's answer is sent, and before authentication
    assert client.get(API + "nothing", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get(API + "users.json", headers={"Accept": "text/csv"}).status_code == 401
    charset = client.get(API + "users", headers={"Accept-Charset": "koi8-r"})
    assert _json(charset)["error"]["message"] == (
        "Not Acceptable: Content negotiation failed. Requested charset is not supported"
    )
    answer = client.get(API + "users", headers={"Accept": "*/*", "Accept-Language": "en-us, fr"})
    assert answer.status_code == 401
    assert answer.headers["Vary"] == "Accept" and answer.headers["Content-Language"] == "en-US"
    default = client.get(API + "users", headers={"Accept-Language": "fr"})
    assert default.headers["Content-Language"] == "en"
    assert default.headers["Content-Type"] == "application/json; charset=utf-8"
    latin = client.get(API + "users", headers={"Accept-Charset": "iso-8859-1;q=1, utf-8;q=0.5"})
    assert latin.headers["Content-Type"] == "application/json; charset=iso-8859-1"


def test_head_is_get_and_the_method_can_be_overridden(client: Client) -> None:
    token = tokens(client)["access_token"]
    head = client.head(API + "users", headers=_bearer(token))
    assert head.status_code == 200 and head.get_data() == b""
    # Util::getRequestMethod: X-HTTP-Method-Override, or http_method=PUT|DELETE|POST|PATCH
    put = client.get(API + "users", headers={"X-HTTP-Method-Override": "PUT"})
    assert put.status_code == 405 and put.headers["Allow"] == "GET, POST"
    posted = client.get(API + "users", query_string={"http_method": "post"})
    assert posted.status_code == 401  # POST users exists: authentication comes next
    ignored = client.get(API + "users", query_string={"http_method": "TRACE"})
    assert ignored.status_code == 401


def test_a_token_in_a_form_post_body_authenticates_and_elsewhere_in_the_body_it_does_not(
    client: Client,
) -> None:
    token = tokens(client, username="admin", password="admin")["access_token"]
    form = client.post(API + "users", data={"access_token": token})
    assert form.status_code == 400  # authenticated: the body then fails validation
    assert _json(form)["error"]["code"] == 400
    as_json = client.post(API + "users", json={"access_token": token})
    assert as_json.status_code == 401
    put = client.put(API + f"user/{ADMIN_UID}", data={"access_token": token})
    assert put.status_code == 401  # bshaffer: "the method must be POST"


def test_a_body_restler_cannot_read_is_400_once_the_route_is_known(client: Client) -> None:
    broken = client.post(API + "users", data=b"{nope", content_type="application/json")
    assert broken.status_code == 400
    assert _json(broken)["error"]["message"] == "Bad Request: Error parsing JSON, malformed JSON"
    assert (
        client.post(
            API + "nothing/here", data=b"{nope", content_type="application/json"
        ).status_code
        == 404
    )
    unsupported = client.post(API + "users", data=b"x", content_type="text/csv")
    assert unsupported.status_code == 403


def test_the_oauth_server_answers_under_the_api_too(mock: MockServer, client: Client) -> None:
    body = tokens(client)
    assert body["access_token"]
    # Server is also mounted at the API root: DELETE /{token} and POST /{token}/expire
    token = body["access_token"]
    assert client.post(API + f"oauth2/{token}/expire").status_code == 200
    gone = client.delete(API + token)
    assert gone.status_code == 200
    assert mock.workspace().get_access_token(token) is None
    again = client.delete(API + token)
    assert again.status_code == 400
    assert token in _json(again)["error"]["message"]
    # a one-segment DELETE is that route too, whatever the segment: users is no token
    users = client.delete(API + "users")
    assert _json(users)["error"]["message"] == (
        'Bad Request: The row "users" in table OAUTH_ACCESS_TOKENS doesn\'t exist!'
    )


def test_every_route_of_every_release_answers_without_a_500(client: Client) -> None:
    """A GET of every GET route of the served release, with and without a token: never a 500."""
    token = tokens(client, username="admin", password="admin")["access_token"]
    for route in restler_routes.table("3.4.11").routes:
        if route.method != "GET":
            continue
        path = route.path.replace("{", "").replace("}", "")
        for headers in ({}, _bearer(token)):
            response = client.get(API + path, headers=headers)
            assert response.status_code != 500, (route.path, response.get_data())


@pytest.mark.parametrize("profile_name", ["pm-3.4.11"])
def test_a_route_the_mock_does_not_model_gets_a_body_in_one_line(
    mock: MockServer, client: Client
) -> None:
    admin = tokens(client, username="admin", password="admin")["access_token"]
    assert client.get(API + "calendars", headers=_bearer(admin)).status_code == 501
    assert mock.give_route("GET", "calendars", [{"cal_uid": "c1"}]) == "calendars"
    given = client.get(API + "calendars", headers=_bearer(admin))
    assert given.status_code == 200 and _json(given) == [{"cal_uid": "c1"}]
    assert given.headers["X-Powered-By"].startswith("Luracast Restler v")
    # behind the door still: no token is 401, an operator without PM_SETUP is 401
    assert client.get(API + "calendars").status_code == 401
    mock.add_user("op", "op-pass", role="PROCESSMAKER_OPERATOR")
    operator = tokens(client, username="op", password="op-pass")["access_token"]
    assert client.get(API + "calendars", headers=_bearer(operator)).status_code == 401
    # a concrete path names its route; an unknown one is refused by name
    assert mock.give_route("get", "calendar/abc", {"x": 1}, status=201) == "calendar/{cal_uid}"
    assert client.get(API + "calendar/" + "z" * 32, headers=_bearer(admin)).status_code == 201
    with pytest.raises(KeyError, match="no GET route at 'nothing/here'"):
        mock.give_route("GET", "nothing/here")
    mock.reset()
    assert client.get(API + "calendars", headers=_bearer(admin)).status_code in (401, 501)


def test_the_committed_list_of_modelled_routes_has_not_drifted() -> None:
    import os
    from pathlib import Path

    from mockserver.protocol.api import modelled_document

    doc = Path(__file__).resolve().parents[3] / "docs" / "rest-modelled.md"
    if os.environ.get("PM3_UPDATE_GOLDEN"):
        doc.write_text(modelled_document())
    assert doc.read_text() == modelled_document(), "run with PM3_UPDATE_GOLDEN=1 to regenerate"
    # each modelled route is one the table has, and the rest are 501 (asserted above)
    assert {r.method for r in modelled_routes("3.4.11")} == {"GET", "POST", "PUT", "DELETE"}


def test_oauth_mode_goes_through_the_same_route_table(client: Client) -> None:
    """WebApplication::run (SERVICE_OAUTH2): /{ws}/oauth2/... is Restler's dispatch too."""
    info = client.get("/workflow/oauth2")
    assert info.status_code == 200
    # Server::index prints its page, then Restler sends its JSON headers with no body of its own
    assert info.headers["Content-Type"] == "application/json; charset=utf-8"
    page = info.get_data(as_text=True)
    assert "<title>ProcessMaker Oauth2 Server</title>" in page
    assert "/workflow/oauth2/authorize?response_type=code&amp;client_id=[the-client-id]" in page
    assert client.get(API).get_data(as_text=True) == page  # the root mount is the same method
    # a path with parameters is never an exact key: GET there is 404, not 405
    assert client.get("/workflow/oauth2/abc/expire").status_code == 404
    assert client.get("/workflow/oauth2/nothing").status_code == 404
    token = client.get("/workflow/oauth2/token")
    assert token.status_code == 405 and token.headers["Allow"] == "POST"
    # a public method the mock does not model says so
    scope = client.get("/workflow/oauth2/scope")
    assert scope.status_code == 501 and "Server::getScope" in _json(scope)["error"]["message"]


@pytest.mark.parametrize("profile_name", ["pm-3.4.11", "pm-3.0-rc"])
def test_no_route_of_any_method_answers_500_whatever_the_body(
    mock: MockServer, client: Client
) -> None:
    """Every route of the served release, every method, an admin's token, and bodies a client
    can send by mistake: never a 500, and the mock records no error."""
    token = tokens(client, username="admin", password="admin")["access_token"]
    bodies: list[dict[str, Any]] = [
        {},
        {"data": b"{nope", "content_type": "application/json"},
        {"json": ["a", 1]},
        {"json": {"usr_username": 5, "pro_uid": ["x"], "variables": "text", "tas_uid": None}},
    ]
    for route in restler_routes.table(mock.profile.rest_release).routes:
        path = route.path.replace("{", "x").replace("}", "")
        for body in bodies:
            response = client.open(API + path, method=route.method, headers=_bearer(token), **body)
            assert response.status_code != 500, (route.method, route.path, body)
    mock.check()
