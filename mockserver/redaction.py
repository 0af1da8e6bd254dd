r"""Redaction, in one place: the mock's journal and the suite's transport, reports and terminal
lines all hide secrets with this module.

Redaction by name (the journal): a secret parameter's value, a secret header, a 40-hex token in
free text; tokens keep six characters so exchanges can still be correlated
(:func:`redact_value`, :func:`redact_header`, :func:`redact_text`).

Redaction by value (the suite): every secret a run knows is hidden in every string that reaches
an output, and never as part of a word: a value where it stands as a token; a value that reads
as a word (a password ``workflow``) only where the text shows it as a value (quoted, a secret
field, a multipart part); an encoded form, or a long token-like value, wherever it is
(:func:`form_kind`).

A :class:`SecretSet` (the run's vault) is fed with every secret the run sees: the credentials it
was given, the credential values it sends (client secrets, passwords), and what the target hands
out (access and refresh tokens, authorization codes in redirects, client secrets of applications
registered during the run). :meth:`SecretSet.redact` hides each of them, in the encodings a
report can show them in (raw, JSON, URL, HTML, Python ``repr``, shell quoting), longest first.
The suite's own encodings of a secret are secrets too: a Basic header's base64 of
``client_id:client_secret`` (padded or not, and URL-encoded like any secret). A text holding JSON
``\uXXXX`` escapes (PHP writes ``&`` as ``\u0026`` with its JSON_HEX flags, and every non-ASCII
character so) is searched decoded as well. Failure messages, evidence, curl replays, reports and
terminal lines all go through it.

Patterns for the *shapes* of ProcessMaker's secrets (40-hex tokens, ``G::generateUniqueID()``
client secrets, ``client_secret=…`` style fields) stay as a second net, for values the run never
saw. Both run in a way that never re-reads a placeholder: values become a private marker first,
the patterns skip markers and placeholders, and markers become ``<redacted>`` at the very end, so
``redact(redact(x)) == redact(x)`` and no ``<redacted> secret>`` garbling can happen.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import shlex
import threading
from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import quote_plus
from urllib.parse import urlsplit

PLACEHOLDER = "<redacted>"
MIN_SECRET_LENGTH = 4
"""Learned values shorter than this are ignored: replacing every "abc" or "0" in a report would
shred it, and such values are not secrets worth the name (checks send "0" or "" on purpose).
Credentials are the exception: they are always covered (see :meth:`SecretSet.add`)."""
SECRET_FIELDS = frozenset(
    {"client_secret", "password", "refresh_token", "access_token", "code", "form[USR_PASSWORD]"}
)
"""Parameter names whose values are hidden wherever ``name=value`` shows (the second net)."""

_REQUEST_KEYS = frozenset({"client_secret", "password", "form[usr_password]"})
"""Credential values the run sends: learned whatever their origin (given, seeded, registered)."""
_RESPONSE_KEYS = frozenset({"access_token", "refresh_token", "id_token", "client_secret"})
"""What a target hands out in a body (``CLIENT_SECRET`` of clientSetupAjax included)."""
_REDIRECT_KEYS = frozenset({"code", "access_token", "refresh_token", "id_token"})
"""What a redirect hands out in its query or fragment."""
_MARK = "\ue000"  # a private-use character: what values become until the patterns have run
_TAIL_WINDOW = 512  # how far back a secret cut at the end of a text is looked for
_HEX_TAIL = 8  # a cut end made of hex digits only must be this long to count (numbers end texts)
_HEX = re.compile(r"[0-9a-fA-F]+")
_LOOP_BUDGET = 200_000  # forms x characters below which str.replace beats the prefix index
_MAX_WALK_DEPTH = 20

_FIELD_NAMES = sorted(
    {re.escape(n) for n in SECRET_FIELDS} | {re.escape(quote(n, safe="")) for n in SECRET_FIELDS},
    key=len,
    reverse=True,
)
_NET = re.compile(
    # name=value at the start or after ?, & or #; a value already redacted is left alone
    r"(?P<field>(?<![^?&#])(?:" + "|".join(_FIELD_NAMES) + r")=)(?!<redacted)[^&#\s'\"]+"
    r"|(?P<pm>\b[1-9][0-9]{8}[0-9a-f]{13}[0-9]0[0-9]{8}\b)"  # G::generateUniqueID()
    r"|(?P<token>\b[0-9a-f]{40}\b)"  # bshaffer's access/refresh tokens and codes
)
_JSON_SECRET = re.compile(
    r'"(access_token|refresh_token|id_token|client_secret)"\s*:\s*"((?:[^"\\]|\\.)*)"',
    re.IGNORECASE,
)
_HTML_SECRET = re.compile(r"client[-_]secret[^<>]*>\s*([^<>\s]+)\s*<", re.IGNORECASE)
_MULTIPART_FIELD = re.compile(r'name="([^"]*)"\r\n\r\n(.*?)\r\n--', re.DOTALL)
# a JSON \uXXXX escape (a surrogate pair as one), or an escaped backslash that is no escape's start
_JSON_ESCAPE = re.compile(
    r"\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u(?P<one>[0-9a-fA-F]{4})"
    r"|\\\\"
)


ANYWHERE, BOUNDED, QUOTED = "anywhere", "bounded", "quoted"
DISTINCT_LENGTH = 16
"""A raw value this long, holding letters and digits both, is no word (tokens, client secrets,
base64): found anywhere, even next to other characters."""
_ESCAPE_BEFORE = r"(?<=\\[nrt])|(?<=\\u[0-9a-fA-F]{4})"
_BOUNDS = {
    # not part of a word; a repr's or JSON's "\n" (or "\u00e9") right before counts as a break
    BOUNDED: r"(?:(?<!\w)|" + _ESCAPE_BEFORE + r")(?:FORM)(?!\w)",
    # shown as a value: in quotes (JSON, Python repr, HTML attributes; JSON-escaped quotes too)
    QUOTED: r"(?:(?<=[\"'])(?:FORM)(?=\\?[\"'])"
    # or a multipart part's value, alone on its line (raw, or as a repr shows CR LF)
    r"|(?:(?<=\r\n\r\n)|(?<=\\r\\n\\r\\n))(?:FORM)(?=\r\n|\\r\\n))",
}


def form_kind(form: str, raw: bool) -> str:
    """Where a form of a secret may be hidden without eating ordinary text.

    An encoding that differs from the value (URL-, JSON-, HTML-escaped, base64) or a raw value
    no word looks like (:data:`DISTINCT_LENGTH` characters or more, letters and digits) is
    hidden ``anywhere``; a value that reads as a word (letters only: ``workflow``, ``admin``,
    ``wrong``) only where it is shown as a value (``quoted``, or in a secret field); any other
    value as a whole token (``bounded``), never as part of a word."""
    if not raw:
        return ANYWHERE
    if (
        len(form) >= DISTINCT_LENGTH
        and any(c.isdigit() for c in form)
        and any(c.isalpha() for c in form)
    ):
        return ANYWHERE
    if form.isalpha():
        return QUOTED
    return BOUNDED


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char == "_")


def _escape_before(text: str, start: int) -> bool:
    return bool(re.search(r"(?:\\[nrt]|\\u[0-9a-fA-F]{4})$", text[max(0, start - 6) : start]))


def _net_replacement(match: re.Match[str]) -> str:
    if match.group("field") is not None:
        return match.group("field") + PLACEHOLDER
    if match.group("pm") is not None:
        return "<redacted secret>"
    return match.group(0)[:6] + "…"


def encodings(secret: str) -> set[str]:
    """The forms a secret takes in an output: raw, JSON-escaped (as Python and as PHP write it),
    URL-encoded, HTML-escaped, as
    Python's ``repr`` shows it inside a longer string (messages quote bodies with ``!r``), and
    shell-quoted (curl replays)."""
    forms = {
        secret,
        quote_plus(secret),
        quote(secret, safe=""),
        html.escape(secret, quote=True),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        # PHP's json_encode (and so ProcessMaker's answers, and the mock's) escapes "/" too
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1].replace("/", "\\/"),
    }
    for form in list(forms):
        # repr() of a string holding both quote kinds escapes ' (and never "); inside a longer
        # string the quote may be the other one, then ' stays bare.
        inner = repr(form + "\"'")[1:-4]
        forms.add(inner)
        forms.add(inner.replace("\\'", "'"))
    if "'" in secret:
        forms.add(shlex.quote(secret)[1:-1])
    return {f for f in forms if f}


class SecretSet:
    """The secrets a run knows, and the one function that hides them. Thread-safe.

    :param secrets: values to hide (learned values shorter than :data:`MIN_SECRET_LENGTH` are
        ignored).
    :param credentials: values that are always hidden, however short (the credentials given).
    """

    def __init__(self, secrets: Iterable[str] = (), *, credentials: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._short: set[str] = set()
        self._forms: set[str] = set()
        self._index: _Index | None = None
        self.update(credentials, always=True)
        self.update(secrets)

    # --- feeding -------------------------------------------------------------------------------
    def add(self, value: object, *, always: bool = False) -> None:
        """Remember a secret. ``always`` (credentials) covers values shorter than
        :data:`MIN_SECRET_LENGTH` too, but only as whole words (so a 3-character password hides
        "abc" without turning "abcdef" into noise)."""
        if not isinstance(value, str) or not value or _MARK in value:
            return
        with self._lock:
            if value in self._values or value in self._short:
                return
            if len(value) >= MIN_SECRET_LENGTH:
                self._values.add(value)
                self._forms |= encodings(value)
            elif always:
                self._short.add(value)
            else:
                return
            self._index = None

    def add_basic(self, client_id: str, client_secret: str) -> None:
        """Remember the Basic header the suite builds from a client's credentials: the base64 of
        ``client_id:client_secret``, padded and unpadded (its URL-encoded forms come with it)."""
        token = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self.add(token)
        self.add(token.rstrip("="))

    def update(self, values: Iterable[object], *, always: bool = False) -> None:
        for value in values:
            self.add(value, always=always)

    def merge(self, other: SecretSet) -> None:
        """Take every secret another set knows (a check's set into its run's)."""
        with other._lock:
            values, short = set(other._values), set(other._short)
        self.update(values)
        self.update(short, always=True)

    def values(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._values | self._short)

    def __contains__(self, value: object) -> bool:
        with self._lock:
            return value in self._values or value in self._short

    def __len__(self) -> int:
        with self._lock:
            return len(self._values) + len(self._short)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values())

    def learn_request(self, target: str, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        """Credential values a request sends: query and body parameters (form, JSON, multipart)
        and the secret half of a Basic header."""
        params: list[tuple[str, Any]] = parse_qsl(urlsplit(target).query, keep_blank_values=True)
        content_type = ""
        for key, value in headers:
            lower = key.lower()
            if lower == "content-type":
                content_type = value.lower()
            elif lower == "authorization" and value[:6].lower() == "basic ":
                token = value[6:].strip()
                self.add(token)  # a server echoing the header shows the base64 as such
                self.add(token.rstrip("="))
                try:
                    decoded = base64.b64decode(value[6:].strip() + "==").decode("utf-8")
                except (ValueError, binascii.Error, UnicodeDecodeError):
                    continue
                if ":" in decoded:
                    self.add(decoded.split(":", 1)[1])
        text = body.decode("utf-8", errors="replace")
        if "json" in content_type:
            self._walk(_loads(text), _REQUEST_KEYS)
        elif "multipart" in content_type:
            params += _MULTIPART_FIELD.findall(text)
        elif text:
            params += parse_qsl(text, keep_blank_values=True)
        self.learn_params(params)

    def learn_params(self, params: Iterable[tuple[str, Any]]) -> None:
        """Credential values among parsed request parameters."""
        for key, value in params:
            if isinstance(key, str) and key.lower() in _REQUEST_KEYS:
                self.add(value)

    def learn_tokens(self, data: Any) -> None:
        """Tokens and client secrets anywhere in JSON-like data (a client's reported state)."""
        self._walk(data, _RESPONSE_KEYS)

    def learn_response(self, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        """What a response hands out: tokens and client secrets in its body (JSON, or JSON-like
        text, or an HTML page showing a new client's secret) and codes or tokens in a redirect."""
        for key, value in headers:
            if key.lower() == "location":
                split = urlsplit(value)
                for part in (split.query, split.fragment):
                    for name, param in parse_qsl(part, keep_blank_values=True):
                        if name.lower() in _REDIRECT_KEYS:
                            self.add(param)
        text = body.decode("utf-8", errors="replace")
        if not text:
            return
        self._walk(_loads(text), _RESPONSE_KEYS)
        for _, raw in _JSON_SECRET.findall(text):  # also inside truncated or wrapped JSON
            decoded = _loads(f'"{raw}"')
            self.add(decoded if isinstance(decoded, str) else raw)
        for value in _HTML_SECRET.findall(text):
            self.add(html.unescape(value))

    def _walk(self, data: Any, keys: frozenset[str], depth: int = 0) -> None:
        if depth > _MAX_WALK_DEPTH:
            return
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(key, str) and key.lower() in keys and isinstance(value, str):
                    self.add(value)
                else:
                    self._walk(value, keys, depth + 1)
        elif isinstance(data, list):
            for item in data:
                self._walk(item, keys, depth + 1)

    # --- hiding --------------------------------------------------------------------------------
    def _snapshot(self) -> _Index:
        with self._lock:
            if self._index is None:
                self._index = _Index(self._forms, self._short, self._values)
            return self._index

    def redact(self, text: str) -> str:
        """``text`` with every known secret (in any of its encodings) and every secret-shaped
        value replaced. Idempotent."""
        if not text:
            return text
        index = self._snapshot()
        out = index.mark_json_escaped(text) if "\\" in text else text
        out = index.mark(out)
        out = _NET.sub(_net_replacement, out)
        return out.replace(_MARK, PLACEHOLDER)

    def redact_data(self, data: Any) -> Any:
        """A copy of JSON-like data (dicts, lists, tuples, strings) with every string value redacted.

        Keys are names the harness chose (``request``, ``headers``, header names): they carry no
        secret, and rewriting them would break what reads the structure (a short secret such as
        ``uest0`` would turn ``request`` into something else). Request and response bodies are
        text by then, and redacted as text."""
        if isinstance(data, str):
            return self.redact(data)
        if isinstance(data, dict):
            return {k: self.redact_data(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return type(data)(self.redact_data(v) for v in data)
        return data


class _Index:
    """The forms of a set's secrets, ready to find: longest first for few forms, else by their
    first :data:`MIN_SECRET_LENGTH` characters (a run can hold thousands of tokens; one pass
    over the text then costs the same whatever their number).

    Each form is found where it cannot be an ordinary word (:func:`form_kind`): ``anywhere``
    (an encoding that differs from the value, or a value no word looks like), as a token
    (``bounded``: not next to a word character), or, for a value that reads as a word
    (``quoted``), only where the text shows it as a value: in quotes (JSON, ``repr``) or in a
    known secret field (``password=…``, the second net)."""

    def __init__(self, forms: Iterable[str], short: Iterable[str], values: Iterable[str]) -> None:
        raw = set(values)
        self.ordered = tuple(sorted(forms, key=len, reverse=True))
        self.kinds = {form: form_kind(form, form in raw) for form in self.ordered}
        self.confusable = any(kind != ANYWHERE for kind in self.kinds.values())
        self.by_prefix: dict[str, tuple[str, ...]] = {}
        groups: dict[str, list[str]] = {}
        for form in self.ordered:  # every form has at least MIN_SECRET_LENGTH characters
            groups.setdefault(form[:MIN_SECRET_LENGTH], []).append(form)
        self.by_prefix = {k: tuple(v) for k, v in groups.items()}
        self._patterns: dict[str, re.Pattern[str]] = {}
        shorts = sorted(short, key=len, reverse=True)
        self.short = [
            re.compile(_BOUNDS[form_kind(w, True)].replace("FORM", re.escape(w))) for w in shorts
        ]

    def pattern(self, form: str) -> re.Pattern[str]:
        """A confusable form, as a regular expression that finds it only where it fits."""
        found = self._patterns.get(form)
        if found is None:
            found = self._patterns[form] = re.compile(
                _BOUNDS[self.kinds[form]].replace("FORM", re.escape(form))
            )
        return found

    def fits(self, form: str, text: str, start: int, end: int) -> bool:
        """Whether ``form`` found at ``text[start:end]`` counts as the secret (its kind)."""
        kind = self.kinds.get(form, ANYWHERE)
        if kind == ANYWHERE:
            return True
        found = self.pattern(form).match(text, start)  # its lookbehind sees what precedes
        return found is not None and found.end() == end

    def mark(self, text: str) -> str:
        """Every occurrence of a form replaced by the marker, the longest at the leftmost
        position first: no occurrence survives (one that overlaps a replaced one is broken)."""
        out = text
        if len(self.ordered) * len(out) <= _LOOP_BUDGET:
            for form in self.ordered:  # the marker never forms a secret again
                if form in out:
                    if self.kinds[form] == ANYWHERE:
                        out = out.replace(form, _MARK)
                    else:
                        out = self.pattern(form).sub(_MARK, out)
        else:
            out = self._scan(out)
        for pattern in self.short:
            out = pattern.sub(_MARK, out)
        return self._mark_cut_tail(out)

    def _mark_cut_tail(self, text: str) -> str:
        """A secret cut by truncation (``text[:160]``, maybe inside a ``repr``'s quotes) leaves
        its beginning at the end of the text: that beginning is hidden too (where it fits the
        secret's kind: a word-like secret's beginning only after a quote)."""
        end = len(text) - (1 if text[-1:] in ("'", '"') else 0)
        window = min(_TAIL_WINDOW, max((len(f) for f in self.ordered[:1]), default=0))
        for start in range(max(0, end - window), end - MIN_SECRET_LENGTH + 1):
            tail = text[start:end]
            if len(tail) < _HEX_TAIL and _HEX.fullmatch(tail):
                # "got 3600" is not the start of one of a run's thousands of hex tokens
                continue
            candidates = self.by_prefix.get(tail[:MIN_SECRET_LENGTH], ())
            for form in candidates:
                if form.startswith(tail) and self._tail_fits(form, text, start):
                    return text[:start] + _MARK + text[end:]
        return text

    def _tail_fits(self, form: str, text: str, start: int) -> bool:
        kind = self.kinds.get(form, ANYWHERE)
        before = text[start - 1] if start > 0 else ""
        if kind == QUOTED:
            return before in ("'", '"')
        if kind == BOUNDED:
            return not _is_word(before) or _escape_before(text, start)
        return True

    def _scan(self, text: str) -> str:
        pieces: list[str] = []
        done = 0
        for start, end in self._spans(text):
            pieces += (text[done:start], _MARK)
            done = end
        pieces.append(text[done:])
        return "".join(pieces)

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where forms occur, left to right, the longest at each position, none overlapping."""
        size, by_prefix = MIN_SECRET_LENGTH, self.by_prefix
        done = 0
        for start in range(len(text) - size + 1):
            if start < done:
                continue
            candidates = by_prefix.get(text[start : start + size])
            if candidates is None:
                continue
            for form in candidates:  # longest first
                if text.startswith(form, start) and (
                    not self.confusable or self.fits(form, text, start, start + len(form))
                ):
                    done = start + len(form)
                    yield start, done
                    break

    def mark_json_escaped(self, text: str) -> str:
        """Forms found once the text's JSON ``\\uXXXX`` escapes are decoded, marked in the text
        as it is (escapes and all). A text without such escapes is returned unchanged."""
        if "\\u" not in text and "\\U" not in text:
            return text
        pieces: list[str] = []
        segments: list[tuple[int, int, int, bool]] = []  # decoded start, start, length, escape
        decoded = done = 0
        for match in _JSON_ESCAPE.finditer(text):
            if match.group("high") is not None:
                high, low = int(match.group("high"), 16), int(match.group("low"), 16)
                char = chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            elif match.group("one") is not None:
                char = chr(int(match.group("one"), 16))
            else:  # an escaped backslash: kept as it is, and no escape starts inside it
                continue
            if match.start() > done:
                segments.append((decoded, done, match.start() - done, False))
                pieces.append(text[done : match.start()])
                decoded += match.start() - done
            segments.append((decoded, match.start(), match.end() - match.start(), True))
            pieces.append(char)
            decoded += 1
            done = match.end()
        if not pieces:
            return text
        pieces.append(text[done:])
        segments.append((decoded, done, len(text) - done, False))
        firsts = [segment[0] for segment in segments]

        def where(position: int, *, end: bool) -> int:
            first, start, length, escape = segments[bisect_right(firsts, position) - 1]
            if escape:
                return start + length if end else start
            return start + (position - first) + (1 if end else 0)

        marked: list[str] = []
        done = 0
        for first, last in self._spans("".join(pieces)):
            start, stop = where(first, end=False), where(last - 1, end=True)
            marked += (text[done:start], _MARK)
            done = stop
        if not marked:
            return text
        marked.append(text[done:])
        return "".join(marked)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def as_secret_set(secrets: SecretSet | Iterable[str]) -> SecretSet:
    """A :class:`SecretSet` as is, or one holding the given values."""
    return secrets if isinstance(secrets, SecretSet) else SecretSet(secrets)


def redact(text: str, secrets: SecretSet | Iterable[str] = ()) -> str:
    """Hide known secrets (a :class:`SecretSet` or plain values) and secret-shaped values."""
    return as_secret_set(secrets).redact(text)


# --- redaction by name: the mock's journal ---------------------------------------------------
SECRET_PARAMS = frozenset(
    {"client_secret", "password", "refresh_token", "access_token", "code", "form[USR_PASSWORD]"}
)
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-pm3-control-token"})
_TOKENISH = re.compile(r"\b[0-9a-f]{40}\b")


def redact_value(name: str, value: str) -> str:
    """Hide a secret parameter's value; tokens keep six characters so exchanges can be correlated."""
    if name in ("client_secret", "password", "form[USR_PASSWORD]"):
        return "<redacted>"
    if len(value) > 8:
        return value[:6] + "…<redacted>"
    return "<redacted>"


def redact_header(name: str, value: str) -> str:
    lower = name.lower()
    if lower not in SECRET_HEADERS:
        return value
    if lower == "authorization":
        scheme = value.split(" ", 1)[0]
        if scheme.lower() == "basic":
            try:
                user = base64.b64decode(value[6:] + "==").decode("utf-8").split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                user = "?"
            return f"Basic <redacted: client {user}>"
        return f"{scheme} <redacted>"
    return "<redacted>"


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Hide 40-hex tokens and any known secret values inside free text (bodies, locations)."""
    out = _TOKENISH.sub(lambda m: m.group(0)[:6] + "…<redacted>", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "<redacted>")
    return out
