"""The embedded engine: an HTTP/1.1 keep-alive WSGI server in a background thread.

Requests are parsed by ``httptools`` (Node's llhttp, the parser of uvicorn), which is strict: a
header line with whitespace before its colon or without a colon, a chunk size such as ``0x0``,
``+0`` or ``0_0``, an obs-fold, a bare LF, two ``Content-Length`` fields or one next to
``Transfer-Encoding`` all end the parse. The engine adds what llhttp leaves to its caller
(RFC 9112): HTTP/1.0 with ``Transfer-Encoding`` and versions other than 1.0 and 1.1 are refused,
and a head may hold at most :data:`MAX_HEAD` bytes. A message the parser refuses gets one 400 and
a closed connection; nothing after it is read as another request.

How it serves:

- **one I/O thread** (a ``selectors`` loop) accepts, runs each TLS handshake without blocking
  (deadline :data:`HANDSHAKE_TIMEOUT`), and reads request heads and bodies. A head must be whole
  within :data:`HEAD_TIMEOUT` of its first byte (a new connection's within :data:`HEAD_TIMEOUT`
  of the accept), so a client that sends a byte now and then holds only its own descriptor, and
  not for long;
- **a bounded pool of threads** (at most :data:`MAX_WORKERS`, started as needed) runs the app for
  requests whose head and body are in. Requests **take turns**: one pool thread serves them one
  after another, and another thread is woken only when every thread on a request has been on it
  for :data:`TURN_WAIT` seconds (a ``delay`` fault, a client that reads its answer slowly). Threads
  running Python at once only fight over the GIL, and a request that goes to a cold thread costs a
  third more than one that stays on a warm thread (measured: README, "Performance"). When no other
  request waits, the thread reads the connection's next request itself if it comes within
  :data:`INLINE_WAIT`, with no handoff to the I/O thread. A body is read before the app runs; one
  over :data:`PREBUFFER_LIMIT` is read by the app from the socket (so a 413 needs none of it);
- **a connection cap** (:func:`connection_cap`, below the descriptor limit): at the cap, the
  connection that has waited longest for its request is closed to let the new one in; when every
  connection is busy in the app, the newcomer gets a 503 and a close. Bodies the loop holds are
  bounded in all by :data:`BUFFER_BUDGET`: past it, bodies are read one at a time (the one that
  goes on is answered, and its memory released) until the total is back under it;
- **message framing follows RFC 9112 §6.3** (:func:`framing_problem`); a request body the app left
  unread is drained when small and the connection closed otherwise (always after a 413: the app
  sets :data:`~mockserver.protocol.environ.CLOSE_CONNECTION`);
- **failures are never silent**: an exception in the app, or an answer the engine cannot send (a
  header with CR or LF, a name that is not a token, a value that is not Latin-1), becomes a 500
  when no byte of the answer has gone yet, and is passed to ``on_error`` (the mock records it for
  ``MockServer.check()``); after the status line, the connection is closed instead;
- **the raw socket is in the environ** (``werkzeug.socket``, the key werkzeug's server uses), so
  fault injection can reset or truncate a connection;
- :meth:`EmbeddedServer.stop` stops accepting, closes idle connections, lets requests in flight
  finish for up to :data:`STOP_DRAIN` seconds, then cuts the rest;
- no ``Server`` header: the mock does not announce itself.

Why not an existing engine? Measured side by side (README, "Performance"), waitress and cheroot
give the application no socket (socket faults are a feature of the mock), waitress has no TLS,
and cheroot does its TLS handshake on the accept path.
"""

from __future__ import annotations

import collections
import contextlib
import email.utils
import errno
import functools
import http
import io
import os
import queue
import re
import resource
import select
import selectors
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import unquote_to_bytes

import httptools

from mockserver.protocol.environ import CLOSE_CONNECTION

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

HANDSHAKE_TIMEOUT = 10.0
"""Seconds a TLS client has to finish its handshake (run by the I/O thread without blocking)."""
HEAD_TIMEOUT = 10.0
"""Seconds a request head has to arrive whole, from its first byte (or from the accept)."""
IDLE_TIMEOUT = 60.0
"""Seconds a keep-alive connection may sit silent between requests, a body may take to arrive,
and an answer may take to be sent."""
MAX_HEAD = 64 * 1024
"""Bytes a request head may hold (request line and headers); past it, a 431 (414 for a URL)."""
PREBUFFER_LIMIT = 1024 * 1024
"""A request body up to this size is read by the I/O thread before the app is called; a larger
one is read by the app from the socket."""
BUFFER_BUDGET = 32 * 1024 * 1024
"""Bytes of request bodies the I/O thread holds in all; past it, it reads no more bodies until
some are released."""
TURN_WAIT = 0.05
"""Seconds the threads on requests may all stay on them before a waiting request gets a thread of
its own (see the module docstring)."""
DRAIN_LIMIT = 64 * 1024
"""An unread request body up to this size is read and dropped to keep the connection; larger,
the connection is closed instead."""
CORE_WORKERS = 4
"""Threads that run the app, started as requests need them (see :meth:`EmbeddedServer._grow`)."""
GROW_AFTER = 0.5
"""Seconds a request must have been in a pool thread before a thread past the core is started."""
MAX_WORKERS = 32
"""Threads that run the app at most, when requests stay in the app (sleeping faults)."""
MAX_CONNECTIONS = 4096
"""Open connections at most; :func:`connection_cap` lowers it to fit the descriptor limit."""
INLINE_WAIT = 0.0005
"""Seconds a pool thread, with no other request waiting, waits for its connection's next request
before it hands the connection back to the I/O thread."""
STOP_DRAIN = 5.0
"""Seconds :meth:`EmbeddedServer.stop` lets requests in flight finish."""

_CLOSE = b"Connection: close\r\n"
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_STATUS = re.compile(r"[1-5][0-9][0-9](?: [^\x00-\x08\x0a-\x1f\x7f]*)?")
_WOULD_BLOCK = (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (``SO_REUSEADDR``, inheritable by forked workers).

    :raises OSError: the address is in use or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and host in ("::", ""):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # dual stack
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def connection_cap(limit: int = MAX_CONNECTIONS) -> int:
    """Connections the engine keeps open at most: ``limit``, lowered to leave 64 descriptors of the
    process's soft ``RLIMIT_NOFILE`` for everything else (databases, pipes, logs)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return limit
    return max(16, min(limit, soft - 64))


def framing_problem(content_lengths: list[str], transfer_encodings: list[str]) -> str | None:
    """Why a request's message framing is ambiguous (RFC 9112 §6.3), or ``None``.

    Two ``Content-Length`` fields (even equal ones), a list value, a value that is not digits, or a
    ``Content-Length`` together with ``Transfer-Encoding`` would let two parsers disagree on where
    the body ends (request smuggling); the mock answers 400 and closes. (llhttp refuses these too;
    this is the engine's own statement of the rule.)"""
    if len(content_lengths) > 1:
        return "Bad Request: more than one Content-Length field.\n"
    if content_lengths and not (
        content_lengths[0].strip().isascii() and content_lengths[0].strip().isdigit()
    ):
        return "Bad Request: Content-Length is not a number.\n"
    if content_lengths and transfer_encodings:
        return "Bad Request: both Content-Length and Transfer-Encoding.\n"
    if transfer_encodings and transfer_encodings[-1].split(",")[-1].strip().lower() != "chunked":
        return "Bad Request: a Transfer-Encoding that does not end in chunked.\n"
    return None


def head_problem(status: str, headers: Iterable[tuple[str, str]]) -> str | None:
    """Why an answer's status line or headers cannot be sent as they are, or ``None``.

    A CR or LF would inject a header line or end the head early; other controls and characters
    outside Latin-1 have no HTTP/1.1 encoding; a header name must be an RFC 9110 token."""
    if not _STATUS.fullmatch(status) or not _latin1(status):
        return f"the status line {status!r} is not '<3 digits> <reason>' in Latin-1"
    for name, value in headers:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            return f"the header name {name!r} is not a token"
        if not isinstance(value, str) or _BAD_VALUE.search(value) or not _latin1(value):
            return f"the value of header {name!r} holds a control character or is not Latin-1"
    return None


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=2)
def _date_of(second: int) -> str:
    """The ``Date`` header of a second (cached: one formatting per second, thread-safe)."""
    return email.utils.formatdate(second, usegmt=True)


def _http_date() -> str:
    return _date_of(int(time.time()))


def _plain(status: int, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class _Request:
    """One request as the parser delivers it."""

    __slots__ = (
        "body",
        "body_size",
        "chunked",
        "complete",
        "content_length",
        "continue_sent",
        "error",
        "headers",
        "keep_alive",
        "method",
        "streamed",
        "url",
        "version",
    )

    def __init__(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.method = ""
        self.version = "1.1"
        self.keep_alive = True
        self.body: collections.deque[bytes] = collections.deque()
        self.body_size = 0  # bytes in self.body
        self.complete = False
        self.chunked = False
        self.content_length = -1
        self.streamed = False  # handed to the app before its body was in
        self.continue_sent = False
        self.error = b""  # a whole answer that refuses the request (a 400, 414, 431, 505)


class _Conn:
    """One connection: its socket, its parser (this object receives the parser's callbacks), the
    requests parsed and not yet answered, and where the I/O thread is with it."""

    def __init__(self, sock: socket.socket, address: Any, server: EmbeddedServer) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.address = address
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.ready: collections.deque[_Request] = collections.deque()  # whole, or refused
        self.current: _Request | None = None  # being parsed
        self.head_bytes = 0  # received since the head began (some may be the last body's)
        self.head_size = 0  # of the head's parts parsed so far
        self.handshaking = False
        self.busy = False  # a pool thread owns it
        self.closed = False
        self.ended = False  # the parser stopped: read nothing more
        self.done = False  # a pool thread is finished with it: the I/O thread closes it
        self.deadline = 0.0

    # --- parser callbacks (llhttp) --------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.current = _Request()
        self.head_bytes = 0
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        assert self.current is not None
        self.current.url += url
        self._grow_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        assert self.current is not None
        self.current.headers.append((name, value))
        self._grow_head(len(name) + len(value) + 4)

    def _grow_head(self, size: int) -> None:
        self.head_size += size
        if self.head_size > MAX_HEAD:
            assert self.current is not None
            raise _Refused(_too_large(self.current))

    def on_headers_complete(self) -> None:
        request = self.current
        assert request is not None
        parser = self.parser
        request.version = parser.get_http_version()
        request.method = parser.get_method().decode("latin-1")
        request.keep_alive = parser.should_keep_alive()
        lengths: list[str] = []
        encodings: list[str] = []
        for name, value in request.headers:
            lowered = name.lower()
            if lowered == b"content-length":
                lengths.append(value.decode("latin-1"))
            elif lowered == b"transfer-encoding":
                encodings.append(value.decode("latin-1"))
        if request.version not in ("1.0", "1.1"):
            request.error = _plain(505, "HTTP Version Not Supported: HTTP/1.0 or 1.1 only.\n")
        elif request.version == "1.0" and encodings:
            # RFC 9112 §6.1: HTTP/1.0 has no Transfer-Encoding; its framing is faulty.
            request.error = _plain(400, "Bad Request: Transfer-Encoding in an HTTP/1.0 request.\n")
        else:
            problem = framing_problem(lengths, encodings)
            if problem is not None:
                request.error = _plain(400, problem)
        if request.error:
            raise _Refused(request.error)  # stops llhttp: no byte after this is parsed
        request.chunked = bool(encodings)
        request.content_length = int(lengths[0]) if lengths else -1

    def on_body(self, body: bytes) -> None:
        request = self.current
        if request is None or request.error:
            return
        request.body.append(body)
        request.body_size += len(body)
        if not request.streamed:
            self.server.buffered_add(len(body))

    def on_message_complete(self) -> None:
        request = self.current
        if request is None or request.error:
            return
        request.complete = True
        if not request.streamed:
            self.ready.append(request)
        self.current = None

    # --- feeding ------------------------------------------------------------------------------
    def _refuse(self, request: _Request) -> None:
        if not request.streamed:
            self.ready.append(request)
        self.current = None
        self.ended = True

    def feed(self, data: bytes) -> None:
        """Parse bytes received; a refusal ends the connection's parse."""
        if self.ended:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.ended = True  # no upgrades: answer what was asked, then close
            self.current = None
            return
        except httptools.HttpParserError as exc:
            request = self.current or _Request()
            cause = exc.__context__
            if isinstance(cause, _Refused):
                request.error = cause.answer
            elif not isinstance(exc, httptools.HttpParserCallbackError):
                reason = str(exc).strip().rstrip(".") or "malformed request"
                request.error = _plain(400, f"Bad Request: {reason}.\n")
            else:  # a defect of the engine's callbacks: refuse rather than guess
                request.error = _plain(400, "Bad Request: the request could not be read.\n")
            self._refuse(request)
            return
        reading = self.current
        if reading is not None and not reading.method:
            self.head_bytes += len(data)
            if self.head_bytes > 2 * MAX_HEAD:  # a part so long llhttp still holds it
                reading.error = _too_large(reading)
                self._refuse(reading)


def _too_large(request: _Request) -> bytes:
    if not request.headers:
        return _plain(414, "URI Too Long\n")
    return _plain(431, "Request Header Fields Too Large\n")


class _Refused(Exception):
    """Raised in a parser callback to stop llhttp; ``answer`` is the refusal to send."""

    def __init__(self, answer: bytes) -> None:
        super().__init__("refused")
        self.answer = answer


class _StreamedBody(io.RawIOBase):
    """``wsgi.input`` for a body the app reads from the socket (it was too large to prebuffer)."""

    def __init__(self, conn: _Conn, request: _Request) -> None:
        self._conn = conn
        self._request = request
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        request = self._request
        if request.body:
            self._pending += b"".join(request.body)
            request.body.clear()
            return True
        if request.complete or request.error or self._conn.ended:
            return False
        if not request.continue_sent and _expects_continue(request):
            request.continue_sent = True
            _send_all(self._conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n", IDLE_TIMEOUT)
        data = _recv(self._conn.sock, IDLE_TIMEOUT)
        if not data:
            raise ConnectionResetError("the client closed before the end of the body")
        self._conn.feed(data)
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            while self._fill():
                pass
            data, self._pending = self._pending, b""
            return data
        while len(self._pending) < size and self._fill():
            pass
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def readline(self, size: int | None = -1) -> bytes:
        while b"\n" not in self._pending and (
            size is None or size < 0 or len(self._pending) < size
        ):
            if not self._fill():
                break
        end = self._pending.find(b"\n") + 1 or len(self._pending)
        if size is not None and size >= 0:
            end = min(end, size)
        data, self._pending = self._pending[:end], self._pending[end:]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _expects_continue(request: _Request) -> bool:
    return request.version == "1.1" and any(
        n.lower() == b"expect" and v.strip().lower() == b"100-continue" for n, v in request.headers
    )


def _wait(sock: socket.socket, events: int, timeout: float) -> None:
    poller = select.poll()
    poller.register(sock.fileno(), events)
    if not poller.poll(max(0.0, timeout) * 1000):
        raise TimeoutError("the client did not keep up")


def _send_all(sock: socket.socket, data: bytes, timeout: float) -> None:
    """Send every byte on a non-blocking socket, waiting at most ``timeout`` for each step."""
    view = memoryview(data)
    while view:
        try:
            sent = sock.send(view)
        except ssl.SSLWantReadError:
            _wait(sock, select.POLLIN, timeout)
            continue
        except (BlockingIOError, ssl.SSLWantWriteError):
            _wait(sock, select.POLLOUT, timeout)
            continue
        view = view[sent:]


def _recv(sock: socket.socket, timeout: float) -> bytes:
    while True:
        try:
            return sock.recv(65536)
        except (BlockingIOError, ssl.SSLWantReadError):
            _wait(sock, select.POLLIN, timeout)
        except ssl.SSLWantWriteError:
            _wait(sock, select.POLLOUT, timeout)


class EmbeddedServer:
    """Serve a WSGI app on ``host:port`` (or an already-listening ``fd``) in a background thread.

    :param on_error: called with every exception the engine turned into a 500 or a closed
        connection (an app's failure, an answer that cannot be sent).
    :param max_connections: the connection cap (lowered to fit the descriptor limit).
    """

    def __init__(
        self,
        app: WSGIApplication,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None = None,
        *,
        fd: int | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if fd is None:
            self._listener = bind(host, port)
        else:
            self._listener = socket.socket(fileno=os.dup(fd))
        self._listener.setblocking(False)
        self.app = app
        self.tls = ssl_context
        self.on_error = on_error
        self.max_connections = connection_cap(max_connections)
        address = self._listener.getsockname()
        self.port: int = int(address[1])
        host_name = str(address[0])
        self._server_name = host_name if ":" not in host_name else f"[{host_name}]"
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._wake_pending = False
        self._pipe_lock = threading.Lock()
        self._pipe_open = True
        self._thread = threading.Thread(target=self._serve, name="pm3-mockserver", daemon=True)
        self._conns: dict[int, _Conn] = {}  # by descriptor; the I/O thread's own
        self._returned: queue.SimpleQueue[_Conn] = queue.SimpleQueue()  # from the pool
        self._jobs: collections.deque[_Conn | None] = collections.deque()  # under _pool_lock
        self._pool_lock = threading.Lock()
        self._workers = 0
        self._idle: list[threading.Lock] = []  # idle pool threads' wake-ups, the latest last
        self._active = 0  # pool threads not idle (on a request, or about to take the next)
        self._busy_since: dict[int, float] = {}  # pool thread -> when its request began
        self._buffered = 0
        self._paused: set[_Conn] = set()  # over the budget, not read for now
        self._leader: _Conn | None = None  # the one body read on past the budget
        self._buffered_lock = threading.Lock()
        self._stopping = threading.Event()
        self._exited = threading.Event()
        self._selector = selectors.DefaultSelector()

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close idle connections, let requests in flight finish (at most
        :data:`STOP_DRAIN` seconds), then close every connection left."""
        self._stopping.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout=STOP_DRAIN + 5)
        for _ in range(self._workers):
            self._submit(None)
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._pipe_lock:
            self._pipe_open = False
            os.close(self._wake_r)
            os.close(self._wake_w)

    @property
    def in_app(self) -> int:
        """Pool threads on a request now (in the app, or sending its answer)."""
        with self._pool_lock:
            return len(self._busy_since)

    def _wake(self) -> None:
        """Wake the I/O thread (one byte in the pipe until it reads it: no write per request)."""
        if self._wake_pending:
            return
        self._wake_pending = True
        with self._pipe_lock, contextlib.suppress(OSError):
            if self._pipe_open:  # stop() closed it: its descriptor may be another file's now
                os.write(self._wake_w, b"x")

    def buffered_add(self, size: int) -> None:
        """Count body bytes held before the app runs (negative: released)."""
        with self._buffered_lock:
            self._buffered += size

    # --- the I/O thread -------------------------------------------------------------------------
    def _serve(self) -> None:
        selector = self._selector
        selector.register(self._listener, selectors.EVENT_READ, None)
        selector.register(self._wake_r, selectors.EVENT_READ, None)
        next_sweep = time.monotonic() + 0.25
        try:
            while not self._stopping.is_set():
                waiting = len(self._jobs)
                for key, events in selector.select(timeout=TURN_WAIT if waiting else 0.25):
                    conn = key.data
                    if conn is not None:
                        self._on_ready(conn, events)
                    elif key.fd == self._wake_r:
                        with contextlib.suppress(OSError):
                            os.read(self._wake_r, 4096)
                        # After the read (a byte written meanwhile was read with it) and before
                        # _take_back() (which sees every connection whose wake-up was skipped).
                        self._wake_pending = False
                    else:
                        self._accept()
                self._take_back()
                if waiting:
                    self._grow()
                now = time.monotonic()
                if now >= next_sweep:
                    next_sweep = now + 0.25
                    self._sweep(now)
            self._drain()
        finally:
            self._exited.set()
            self._close_returned()
            selector.close()

    def _drain(self) -> None:
        """Stopping: no new connections, idle ones closed, busy ones given :data:`STOP_DRAIN`."""
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(self._listener)
        deadline = time.monotonic() + STOP_DRAIN
        while True:
            self._take_back()
            for conn in list(self._conns.values()):
                if not conn.busy:
                    self._close(conn)
            if not self._conns or time.monotonic() >= deadline:
                break
            self._selector.select(timeout=0.05)
            with contextlib.suppress(OSError):
                os.read(self._wake_r, 4096)
            self._wake_pending = False
        for conn in list(self._conns.values()):  # past the deadline: cut (its thread closes it)
            conn.done = True
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        self._conns.clear()

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, address = self._listener.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE) and self._evict() is not None:
                    continue
                return
            sock.setblocking(False)
            if len(self._conns) >= self.max_connections and self._evict() is None:
                with contextlib.suppress(OSError):  # every connection is in the app: refuse
                    sock.send(_plain(503, "Service Unavailable: too many connections.\n"))
                    sock.shutdown(socket.SHUT_WR)
                sock.close()
                continue
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Conn(sock, address, self)
            now = time.monotonic()
            if self.tls is not None:
                try:
                    conn.sock = self.tls.wrap_socket(
                        sock, server_side=True, do_handshake_on_connect=False
                    )
                except (OSError, ValueError):
                    sock.close()
                    continue
                conn.handshaking = True
                conn.deadline = now + HANDSHAKE_TIMEOUT
            else:
                conn.deadline = now + HEAD_TIMEOUT
            conn.fd = conn.sock.fileno()
            self._conns[conn.fd] = conn
            self._selector.register(conn.sock, selectors.EVENT_READ, conn)
            if conn.handshaking:
                self._handshake(conn)

    def _evict(self) -> _Conn | None:
        """Close the connection that has waited longest for its request (not one in the app)."""
        waiting = [c for c in self._conns.values() if not c.busy]
        if not waiting:
            return None
        oldest = min(waiting, key=lambda c: c.deadline)
        self._close(oldest)
        return oldest

    def _handshake(self, conn: _Conn) -> None:
        sock = conn.sock
        assert isinstance(sock, ssl.SSLSocket)
        try:
            sock.do_handshake()
        except ssl.SSLWantReadError:
            self._selector.modify(sock, selectors.EVENT_READ, conn)
            return
        except ssl.SSLWantWriteError:
            self._selector.modify(sock, selectors.EVENT_WRITE, conn)
            return
        except (OSError, ValueError):  # a failed or abandoned handshake: drop it
            self._close(conn)
            return
        conn.handshaking = False
        conn.deadline = time.monotonic() + HEAD_TIMEOUT
        self._selector.modify(sock, selectors.EVENT_READ, conn)
        self._read(conn)  # the client's first bytes may have come with the handshake

    def _on_ready(self, conn: _Conn, events: int) -> None:
        if conn.closed or conn.busy:
            return
        if conn.handshaking:
            self._handshake(conn)
        else:
            self._read(conn)

    def _read(self, conn: _Conn) -> None:
        while not conn.ended:
            try:
                data = conn.sock.recv(65536)
            except _WOULD_BLOCK:
                break
            except OSError:
                self._close(conn)
                return
            if not data:
                self._close(conn)  # the client is gone; nothing was half-processed
                return
            if conn.current is None and not conn.ready:
                conn.deadline = time.monotonic() + HEAD_TIMEOUT  # a request's first byte
            conn.feed(data)
            request = conn.current
            if request is not None and request.method and not request.body:
                conn.deadline = time.monotonic() + IDLE_TIMEOUT  # the head is in: body time
            if conn.ready or self._early(conn):
                break
            if self._over_budget(conn):
                return
        self._dispatch(conn)

    def _early(self, conn: _Conn) -> bool:
        """Whether the request being read goes to the app before its body is in (a large body),
        and sends ``100 Continue`` for a small one that asks for it."""
        request = conn.current
        if request is None or not request.method or request.error:
            return False
        if request.content_length > PREBUFFER_LIMIT or request.body_size > PREBUFFER_LIMIT:
            return True
        if (
            not request.continue_sent
            and (request.chunked or request.content_length > 0)
            and _expects_continue(request)
        ):
            request.continue_sent = True
            with contextlib.suppress(*_WOULD_BLOCK, OSError):
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        return False

    def _over_budget(self, conn: _Conn) -> bool:
        """Past :data:`BUFFER_BUDGET`, pause reading this connection's body, unless it is the one
        body that always goes on (so that one completes, is answered, and frees the budget)."""
        if self._buffered <= BUFFER_BUDGET:
            return False
        if self._leader is None:
            self._leader = conn
        if self._leader is conn:
            return False
        self._paused.add(conn)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(conn.sock)
        return True

    def _resume(self, conn: _Conn) -> None:
        self._paused.discard(conn)
        self._selector.register(conn.sock, selectors.EVENT_READ, conn)
        self._read(conn)

    def _dispatch(self, conn: _Conn) -> None:
        if conn.closed or conn.busy:
            return
        request = conn.current
        if not conn.ready and request is not None and self._early(conn):
            request.streamed = True
            self.buffered_add(-request.body_size)
            conn.ready.append(request)
        if not conn.ready:
            if conn.ended:
                self._close(conn)
            return
        if self._leader is conn:
            self._leader = None
        conn.busy = True
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(conn.sock)
        self._submit(conn)

    def _take_back(self) -> None:
        """Connections the pool is done with: read again (or dispatch what was pipelined)."""
        while True:
            try:
                conn = self._returned.get_nowait()
            except queue.Empty:
                break
            conn.busy = False
            if conn.done or conn.closed or self._stopping.is_set():
                self._close(conn)
                continue
            conn.deadline = time.monotonic() + IDLE_TIMEOUT
            self._selector.register(conn.sock, selectors.EVENT_READ, conn)
            self._read(conn)  # pipelined bytes may already be in the socket
        if not self._paused:
            return
        if self._buffered <= BUFFER_BUDGET:
            for conn in list(self._paused):
                self._resume(conn)
        elif self._leader is None:  # the body that goes on was answered: the fullest is next
            leader = max(self._paused, key=lambda c: c.current.body_size if c.current else 0)
            self._leader = leader
            self._resume(leader)

    def _sweep(self, now: float) -> None:
        """Close connections past their deadline (handshake, head, body, or idle)."""
        for conn in list(self._conns.values()):
            if not conn.busy and now > conn.deadline:
                self._close(conn)

    def _close(self, conn: _Conn) -> None:
        if conn.closed:
            return
        conn.closed = True
        self._paused.discard(conn)
        if self._leader is conn:
            self._leader = None
        for request in (conn.current, *conn.ready):
            if request is not None and not request.streamed and request.body_size:
                self.buffered_add(-request.body_size)
                request.body_size = 0
        conn.ready.clear()
        conn.current = None
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(conn.sock)
        if self._conns.get(conn.fd) is conn:
            del self._conns[conn.fd]
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_WR)
        conn.sock.close()

    # --- the pool -------------------------------------------------------------------------------
    def _submit(self, conn: _Conn | None) -> None:
        """Queue a connection for the pool (``None``: a thread's signal to stop). A thread that is
        active takes it next; with none active, the thread that went idle last is woken (its
        caches are warm), or one is started."""
        with self._pool_lock:
            self._jobs.append(conn)
            if conn is None:  # stopping: every thread
                woken, self._idle = self._idle, []
            elif self._active:
                return  # a thread is on a request: it takes this one next, or _grow() wakes one
            else:
                woken = self._idle[-1:]
                del self._idle[-1:]
            self._active += len(woken)
        for wake in woken:
            wake.release()
        if conn is not None and not woken:
            self._grow(at_once=True)

    def _grow(self, *, at_once: bool = False) -> None:
        """Give waiting requests another thread, when every thread on a request has been on it for
        :data:`TURN_WAIT` (or, ``at_once``, when no thread is active): an idle one, else a new one,
        up to :data:`CORE_WORKERS`; past that, only while a request has been in a thread for over
        :data:`GROW_AFTER` (a sleeping fault, a client that reads slowly). Quick requests take
        turns on one thread, so a flood of them does not multiply threads (nor glibc's arenas)."""
        with self._pool_lock:
            if not self._jobs:
                return
            now = time.monotonic()
            if not at_once:
                if len(self._busy_since) < self._active:
                    return  # a thread is between requests: it takes the next one
                if now - max(self._busy_since.values(), default=0.0) < TURN_WAIT:
                    return
            if self._idle:
                self._active += 1
                self._idle.pop().release()
                return
            if self._workers >= MAX_WORKERS:
                return
            if self._workers >= CORE_WORKERS:
                oldest = min(self._busy_since.values(), default=now)
                if now - oldest < GROW_AFTER:
                    return
            self._workers += 1
            self._active += 1
        threading.Thread(target=self._work, name="pm3-mockserver-worker", daemon=True).start()

    def _take(self, wake: threading.Lock) -> _Conn | None:
        """The next connection to serve (``None``: stop), waiting idle for one."""
        while True:
            with self._pool_lock:
                if self._jobs:
                    conn = self._jobs.popleft()
                    if conn is not None:
                        self._busy_since[threading.get_ident()] = time.monotonic()
                    return conn
                self._active -= 1
                self._idle.append(wake)
            wake.acquire()  # released by whoever took it off the idle list (and counted it)

    def _work(self) -> None:
        me = threading.get_ident()
        wake = threading.Lock()
        wake.acquire()
        while True:
            conn = self._take(wake)
            if conn is None:
                return
            keep = False
            try:
                keep = self._serve_conn(conn)
                self._off_request(me)
                while keep and self._next_inline(conn):
                    with self._pool_lock:
                        self._busy_since[me] = time.monotonic()
                    keep = self._serve_conn(conn)
                    self._off_request(me)
            except Exception as exc:  # a defect of the engine: report it, drop the connection
                self._report(exc)
                self._off_request(me)
            conn.done = not keep
            self._returned.put(conn)  # the I/O thread closes it or reads it again
            if self._exited.is_set():  # no I/O thread any more (stop() gave up waiting)
                self._close_returned()
            else:
                self._wake()

    def _off_request(self, me: int) -> None:
        with self._pool_lock:
            self._busy_since.pop(me, None)

    def _next_inline(self, conn: _Conn) -> bool:
        """Read the connection's next request in this pool thread, when no other request waits
        and it comes within :data:`INLINE_WAIT`; whether it is ready to serve."""
        if conn.ended or conn.current is not None or self._stopping.is_set() or self._jobs:
            return False
        try:
            data = conn.sock.recv(65536)
        except _WOULD_BLOCK:
            poller = select.poll()
            poller.register(conn.fd, select.POLLIN)
            if not poller.poll(INLINE_WAIT * 1000) or self._jobs:
                return False
            try:
                data = conn.sock.recv(65536)
            except (*_WOULD_BLOCK, OSError):
                return False
        except OSError:
            return False
        if not data:
            conn.ended = True
            return False
        conn.deadline = time.monotonic() + HEAD_TIMEOUT
        conn.feed(data)
        return bool(conn.ready)

    def _close_returned(self) -> None:
        while True:
            try:
                conn = self._returned.get_nowait()
            except queue.Empty:
                return
            with contextlib.suppress(OSError):
                conn.sock.close()

    def _report(self, exc: BaseException) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(exc)

    def _serve_conn(self, conn: _Conn) -> bool:
        """Answer the connection's ready requests; whether it stays open."""
        while conn.ready:
            request = conn.ready.popleft()
            if request.error:
                with contextlib.suppress(OSError, TimeoutError):
                    _send_all(conn.sock, request.error, IDLE_TIMEOUT)
                return False
            try:
                keep = self._answer(conn, request)
            except (OSError, TimeoutError):  # the client went away or stopped reading
                return False
            finally:
                if not request.streamed and request.body_size:
                    self.buffered_add(-request.body_size)
                    request.body_size = 0
            if not keep or (conn.ended and not conn.ready):
                return False
        return True

    def _environ(self, conn: _Conn, request: _Request) -> WSGIEnvironment:
        raw_uri = request.url.decode("latin-1")
        path, _, query = raw_uri.partition("?")
        if path.startswith(("http://", "https://")):  # absolute-form: keep only the path
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        address = conn.address if isinstance(conn.address, tuple) else ("", 0)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": raw_uri,
            "REQUEST_URI": raw_uri,
            "SERVER_NAME": self._server_name,
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": f"HTTP/{request.version}",
            "REMOTE_ADDR": address[0],
            "REMOTE_PORT": address[1],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if self.tls is not None else "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "werkzeug.socket": conn.sock,
        }
        for raw_name, raw_value in request.headers:
            name = raw_name.decode("latin-1")
            if "_" in name:  # would collide with a dash-named header in the environ
                continue
            value = raw_value.decode("latin-1")
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value.strip()
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if request.streamed:
            environ["wsgi.input"] = _StreamedBody(conn, request)
            if request.chunked:
                environ["wsgi.input_terminated"] = True
        else:
            environ["wsgi.input"] = io.BytesIO(b"".join(request.body))
            request.body.clear()
            if request.chunked:
                environ["wsgi.input_terminated"] = True
        return environ

    def _answer(self, conn: _Conn, request: _Request) -> bool:
        """Run the app for one request and send its answer; whether the connection stays open."""
        try:
            environ = self._environ(conn, request)
        except Exception as exc:  # a defect of the engine: still a 500, still reported
            self._fail(conn, exc)
            return False
        close = not request.keep_alive or self._stopping.is_set() or conn.ended
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            if exc_info and sent:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return write

        def write(data: bytes) -> None:  # the WSGI write() callable: body bytes before the rest
            written.append(bytes(data))

        written: list[bytes] = []
        sent = False
        result: Iterable[bytes] | None = None
        iterator: Iterable[bytes] = ()
        try:
            result = self.app(environ, start_response)
            chunks = list(written)
            source = iter(result)
            for chunk in source:
                if chunk:
                    chunks.append(chunk)
                    break
            if not started:
                raise RuntimeError("the WSGI app returned without calling start_response")
            status, headers = started
            if not any(k.lower() == "content-length" for k, _ in headers):
                chunks += [c for c in source if c]  # the mock's bodies are small: measure them
                headers = [*headers, ("Content-Length", str(sum(len(c) for c in chunks)))]
            else:
                iterator = source
            problem = head_problem(status, headers)
            if problem is not None:
                raise ValueError(f"cannot send the answer: {problem}")
        except Exception as exc:  # nothing sent yet: a 500, and the error for check()
            self._close_result(result)
            self._fail(conn, exc)
            return False
        try:
            if environ.get(CLOSE_CONNECTION) or not self._finish_body(conn, request):
                close = True
            head = [f"HTTP/1.1 {status}\r\n".encode("latin-1")]
            head += [f"{k}: {v}\r\n".encode("latin-1") for k, v in headers]
            if not any(k.lower() == "date" for k, _ in headers):
                head.append(f"Date: {_http_date()}\r\n".encode())
            if close:
                head.append(_CLOSE)
            head.append(b"\r\n")
            if request.method != "HEAD":
                head += chunks
            sent = True
            _send_all(conn.sock, b"".join(head), IDLE_TIMEOUT)
            for chunk in iterator:
                if chunk and request.method != "HEAD":
                    _send_all(conn.sock, chunk, IDLE_TIMEOUT)
        except (OSError, TimeoutError):
            return False
        except Exception as exc:  # the status line is out: all that is left is to close
            self._report(exc)
            return False
        finally:
            self._close_result(result)
        return not close and conn.sock.fileno() != -1

    def _fail(self, conn: _Conn, exc: BaseException) -> None:
        """Nothing of the answer is out: report the failure and answer 500 (then close)."""
        self._report(exc)
        _send_all(conn.sock, _plain(500, "Internal Server Error\n"), IDLE_TIMEOUT)

    def _close_result(self, result: Iterable[bytes] | None) -> None:
        close = getattr(result, "close", None)
        if close is not None:
            try:
                close()
            except Exception as exc:
                self._report(exc)

    def _finish_body(self, conn: _Conn, request: _Request) -> bool:
        """Whether the connection can take another request: the body was read to its end."""
        if request.complete:
            return True
        if request.chunked or request.content_length - request.body_size > DRAIN_LIMIT:
            return False
        stream = _StreamedBody(conn, request)
        try:
            while stream.read(65536):
                pass
        except (OSError, TimeoutError):
            return False
        return request.complete
