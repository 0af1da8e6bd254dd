"""Quoting text that came from elsewhere (a server, a driver, a report file) into an output.

One function neutralises what no output may carry raw: :func:`visible` turns control characters
(C0, DEL, C1), line and paragraph separators, bidirectional overrides, lone surrogates and the
two non-characters XML forbids into escapes that show (``\\x1b``, ``\\u202e``, ``\\ud800``). The
terminal, JUnit, HTML, JSON and Markdown all quote through it:

- :func:`terminal` for a line on a terminal (no ESC, BEL or CR that could rewrite the screen);
- :func:`xml_text` for XML 1.0 character data and attribute values (which forbid most C0 controls);
- :func:`unicode` for text written as UTF-8 (a lone surrogate cannot be encoded);
- :func:`md_code` for Markdown: a code span with a fence longer than any backtick run inside,
  so no image, link, heading or raw HTML can come out of the text; :func:`md_text` for short
  text that should read as prose (a title): every ASCII punctuation character backslash-escaped.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_BACKTICKS = re.compile("`+")
# what can start inline markup (an escape, a code span, emphasis, a link or image, raw HTML or an
# autolink, an entity, a GFM table cell or strikethrough, a heading's closing sequence); the rest
# of ASCII punctuation only means something at the start of a line, where this text never is
_MARKUP = re.compile(r"[\\`*_\[\]!<>&|~#]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character written as an escape, except those in ``keep``."""

    def one(match: re.Match[str]) -> str:
        char = match.group(0)
        return char if char in keep else _escape(char)

    return _UNSAFE.sub(one, text)


def terminal(text: str, *, lines: bool = False) -> str:
    """Text for a terminal: no control character reaches it raw. ``lines`` keeps line feeds
    (the suite's own multi-line output); quoted values should not have any by then."""
    return visible(text, "\n" if lines else "")


def xml_text(text: str) -> str:
    """Text every XML 1.0 parser accepts as character data (tabs and line feeds kept)."""
    return visible(text, "\t\n")


def unicode(text: str) -> str:
    """Text that encodes as UTF-8: lone surrogates (from a ``\\ud800`` JSON escape, say) become
    visible escapes; everything else is kept."""
    return _SURROGATE.sub(lambda m: _escape(m.group(0)), text)


def unicode_data(data: Any) -> Any:
    """JSON-like data with :func:`unicode` applied to every string, keys included."""
    if isinstance(data, str):
        return unicode(data)
    if isinstance(data, dict):
        return {unicode_data(k): unicode_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [unicode_data(v) for v in data]
    return data


def md_code(text: str, *, table: bool = False) -> str:
    """``text`` as a Markdown code span that shows exactly the text (made :func:`visible`).

    The fence is one backtick longer than the longest run inside, and the content is padded with
    a space on each side (CommonMark strips one), so a backtick at either end cannot close it
    early. In a GFM table cell (``table``) a pipe ends the cell even inside a code span, so it is
    escaped; GFM removes that backslash again. Empty text gives an empty string."""
    if not text:
        return ""
    shown = visible(text)
    if table:
        shown = shown.replace("|", "\\|")
    longest = max((len(m) for m in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {shown} {fence}"


def md_text(text: str) -> str:
    """``text`` as Markdown inside a line (after a list marker, in a table cell or a heading)
    that renders as exactly that text (made :func:`visible`, so on one line): every character
    that could start inline markup is backslash-escaped (CommonMark allows it before any ASCII
    punctuation)."""
    return _MARKUP.sub(lambda m: "\\" + m.group(0), visible(text))
