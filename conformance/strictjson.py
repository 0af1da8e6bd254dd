"""The one JSON parser of the suite: an answer is JSON only if PHP's ``json_decode`` reads it.

The documentation's clients are PHP (``json_decode($sResponse)``, object mode), so an answer
they cannot read is broken however lenient Python is. :func:`json.loads` on bytes accepts a
UTF-8 byte-order mark (it decodes as ``utf-8-sig``), UTF-16 and UTF-32, ``NaN`` and
``Infinity``, escapes of lone surrogates, and keys ``json_decode`` cannot make properties of.
Every answer the suite judges goes through :func:`parse` (``HttpResponse.json`` calls it).

The rules, each checked against PHP 8.2's ``json_decode`` on this machine and documented in the
PHP manual (``json_decode``, ``json_last_error``: https://www.php.net/manual/en/function.json-last-error.php)
and php-src's tests (``ext/json/tests/bug62010.phpt``: a lone ``\\ud834`` is
``JSON_ERROR_UTF16``), are in :data:`RULES`. What PHP accepts stays accepted: a scalar or
``null`` at the top level (RFC 8259), duplicate keys (the last wins), numbers past the float
range, an empty key.
"""

from __future__ import annotations

import json
from typing import Any

PARSER = "PHP's json_decode"
"""The parser that judges, as failure messages name it."""

MAX_NESTING = 511
"""``json_decode``'s default depth is 512 and counts the scalar level: 511 nested arrays or
objects are read, 512 are ``JSON_ERROR_DEPTH`` ("Maximum stack depth exceeded")."""

RULES: tuple[tuple[str, str], ...] = (
    ("a UTF-8 byte-order mark before the JSON", "JSON_ERROR_SYNTAX"),
    ("bytes that are not UTF-8 (UTF-16, UTF-32, Latin-1)", "JSON_ERROR_UTF8"),
    ("no JSON value (an empty or blank body)", "JSON_ERROR_SYNTAX"),
    ("NaN, Infinity or -Infinity", "JSON_ERROR_SYNTAX"),
    ("a \\u escape of a lone UTF-16 surrogate", "JSON_ERROR_UTF16"),
    ("an object key that starts with \\u0000 (object mode)", "JSON_ERROR_INVALID_PROPERTY_NAME"),
    (f"arrays or objects nested deeper than {MAX_NESTING}", "JSON_ERROR_DEPTH"),
    ("anything else RFC 8259 refuses (a trailing comma, a leading zero, control characters)", ""),
)
"""What :func:`parse` refuses, and the ``json_last_error`` PHP sets for it."""

_DEEP = f"arrays or objects nested deeper than {MAX_NESTING}"
_CONTROL = "Control character error, possibly incorrectly encoded"
_WHITESPACE = " \t\n\r"  # RFC 8259's insignificant whitespace, the only kind PHP skips


class Refused(ValueError):
    """PHP's ``json_decode`` would return ``NULL``: ``reason`` says why, ``php_error`` is what
    ``json_last_error_msg()`` says (as PHP 8.2 says it)."""

    def __init__(self, reason: str, php_error: str = "Syntax error") -> None:
        super().__init__(f"{reason} (json_last_error_msg: {php_error})")
        self.reason = reason
        self.php_error = php_error


def _no_constants(name: str) -> Any:
    raise Refused(f"{name}, not a JSON value")


def _surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _audit(value: Any) -> None:
    """Lone surrogates, NUL-led keys and the nesting depth, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _surrogate(item):
                raise Refused(
                    "a \\u escape of a lone UTF-16 surrogate",
                    "Single unpaired UTF-16 surrogate in unicode escape",
                )
            continue
        if not isinstance(item, dict | list):
            continue
        if depth + 1 > MAX_NESTING:
            raise Refused(_DEEP, "Maximum stack depth exceeded")
        if isinstance(item, dict):
            for key, member in item.items():
                if key.startswith("\x00"):
                    raise Refused(
                        "an object key that starts with \\u0000 (json_decode's object mode)",
                        "The decoded property name is invalid",
                    )
                stack.append((key, depth + 1))
                stack.append((member, depth + 1))
        else:
            stack.extend((member, depth + 1) for member in item)


def parse(body: bytes) -> Any:
    """The value PHP's ``json_decode`` reads from ``body``.

    :raises Refused: where ``json_decode`` returns ``NULL`` with an error (:data:`RULES`)."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise Refused("a UTF-8 byte-order mark before the JSON")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(
            "bytes that are not UTF-8",
            "Malformed UTF-8 characters, possibly incorrectly encoded",
        ) from None
    if not text.strip(_WHITESPACE):
        raise Refused("no JSON value (an empty or blank body)")
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except Refused:
        raise
    except RecursionError:
        raise Refused(_DEEP, "Maximum stack depth exceeded") from None
    except ValueError as exc:
        if "control character" in str(exc):
            raise Refused(f"not JSON ({exc})", _CONTROL) from None
        raise Refused(f"not JSON ({exc})") from None
    _audit(value)
    return value


def refusal(body: bytes) -> Refused | None:
    """Why ``json_decode`` refuses ``body``, or ``None`` when it reads it."""
    try:
        parse(body)
    except Refused as exc:
        return exc
    return None


def lenient_reads(body: bytes) -> bool:
    """Whether Python's lenient :func:`json.loads` reads ``body`` (to say "JSON that PHP
    refuses" rather than "not JSON")."""
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True
