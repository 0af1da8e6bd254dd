"""Sockets optional: an ``httpx`` transport and a ``requests`` adapter that call the mock in process.

A client library's own tests can talk to the mock without opening a port::

    pm = MockServer()
    client = httpx.Client(transport=pm.httpx_transport(), base_url=pm.inprocess_url)
    session = requests.Session()
    session.mount(pm.inprocess_url, pm.requests_adapter())

Everything that lives in the app behaves exactly as over HTTP: the journal, overrides, the
clock, ``delay``/``slow`` and the body faults (``truncate`` gives a body shorter than its
``Content-Length``). Connection faults surface as the exception each library raises for the
same event on a real socket: ``reset`` and ``rotate_then_drop`` as a server that disconnected
before answering, ``truncate`` and ``reset_mid_response`` as a body cut short.

``httpx`` and ``requests`` are optional (extras ``httpx`` and ``requests``); each class imports its
library when it is built.
"""

from __future__ import annotations

import http.client
import io
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from typing import cast
from urllib.parse import unquote_to_bytes
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx
    import requests
    from _typeshed.wsgi import WSGIApplication

INPROCESS_URL = "http://localhost"
"""The base URL in-process clients use (loopback by name, so the control API answers too)."""


def wsgi_environ(
    method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
) -> dict[str, Any]:
    """The PEP 3333 environ of a request, as an HTTP server would build it from the wire."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = str(parts.port or (443 if parts.scheme == "https" else 80))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 50000,
        "HTTP_HOST": parts.netloc or host,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        elif key != "HOST" and "_" not in name:
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    if body and "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class _Exchange:
    """One in-process request: the WSGI call, its status, headers and body (or the fault)."""

    def __init__(
        self,
        app: WSGIApplication,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
    ) -> None:
        environ = wsgi_environ(method, url, headers, body)
        seen: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            seen[:] = [status, headers]
            return lambda data: None

        self.disconnected = False
        try:
            result = app(environ, start_response)
            try:
                self.body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except ConnectionResetError:
            self.disconnected = True
            self.body = b""
            return
        status, self.headers = seen
        self.status = int(status.split(" ", 1)[0])
        declared = next((v for k, v in self.headers if k.lower() == "content-length"), None)
        self.short = declared is not None and int(declared) > len(self.body)


def httpx_transport(app: WSGIApplication) -> httpx.BaseTransport:
    """An ``httpx`` transport that hands each request to ``app``."""
    import httpx

    class _Transport(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            exchange = _Exchange(
                app,
                request.method,
                str(request.url),
                request.headers.multi_items(),
                request.read(),
            )
            if exchange.disconnected:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            if exchange.short:
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body",
                    request=request,
                )
            return httpx.Response(
                exchange.status,
                headers=exchange.headers,
                content=exchange.body,
                request=request,
            )

    return _Transport()


def requests_adapter(app: WSGIApplication) -> requests.adapters.BaseAdapter:
    """A ``requests`` transport adapter that hands each request to ``app``."""
    import requests
    import requests.adapters
    from urllib3.response import HTTPResponse

    class _Adapter(requests.adapters.HTTPAdapter):
        def send(  # type: ignore[override]
            self, request: requests.PreparedRequest, **_: Any
        ) -> requests.Response:
            body = request.body or b""
            exchange = _Exchange(
                app,
                request.method or "GET",
                request.url or "/",
                request.headers.items(),
                body.encode("utf-8") if isinstance(body, str) else bytes(body),
            )
            if exchange.disconnected:
                raise requests.exceptions.ConnectionError(
                    "Connection aborted: the server closed the connection without a response",
                    request=request,
                )
            message = http.client.HTTPMessage()
            for name, value in exchange.headers:
                message[name] = value
            raw = HTTPResponse(
                body=io.BytesIO(exchange.body),
                headers=exchange.headers,
                status=exchange.status,
                preload_content=False,
                decode_content=False,
                enforce_content_length=True,
                original_response=cast(Any, _Original(message)),  # what requests reads cookies from
                request_method=request.method,
            )
            return self.build_response(request, raw)

    return _Adapter()


class _Original:
    """What ``requests`` reads cookies from: the ``http.client`` message of the answer."""

    def __init__(self, msg: http.client.HTTPMessage) -> None:
        self.msg = msg

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        return None


__all__ = ["INPROCESS_URL", "httpx_transport", "requests_adapter"]
