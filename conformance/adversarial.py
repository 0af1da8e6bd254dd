"""Inputs close to the valid ones, where a subtly broken server shows its break.

A redirect URI far from the registered one is refused by almost any comparison; one a slash, a
letter's case or an encoding away is refused only by the exact comparison bshaffer's
``validateRedirectUri`` makes (``strcmp``, ``require_exact_redirect_uri`` on by default). A
``state`` of letters and digits looks the same encoded once, twice or not at all; one with
reserved and non-ASCII characters does not. The strategies here feed hypothesis; the fixed lists
are the named cases every run tries first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

RESERVED = " !#$%&'()*+,/:;=?@[]"
"""RFC 3986's reserved characters, the space and ``%``: what encoding twice (or not at all)
changes."""
NON_ASCII = "éüß漢字😀\u00a0"


def near_miss_uris(registered: str) -> tuple[tuple[str, str], ...]:
    """``(what, uri)``: the registered URI one step off, each a way a lenient comparison (a
    prefix, case-insensitive, normalising, decoding) would let it through."""
    split = urlsplit(registered)
    host = split.hostname or ""
    path = split.path or "/"
    origin = f"{split.scheme}://{split.netloc}"
    return (
        ("a trailing slash", registered + "/"),
        ("one character more", registered + "x"),
        ("one character less", registered[:-1]),
        ("one character off", registered[:-1] + chr(ord(registered[-1]) ^ 1)),
        ("the host upper-cased", f"{split.scheme}://{split.netloc.upper()}{path}"),
        ("the scheme upper-cased", f"{split.scheme.upper()}://{split.netloc}{path}"),
        (
            "another scheme",
            f"{'http' if split.scheme == 'https' else 'https'}://{split.netloc}{path}",
        ),
        (
            "the default port spelt out",
            f"{split.scheme}://{host}:{split.port or (443 if split.scheme == 'https' else 80)}{path}",
        ),
        (
            "an extra query",
            registered + ("&" if "?" in registered else "?") + "next=http://evil.example/",
        ),
        ("userinfo before the host", f"{split.scheme}://evil.example@{split.netloc}{path}"),
        ("the host as userinfo", f"{split.scheme}://{host}@evil.example{path}"),
        ("a letter percent-encoded", f"{origin}/%{ord(path[1:2] or 'a'):02X}{path[2:]}"),
        ("an encoded slash after it", registered + "%2F"),
        ("a dot segment", f"{origin}{path}/../{path.rsplit('/', 1)[-1]}"),
        ("a suffix on the last label", registered + ".evil.example"),
    )


def one_edit(registered: str) -> st.SearchStrategy[str]:
    """The registered URI with one character inserted, deleted or replaced (reserved,
    non-ASCII and percent-encoded characters included), never the URI itself nor a fragment."""
    alphabet = st.sampled_from(list(RESERVED.replace("#", "") + NON_ASCII + "aZ09-._~%/"))
    position = st.integers(min_value=0, max_value=len(registered))

    def edit(kind: str, at: int, char: str) -> str:
        if kind == "insert":
            return registered[:at] + char + registered[at:]
        if kind == "delete":
            return registered[:at] + registered[at + 1 :]
        return registered[:at] + char + registered[at + 1 :]

    return st.builds(
        edit, st.sampled_from(("insert", "delete", "replace")), position, alphabet
    ).filter(lambda uri: uri != registered and "#" not in uri and uri != "")


def states() -> st.SearchStrategy[str]:
    """``state`` values with reserved and non-ASCII characters: one encoding too many or too
    few changes them. Never empty (an empty state is no state)."""
    return st.text(
        alphabet=st.sampled_from(list(RESERVED + NON_ASCII + "aZ09-._~")), min_size=1, max_size=24
    ).filter(lambda s: any(c in RESERVED + NON_ASCII for c in s))


NAMED_STATES = ("a b&c=d+e/f?g#h%2Fi", "état-漢字-😀", "100%", "x+y", "%41")
"""The ``state`` values every run tries: a space, ``&``, ``=``, ``+``, ``#``, an encoded slash,
non-ASCII, a lone ``%``, and a value that is itself an encoding."""


def examples(controllable: bool, mock: int, live: int) -> settings:
    """Hypothesis settings for a check's generated inputs: fewer on a live install."""
    return settings(
        max_examples=mock if controllable else live,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
