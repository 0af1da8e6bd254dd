"""The documented clients' request builders, and what their checks show in a report."""

from __future__ import annotations

import base64
import json
import re

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.test import encode_multipart
from werkzeug.wrappers import Request

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.checks.doc_forms import DOC_BASIC
from conformance.checks.doc_forms import LIBCURL_BOUNDARY
from conformance.checks.doc_forms import _post
from conformance.checks.doc_forms import _token_list
from conformance.checks.doc_forms import jquery_ajax_form
from conformance.checks.doc_forms import jquery_param
from conformance.checks.doc_forms import php_curl_multipart
from conformance.checks.doc_forms import xhr_json
from conformance.context import CheckContext
from mockserver import get_profile
from tests.conformance.negative_controls import CONTROLS

CREDENTIALS = load_credentials(env={})
FIELDS = [("grant_type", "password"), ("scope", "*"), ("username", "Jöhn Doe")]


def test_php_curl_body_is_the_standard_multipart_shape_with_a_fixed_boundary() -> None:
    headers, body = php_curl_multipart(FIELDS)
    _, werkzeug_body = encode_multipart(dict(FIELDS), boundary=LIBCURL_BOUNDARY)
    # the same parts; werkzeug adds an empty preamble (a CRLF) that libcurl does not send
    assert werkzeug_body == b"\r\n" + body
    assert body.startswith(b"--" + LIBCURL_BOUNDARY.encode() + b"\r\n")
    assert re.fullmatch(r"-{28}[0-9a-f]{12}", LIBCURL_BOUNDARY)
    assert dict(headers) == {
        "Accept": "*/*",
        "Expect": "100-continue",
        "Content-Type": f"multipart/form-data; boundary={LIBCURL_BOUNDARY}",
    }
    assert "User-Agent" not in dict(headers)  # PHP's cURL sets none


def test_php_curl_body_parses_back_to_the_fields_in_order() -> None:
    headers, body = php_curl_multipart(FIELDS)
    environ = EnvironBuilder(
        method="POST", data=body, content_type=dict(headers)["Content-Type"]
    ).get_environ()
    assert list(Request(environ).form.items(multi=True)) == FIELDS


def test_jquery_param_encodes_like_encode_uri_component_with_plus_for_space() -> None:
    body = jquery_param([("scope", "*"), ("name", "a b&c=d'!~()é")])
    assert body == b"scope=*&name=a+b%26c%3Dd'!~()%C3%A9"


def test_jquery_param_encodes_names_like_values() -> None:
    # encodeURIComponent escapes "/" (quote's default keeps it) and keeps "*" (quote escapes it)
    body = jquery_param([("a/b*c d", "x/y*z")])
    assert body == b"a%2Fb*c+d=x%2Fy*z"


def test_jquery_sends_x_requested_with_only_on_the_same_origin() -> None:
    same, _ = jquery_ajax_form(FIELDS, origin="http://pm", same_origin=True)
    cross, _ = jquery_ajax_form(FIELDS, origin="http://example.com", same_origin=False)
    assert dict(same)["X-Requested-With"] == "XMLHttpRequest"
    assert "X-Requested-With" not in dict(cross)
    assert dict(cross)["Content-Type"] == "application/x-www-form-urlencoded; charset=UTF-8"


def test_jquery_headers_are_named_and_ordered_as_jquery_and_the_browser_send_them() -> None:
    headers, body = jquery_ajax_form(FIELDS, origin="http://pm", same_origin=True)
    assert list(headers) == [
        ("Accept", "application/json, text/javascript, */*; q=0.01"),  # dataType: 'json'
        ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
        ("Origin", "http://pm"),
        ("X-Requested-With", "XMLHttpRequest"),
    ]  # the evidence and the curl replay show these names as written
    assert body == jquery_param(FIELDS)


@pytest.mark.parametrize(
    ("value", "tokens"),
    [
        (None, set()),
        ("", set()),
        (" , ,", set()),
        ("authorization, Content-Type", {"authorization", "content-type"}),
        ("GET,POST , OPTIONS", {"get", "post", "options"}),
    ],
)
def test_a_cors_header_list_is_read_as_lower_case_tokens(
    value: str | None, tokens: set[str]
) -> None:
    assert _token_list(value) == tokens


def test_xhr_json_is_json_stringify_without_spaces_in_the_object_order() -> None:
    headers, body = xhr_json(FIELDS, origin="http://example.com")
    assert body == '{"grant_type":"password","scope":"*","username":"Jöhn Doe"}'.encode()
    assert json.loads(body) == dict(FIELDS)
    assert headers == (
        ("Accept", "*/*"),
        ("Content-type", "application/json; charset=utf-8"),
        ("Origin", "http://example.com"),
    )  # the names as the script writes them: the evidence and curl replay show them so


def test_the_documented_basic_header_is_verbatim_and_unpadded() -> None:
    value = DOC_BASIC.removeprefix("Basic ")
    assert len(value) % 4 != 0 and not value.endswith("=")
    decoded = base64.b64decode(value + "=" * (-len(value) % 4)).decode()
    assert decoded == "x-pm-local-client:179ad45c6ce2cb97cf1029e212046e81"


def test_failures_of_the_doc_form_checks_keep_secrets_out_of_the_report() -> None:
    hidden = (
        CREDENTIALS.client_secret,
        CREDENTIALS.password,
        "179ad45c6ce2cb97cf1029e212046e81",
        DOC_BASIC.removeprefix("Basic "),
    )
    for check_id in ("PM3-DOCFORM-001", "PM3-DOCFORM-006", "PM3-DOCFORM-007"):
        control = CONTROLS[check_id]
        result = run_check(
            CHECKS.get(check_id),
            Target.mock(control.expected, prepare=control.prepare),
            get_profile(control.expected),
            CREDENTIALS,
        )
        assert result.outcome == "failed"
        failure = result.failures[0]
        shown = json.dumps([failure.message, failure.evidence, failure.curl], ensure_ascii=False)
        assert failure.evidence, check_id
        leaked = [s for s in hidden if s in shown]
        assert leaked == [], f"{check_id} shows secrets"


def test_documented_posts_carry_no_session_cookie() -> None:
    """The documented clients are scripts, not the browser that logged in: no PHPSESSID."""
    target = Target.mock("documented")
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-DOCFORM-003"), session, get_profile("documented"), CREDENTIALS, target
        )
        ctx.login()
        assert "PHPSESSID" in ctx.cookies.values
        headers, body = php_curl_multipart(FIELDS)
        _post(ctx, headers, body)
        sent = ctx.exchanges[-1].request
    assert sent.method == "POST" and sent.path == "/workflow/oauth2/token"
    assert [name for name, _ in sent.headers] == ["Accept", "Expect", "Content-Type"]


@pytest.mark.parametrize("check_id", ["PM3-DOCFORM-005", "PM3-DOCFORM-006"])
def test_an_answer_another_origin_cannot_read_is_a_header_mismatch(check_id: str) -> None:
    control = CONTROLS["PM3-DOCFORM-005"]  # token answers without Access-Control-Allow-Origin
    result = run_check(
        CHECKS.get(check_id),
        Target.mock(control.expected, prepare=control.prepare),
        get_profile(control.expected),
        CREDENTIALS,
    )
    failure = result.failures[0]
    assert (failure.kind, failure.expectation) == (
        "header_mismatch",
        "header:Access-Control-Allow-Origin",
    )
    assert failure.message.endswith(
        "): a page on http://example.com cannot read the answer: "
        "Access-Control-Allow-Origin is None"
    ), failure.message
