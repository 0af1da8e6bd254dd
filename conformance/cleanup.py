"""Leave nothing usable behind on a live server: expire the access tokens a run obtained.

ProcessMaker answers ``POST /{ws}/oauth2/{token}/expire`` for its own tokens; a server that does
not (another OAuth server, a proxy that blocks the path, a network gone) leaves them valid until
their lifetime ends. That is never silent: :func:`expire_tokens` says why for each token that
stays valid, and every command that obtained tokens tells the user (:func:`warning`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .http import HttpRequest
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
