"""One small HTTP layer for every target: in process (WSGI), over loopback, or to a live install.

Redirects are never followed (authorize checks must see the 302). Every exchange is kept so a
failure can carry it as evidence, redacted (:mod:`mockserver.redaction`): client secrets,
passwords, tokens and Basic credentials never reach a report.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import io
import json
import re
import shlex
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol
from urllib.parse import urlsplit

from werkzeug.test import Client

from mockserver import redact_header as mock_redact_header
from mockserver.redaction import PLACEHOLDER
from mockserver.redaction import SECRET_FIELDS as SECRET_FIELDS
from mockserver.redaction import SecretSet
from mockserver.redaction import as_secret_set

from . import strictjson

Secrets = SecretSet | tuple[str, ...]
"""What the redacting helpers take: the run's :class:`SecretSet`, or plain values."""

MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""The most a live answer may send (status line, headers, framing and body): a ProcessMaker
answer is a few kilobytes, and a server that sends more is not read to the end."""
ANSWER_DEADLINE = 60.0
"""Seconds one answer may take in all, however slowly its bytes trickle in."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str
    """Path and query, relative to the target's base URL."""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The decoded JSON body, or ``None`` when PHP's ``json_decode`` would not read it
        (:mod:`conformance.strictjson`: no byte-order mark, no NaN, no lone surrogate, ...)."""
        try:
            return strictjson.parse(self.body)
        except strictjson.Refused:
            return None


@dataclass(frozen=True, slots=True)
class Exchange:
    request: HttpRequest
    response: HttpResponse | None
    base_url: str
    error: str = ""

    def to_evidence(self, secrets: Secrets = ()) -> dict[str, Any]:
        """Request and response as a report shows them, secrets hidden."""
        vault = as_secret_set(secrets)
        req = self.request
        out: dict[str, Any] = {
            "request": {
                "method": req.method,
                "url": vault.redact(self.base_url + req.path),
                "headers": {k: redact_header(k, v, vault) for k, v in req.headers},
                "body": redact_body(req.body, vault),
            }
        }
        if self.response is not None:
            resp = self.response
            out["response"] = {
                "status": resp.status,
                "headers": {k: redact_header(k, v, vault) for k, v in resp.headers},
                "body": vault.redact(resp.text)[:4000],  # cut after: no secret is cut in two
            }
        else:
            out["response"] = {"status": 0, "headers": {}, "body": vault.redact(self.error)}
        return out

    def curl(self, secrets: Secrets = ()) -> str:
        """A curl command that replays the request (secrets replaced by placeholders).

        Each part is redacted once, before shell quoting, so no pattern ever sees a placeholder
        (or a quote) it could mangle."""
        vault = as_secret_set(secrets)
        req = self.request
        parts = ["curl", "-i", "-X", req.method]
        for key, value in req.headers:
            parts += ["-H", f"{key}: {redact_header(key, value, vault)}"]
        if req.body:
            parts += ["--data-binary", redact_body(req.body, vault)]
        parts.append(vault.redact(self.base_url + req.path))
        return " ".join(shlex.quote(p) for p in parts)


def redact(text: str, secrets: Secrets = ()) -> str:
    """Known secrets (by value) and secret-shaped values hidden; see :mod:`mockserver.redaction`."""
    return as_secret_set(secrets).redact(text)


def redact_header(name: str, value: str, secrets: Secrets = ()) -> str:
    vault = as_secret_set(secrets)
    lower = name.lower()
    if lower == "authorization":
        # keeps the Basic client id, hides the rest
        return vault.redact(mock_redact_header(name, value))
    if lower in ("cookie", "set-cookie"):
        return vault.redact(_COOKIE_PAIR.sub(lambda m: _cookie_pair(m, lower, value), value))
    return vault.redact(value)


_COOKIE_PAIR = re.compile(r"([^=;,\s]+)=([^;,\s]+)")
_COOKIE_ATTRIBUTES = frozenset({"path", "domain", "expires", "max-age", "samesite", "priority"})
"""``Set-Cookie`` attributes (RFC 6265 §4.1): what the server says of the cookie, not its value."""


def _cookie_pair(match: re.Match[str], header: str, value: str) -> str:
    """A cookie's value hidden; a ``Set-Cookie`` attribute (``Path=/``, ``SameSite=Lax``) kept,
    never the first pair, which is the cookie itself whatever its name."""
    name = match.group(1)
    first = not value[: match.start()].strip()
    if header == "set-cookie" and not first and name.lower() in _COOKIE_ATTRIBUTES:
        return match.group(0)
    return f"{name}={PLACEHOLDER}"


def redact_body(body: bytes, secrets: Secrets = ()) -> str:
    vault = as_secret_set(secrets)
    text = body.decode("utf-8", errors="replace")
    try:
        decoded = json.loads(text)
    except ValueError:
        return vault.redact(text)
    if isinstance(decoded, dict):
        for key in list(decoded):
            if key in SECRET_FIELDS:
                decoded[key] = PLACEHOLDER
        return vault.redact(json.dumps(decoded))
    return vault.redact(text)


class Transport(Protocol):
    base_url: str

    def send(self, request: HttpRequest) -> HttpResponse: ...


class LearningTransport:
    """A transport that feeds a :class:`SecretSet` with what every exchange sent and received."""

    def __init__(self, inner: Transport, secrets: SecretSet) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.secrets = secrets

    def send(self, request: HttpRequest) -> HttpResponse:
        self.secrets.learn_request(request.path, request.headers, request.body)
        response = self.inner.send(request)
        self.secrets.learn_response(response.headers, response.body)
        return response


class WsgiTransport:
    """Requests to a WSGI app in process: no sockets, redirects not followed."""

    def __init__(self, app: Any, base_url: str = "http://localhost") -> None:
        self.base_url = base_url
        self._client = Client(app, use_cookies=False)

    def send(self, request: HttpRequest) -> HttpResponse:
        headers = list(request.headers)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        response = self._client.open(
            request.path,
            method=request.method,
            data=request.body,
            headers=headers,
            content_type=content_type,
            base_url=self.base_url,
        )
        return HttpResponse(
            response.status_code, tuple(response.headers.items()), response.get_data()
        )


class AnswerError(ConnectionError):
    """A live server's answer the suite gave up reading: the server's fault, not the suite's.

    ``response`` holds what was read before giving up (status, headers, the start of the body),
    when the status line was read at all."""

    def __init__(self, message: str, response: HttpResponse | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.response = response

    def __str__(self) -> str:
        return self.message


class NotHttpAnswer(AnswerError):
    """The peer does not answer in HTTP/1.x (another protocol on the port, garbage, a body cut
    short)."""


class AnswerTooLarge(AnswerError):
    """The answer went past :data:`MAX_ANSWER_BYTES` (or the transport's own cap)."""


class AnswerTooSlow(AnswerError, TimeoutError):
    """The answer went past :data:`ANSWER_DEADLINE` (or the transport's own deadline)."""


def _size(n: int) -> str:
    return f"{n / 1048576:g} MiB" if n >= 1048576 and n % 1024 == 0 else f"{n} bytes"


class _Budget:
    """What one answer may still take: bytes and time. Shared by the reads of one answer."""

    def __init__(self, limit: int, deadline: float, per_read: float, what: str) -> None:
        self.limit = limit
        self.seconds = deadline
        self.deadline = time.monotonic() + deadline
        self.per_read = per_read
        self.what = what
        self.received = 0


class _BudgetReader(io.RawIOBase):
    """A socket's reads, each given what is left of the answer's deadline and byte budget."""

    def __init__(self, sock: socket.socket, budget: _Budget) -> None:
        super().__init__()
        self._sock = sock
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        budget = self._budget
        left = budget.deadline - time.monotonic()
        if left <= 0:
            raise AnswerTooSlow(
                f"{budget.what} took longer than {budget.seconds:g} s "
                "(the answer deadline); the suite stopped reading"
            )
        self._sock.settimeout(min(budget.per_read, left))
        try:
            n = self._sock.recv_into(buffer)
        except TimeoutError:
            if time.monotonic() < budget.deadline:
                raise
            raise AnswerTooSlow(
                f"{budget.what} took longer than {budget.seconds:g} s "
                "(the answer deadline); the suite stopped reading"
            ) from None
        budget.received += n
        if budget.received > budget.limit:
            raise AnswerTooLarge(
                f"{budget.what} is larger than {_size(budget.limit)} "
                "(the answer size cap); the suite stopped reading"
            )
        return n


class _BudgetedSocket:
    """A connected socket whose reading side (``makefile``) keeps to a :class:`_Budget`."""

    def __init__(self, sock: socket.socket, budget: _Budget) -> None:
        self._sock = sock
        self._budget = budget

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_BudgetReader(self._sock, self._budget))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _BudgetedHTTPConnection(http.client.HTTPConnection):
    """A connection whose socket, once connected, reads within ``budget``."""

    budget: _Budget

    def connect(self) -> None:
        super().connect()
        self.sock = _BudgetedSocket(self.sock, self.budget)


class _BudgetedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the socket is budgeted once wrapped."""

    budget: _Budget

    def connect(self) -> None:
        super().connect()
        self.sock = _BudgetedSocket(self.sock, self.budget)


class HttpTransport:
    """Requests over the network with the standard library; optional rate and count limits.

    Every answer is bounded: at most ``max_answer_bytes`` read, within ``answer_deadline``
    seconds in all (``timeout`` bounds each read and the connect). Past either, the request
    raises :class:`AnswerTooLarge` / :class:`AnswerTooSlow`; a peer that does not speak HTTP
    raises :class:`NotHttpAnswer`. All three are :class:`ConnectionError`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        verify_tls: bool = True,
        min_interval: float = 0.0,
        max_requests: int | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        answer_deadline: float = ANSWER_DEADLINE,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._parts = parts
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self.answer_deadline = answer_deadline
        self._context = ssl.create_default_context()
        if not verify_tls:
            self._context.check_hostname = False
            self._context.verify_mode = ssl.CERT_NONE
        self.min_interval = min_interval
        self.max_requests = max_requests
        self.sent = 0
        self._lock = threading.Lock()
        self._last = 0.0

    def _pace(self) -> None:
        with self._lock:
            if self.max_requests is not None and self.sent >= self.max_requests:
                raise ConnectionAbortedError(
                    f"request budget of {self.max_requests} for this target is spent"
                )
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            self.sent += 1

    def send(self, request: HttpRequest) -> HttpResponse:
        self._pace()
        parts = self._parts
        port = parts.port or (443 if parts.scheme == "https" else 80)
        budget = _Budget(
            self.max_answer_bytes,
            self.answer_deadline,
            self.timeout,
            f"the answer to {request.method} {self.base_url}{request.path}",
        )
        connect_timeout = min(self.timeout, self.answer_deadline)
        conn: _BudgetedHTTPConnection | _BudgetedHTTPSConnection
        if parts.scheme == "https":
            conn = _BudgetedHTTPSConnection(
                parts.hostname or "", port, timeout=connect_timeout, context=self._context
            )
        else:
            conn = _BudgetedHTTPConnection(parts.hostname or "", port, timeout=connect_timeout)
        conn.budget = budget
        prefix = parts.path.rstrip("/")
        response: http.client.HTTPResponse | None = None
        chunks: list[bytes] = []
        try:
            conn.request(request.method, prefix + request.path, request.body, dict(request.headers))
            response = conn.getresponse()
            while chunk := response.read(65536):
                chunks.append(chunk)
            return HttpResponse(response.status, tuple(response.getheaders()), b"".join(chunks))
        except AnswerError as exc:
            if response is not None:
                head = b"".join(chunks)[:4000]
                exc.response = HttpResponse(response.status, tuple(response.getheaders()), head)
            raise
        except OSError:
            raise  # refused, reset, a read timeout: as the socket said
        except http.client.HTTPException as exc:
            raise NotHttpAnswer(
                f"{budget.what} is not a well-formed HTTP/1.x answer: {_describe_http_error(exc)}"
            ) from None
        finally:
            conn.close()


def _describe_http_error(exc: http.client.HTTPException) -> str:
    """What :mod:`http.client` refused, in a few words (its own messages are often bare)."""
    if isinstance(exc, http.client.BadStatusLine):
        raw = getattr(exc, "line", "")
        line = raw if isinstance(raw, str) else repr(raw)
        return f"the status line is {line.strip()[:80]!r}" if line.strip() else "no status line"
    if isinstance(exc, http.client.IncompleteRead):
        return f"the body ended early ({len(exc.partial)} bytes read)"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError | http.client.HTTPException | socket.timeout)


def cannot_reach(base_url: str, exc: BaseException) -> str:
    """One line on why ``base_url`` could not be reached, blaming the right thing: an
    ``https://`` URL whose server answered the TLS handshake in plain HTTP (OpenSSL's
    ``WRONG_VERSION_NUMBER``) is named as such, with the ``http://`` URL to use instead."""
    parts = urlsplit(base_url)
    if (
        parts.scheme == "https"
        and isinstance(exc, ssl.SSLError)
        and (exc.reason == "WRONG_VERSION_NUMBER" or "WRONG_VERSION_NUMBER" in str(exc))
    ):
        plain = parts._replace(scheme="http").geturl()
        return (
            f"{base_url} answers in plain HTTP, not HTTPS (the TLS handshake got an HTTP "
            f"answer): use {plain}, or enable HTTPS on the server"
        )
    return f"cannot reach {base_url}: {exc}"


class _HeaderView:
    """What :class:`http.cookiejar.CookieJar` reads of a response: ``info().get_all``."""

    def __init__(self, response: HttpResponse) -> None:
        self._headers = response.headers

    def info(self) -> _HeaderView:
        return self

    def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
        values = [v for k, v in self._headers if k.lower() == name.lower()]
        return values or default


class CookieJar:
    """The cookies of one check's browser-like requests (the PHP session, ``PHPSESSID``).

    :mod:`http.cookiejar` decides: a session cookie is kept, a cookie set with an expiry in the
    past (``delete_cookie``) or ``Max-Age=0`` is removed, domains and paths are honoured.
    """

    def __init__(self) -> None:
        self._jar = http.cookiejar.CookieJar()

    @property
    def values(self) -> dict[str, str]:
        """Names and values of the cookies held."""
        return {c.name: c.value or "" for c in self._jar}

    def absorb(self, response: HttpResponse, url: str) -> None:
        """Take the ``Set-Cookie`` headers of ``response`` to a request for ``url``."""
        self._jar.extract_cookies(_HeaderView(response), urllib.request.Request(url))  # type: ignore[arg-type]

    def header(self, url: str) -> Mapping[str, str]:
        """The ``Cookie`` header a request for ``url`` carries (empty when none applies)."""
        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        cookie = request.get_header("Cookie") or request.unredirected_hdrs.get("Cookie")
        return {"Cookie": cookie} if cookie else {}
