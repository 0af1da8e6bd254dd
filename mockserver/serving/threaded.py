"""The embedded engine: a threaded HTTP server in a background thread, started in milliseconds.

werkzeug's threaded server, with three changes that make it safe to point anything at:

- the TLS handshake runs in each connection's own thread, with a deadline (werkzeug wraps the
  listening socket, so one idle TCP connection would stall every client);
- message framing follows RFC 9112 §6.3: ambiguous ``Content-Length`` / ``Transfer-Encoding``
  combinations get a 400 and a closed connection before the app sees them;
- after a 413 the connection is closed instead of drained.

The accept loop waits on the listening socket *and* a wake-up pipe, so :meth:`EmbeddedServer.stop`
returns at once instead of waiting out a poll interval.
"""

from __future__ import annotations

import os
import selectors
import socket
import ssl
import threading
from typing import TYPE_CHECKING
from typing import Any

from werkzeug.serving import ThreadedWSGIServer
from werkzeug.serving import WSGIRequestHandler

from mockserver.protocol.params import CLOSE_CONNECTION

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (``SO_REUSEADDR``, inheritable by forked workers).

    :raises OSError: the address is in use or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


HANDSHAKE_TIMEOUT = 10.0
"""Seconds a TLS client has to finish its handshake; it runs in the connection's own thread."""
IDLE_TIMEOUT = 60.0
"""Seconds a connection may sit silent before the server drops it."""

_BAD_FRAMING = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
)


class _InputGate:
    """The handler's read side; reads nothing once the app asked to close the connection.

    werkzeug drains an unread body (up to gigabytes) after the answer, so a client sees its 413;
    for a body over the limit the mock closes instead, as PHP behind Apache does."""

    def __init__(self, handler: _QuietHandler, raw: Any) -> None:
        self._handler = handler
        self._raw = raw

    def _closed(self) -> bool:
        environ = getattr(self._handler, "environ", None)
        return bool(environ and environ.get(CLOSE_CONNECTION))

    def read(self, size: int = -1) -> bytes:
        return b"" if self._closed() else bytes(self._raw.read(size))

    def readline(self, size: int = -1) -> bytes:
        return b"" if self._closed() else bytes(self._raw.readline(size))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler with the framing rules of RFC 9112 §6.3 and no access log on stderr."""

    timeout = IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.rfile = _InputGate(self, self.rfile)  # type: ignore[assignment]

    def _framing_problem(self) -> str | None:
        return framing_problem(
            self.headers.get_all("Content-Length") or [],
            self.headers.get_all("Transfer-Encoding") or [],
        )

    def handle_expect_100(self) -> bool:
        if self._framing_problem() is not None:
            return True  # no "100 Continue" for a request that gets a 400 next
        return bool(super().handle_expect_100())

    def run_wsgi(self) -> None:
        problem = self._framing_problem()
        if problem is not None:
            body = problem.encode()
            self.wfile.write(_BAD_FRAMING % (len(body), body))
            self.close_connection = True
            return
        super().run_wsgi()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def framing_problem(content_lengths: list[str], transfer_encodings: list[str]) -> str | None:
    """Why a request's message framing is ambiguous (RFC 9112 §6.3), or ``None``.

    Two ``Content-Length`` fields (even equal ones), a list value, a value that is not digits, or a
    ``Content-Length`` together with ``Transfer-Encoding`` would let two parsers disagree on where
    the body ends (request smuggling); the mock answers 400 and closes."""
    if len(content_lengths) > 1:
        return "Bad Request: more than one Content-Length field.\n"
    if content_lengths and not content_lengths[0].strip().isdigit():
        return "Bad Request: Content-Length is not a number.\n"
    if content_lengths and transfer_encodings:
        return "Bad Request: both Content-Length and Transfer-Encoding.\n"
    return None


class _TLSPerConnectionServer(ThreadedWSGIServer):
    """A threaded server whose TLS handshake runs in each connection's thread, with a deadline.

    werkzeug wraps the listening socket, so the handshake happens inside ``accept()`` on the one
    serving thread: a single idle TCP connection would stall every client. Here the listening
    socket stays plain, and each accepted connection is wrapped in its own thread."""

    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            request.settimeout(HANDSHAKE_TIMEOUT)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ValueError):  # a failed or abandoned handshake: drop the connection
                return
            request.settimeout(IDLE_TIMEOUT)
            try:
                super().finish_request(request, client_address)
            finally:
                request.close()  # the wrapper owns the descriptor now; socketserver closes the husk
            return
        super().finish_request(request, client_address)


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
        own_socket = None
        if fd is None:
            # Bind here, so an address in use raises OSError (werkzeug would print and exit).
            own_socket = bind(host, port)
            fd = own_socket.fileno()
        server = _TLSPerConnectionServer(host, port, app, handler=_QuietHandler, fd=fd)
        if own_socket is not None:
            own_socket.close()  # werkzeug holds its own duplicate of the descriptor
        server.tls = ssl_context
        server.ssl_context = ssl_context  # the scheme werkzeug reports; no listener wrap
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.port: int = server.socket.getsockname()[1]
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
        os.close(self._wake_r)
        os.close(self._wake_w)
