"""What a check receives: request helpers and expectations that name what the server did."""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Iterator
from urllib.parse import parse_qs
from urllib.parse import urlencode

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.context import MULTIPART_BOUNDARY
from conformance.context import CheckContext
from conformance.context import form_target
from conformance.failures import Failure
from conformance.http import HttpResponse
from mockserver import MockServer
from mockserver import get_profile
from tests.conformance.control_kit import Prepare

CREDENTIALS = load_credentials(env={})


@pytest.fixture
def ctx() -> Iterator[CheckContext]:
    target = Target.mock("documented")
    with target.session() as session:
        yield CheckContext(
            CHECKS.get("PM3-TOKEN-PASSWORD-003"),
            session,
            get_profile("documented"),
            CREDENTIALS,
            target,
        )


def test_multipart_bodies_are_the_same_every_time(ctx: CheckContext) -> None:
    first = ctx.password_grant(encoding="multipart")
    second = ctx.password_grant(encoding="multipart")
    assert "access_token" in first.json() and "access_token" in second.json()
    requests = [e.request for e in ctx.exchanges]
    assert requests[0].body == requests[1].body
    assert f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="grant_type"' in (
        requests[0].body.decode()
    )
    assert dict(requests[0].headers)["Content-Type"] == (
        f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"
    )


def nested(status: int, message: str) -> HttpResponse:
    body = f'{{"error":{{"code":{status},"message":"{message}"}}}}'.encode()
    return HttpResponse(status, (("Content-Type", "application/json"),), body)


def flat(status: int, error: str, description: str) -> HttpResponse:
    body = f'{{"error":"{error}","error_description":"{description}"}}'.encode()
    return HttpResponse(status, (("Content-Type", "application/json"),), body)


def test_a_flat_error_where_restlers_was_expected_is_named_so(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_restler_error(flat(400, "invalid_request", "x"), 400, "Bad Request")
    assert caught.value.expectation == "schema:restler-error"
    assert caught.value.message == (
        "a flat OAuth error where Restler's nested error was expected (HTTP 400)"
    )


def test_restlers_error_where_a_flat_one_was_expected_is_named_so(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_oauth_error(nested(400, "Bad Request"), "invalid_grant", "x", status=400)
    assert caught.value.expectation == "schema:oauth-error"
    assert caught.value.message == (
        "Restler's nested error where a flat OAuth error was expected (HTTP 400)"
    )


def test_the_description_is_compared_after_the_error(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_oauth_error(flat(200, "invalid_grant", "other"), "invalid_grant", "wanted")
    assert caught.value.expectation == "error_description"
    assert "'other' (HTTP 200)" in caught.value.message


def test_a_token_where_an_error_was_expected_is_refused_not_a_status(ctx: CheckContext) -> None:
    token = HttpResponse(200, (), b'{"access_token":"abc","token_type":"bearer"}')
    with pytest.raises(Failure) as caught:
        ctx.expect_oauth_error(token, "invalid_grant", "Invalid refresh token")
    assert (caught.value.kind, caught.value.expectation) == ("failure", "refused")
    assert caught.value.message.endswith("got HTTP 200 with a token")


def test_an_empty_answer_names_its_status(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_json(HttpResponse(503, (), b""))
    assert (caught.value.kind, caught.value.expectation) == ("schema_violation", "json")
    assert caught.value.message == "expected a JSON body, got HTTP 503 with an empty body"


def _login_page(status: int, body: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("login", times=None, method="GET").respond_with(
            status, body=body, headers={"Content-Type": "text/html"}
        )

    return prepare


@pytest.mark.parametrize("check_id", ["PM3-AUTHZ-002", "PM3-AUTHZ-008"])
def test_a_missing_login_page_is_the_servers_failure(check_id: str) -> None:
    target = Target.mock("documented", prepare=_login_page(404, "<h1>Not Found</h1>"))
    result = run_check(CHECKS.get(check_id), target, get_profile("documented"), CREDENTIALS)
    assert result.outcome == "failed"
    assert result.failures[0].expectation == "login"
    assert "HTTP 404" in result.failures[0].message


def test_a_login_page_without_a_form_is_the_suites_error() -> None:
    target = Target.mock("documented", prepare=_login_page(200, "<p>Welcome</p>"))
    result = run_check(CHECKS.get("PM3-AUTHZ-002"), target, get_profile("documented"), CREDENTIALS)
    assert result.outcome == "error"
    assert "no login form this suite can fill in" in result.failures[0].message
    assert "HTTP 200" in result.failures[0].message


def test_a_form_without_a_method_is_a_get() -> None:
    from conformance.context import parse_forms

    forms = parse_forms('<form action="/x"><input name="a" value="1"></form>')
    assert forms[0]["method"] == "get"
    assert parse_forms('<form method="POST" action="/y"></form>')[0]["method"] == "POST"


def test_token_requests_carry_no_session_cookie(ctx: CheckContext) -> None:
    ctx.login()  # through the form: the PHP session cookie is held
    assert "PHPSESSID" in ctx.cookies.values
    before = len(ctx.exchanges)
    ctx.password_grant()
    ctx.api("users", "0" * 40)
    sent = [dict(e.request.headers) for e in ctx.exchanges[before:]]
    assert len(sent) == 2 and all("Cookie" not in h and "cookie" not in h for h in sent), sent


def test_password_grant_with_basic_sends_the_overrides_it_is_given(ctx: CheckContext) -> None:
    ctx.password_grant(basic=True, client_id="body-id", client_secret="body-secret")
    body = ctx.exchanges[-1].request.body.decode()
    assert "client_id=body-id" in body and "client_secret=body-secret" in body


def test_password_grant_with_basic_leaves_the_client_out_of_the_body(ctx: CheckContext) -> None:
    ctx.password_grant(basic=True)
    request = ctx.exchanges[-1].request
    sent = parse_qs(request.body.decode())
    assert "client_id" not in sent and "client_secret" not in sent, sent
    assert sent["grant_type"] == ["password"]
    pair = f"{CREDENTIALS.client_id}:{CREDENTIALS.client_secret}".encode()
    assert dict(request.headers)["Authorization"] == f"Basic {b64encode(pair).decode()}"


def test_a_refused_login_is_the_servers_failure_named_so() -> None:
    target = Target.mock(
        "documented",
        prepare=lambda pm: pm.override("token", times=None).respond_with_error(
            "invalid_grant", "Invalid username and password combination"
        ),
    )
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-TOKEN-PASSWORD-003"),
            session,
            get_profile("documented"),
            CREDENTIALS,
            target,
        )
        with pytest.raises(Failure) as caught:
            ctx.tokens()
    assert caught.value.expectation == "token"
    assert caught.value.message.startswith("a valid password grant should give a token, got HTTP")


def test_a_consent_page_without_a_form_fails_on_the_page() -> None:
    def prepare(pm: MockServer) -> None:
        pm.override("authorize", times=None, method="GET").respond_with(
            200, body="<p>consent</p>", headers={"Content-Type": "text/html"}
        )

    target = Target.mock("documented", prepare=prepare)
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-AUTHZ-002"), session, get_profile("documented"), CREDENTIALS, target
        )
        with pytest.raises(Failure) as caught:
            ctx.consent(ctx.authorize_params("code"))
    assert caught.value.expectation == "page"
    assert "with no form" in caught.value.message


def test_a_missing_refresh_token_is_named(ctx: CheckContext) -> None:
    c = ctx.credentials
    answer = ctx.token(
        {
            "grant_type": "client_credentials",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
        }
    )
    with pytest.raises(Failure) as caught:
        ctx.expect_token_response(answer, refresh=True)
    assert caught.value.message == "refresh_token: expected present, got none"


def test_a_content_type_given_with_a_form_is_sent_alone(ctx: CheckContext) -> None:
    own = "application/x-www-form-urlencoded; charset=UTF-8"
    ctx.request("POST", "/workflow/oauth2/token", form={"a": "b"}, headers={"Content-Type": own})
    sent = [(k, v) for k, v in ctx.exchanges[-1].request.headers if k.lower() == "content-type"]
    assert sent == [("Content-Type", own)]


def test_location_parts_keep_blank_parameters() -> None:
    response = HttpResponse(302, (("Location", "https://app.example/cb?code=&state=s#x="),), b"")
    assert CheckContext.location_parts(response) == (
        "https://app.example/cb",
        {"code": "", "state": "s"},
        {"x": ""},
    )


def test_an_expected_absent_header_is_named_absent(ctx: CheckContext) -> None:
    response = HttpResponse(200, (("X-Frame-Options", "DENY"),), b"")
    with pytest.raises(Failure) as caught:
        ctx.expect_header(response, "X-Frame-Options", None)
    assert caught.value.message == "header X-Frame-Options: expected absent, got 'DENY' (HTTP 200)"
    assert (caught.value.kind, caught.value.expectation) == (
        "header_mismatch",
        "header:X-Frame-Options",
    )
    with pytest.raises(Failure) as caught:
        ctx.expect_header(response, "X-Frame-Options", "SAMEORIGIN")
    assert "expected 'SAMEORIGIN', got 'DENY'" in caught.value.message


def test_the_form_parser_fills_every_default() -> None:
    from conformance.context import parse_forms

    html = (
        "<p><input name='outside' value='x'></p>"
        "<form><input name='bare'><input value='nameless'><textarea name='note'></textarea>"
        "<input name='empty' value><button>Go</button><button name='deny' value='no'>"
        "</button></form>"
        "<form action='/a?b=c' method='post'><input name='k' value='v'></form>"
    )
    assert parse_forms(html) == [
        {
            "action": "",
            "method": "get",
            "inputs": {"bare": "", "note": "", "empty": ""},
            "buttons": [("", ""), ("deny", "no")],
        },
        {"action": "/a?b=c", "method": "post", "inputs": {"k": "v"}, "buttons": []},
    ]


def test_every_request_names_its_method_in_capitals(ctx: CheckContext) -> None:
    ctx.token({"grant_type": "client_credentials"})
    ctx.authorize_get(ctx.authorize_params("code"))
    assert [e.request.method for e in ctx.exchanges] == ["POST", "GET"]


LOGIN_INPUTS = '<input name="form[USR_USERNAME]"><input name="form[USR_PASSWORD]" type="password">'


@pytest.mark.parametrize(
    ("action", "posted"),
    [
        ("authentication.php", "/sysworkflow/en/neoclassic/login/authentication.php"),
        ("", "/sysworkflow/en/neoclassic/login/login?u="),
    ],
)
def test_a_login_forms_action_is_resolved_against_its_page(action: str, posted: str) -> None:
    """As a browser does: relative to the page, and an empty action posts back to the page."""
    target = Target.mock(
        "documented",
        prepare=_login_page(200, f'<form method="post" action="{action}">{LOGIN_INPUTS}</form>'),
    )
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-AUTHZ-002"), session, get_profile("documented"), CREDENTIALS, target
        )
        if action:
            ctx.login()
            assert "PHPSESSID" in ctx.cookies.values
        else:
            with pytest.raises(Failure):  # posting back to the login page starts no session
                ctx.login()
        assert ctx.exchanges[-1].request.method == "POST"
        assert ctx.exchanges[-1].request.path.startswith(posted)


def test_a_consent_page_without_a_named_deny_lists_its_buttons() -> None:
    def prepare(pm: MockServer) -> None:
        pm.override("authorize", times=None, method="GET").respond_with(
            200,
            body='<form method="post" action=""><button value="no">Deny</button></form>',
            headers={"Content-Type": "text/html"},
        )

    target = Target.mock("documented", prepare=prepare)
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-AUTHZ-002"), session, get_profile("documented"), CREDENTIALS, target
        )
        with pytest.raises(Failure) as caught:
            ctx.consent(ctx.authorize_params("code"), accept=False)
    assert caught.value.expectation == "page"
    assert caught.value.message == (
        "the consent page (HTTP 200) has no Deny button with a name; buttons: [('', 'no')]"
    )


def _token_answer(**fields: object) -> HttpResponse:
    body = {"access_token": "a" * 40, "token_type": "bearer", **fields}
    return HttpResponse(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


def test_a_wrong_lifetime_is_named_with_the_value_got(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_token_response(_token_answer(expires_in=7, scope=None), refresh=False)
    assert caught.value.expectation == "field:expires_in"
    assert caught.value.message == "expires_in: expected 86400, got 7"


def test_a_scope_the_profile_omits_is_refused_when_sent() -> None:
    target = Target.mock("rfc6749")
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-TOKEN-PASSWORD-003"),
            session,
            get_profile("rfc6749"),
            CREDENTIALS,
            target,
        )
        lifetime = ctx.profile.access_lifetime
        ctx.expect_token_response(_token_answer(expires_in=lifetime), refresh=False, scope=None)
        with pytest.raises(Failure) as caught:
            ctx.expect_token_response(
                _token_answer(expires_in=lifetime, scope="*"), refresh=False, scope=None
            )
    assert caught.value.expectation == "field:scope"
    assert caught.value.message == "scope: expected absent, got '*'"


def _json(status: int, body: object, *headers: tuple[str, str]) -> HttpResponse:
    return HttpResponse(
        status, (("Content-Type", "application/json"), *headers), json.dumps(body).encode()
    )


CALLBACK_ERROR = ("Location", "http://localhost/callback?error=invalid_grant")
WANTED = "expected the error 'invalid_grant': 'Invalid code'"


@pytest.mark.parametrize(
    ("answer", "kind", "expectation", "message"),
    [
        (
            HttpResponse(300, (CALLBACK_ERROR,), b""),
            "redirect_mismatch",
            "redirect",
            f"{WANTED}, got HTTP 300 to 'http://localhost/callback?error=invalid_grant'",
        ),
        (
            HttpResponse(302, (CALLBACK_ERROR,), b""),
            "redirect_mismatch",
            "redirect",
            f"{WANTED}, got HTTP 302 to 'http://localhost/callback?error=invalid_grant'",
        ),
        (
            _json(400, {"error": "invalid_request", "error_description": "Invalid code"}),
            "error_mismatch",
            "error",
            f"{WANTED}, got HTTP 400 with a flat OAuth error 'invalid_request': 'Invalid code'",
        ),
        (
            _json(400, {"error": "invalid_grant", "error_description": "Expired code"}),
            "error_mismatch",
            "error_description",
            "invalid_grant: expected the description 'Invalid code', got 'Expired code' (HTTP 400)",
        ),
        (
            _json(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Invalid code",
                    "error_uri": "http://tools.ietf.org/html/rfc6749#section-5.2",
                },
            ),
            "value_mismatch",
            "error_uri",
            "error_uri: expected 'http://tools.ietf.org/html/rfc6749#section-4.1.2', got "
            "'http://tools.ietf.org/html/rfc6749#section-5.2'",
        ),
        (
            _json(
                401,
                {
                    "error": "invalid_grant",
                    "error_description": "Invalid code",
                    "error_uri": "http://tools.ietf.org/html/rfc6749#section-4.1.2",
                },
            ),
            "status_mismatch",
            "status",
            "invalid_grant error: expected HTTP 400, got HTTP 401 with a flat OAuth error "
            "'invalid_grant': 'Invalid code'",
        ),
    ],
)
def test_each_broken_part_of_an_oauth_error_is_named(
    ctx: CheckContext, answer: HttpResponse, kind: str, expectation: str, message: str
) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_oauth_error(
            answer,
            "invalid_grant",
            "Invalid code",
            status=400,
            error_uri="http://tools.ietf.org/html/rfc6749#section-4.1.2",
        )
    assert (caught.value.kind, caught.value.expectation) == (kind, expectation)
    assert caught.value.message == message


def test_a_400_is_not_taken_for_a_redirect(ctx: CheckContext) -> None:
    answer = _json(400, {"error": "invalid_grant", "error_description": "x"}, CALLBACK_ERROR)
    with pytest.raises(Failure) as caught:
        ctx.expect_oauth_error(answer, "invalid_grant", "Invalid code", status=400)
    assert caught.value.expectation == "error_description"


@pytest.mark.parametrize(
    ("answer", "kind", "expectation", "message"),
    [
        (
            nested(404, "Bad Request"),
            "error_mismatch",
            "error",
            "expected Restler's error 400 'Bad Request', got HTTP 404 with Restler's nested error "
            "404 'Bad Request'",
        ),
        (
            nested(400, "Bad Request: nope"),
            "error_mismatch",
            "error_description",
            "Restler error 400: expected the message 'Bad Request', got 'Bad Request: nope' "
            "(HTTP 400)",
        ),
        (
            _json(200, {"error": {"code": 400, "message": "Bad Request"}}),
            "status_mismatch",
            "status",
            "Restler error 400: expected HTTP 400, got HTTP 200 with Restler's nested error "
            "400 'Bad Request'",
        ),
    ],
)
def test_each_broken_part_of_a_restler_error_is_named(
    ctx: CheckContext, answer: HttpResponse, kind: str, expectation: str, message: str
) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_restler_error(answer, 400, "Bad Request")
    assert (caught.value.kind, caught.value.expectation) == (kind, expectation)
    assert caught.value.message == message


def _accept_answered_with(status: int, location: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("authorize", method="POST", times=None).respond_with(
            status, headers={"Location": location}
        )

    return prepare


@pytest.mark.parametrize(
    ("status", "location", "expectation", "message"),
    [
        (
            303,
            "http://localhost/callback?code=" + "c" * 40,
            "redirect",
            "Accept on the consent page should redirect with a code, got HTTP 303 to "
            "'http://localhost/callback?code=<redacted>'",
        ),
        (
            302,
            "http://localhost/callback?state=s",
            "field:code",
            "Accept redirected without a code: HTTP 302 to 'http://localhost/callback?state=s'",
        ),
    ],
)
def test_an_accept_without_a_code_is_a_redirect_mismatch(
    status: int, location: str, expectation: str, message: str
) -> None:
    target = Target.mock("documented", prepare=_accept_answered_with(status, location))
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-AUTHZ-003"), session, get_profile("documented"), CREDENTIALS, target
        )
        with pytest.raises(Failure) as caught:
            ctx.code()
    assert (caught.value.kind, caught.value.expectation) == ("redirect_mismatch", expectation)
    assert caught.value.message == message


def test_a_broken_expectation_is_a_value_mismatch_unless_named(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect(False, "the body is not a list", expectation="body")
    assert (caught.value.kind, caught.value.message) == ("value_mismatch", "the body is not a list")


def test_a_schema_violation_outside_an_answer_names_no_status(ctx: CheckContext) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_schema({"error": {"code": 400}}, "oauth-error")
    assert caught.value.message == ("Restler's nested error where a flat OAuth error was expected")


@pytest.mark.parametrize(
    ("answer", "refresh", "expectation", "message"),
    [
        (
            _json(201, {"access_token": "a" * 40, "token_type": "bearer", "expires_in": 86400}),
            False,
            "status",
            "token response: expected HTTP 200, got HTTP 201 with a token",
        ),
        (
            _token_answer(expires_in=86400, scope="*", refresh_token="f" * 40),
            False,
            "field:refresh_token",
            "refresh_token: expected absent, got one",
        ),
        (
            _token_answer(expires_in=86400, refresh_token="f" * 40),
            True,
            "field:scope",
            "scope: expected '*', got '<absent>'",
        ),
        (
            _token_answer(expires_in=86400, scope="view_processes", refresh_token="f" * 40),
            True,
            "field:scope",
            "scope: expected '*', got 'view_processes'",
        ),
        (
            _token_answer(expires_in="86400", scope="*", refresh_token="f" * 40),
            True,
            "schema:token-response",
            "does not match schema token-response (HTTP 200): expires_in: '86400' is not of type "
            "'integer'",
        ),
    ],
)
def test_each_broken_part_of_a_token_answer_is_named(
    ctx: CheckContext, answer: HttpResponse, refresh: bool, expectation: str, message: str
) -> None:
    with pytest.raises(Failure) as caught:
        ctx.expect_token_response(answer, refresh=refresh, scope="*")
    assert (caught.value.expectation, caught.value.message) == (expectation, message)


@pytest.mark.parametrize(
    ("location", "base"),
    [
        ("https://app.example/cb?code=c", "https://app.example/cb"),
        ("/cb?code=c", "/cb"),  # a relative Location has no scheme or host to add
    ],
)
def test_location_parts_keep_a_relative_location_relative(location: str, base: str) -> None:
    response = HttpResponse(302, (("Location", location),), b"")
    assert CheckContext.location_parts(response) == (base, {"code": "c"}, {})


@pytest.mark.parametrize(
    ("page", "action", "posted"),
    [
        ("/login/login?u=x", "authentication.php", "/login/authentication.php"),
        ("/login/login?u=x", "", "/login/login?u=x"),
        ("/login/login", "", "/login/login"),  # no query: no bare "?"
        ("/login/login?u=x", "/other?a=b#frag", "/other?a=b"),
    ],
)
def test_a_form_posts_to_its_action_resolved_against_its_page(
    page: str, action: str, posted: str
) -> None:
    assert form_target(page, {"action": action}) == posted


def test_the_login_page_is_asked_for_with_the_authorize_request_to_return_to(
    ctx: CheckContext,
) -> None:
    ctx.login()
    back = f"/workflow/oauth2/authorize?response_type=code&client_id={CREDENTIALS.client_id}"
    page = ctx.exchanges[0].request
    assert (page.method, page.path) == (
        "GET",
        f"/sysworkflow/en/neoclassic/login/login?{urlencode({'u': back})}",
    )


def test_a_missing_login_page_is_a_status_mismatch(ctx: CheckContext) -> None:
    ctx.mock.override("login", times=None, method="GET").respond_with(404, body="Not Found")
    with pytest.raises(Failure) as caught:
        ctx.login()
    assert (caught.value.kind, caught.value.expectation) == ("status_mismatch", "login")
    assert caught.value.message.startswith(
        "the login page /sysworkflow/en/neoclassic/login/login should answer HTTP 200 with a "
        "login form, got HTTP 404"
    ), caught.value.message


SESSION_COOKIE = ("Set-Cookie", "PHPSESSID=0123456789abcdef; path=/")


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_login_redirecting_with_a_session_cookie_succeeds(ctx: CheckContext, status: int) -> None:
    ctx.mock.override("login", times=None, method="POST").respond_with(
        status, headers=dict([("Location", "/workflow/oauth2/authorize"), SESSION_COOKIE])
    )
    ctx.login()
    assert ctx.exchanges[-1].response is not None
    assert ctx.exchanges[-1].response.status == status
    assert "PHPSESSID" in ctx.cookies.values


@pytest.mark.parametrize(
    ("status", "headers", "got"),
    [
        (200, dict([SESSION_COOKIE]), "HTTP 200 with an empty body and a PHPSESSID cookie"),
        (
            302,
            {"Location": "login?u=%2F"},
            "HTTP 302 to 'login?u=%2F' and a PHPSESSID cookie (back to the login page: the "
            "credentials were refused)",
        ),
    ],
)
def test_a_login_that_starts_no_session_is_named(
    ctx: CheckContext, status: int, headers: dict[str, str], got: str
) -> None:
    ctx.mock.override("login", times=None, method="POST").respond_with(status, headers=headers)
    with pytest.raises(Failure) as caught:
        ctx.login()
    assert caught.value.expectation == "login"
    assert caught.value.message == (
        f"logging in through the login form should redirect and start a PHP session, got {got}"
    )


@pytest.mark.parametrize("encoding", ["form", "json", "multipart"])
def test_a_token_request_is_a_cookieless_post_with_its_query(
    ctx: CheckContext, encoding: str
) -> None:
    ctx.login()  # a PHP session cookie is held, and must not be sent
    ctx.token({"grant_type": "client_credentials"}, encoding=encoding, query={"x": "1"})
    sent = ctx.exchanges[-1].request
    assert (sent.method, sent.path) == ("POST", "/workflow/oauth2/token?x=1")
    assert [name for name, _ in sent.headers] == ["Content-Type"]


def test_a_request_without_a_body_sends_none(ctx: CheckContext) -> None:
    ctx.request("GET", "/api/1.0/workflow/users")
    assert ctx.exchanges[-1].request.body == b""


@pytest.mark.parametrize("given", [{}, {"Content-Type": "application/json; charset=utf-8"}])
def test_a_json_body_is_sent_with_one_content_type(
    ctx: CheckContext, given: dict[str, str]
) -> None:
    ctx.request("POST", "/workflow/oauth2/token", json_body={"a": "b"}, headers=given)
    sent = ctx.exchanges[-1].request
    assert sent.headers == (("Content-Type", given.get("Content-Type", "application/json")),)
    assert sent.body == b'{"a": "b"}'
