"""The front controller: routing modes, unknown workspaces, bad input, CORS — per profile."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.protocol.errors import InvalidRequestError
from mockserver.protocol.errors import UnsupportedGrantTypeError
from mockserver.state.mysql import MysqlBackend
from mockserver.state.mysql import MysqlTarget
from mockserver.state.mysql import parse_store_url
from tests.mariadb import Server
from tests.mockserver.helpers import TOKEN
from tests.mockserver.helpers import error_of
from tests.mockserver.helpers import password_params


@pytest.mark.parametrize(
    ("profile_name", "status", "body", "content_type"),
    [
        ("documented", 503, b"", None),
        (
            "pm-3.0-rc",
            503,
            b"<p>You have specified an unavailable workspace.</p></body></html>\n",
            "text/html; charset=utf-8",
        ),
        (
            "pm-3.4.10",
            400,
            b"You have specified an unavailable workspace.",
            "application/json; charset=utf-8",
        ),
        (
            "pm-3.4.11",
            400,
            b"You have specified an unavailable workspace.",
            "application/json; charset=utf-8",
        ),
        ("rfc6749", 404, b"Not Found", "application/json; charset=utf-8"),
    ],
    indirect=["profile_name"],
)
def test_unknown_workspace(
    client: Client, status: int, body: bytes, content_type: str | None
) -> None:
    for path in ("/nosuch/oauth2/token", "/api/1.0/nosuch/users"):
        response = client.post(path, data=password_params())
        assert response.status_code == status
        if body:
            assert body in response.get_data()
            if content_type and content_type.startswith("text/html"):
                assert response.get_data().endswith(body)
        else:
            assert response.get_data() == b""
        assert response.headers.get("Content-Type") == content_type
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("profile_name", ["pm-3.4.10"])
def test_source_unknown_workspace_body_is_pretty_restler_debug_json(client: Client) -> None:
    response = client.post("/nosuch/oauth2/token", data=password_params())
    text = response.get_data(as_text=True)
    assert text.startswith('{\n    "error": {\n        "code": 400,')
    body = json.loads(text)
    assert body["error"]["message"] == "Bad Request: You have specified an unavailable workspace."
    assert "debug" in body


def test_workspace_names_are_case_sensitive(client: Client) -> None:
    assert client.post("/Workflow/oauth2/token", data=password_params()).status_code == 503


def test_workspace_starting_with_api_is_routed_to_api_mode(
    mock: MockServer, client: Client
) -> None:
    mock.add_workspace("apitest")
    response = client.post("/apitest/oauth2/token", data=password_params())
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": "Bad Request: Invalid API version."}}


def test_token_endpoint_is_also_reachable_in_api_mode(client: Client) -> None:
    response = client.post("/api/1.0/workflow/oauth2/token", data=password_params())
    assert "access_token" in (response.json or {})


def test_missing_and_unsupported_grant_type(client: Client) -> None:
    assert error_of(client.post(TOKEN, data={})) == (
        "invalid_request",
        InvalidRequestError.NO_GRANT_TYPE,
    )
    response = client.post(TOKEN, data=password_params(grant_type="magic"))
    assert error_of(response) == ("unsupported_grant_type", 'Grant type "magic" not supported')
    assert UnsupportedGrantTypeError.describe("magic") == 'Grant type "magic" not supported'


def test_malformed_json_is_a_restler_400(client: Client) -> None:
    response = client.post(TOKEN, data=b'{"grant_type": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json == {
        "error": {"code": 400, "message": "Bad Request: Error parsing JSON, malformed JSON"}
    }


@pytest.mark.parametrize("content_type", ["text/plain", "Application/JSON", "application/xml"])
def test_unsupported_content_type_is_a_restler_403(client: Client, content_type: str) -> None:
    response = client.post(TOKEN, data=b"grant_type=password", content_type=content_type)
    assert response.status_code == 403
    message = (response.json or {})["error"]["message"]
    assert message == f"Forbidden: Content type `{content_type}` is not supported."


def test_no_content_type_is_decoded_as_json(client: Client) -> None:
    body = json.dumps(password_params()).encode()
    response = client.post(TOKEN, data=body, headers={"Content-Type": ""})
    assert "access_token" in (response.json or {})


def test_json_charset_and_non_string_values(client: Client) -> None:
    body = json.dumps({**password_params(), "grant_type": 5}).encode()
    response = client.post(TOKEN, data=body, content_type="application/json; charset=utf-8")
    assert error_of(response) == ("unsupported_grant_type", 'Grant type "5" not supported')
    body = json.dumps({**password_params(), "grant_type": ["password"]}).encode()
    response = client.post(TOKEN, data=body, content_type="application/json")
    assert error_of(response)[1] == 'Grant type "Array" not supported'


def test_json_that_is_not_an_object(client: Client) -> None:
    response = client.post(TOKEN, data=b"[1, 2]", content_type="application/json")
    assert error_of(response)[0] == "invalid_request"


def test_duplicated_form_field_keeps_the_last_value(client: Client) -> None:
    body = (
        b"grant_type=magic&grant_type=password&"
        + "&".join(f"{k}={v}" for k, v in password_params().items() if k != "grant_type")
        .replace("*", "%2A")
        .encode()
    )
    response = client.post(TOKEN, data=body, content_type="application/x-www-form-urlencoded")
    assert "access_token" in (response.json or {})


def test_invalid_utf8_gets_an_answer_not_a_crash(mock: MockServer, client: Client) -> None:
    response = client.post(
        TOKEN,
        data=b"grant_type=\xff\xfe&username=\xc3",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert error_of(response)[0] == "unsupported_grant_type"
    response = client.post(TOKEN, data=b'{"grant_type": "\xff"}', content_type="application/json")
    assert response.status_code == 400


def test_body_over_the_limit_is_a_clear_413(client: Client) -> None:
    response = client.post(TOKEN, data={"grant_type": "password", "x": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "limit" in (response.json or {})["error"]["message"]


def test_get_on_token_endpoint_is_a_restler_error(client: Client) -> None:
    response = client.get(TOKEN)
    assert response.status_code == 405
    assert response.json == {"error": {"code": 405, "message": "Method Not Allowed"}}


def test_unknown_paths(client: Client) -> None:
    assert client.get("/").status_code == 404
    assert client.get("/workflow/oauth2/nothing/here/at/all").status_code == 404
    assert client.get("/sysworkflow/en/neoclassic/nothing").status_code == 404


def test_options_short_circuits_with_cors(client: Client) -> None:
    response = client.options(TOKEN)
    assert response.status_code == 200
    assert response.get_data() == b""
    assert (
        response.headers["Access-Control-Allow-Methods"]
        == "GET, POST, PUT, DELETE, OPTIONS, HEADERS"
    )
    assert response.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    assert response.headers["Access-Control-Max-Age"] == "60"


def test_token_responses_carry_cors_and_no_cache(client: Client) -> None:
    response = client.post(TOKEN, data=password_params())
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Pragma"] == "no-cache"
    assert response.get_data(as_text=True).count("\\/") == 0  # no slash in tokens to escape


@pytest.mark.parametrize("profile_name", ["rfc6749"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps(password_params()).encode()),
        ("application/json", b'{"grant_type": '),
        ("application/json; charset=utf-8", b"\xff{"),
        (None, b"{"),
    ],
)
def test_a_server_that_reads_no_json_answers_any_json_body_as_an_empty_form(
    client: Client, content_type: str | None, body: bytes
) -> None:
    """Well-formed or malformed, a JSON body (or one without Content-Type, which Restler reads
    as JSON) is no parameters there: the answer is an empty form's, never Restler's parse
    error."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(TOKEN, data=body, headers=headers)
    empty = client.post(TOKEN, data=b"", content_type="application/x-www-form-urlencoded")
    assert response.status_code == empty.status_code == 400
    assert (
        error_of(response)
        == error_of(empty)
        == (
            "invalid_request",
            InvalidRequestError.NO_GRANT_TYPE,
        )
    )
    assert response.headers.get("X-Powered-By") == empty.headers.get("X-Powered-By")


def test_a_defect_is_recorded_and_answered_with_500(mock: MockServer, client: Client) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("boom")

    mock.app.dispatch = boom  # type: ignore[method-assign]
    response = client.get("/anything")
    assert response.status_code == 500
    with pytest.raises(RuntimeError, match="boom"):
        mock.check()


def test_incomplete_body_is_not_processed(mock: MockServer) -> None:
    import io

    from werkzeug.test import EnvironBuilder

    body = "&".join(f"{k}={v}" for k, v in password_params().items()).replace("*", "%2A").encode()
    environ = EnvironBuilder(
        path=TOKEN, method="POST", data=body, content_type="application/x-www-form-urlencoded"
    ).get_environ()
    environ["wsgi.input"] = io.BytesIO(body[:-10])  # the client went away early
    statuses: list[str] = []
    answer = b"".join(mock.app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses == ["400 Bad Request"]
    assert b"incomplete" in answer
    assert mock.workspace().count("OAUTH_ACCESS_TOKENS") == 0


def test_form_parser_agrees_with_parse_qsl() -> None:
    from urllib.parse import parse_qsl

    from hypothesis import given
    from hypothesis import strategies as st

    from mockserver.protocol.params import parse_form

    @given(st.binary(max_size=60) | st.text(alphabet="ab=&%+;2AFz é", max_size=40).map(str.encode))
    def agree(raw: bytes) -> None:
        text = raw.decode("utf-8", errors="replace")
        assert parse_form(raw) == dict(parse_qsl(text, keep_blank_values=True, errors="replace"))

    agree()


def test_a_store_server_away_is_503_and_back_without_a_restart(mariadb: Server) -> None:
    """The shared database down (here: its address unreachable) is a temporary 503, never a
    500 nor a crash; once it is reachable again the same mock serves."""
    workspace = mariadb.workspace()
    target = parse_store_url(mariadb.url, mariadb.password)
    pm = MockServer(store=target, workspaces=(workspace,))
    try:
        client = Client(pm.app)
        assert (
            "access_token" in client.post(f"/{workspace}/oauth2/token", data=password_params()).json
        )
        backend = pm.workspace(workspace).backend
        assert isinstance(backend, MysqlBackend)
        backend.target = MysqlTarget("127.0.0.1", 1, target.user, target.password, target.url)
        backend.close()
        away = client.post(f"/{workspace}/oauth2/token", data=password_params())
        assert away.status_code == 503
        assert "unavailable" in away.json["error"]["message"] or "reach" in away.get_data(
            as_text=True
        )
        backend.target = target
        back = client.post(f"/{workspace}/oauth2/token", data=password_params())
        assert "access_token" in back.json
        pm.check()  # nothing recorded as the mock's own defect
    finally:
        pm.close()
        backend_drop = MysqlBackend(target, workspace)
        backend_drop.execute(f"DROP DATABASE `wf_{workspace}`")
        backend_drop.close()
