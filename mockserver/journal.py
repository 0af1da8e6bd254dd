"""The request journal: every exchange the mock answered, and questions about them.

Recording lives in the app layer, so it works the same for the in-process WSGI app and a live
server. The journal is a ring (bounded in memory); secrets are kept as sent (a test may need them)
but redacted whenever an exchange is rendered (``to_dict``, ``repr``, near-miss messages).
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
from collections import deque
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .matching import RequestInfo
from .matching import RequestMatcher

SECRET_PARAMS = frozenset(
    {"client_secret", "password", "refresh_token", "access_token", "code", "form[USR_PASSWORD]"}
)
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-pm3-control-token"})
_TOKENISH = re.compile(r"\b[0-9a-f]{40}\b")
DEFAULT_CAPACITY = 5000
BODY_CAP = 64 * 1024


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


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the answer the mock gave (or the fault it injected)."""

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

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.response_body)
        except ValueError:
            return None

    def to_dict(self, *, redact: bool = True, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
        """A JSON-friendly view; secrets hidden unless ``redact=False``."""
        req = self.request
        params = {
            k: (redact_value(k, v) if redact and k in SECRET_PARAMS else v)
            for k, v in req.params.items()
        }
        query = {
            k: (redact_value(k, v) if redact and k in SECRET_PARAMS else v)
            for k, v in req.query.items()
        }
        headers = {k: (redact_header(k, v) if redact else v) for k, v in req.headers.items()}
        resp_headers = {k: (redact_header(k, v) if redact else v) for k, v in self.response_headers}
        body = self.response_body[:BODY_CAP].decode("utf-8", errors="replace")
        if redact:
            body = redact_text(body, secrets)
            if "Location" in resp_headers:
                resp_headers["Location"] = redact_text(resp_headers["Location"], secrets)
        return {
            "seq": self.seq,
            "at": self.at,
            "request": {
                "method": req.method,
                "path": req.path,
                "endpoint": req.endpoint,
                "workspace": req.workspace,
                "query": query,
                "params": params,
                "encoding": req.encoding,
                "headers": headers,
            },
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
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Exchange] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self.dropped = 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def next_seq(self) -> int:
        return next(self._seq)

    def record(self, exchange: Exchange) -> None:
        with self._lock:
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._entries.append(exchange)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.dropped = 0

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
