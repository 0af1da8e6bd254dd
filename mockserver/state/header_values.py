"""The one rule for text the mock writes into an HTTP header value as it is (unencoded).

Such a value must not end the header line or the head, so no CR or LF; nor carry any other C0
control character (NUL, HTAB, ESC, ...) or DEL, which PHP's ``header()`` refuses (CR, LF, NUL)
or a browser strips from a URL (HTAB). It must also be Latin-1: an HTTP/1.1 head carries octets,
and a WSGI header value is text limited to Latin-1 (PEP 3333, "Unicode Issues").

A URL that goes into ``Location`` must be ASCII besides: bshaffer's ``Response::setRedirect`` and
``AuthorizeController::buildUri`` put the redirect URI into the header by string concatenation
(``parse_url`` pieces and ``http_build_query`` of the added parameters only), so PHP sends
non-ASCII octets of a callback raw and never percent-encodes them. The mock does not send raw
UTF-8 it would have to re-encode, so such a URI is refused where it enters.

Every place a header-bound value enters (profile files, seeds and the control API, the
applications page and ``clientSetupAjax``, authorize) asks :func:`header_value_problem`.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f\u0100-\U0010ffff]")
_UNSAFE_ASCII = re.compile("[\x00-\x1f\x7f-\U0010ffff]")


def header_value_problem(value: str, *, ascii_only: bool = False) -> str | None:
    """``None`` if ``value`` may go into a header value as it is, else why not (one phrase).

    :param ascii_only: a URL for ``Location``: printable ASCII only (see the module text).
    :returns: e.g. ``"control character U+000D at position 20"``; positions count from 1.
    """
    found = (_UNSAFE_ASCII if ascii_only else _UNSAFE).search(value)
    if found is None:
        return None
    code = ord(found.group())
    where = f"U+{code:04X} at position {found.start() + 1}"
    if code < 0x20 or code == 0x7F:
        return f"control character {where}"
    return f"character {where} is not {'ASCII' if ascii_only else 'Latin-1'}"


__all__ = ["header_value_problem"]
