"""The embedded engine: an HTTP/1.1 keep-alive WSGI server in a background thread.

Built on the standard library's ``socketserver`` and ``http.server`` (the request line and header
parser), with a WSGI gateway written for what a mock of a production server needs:

- **keep-alive**: a connection serves requests until the client closes it, asks to, or goes
  idle for :data:`IDLE_TIMEOUT`; one thread per connection, none per request;
- **requests take turns**: once its first line has arrived, a request waits for the previous
  one to finish, at most :data:`TURN_WAIT` seconds, then runs anyway. Threads
  that all run Python at once fight over the GIL (measured: eight connections cost a third of
  the throughput of one); taking turns avoids that, and the bounded wait keeps the liveness of
  threads: a slow request (a ``delay`` fault, a client that reads slowly) holds up the others by
  at most 50 ms, never stops them;
- **the TLS handshake runs in the connection's own thread**, with a deadline
  (:data:`HANDSHAKE_TIMEOUT`), so an idle TCP connection cannot stall the accept loop;
- **message framing follows RFC 9112 §6.3**: two ``Content-Length`` fields, a list or
  non-digit value, or ``Content-Length`` with ``Transfer-Encoding`` get a 400 and a closed
  connection before the app sees them; a request body the app left unread is drained when small
  and the connection closed otherwise (always after a 413: the app sets
  :data:`~mockserver.protocol.params.CLOSE_CONNECTION`);
- **the raw socket is in the environ** (``werkzeug.socket``, the key werkzeug's server uses), so
  fault injection can reset or truncate a connection;
- no ``Server`` header: the mock does not announce itself.

Why not an existing engine? Measured side by side (README, "Performance"), waitress and cheroot
are faster than werkzeug's development server, but neither exposes the socket to the
application (socket faults are a feature of the mock), waitress has no TLS, and cheroot does its
TLS handshake on the accept path. The accept loop waits on the listening socket and a wake-up
pipe, so :meth:`EmbeddedServer.stop` returns at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.server
import io
import os
import selectors
import socket
import socketserver
import ssl
import sys
import threading
import time
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.serving import DechunkedInput

from mockserver.protocol.environ import CLOSE_CONNECTION

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

HANDSHAKE_TIMEOUT = 10.0
"""Seconds a TLS client has to finish its handshake; it runs in the connection's own thread."""
IDLE_TIMEOUT = 60.0
"""Seconds a connection may sit silent (between requests or inside one) before it is dropped."""
PREBUFFER_LIMIT = 1024 * 1024
"""A request body up to this size is read before the request waits for its turn."""
TURN_WAIT = 0.05
"""Seconds a request waits for its turn before it runs anyway (see the module docstring)."""
DRAIN_LIMIT = 64 * 1024
"""An unread request body up to this size is read and dropped to keep the connection; larger,
the connection is closed instead."""

_CLOSE = b"Connection: close\r\n"


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


def framing_problem(content_lengths: list[str], transfer_encodings: list[str]) -> str | None:
    """Why a request's message framing is ambiguous (RFC 9112 §6.3), or ``None``.

    Two ``Content-Length`` fields (even equal ones), a list value, a value that is not digits, or a
    ``Content-Length`` together with ``Transfer-Encoding`` would let two parsers disagree on where
    the body ends (request smuggling); the mock answers 400 and closes."""
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


class _Body(io.RawIOBase):
    """``wsgi.input`` for a body of known length: never reads past it."""

    def __init__(self, raw: Any, length: int) -> None:
        self._raw = raw
        self.remaining = length

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.remaining:
            size = self.remaining
        if size == 0:
            return b""
        data: bytes = self._raw.read(size)
        self.remaining -= len(data)
        if not data:
            self.remaining = 0
        return data

    def readline(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.remaining:
            size = self.remaining
        if size == 0:
            return b""
        data: bytes = self._raw.readline(size)
        self.remaining -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@functools.lru_cache(maxsize=2)
def _date_of(second: int) -> str:
    """The ``Date`` header of a second (cached: one formatting per second, thread-safe)."""
    return email.utils.formatdate(second, usegmt=True)


def _http_date() -> str:
    return _date_of(int(time.time()))


class _Handler(http.server.BaseHTTPRequestHandler):
    """One connection: requests in a loop, each handed to the WSGI app."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: _Server

    def handle_expect_100(self) -> bool:
        # No "100 Continue" for a request that gets a 400 next.
        if self._framing() is not None:
            return True
        return super().handle_expect_100()

    def _framing(self) -> str | None:
        return framing_problem(
            self.headers.get_all("Content-Length") or [],
            self.headers.get_all("Transfer-Encoding") or [],
        )

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, ConnectionError, ssl.SSLError):
            self.close_connection = True
            return
        turn = self.server.turn
        mine = turn.acquire(timeout=TURN_WAIT)
        try:
            self._handle_request()
        finally:
            if mine:
                turn.release()

    def _handle_request(self) -> None:
        if len(self.raw_requestline) > 65536:
            self._plain(414, "Request-URI Too Long\n")
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():  # the stdlib answered a malformed request line or header
            self.close_connection = True
            return
        problem = self._framing()
        if problem is not None:
            self._plain(400, problem)
            return
        try:
            self._run_wsgi(*self._environ())
        except (ConnectionError, TimeoutError, ssl.SSLError, OSError):
            self.close_connection = True

    def _plain(self, status: int, text: str) -> None:
        body = text.encode()
        head = (
            f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            self.wfile.write(head.encode() + body)
        self.close_connection = True

    def _environ(self) -> tuple[WSGIEnvironment, _Body | None]:
        path, _, query = self.path.partition("?")
        if path.startswith(("http://", "https://")):  # absolute-form: keep only the path
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        server = self.server
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": self.path,
            "REQUEST_URI": self.path,
            "SERVER_NAME": server.server_name,
            "SERVER_PORT": str(server.server_port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0] if self.client_address else "",
            "REMOTE_PORT": self.client_address[1] if self.client_address else 0,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if server.tls is not None else "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
        }
        for name, value in self.headers.items():
            if "_" in name:  # would collide with a dash-named header in the environ
                continue
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value.strip()
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        body: _Body | None = None
        if self.headers.get("Transfer-Encoding"):
            environ["wsgi.input"] = DechunkedInput(self.rfile)  # type: ignore[arg-type]
            environ["wsgi.input_terminated"] = True
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            source = self.rfile
            if 0 < length <= PREBUFFER_LIMIT:
                source = io.BytesIO(self.rfile.read(length))  # a slow sender waits alone
            body = _Body(source, length)
            environ["wsgi.input"] = body
        return environ, body

    def _run_wsgi(self, environ: WSGIEnvironment, body: _Body | None) -> None:
        if environ.get("HTTP_CONNECTION", "").lower() == "close" or (
            self.request_version == "HTTP/1.0"
            and environ.get("HTTP_CONNECTION", "").lower() != "keep-alive"
        ):
            self.close_connection = True
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return self.wfile.write

        result = self.server.app(environ, start_response)
        sent_head = False
        try:
            iterator = iter(result)
            first = b""
            for chunk in iterator:
                if chunk:
                    first = chunk
                    break
            status, headers = started
            chunks = [first]
            if not any(k.lower() == "content-length" for k, _ in headers):
                chunks += [c for c in iterator if c]  # the mock's bodies are small: measure them
                headers = [*headers, ("Content-Length", str(sum(len(c) for c in chunks)))]
                iterator = iter(())
            if environ.get(CLOSE_CONNECTION) or not self._finish_body(body, environ):
                self.close_connection = True
            head = [f"HTTP/1.1 {status}\r\n".encode("latin-1")]
            head += [f"{k}: {v}\r\n".encode("latin-1") for k, v in headers]
            if not any(k.lower() == "date" for k, _ in headers):
                head.append(f"Date: {_http_date()}\r\n".encode())
            if self.close_connection:
                head.append(_CLOSE)
            head.append(b"\r\n")
            payload = b"".join(head) + (b"" if self.command == "HEAD" else b"".join(chunks))
            self.wfile.write(payload)
            sent_head = True
            for chunk in iterator:
                if chunk and self.command != "HEAD":
                    self.wfile.write(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            if not sent_head:
                self.close_connection = True
        if self.connection.fileno() == -1:  # a fault closed the socket under us
            self.close_connection = True

    def _finish_body(self, body: _Body | None, environ: WSGIEnvironment) -> bool:
        """Whether the connection can take another request: the body was read to its end."""
        if body is None:  # chunked: only if the app read it to the last chunk
            stream = environ["wsgi.input"]
            return bool(getattr(stream, "_done", False))
        if body.remaining == 0:
            return True
        if body.remaining > DRAIN_LIMIT:
            return False
        try:
            while body.remaining and body.read(body.remaining):
                pass
        except OSError:
            return False
        return body.remaining == 0

    def log_message(self, format: str, *args: Any) -> None:  # the journal records exchanges
        return None


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """The listening side: one thread per connection, TLS wrapped in that thread."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, app: WSGIApplication, fd: int, tls: ssl.SSLContext | None) -> None:
        listener = socket.socket(fileno=os.dup(fd))
        super().__init__(listener.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.address_family = listener.family
        self.server_address = listener.getsockname()
        self.app = app
        self.turn = threading.Lock()
        self.tls = tls
        host = str(listener.getsockname()[0])
        self.server_name = host if ":" not in host else f"[{host}]"
        self.server_port = int(self.server_address[1])
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            if self.tls is None:
                super().finish_request(request, client_address)
                return
            request.settimeout(HANDSHAKE_TIMEOUT)
            try:
                wrapped = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ValueError):  # a failed or abandoned handshake: drop it
                return
            with self._open_lock:
                self._open.add(wrapped)
            try:
                wrapped.settimeout(IDLE_TIMEOUT)
                super().finish_request(wrapped, client_address)
            finally:
                with self._open_lock:
                    self._open.discard(wrapped)
                wrapped.close()  # the wrapper owns the descriptor; socketserver closes the husk
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        """End every open connection (keep-alive ones included): the server is going away."""
        with self._open_lock:
            connections = list(self._open)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a connection's failure is that connection's; nothing to print


class EmbeddedServer:
    """Serve a WSGI app on ``host:port`` (or an already-listening ``fd``) in a background thread."""

    def __init__(
        self,
        app: WSGIApplication,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None = None,
        *,
        fd: int | None = None,
    ) -> None:
        own = bind(host, port) if fd is None else None
        try:
            self._server = _Server(app, own.fileno() if own is not None else fd or 0, ssl_context)
        finally:
            if own is not None:
                own.close()  # the server holds its own duplicate of the descriptor
        self.port: int = self._server.server_port
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._serve, name="pm3-mockserver", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        server = self._server
        with selectors.DefaultSelector() as selector:
            selector.register(server.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fd == self._wake_r:
                        return
                    server.handle_request()  # the socket is readable: no wait

    def stop(self) -> None:
        """Stop accepting and close the listening socket (connections in flight finish)."""
        os.write(self._wake_w, b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._server.server_close()
        self._server.close_connections()
        os.close(self._wake_r)
        os.close(self._wake_w)
