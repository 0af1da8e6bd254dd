"""Turning a selected override into an answer, and delivering faults on the wire.

Connection faults act on the live socket (``environ["werkzeug.socket"]``): ``reset`` and
``rotate_then_drop`` close it before any byte of the answer; ``truncate`` sends the headers (with
the full Content-Length) and half the body, then closes; ``reset_mid_response`` does the same with
``SO_LINGER`` 0, so the close is a TCP reset. In process (no socket) ``reset`` raises
:class:`ConnectionResetError` into the caller and the truncations return half a body.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from mockserver.protocol import render
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.errors import error_from_wire
from mockserver.protocol.render import Reply
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.overrides import HTML_500
from mockserver.scripting.overrides import NON_JSON
from mockserver.scripting.overrides import PHP_WARNING
from mockserver.scripting.overrides import Alter
from mockserver.scripting.overrides import Fault
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import RespondError
from mockserver.scripting.overrides import RespondRaw
from mockserver.state.profiles import Profile

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

SLOW_DEFAULT_SECONDS = 31.0  # past the documentation's CURLOPT_TIMEOUT of 30 s
SOCKET_FAULTS = ("reset", "rotate_then_drop", "truncate", "reset_mid_response")


def _error_response(profile: Profile, info: RequestInfo, action: RespondError) -> Reply:
    if isinstance(action.error, int):
        return render.restler_error(RestlerError(action.error, action.description), profile)
    err = error_from_wire(action.error, action.description)
    if info.endpoint == "api":
        return render.rest_unauthorized(profile, err)
    if info.endpoint == "authorize":
        return render.oauth_json_error(err)
    return render.token_error(err, profile, basic_used="Authorization" in info.headers)


def _alter(response: Response, action: Alter) -> Response:
    try:
        body = json.loads(response.get_data())
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in action.drop:
            body.pop(key, None)
        body.update(action.set)
        response.set_data(render._json(body))
    if action.status is not None:
        response.status_code = action.status
    return response


def _sleep(fault: Fault) -> None:
    seconds = (
        fault.seconds
        if fault.seconds is not None
        else (SLOW_DEFAULT_SECONDS if fault.kind == "slow" else 1.0)
    )
    if fault.max_seconds is not None and fault.max_seconds > seconds:
        seconds = random.uniform(seconds, fault.max_seconds)
    time.sleep(max(0.0, seconds))


Handler = Callable[[Request], Reply]
"""The real behaviour: the app's own answer to a request (never raises)."""


def answer(
    handle: Handler,
    profile: Profile,
    request: Request,
    info: RequestInfo,
    override: Override | None,
) -> tuple[Reply | None, str]:
    """The response for a request, and the name of a socket fault still to deliver (or ``""``)."""
    if override is None:
        return handle(request), ""
    action = override.action
    if isinstance(action, RespondError):
        return _error_response(profile, info, action), ""
    if isinstance(action, RespondRaw):
        response = Response(action.body, status=action.status, headers=list(action.headers))
        if not any(k.lower() == "content-type" for k, _ in action.headers):
            response.headers.pop("Content-Type", None)
        return response, ""
    if isinstance(action, Alter):
        return _alter(render.as_response(handle(request)), action), ""
    fault = action
    kind = fault.kind
    if kind in ("delay", "slow"):
        _sleep(fault)
        return handle(request), ""
    if kind == "reset":
        return None, kind
    if kind in ("rotate_then_drop", "truncate", "reset_mid_response"):
        return handle(request), kind
    if kind == "non_json":
        return Response(fault.body or NON_JSON, status=200, content_type="application/json"), ""
    if kind == "php_warning":
        real = render.as_response(handle(request))
        real.set_data(PHP_WARNING.encode() + real.get_data())
        return real, ""
    if kind == "html_500":
        return render.html(fault.body or HTML_500, status=500), ""
    if kind == "under_upgrade":
        return render.restler_error(RestlerError(503, RestlerError.UNDER_UPGRADE), profile), ""
    return render.unknown_workspace(profile), ""  # workspace_unavailable


def _close_socket(sock: socket.socket, *, reset: bool) -> None:
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def deliver_fault(
    environ: WSGIEnvironment,
    start_response: StartResponse,
    response: Reply | None,
    kind: str,
) -> Iterable[bytes]:
    sock = environ.get("werkzeug.socket")
    if kind in ("reset", "rotate_then_drop"):
        if not isinstance(sock, socket.socket):
            raise ConnectionResetError(f"pm3 fault {kind}: connection closed before the response")
        _close_socket(sock, reset=True)
        start_response("200 OK", [("Content-Length", "0")])
        return []
    assert response is not None
    body = response.get_data()
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(response.status, headers)
    return _half_then_close(body, sock if isinstance(sock, socket.socket) else None, kind)


def _half_then_close(body: bytes, sock: socket.socket | None, kind: str) -> Iterator[bytes]:
    yield body[: len(body) // 2]
    if sock is not None:
        _close_socket(sock, reset=kind == "reset_mid_response")
