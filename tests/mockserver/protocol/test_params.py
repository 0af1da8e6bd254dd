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
