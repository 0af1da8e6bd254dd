"""The one rule for text written into a header value as it is."""

from __future__ import annotations

import pytest

from mockserver.state.header_values import header_value_problem

C0_AND_DEL = [chr(c) for c in range(0x20)] + ["\x7f"]


@pytest.mark.parametrize("char", C0_AND_DEL, ids=[f"U+{ord(c):04X}" for c in C0_AND_DEL])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_every_c0_control_and_del_is_refused(char: str, ascii_only: bool) -> None:
    problem = header_value_problem(f"ab{char}cd", ascii_only=ascii_only)
    assert problem == f"control character U+{ord(char):04X} at position 3"


def test_printable_ascii_and_space_pass_both_ways() -> None:
    printable = "".join(chr(c) for c in range(0x20, 0x7F))
    assert header_value_problem(printable) is None
    assert header_value_problem(printable, ascii_only=True) is None
    assert header_value_problem("") is None


def test_latin_1_passes_for_a_header_but_not_for_a_url() -> None:
    upper = "".join(chr(c) for c in range(0x80, 0x100))
    assert header_value_problem(upper) is None
    assert header_value_problem("caf\u00e9", ascii_only=True) == (
        "character U+00E9 at position 4 is not ASCII"
    )


@pytest.mark.parametrize("char", ["\u0100", "\u20ac", "\ud800", "\U0001f600", "\U0010ffff"])
def test_beyond_latin_1_is_refused(char: str) -> None:
    assert header_value_problem(f"v{char}") == (
        f"character U+{ord(char):04X} at position 2 is not Latin-1"
    )
    assert header_value_problem(f"v{char}", ascii_only=True) == (
        f"character U+{ord(char):04X} at position 2 is not ASCII"
    )


def test_the_first_offending_character_is_named() -> None:
    assert header_value_problem("a\u20ac\r\n") == "character U+20AC at position 2 is not Latin-1"
    assert header_value_problem("a\r\u20ac") == "control character U+000D at position 2"


def test_a_value_that_passes_is_one_werkzeug_sends_as_it_is() -> None:
    from werkzeug.datastructures import Headers

    value = "".join(chr(c) for c in range(0x20, 0x100) if c != 0x7F)
    assert header_value_problem(value) is None
    headers = Headers([("X-Test", value)])
    assert headers.to_wsgi_list() == [("X-Test", value)]
