"""Leave nothing usable behind on a live server: expire the access tokens a run obtained.

ProcessMaker answers ``POST /{ws}/oauth2/{token}/expire`` for its own tokens; a server that does
not (another OAuth server, a proxy that blocks the path, a network gone) leaves them valid until
their lifetime ends. That is never silent: :func:`expire_tokens` says why for each token that
stays valid, and every command that obtained tokens tells the user (:func:`warning`). Probes of a
live server send through a :class:`TokenKeeper`, which remembers what to expire.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlencode

from .failures import HarnessError
from .http import AnswerError
from .http import HttpRequest
from .http import HttpResponse
from .http import Transport


def expire_tokens(transport: Transport, workspace: str, tokens: Iterable[str]) -> list[str]:
    """Expire each token; returns, for each one that stays valid, why (``HTTP 404``, the error)."""
    left: list[str] = []
    for token in dict.fromkeys(tokens):  # each once, in order
        try:
            response = transport.send(HttpRequest("POST", f"/{workspace}/oauth2/{token}/expire"))
        except Exception as exc:  # the server may be gone; the tokens then stay valid
            left.append(type(exc).__name__)
            continue
        if not 200 <= response.status < 300:
            left.append(f"HTTP {response.status}")
    return left


def warning(left: Iterable[str], where: str) -> str | None:
    """One line for the user when tokens stay valid on ``where``; ``None`` when none do."""
    reasons = Counter(left)
    if not reasons:
        return None
    total = sum(reasons.values())
    why = ", ".join(f"{r} for {n}" if n > 1 else r for r, n in reasons.most_common())
    if total == 1:
        return (
            f"warning: 1 access token obtained on {where} could not be expired ({why}); "
            "it stays valid there until its lifetime ends"
        )
    return (
        f"warning: {total} access tokens obtained on {where} could not be expired ({why}); "
        "they stay valid there until their lifetime ends"
    )


def form_post(
    path: str, data: dict[str, str], headers: dict[str, str] | None = None
) -> HttpRequest:
    """A form-encoded POST, the way the documentation's clients send token requests."""
    fields = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    return HttpRequest("POST", path, tuple(fields.items()), urlencode(data).encode())


class TokenKeeper:
    """A transport for probes of a live server (fingerprint, record): it remembers every access
    token an answer hands out, so they can all be expired at the end, and an unreachable server
    is a :class:`HarnessError`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.issued: list[str] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.transport.send(request)
        except AnswerError as exc:  # the message names the request and what was wrong
            raise HarnessError(str(exc)) from None
        except OSError as exc:
            raise HarnessError(f"cannot reach {self.transport.base_url}: {exc}") from None
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            self.issued.append(body["access_token"])
        return response

    def expire_all(self, workspace: str) -> list[str]:
        """Expire what was handed out; why each token that stays valid does (:func:`expire_tokens`)."""
        return expire_tokens(self.transport, workspace, self.issued)
