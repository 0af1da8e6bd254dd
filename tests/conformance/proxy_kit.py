"""Broken servers built as a reverse proxy in front of the mock: the real answer, rewritten.

A control's ``prepare`` puts an :class:`AnswerRewriter` in front of the mock's app (the mock's
scripting, journal and control API stay reachable through it), the way a proxy or a buggy
upgrade in front of ProcessMaker changes bytes the mock's overrides cannot (a byte-order mark,
a header on every answer of a class).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from mockserver import MockServer

Headers = list[tuple[str, str]]
Rewrite = Callable[[dict[str, Any], int, Headers, bytes], tuple[int, Headers, bytes]]
"""``(environ, status, headers, body) -> (status, headers, body)``."""


@dataclass(slots=True)
class AnswerRewriter:
    """A WSGI app in front of ``inner``: every answer goes through ``rewrite``."""

    inner: Any
    rewrite: Rewrite
    edit_request: Callable[[dict[str, Any]], None] | None = None
    """Changes the WSGI environ before the mock sees it (a proxy that rewrites requests)."""
    rewritten: list[str] = field(default_factory=list)
    """``METHOD path`` of every answer ``rewrite`` changed."""

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}
        if self.edit_request is not None:
            self.edit_request(environ)

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[..., Any]:
            seen["status"], seen["headers"] = status, list(headers)
            return lambda _data: None

        chunks = self.inner(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        code, _, reason = str(seen["status"]).partition(" ")
        status, headers, new_body = self.rewrite(environ, int(code), seen["headers"], body)
        if (status, headers, new_body) != (int(code), seen["headers"], body):
            self.rewritten.append(f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}")
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(new_body))))
        start_response(f"{status} {reason if status == int(code) else 'Rewritten'}", headers)
        return [new_body]

    def __getattr__(self, name: str) -> Any:  # the mock's journal, scripting, control API
        return getattr(self.inner, name)


def unchanged(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    return status, headers, body


def behind_proxy(
    rewrite: Rewrite = unchanged,
    log: list[str] | None = None,
    *,
    edit_request: Callable[[dict[str, Any]], None] | None = None,
) -> Callable[[MockServer], None]:
    """A ``prepare`` that puts the mock behind a proxy applying ``rewrite`` to answers (and
    ``edit_request`` to requests); ``log`` (when given) collects the ``METHOD path`` of every
    answer it changed."""

    def prepare(pm: MockServer) -> None:
        proxy = AnswerRewriter(pm.app, rewrite, edit_request=edit_request)
        if log is not None:
            proxy.rewritten = log
        pm.app = proxy  # type: ignore[assignment]

    return prepare


def request_form(
    environ: dict[str, Any], edit: Callable[[dict[str, str]], bool] | None = None
) -> dict[str, str]:
    """The form a request carries (URL-encoded body), read so that the mock still reads it; when
    ``edit`` changes the form in place and says so, the mock reads the changed form instead."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    form = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    if edit is not None and edit(form):
        raw = urlencode(form).encode()
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    return form


def is_token_endpoint(environ: dict[str, Any]) -> bool:
    return str(environ.get("PATH_INFO", "")).endswith("/oauth2/token")


def bom_on_token_answers_logged(log: list[str]) -> Callable[[MockServer], None]:
    """:data:`bom_on_token_answers`, logging every answer it changed into ``log``."""
    return behind_proxy(_bom_on_token_answers, log)


def _bom_on_token_answers(
    environ: dict[str, Any], status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    if is_token_endpoint(environ) and body[:1] in (b"{", b"["):
        return status, headers, b"\xef\xbb\xbf" + body
    return status, headers, body


bom_on_token_answers = behind_proxy(_bom_on_token_answers)
"""A proxy (or a PHP file saved with a byte-order mark before ``<?php``) that puts a UTF-8 BOM
before every JSON answer of the token endpoint: Python's ``json.loads`` on bytes reads it,
PHP's ``json_decode`` returns ``NULL``."""
