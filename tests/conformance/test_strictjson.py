"""The suite's one JSON parser refuses what PHP's json_decode refuses, and reads the rest."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from conformance import strictjson
from conformance.answers import describe
from conformance.http import HttpResponse

BOM = b"\xef\xbb\xbf"
# (body, what PHP 8.2's json_last_error_msg() says after json_decode($body), None when it reads it)
CASES: list[tuple[bytes, str | None]] = [
    (BOM + b'{"access_token":"x"}', "Syntax error"),
    (b'{"expires_in":NaN}', "Syntax error"),
    (b"[Infinity]", "Syntax error"),
    (b"[-Infinity]", "Syntax error"),
    (b'"\\ud800"', "Single unpaired UTF-16 surrogate in unicode escape"),
    (b'{"a":"\\udc00x"}', "Single unpaired UTF-16 surrogate in unicode escape"),
    (b'{"\\u0000a":1}', "The decoded property name is invalid"),
    (b'"\xff"', "Malformed UTF-8 characters, possibly incorrectly encoded"),
    ("[1]".encode("utf-16"), "Malformed UTF-8 characters, possibly incorrectly encoded"),
    (b"", "Syntax error"),
    (b" \n", "Syntax error"),
    (b"[1,]", "Syntax error"),
    (b"01", "Syntax error"),
    (b'"a\tb"', "Control character error, possibly incorrectly encoded"),
    (b"[" * 512 + b"]" * 512, "Maximum stack depth exceeded"),
    (b'{"a":' * 512 + b"1" + b"}" * 512, "Maximum stack depth exceeded"),
    (b"[" * 5000 + b"]" * 5000, "Maximum stack depth exceeded"),
    # what PHP reads
    (b"[" * 511 + b"]" * 511, None),
    (b'"\\ud83d\\ude00"', None),
    (b"1", None),
    (b"null", None),
    (b'"x"', None),
    (b'{"":1,"a":1,"a":2}', None),
    (b"1e400", None),
    (b'{"a":1}\n\t ', None),
]


@pytest.mark.parametrize(("body", "php_error"), CASES, ids=lambda v: repr(v)[:40])
def test_refuses_what_php_refuses(body: bytes, php_error: str | None) -> None:
    refused = strictjson.refusal(body)
    if php_error is None:
        assert refused is None
        assert strictjson.parse(body) == json.loads(body)
    else:
        assert refused is not None and refused.php_error == php_error, refused
        with pytest.raises(strictjson.Refused):
            strictjson.parse(body)


PHP = shutil.which("php")
_PHP_VERDICTS = r"""
$bodies = json_decode(stream_get_contents(STDIN));
foreach ($bodies as $hex) {
    json_decode(hex2bin($hex));
    echo json_last_error() === JSON_ERROR_NONE ? "-" : json_last_error_msg(), "\n";
}
"""


@pytest.mark.skipif(PHP is None, reason="no php on PATH to confirm the table against")
def test_the_table_is_what_php_says() -> None:
    hexes = json.dumps([body.hex() for body, _ in CASES])
    done = subprocess.run(
        [str(PHP), "-r", _PHP_VERDICTS], input=hexes, capture_output=True, text=True, timeout=60
    )
    said = [None if line == "-" else line for line in done.stdout.splitlines()]
    assert said == [php_error for _, php_error in CASES]


_KEYS = st.text().filter(lambda k: not k.startswith("\x00") and not strictjson._surrogate(k))
_TEXT = st.text().filter(lambda t: not strictjson._surrogate(t))
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_VALUES, st.booleans())
def test_reads_every_value_php_reads(value: object, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert strictjson.parse(body) == json.loads(body)


@settings(max_examples=100, deadline=None)
@given(_VALUES)
def test_a_byte_order_mark_is_refused_whatever_follows(value: object) -> None:
    body = BOM + json.dumps(value).encode()
    assert json.loads(body) == value  # Python reads it (utf-8-sig) ...
    refused = strictjson.refusal(body)  # ... PHP does not
    assert refused is not None and "byte-order mark" in refused.reason


def test_an_answer_php_cannot_read_is_not_json_and_says_which_parser_judged() -> None:
    answer = HttpResponse(200, (("Content-Type", "application/json"),), BOM + b'{"error":"x"}')
    assert answer.json() is None
    assert describe(answer).startswith(
        "HTTP 200 with a body PHP's json_decode refuses with 'Syntax error' "
        "(a UTF-8 byte-order mark before the JSON)"
    )
    plain = HttpResponse(502, (), b"Bad Gateway")
    assert describe(plain) == "HTTP 502 with a body that is not JSON: 'Bad Gateway'"
