"""The request journal: every exchange the mock answered, and questions about them.

Recording lives in the app layer, so it works the same for the in-process WSGI app and a live
server. Secrets are kept as sent (a test may need them) but redacted whenever an exchange is
rendered (``to_dict``, ``repr``, near-miss messages).

The journal is bounded in memory, not only in entries: a client can send megabyte bodies, and
thousands of them must not grow the server by gigabytes. At record time (:meth:`Journal.record`)
each exchange is cut down to what a test needs:

- request and response bodies keep their first :data:`BODY_CAP` bytes; the exchange keeps the
  original lengths (``request_body_size``, ``response_body_size``) and rendering ends a cut body
  with ``…[truncated: N bytes total]``;
- parameter, query and header values keep their first :data:`VALUE_CAP` characters, followed by
  ``…[truncated: N chars total]``; at most :data:`FIELDS_CAP` of each are kept (the number left
  out is ``omitted_fields``).

Journal questions (``matching``, ``assert_request_made``) therefore see the cut values; overrides
are matched before recording, on the full request. And the journal holds at most ``capacity``
exchanges and about ``max_bytes`` bytes (an estimate of the memory its entries hold): past either,
the oldest exchanges are evicted and counted in ``dropped``. The newest exchange is always kept.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections import deque
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from mockserver.redaction import SECRET_PARAMS
from mockserver.redaction import redact_header
from mockserver.redaction import redact_text
from mockserver.redaction import redact_value
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import RequestMatcher

DEFAULT_CAPACITY = 5000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""What the journal holds at most, by default (an estimate of its entries' memory)."""
BODY_CAP = 64 * 1024
"""Bytes of a request or response body kept per exchange."""
VALUE_CAP = 8 * 1024
"""Characters of a parameter, query or header value (and of its name) kept per exchange."""
FIELDS_CAP = 200
"""Parameters (and query parameters, and headers) kept per exchange."""
_ENTRY_OVERHEAD = 2048
"""Bytes counted per exchange for the objects around the payload (dataclasses, dicts, tuples)."""
_FIELD_OVERHEAD = 64
_PAIR_OVERHEAD = _FIELD_OVERHEAD + 2 * sys.getsizeof("")
"""A pair's cost beyond its characters: two string objects and the mapping's slot (estimate)."""
"""Bytes counted per kept field for its dict slot and tuple."""
_HEX = "0123456789abcdef"


def _trim_cut(text: str, secrets: tuple[str, ...]) -> str:
    """Drop what may be the start of a secret or token cut off at the end of a truncated text.

    ``redact_text`` only recognises whole secrets and whole 40-hex tokens; one that straddles the
    cut would otherwise be rendered in part.
    """
    for secret in secrets:
        if len(secret) >= 4:
            for k in range(min(len(secret) - 1, len(text)), 0, -1):
                if text.endswith(secret[:k]):
                    text = text[:-k]
                    break
    stripped = text.rstrip(_HEX)
    return stripped if len(text) - len(stripped) < 40 else text


def _cut_text(value: str) -> str:
    if len(value) <= VALUE_CAP:
        return value
    return f"{value[:VALUE_CAP]}…[truncated: {len(value)} chars total]"


def _cut_fields(values: Mapping[str, str]) -> tuple[dict[str, str], int]:
    """At most :data:`FIELDS_CAP` fields, each cut; and how many were left out."""
    kept: dict[str, str] = {}
    for i, (name, value) in enumerate(values.items()):
        if i == FIELDS_CAP:
            return kept, len(values) - FIELDS_CAP
        kept[_cut_text(name)] = _cut_text(value)
    return kept, 0


def _text_size(value: str | bytes) -> int:
    return sys.getsizeof(value)


def _fields_size(pairs: Iterable[tuple[str, str]], cap: int) -> int:
    """The estimated size of name/value pairs, or -1 if one of them is over ``cap`` characters."""
    size = 0
    for name, value in pairs:
        # A value may be None (a multipart part the parser could not name): count it as empty.
        name_len = len(name) if isinstance(name, str) else 0
        value_len = len(value) if isinstance(value, str) else 0
        if name_len > cap or value_len > cap:
            return -1
        size += name_len + value_len + _PAIR_OVERHEAD
    return size


def retained_size(exchange: Exchange) -> int:
    """An estimate of the memory an exchange holds (payload plus a fixed overhead).

    Never -1: without a cap, no value is too long for :func:`_small_size` to count.
    """
    return _small_size(exchange, cap=sys.maxsize)


def _small_size(exchange: Exchange, cap: int = VALUE_CAP) -> int:
    """:func:`retained_size` of an exchange that needs no cutting, else -1 (one pass, no copy)."""
    req = exchange.request
    if cap != sys.maxsize and (
        len(req.body) > BODY_CAP
        or len(exchange.response_body) > BODY_CAP
        or max(len(req.params), len(req.query), len(req.headers), len(exchange.response_headers))
        > FIELDS_CAP
        or len(req.path) > cap
        or len(req.resource) > cap
    ):
        return -1
    size = _ENTRY_OVERHEAD + _text_size(req.body) + _text_size(exchange.response_body)
    size += _text_size(req.path) + _text_size(req.resource)
    for pairs in (
        req.params.items(),
        req.query.items(),
        req.headers.items(),
        exchange.response_headers,
    ):
        part = _fields_size(pairs, cap)
        if part < 0:
            return -1
        size += part
    return size


def bounded(exchange: Exchange) -> Exchange:
    """The exchange as the journal keeps it: bodies and values cut, original sizes noted."""
    req = exchange.request
    params, omitted_params = _cut_fields(req.params)
    query, omitted_query = _cut_fields(req.query)
    headers, omitted_headers = _cut_fields(req.headers)
    request = replace(
        req,
        path=_cut_text(req.path),
        resource=_cut_text(req.resource),
        params=params,
        query=query,
        headers=headers,
        body=req.body[:BODY_CAP],
    )
    response_headers = exchange.response_headers[:FIELDS_CAP]
    return replace(
        exchange,
        request=request,
        response_headers=tuple((_cut_text(k), _cut_text(v)) for k, v in response_headers),
        response_body=exchange.response_body[:BODY_CAP],
        request_body_size=exchange.request_body_size
        if exchange.request_body_size is not None
        else len(req.body),
        response_body_size=exchange.response_body_size
        if exchange.response_body_size is not None
        else len(exchange.response_body),
        omitted_fields=exchange.omitted_fields
        + omitted_params
        + omitted_query
        + omitted_headers
        + len(exchange.response_headers)
        - len(response_headers),
    )


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the answer the mock gave (or the fault it injected).

    Once recorded, bodies and values are cut (see the module's docstring): ``json()`` of a cut
    response body is ``None``.
    """

    seq: int
    at: float
    """Mock-clock time of the request."""
    request: RequestInfo
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    duration_ms: float
    scripted: str = ""
    """Which override or fault answered, if any."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    request_body_size: int | None = None
    """Length of the request body as received (``None``: ``len(request.body)``, nothing cut)."""
    response_body_size: int | None = None
    """Length of the response body as sent (``None``: ``len(response_body)``, nothing cut)."""
    omitted_fields: int = 0
    """Parameters, query parameters and headers left out past :data:`FIELDS_CAP`."""

    @property
    def request_body_truncated(self) -> bool:
        size = self.request_body_size
        return size is not None and size > len(self.request.body)

    @property
    def response_body_truncated(self) -> bool:
        return self._response_total() > len(self.response_body[:BODY_CAP])

    def _response_total(self) -> int:
        size = self.response_body_size
        return len(self.response_body) if size is None else size

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.response_body)
        except ValueError:
            return None

    def to_dict(self, *, redact: bool = True, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
        """A JSON-friendly view; secrets hidden unless ``redact=False``."""
        req = self.request

        def field(name: str, value: str) -> str:
            if not redact:
                return value
            return (
                redact_value(name, value) if name in SECRET_PARAMS else redact_text(value, secrets)
            )

        def header(name: str, value: str) -> str:
            return redact_text(redact_header(name, value), secrets) if redact else value

        params = {k: field(k, v) for k, v in req.params.items()}
        query = {k: field(k, v) for k, v in req.query.items()}
        headers = {k: header(k, v) for k, v in req.headers.items()}
        resp_headers = {k: header(k, v) for k, v in self.response_headers}
        body = self.response_body[:BODY_CAP].decode("utf-8", errors="replace")
        truncated = self.response_body_truncated
        if redact:
            body = redact_text(body, secrets)
            if truncated:
                body = _trim_cut(body, secrets)
        if truncated:
            body += f"…[truncated: {self._response_total()} bytes total]"
        request: dict[str, Any] = {
            "method": req.method,
            "path": redact_text(req.path, secrets) if redact else req.path,
            "endpoint": req.endpoint,
            "workspace": req.workspace,
            "query": query,
            "params": params,
            "encoding": req.encoding,
            "headers": headers,
        }
        if self.omitted_fields:
            request["omitted_fields"] = self.omitted_fields
        return {
            "seq": self.seq,
            "at": self.at,
            "request": request,
            "response": {"status": self.status, "headers": resp_headers, "body": body},
            "duration_ms": round(self.duration_ms, 3),
            "scripted": self.scripted,
        }

    def summary(self) -> str:
        req = self.request
        grant = f" grant_type={req.params.get('grant_type')}" if "grant_type" in req.params else ""
        return f"#{self.seq} {req.method} {req.path}{grant} -> {self.status}"


class Journal:
    """A bounded, thread-safe log of exchanges.

    :param capacity: how many exchanges are kept (the oldest drop out first).
    :param max_bytes: about how many bytes the kept exchanges may hold, as estimated by
        :func:`retained_size` (the oldest drop out first; the newest is always kept). Exchanges
        are cut at record time, so a typical token exchange costs a few KiB and one with
        megabyte bodies about ``2 * BODY_CAP`` plus its cut fields.
    """

    def __init__(
        self, capacity: int = DEFAULT_CAPACITY, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self._lock = threading.Lock()
        self._capacity = max(capacity, 0)
        self.max_bytes = max_bytes
        self._entries: deque[Exchange] = deque()
        self._sizes: deque[int] = deque()
        self._bytes = 0
        self._seq = itertools.count(1)
        self.dropped = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def retained_bytes(self) -> int:
        """The estimated memory the kept exchanges hold (see :func:`retained_size`)."""
        with self._lock:
            return self._bytes

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def record(self, exchange: Exchange) -> None:
        """Keep an exchange, cut down (bodies, values) before it is stored."""
        size = _small_size(exchange)  # the usual case: nothing to cut, nothing to copy
        kept = exchange
        if size < 0:
            kept = bounded(exchange)
            size = retained_size(kept)
        with self._lock:
            self._entries.append(kept)
            self._sizes.append(size)
            self._bytes += size
            while len(self._entries) > self._capacity or (
                self._bytes > self.max_bytes and len(self._entries) > 1
            ):
                self._entries.popleft()
                self._bytes -= self._sizes.popleft()
                self.dropped += 1

    def clear(self) -> None:
        """Forget every exchange; numbering starts at 1 again."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0
            self.dropped = 0
            self._seq = itertools.count(1)

    def entries(self) -> list[Exchange]:
        with self._lock:
            return list(self._entries)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def last(self) -> Exchange | None:
        with self._lock:
            return self._entries[-1] if self._entries else None

    def matching(self, matcher: RequestMatcher) -> list[Exchange]:
        return [e for e in self.entries() if matcher.matches(e.request)]

    def assert_request_made(self, matcher: RequestMatcher, count: int | None = None) -> None:
        """Assert that requests matching ``matcher`` were made (``count`` of them, if given).

        :raises AssertionError: naming the closest requests when the count is wrong.
        """
        found = self.matching(matcher)
        if (count is None and found) or (count is not None and len(found) == count):
            return
        wanted = "at least one" if count is None else str(count)
        lines = [f"expected {wanted} request(s) matching {matcher.describe()}, found {len(found)}"]
        near = sorted(self.entries(), key=lambda e: -matcher.score(e.request))[:3]
        near = [e for e in near if not matcher.matches(e.request)]
        if near:
            lines.append("closest requests:")
            for e in near:
                lines.append(
                    f"  {e.summary()}  (differs in: {', '.join(matcher.mismatches(e.request))})"
                )
        elif not self.entries():
            lines.append("no requests were recorded")
        raise AssertionError("\n".join(lines))

    def render(self, *, redact: bool = True, secrets: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [e.to_dict(redact=redact, secrets=secrets) for e in self.entries()]
