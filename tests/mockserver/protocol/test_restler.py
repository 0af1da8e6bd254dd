"""Restler's validator, negotiation and overridable defaults, one rule at a time."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver.protocol.errors import RestlerError
from mockserver.protocol.restler import Negotiated
from mockserver.protocol.restler import ParamSpec
from mockserver.protocol.restler import negotiate
from mockserver.protocol.restler import sort_by_priority
from mockserver.protocol.restler import suppress_response_codes
from mockserver.protocol.restler import validate_param


def _message(name: str, spec: ParamSpec, value: object) -> str:
    with pytest.raises(RestlerError) as caught:
        validate_param(name, spec, value)
    assert caught.value.code == 400
    return caught.value.message


STRING_32 = ParamSpec("string", "path", True, min=32, max=32)


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        (STRING_32, None, "Bad Request: `x` is required."),
        (STRING_32, "", "Bad Request: `x` is required."),
        (
            STRING_32,
            "a",
            "Bad Request: Invalid value specified for `x`. Minimum 32 characters required.",
        ),
        (
            STRING_32,
            "a" * 33,
            "Bad Request: Invalid value specified for `x`. Maximum 32 characters allowed.",
        ),
        (
            ParamSpec("string", "body", False, min=1, max=1),
            "ab",
            "Bad Request: Invalid value specified for `x`. Maximum 1 character allowed.",
        ),
        (
            STRING_32,
            5,
            "Bad Request: Invalid value specified for `x`. Expecting alpha numeric value",
        ),
        (
            ParamSpec("int", "query", False),
            "1.5",
            "Bad Request: Invalid value specified for `x`. Expecting integer value",
        ),
        (
            ParamSpec("int", "query", False),
            "abc",
            "Bad Request: Invalid value specified for `x`. Expecting integer value",
        ),
        (
            ParamSpec("float", "query", False),
            "abc",
            "Bad Request: Invalid value specified for `x`. Expecting numeric value",
        ),
        (
            ParamSpec("int", "query", False, min=1),
            "0",
            "Bad Request: Invalid value specified for `x`. Minimum required value is 1.",
        ),
        (
            ParamSpec("int", "query", False, max=9),
            "10",
            "Bad Request: Invalid value specified for `x`. Maximum allowed value is 9.",
        ),
        (
            ParamSpec("string", "query", False, choice=("A", "B")),
            "C",
            "Bad Request: Invalid value specified for `x`. Expected one of (A,B).",
        ),
        (ParamSpec("array", "body", True), "text", "Bad Request: Invalid value specified for `x`"),
        (
            ParamSpec("array", "body", True, max=1),
            [1, 2],
            "Bad Request: Invalid value specified for `x`. Maximum 1 item allowed.",
        ),
    ],
)
def test_each_refusal_is_restlers_message(spec: ParamSpec, value: object, message: str) -> None:
    assert _message("x", spec, value) == message


def test_accepted_values_are_converted_as_php_reads_them() -> None:
    assert validate_param("x", ParamSpec("int", "query", False), " 12") == 12
    assert validate_param("x", ParamSpec("int", "query", False), "1e2") == 100
    assert validate_param("x", ParamSpec("float", "query", False), "2.5") == 2.5
    assert validate_param("x", ParamSpec("bool", "query", False), "true") is True
    assert validate_param("x", ParamSpec("bool", "query", False), "2") is True
    assert validate_param("x", ParamSpec("bool", "query", False), "yes") is False
    assert validate_param("x", STRING_32, "é" * 16) == "é" * 16  # 32 bytes: strlen counts bytes
    assert validate_param("x", ParamSpec("string", "query", False), None) is None
    assert validate_param("x", ParamSpec("array", "body", True), {"a": 1}) == {"a": 1}
    assert validate_param("x", ParamSpec(None, "body", False), [1]) == [1]


def _request(**headers: str) -> Request:
    return Request(EnvironBuilder(path="/api/1.0/workflow/users", headers=headers).get_environ())


def test_sort_by_priority_orders_by_q_then_position() -> None:
    assert sort_by_priority("text/html;q=0.5, Application/JSON, */*;q=0.8") == [
        "application/json",
        "*/*",
        "text/html",
    ]
    assert sort_by_priority("a;q=x, b") == ["b", "a"]


@pytest.mark.parametrize(
    "accept", ["application/json", "*/*", "application/*", "text/html, */*;q=0.1", "JSON"]
)
def test_an_accept_with_json_or_a_wildcard_is_served(accept: str) -> None:
    assert negotiate(_request(Accept=accept), "users") == Negotiated("utf-8", "en")


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "image/png;q=1"])
def test_an_accept_without_json_or_a_wildcard_is_406(accept: str) -> None:
    with pytest.raises(RestlerError) as caught:
        negotiate(_request(Accept=accept), "users")
    assert caught.value.code == 406
    # the .json extension overrides Accept
    assert negotiate(_request(Accept=accept), "users.json").charset == "utf-8"


def test_charset_and_language() -> None:
    assert negotiate(_request(**{"Accept-Charset": "iso-8859-1, utf-8"}), "u").charset == (
        "iso-8859-1"
    )
    assert negotiate(_request(**{"Accept-Charset": "koi8-r, *"}), "u").charset == "utf-8"
    assert negotiate(_request(**{"Accept-Language": "EN-us"}), "u").language == "en-US"
    assert negotiate(_request(**{"Accept-Language": "de, en;q=0.1"}), "u").language == "en"


@pytest.mark.parametrize(
    ("value", "suppressed"),
    [
        (None, False),
        ("true", True),
        ("1", True),
        ("0.5", True),
        ("false", False),
        ("0", False),
        ("x", False),
    ],
)
def test_suppress_response_codes_reads_restlers_bool(value: str | None, suppressed: bool) -> None:
    query = {} if value is None else {"suppress_response_codes": value}
    request = Request(EnvironBuilder(path="/x", query_string=query).get_environ())
    assert suppress_response_codes(request) is suppressed
