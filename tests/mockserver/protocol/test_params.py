"""PHP's reading of request values: string conversion of decoded JSON, ``empty()``."""

from __future__ import annotations

import pytest

from mockserver.protocol.params import php_empty
from mockserver.protocol.params import php_string


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (True, "1"),  # PHP: (string) true is "1", (string) false is ""
        (False, ""),
        (7, "7"),
        (2.0, "2"),
        (2.5, "2.5"),
        ("p4ssw0rd", "p4ssw0rd"),
        (["a"], "Array"),
    ],
)
def test_php_string(value: object, text: str | None) -> None:
    assert php_string(value) == text


@pytest.mark.parametrize(("value", "empty"), [(None, True), ("", True), ("0", True), ("00", False)])
def test_php_empty(value: str | None, empty: bool) -> None:
    assert php_empty(value) is empty


def test_json_escapes_and_surrogate_pairs_are_read_as_php_reads_them() -> None:
    """Only an unpaired surrogate is malformed; ``\\u0070`` is "p" and a pair is one character."""
    import json

    from werkzeug.test import Client

    from mockserver import MockServer
    from tests.mockserver.helpers import TOKEN
    from tests.mockserver.helpers import password_params

    pm = MockServer()
    body = json.dumps(password_params(state="\U0001f600")).replace('"password"', '"\\u0070assword"')
    assert "\\ud83d\\ude00" in body and "\\u0070" in body
    answer = Client(pm.app).post(TOKEN, data=body, content_type="application/json")
    pm.close()
    assert answer.status_code == 200
    assert "access_token" in answer.json  # type: ignore[operator]
