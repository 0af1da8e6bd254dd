"""Leave nothing usable behind on a live server: expire the access tokens a run obtained.

ProcessMaker answers ``POST /{ws}/oauth2/{token}/expire`` for its own tokens; a server that does
not (another OAuth server, a proxy that blocks the path, a network gone) leaves them valid until
their lifetime ends. That is never silent: :func:`expire_tokens` says why for each token that
stays valid, and every command that obtained tokens tells the user (:func:`warning`). Whatever
talks to a live server sends through a :class:`~conformance.targetclient.TargetClient`, which
remembers what to expire.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlencode

from .http import HttpRequest
from .http import HttpResponse
from .http import Transport


def expire_tokens(
    transport: Transport, workspace: str, tokens: Iterable[str], removed: Iterable[str] = ()
) -> list[str]:
    """Expire each token but those known ``removed`` already (a check deleted or expired them);
    returns, for each one that stays valid, why (``HTTP 404``, the error). A token the server
    has no row for (:func:`is_missing_row`) is gone: nothing stays valid."""
    left: list[str] = []
    gone = set(removed)
    for token in dict.fromkeys(tokens):  # each once, in order
        if token in gone:
            continue
        try:
            response = transport.send(HttpRequest("POST", f"/{workspace}/oauth2/{token}/expire"))
        except Exception as exc:  # the server may be gone; the tokens then stay valid
            left.append(type(exc).__name__)
            continue
        if not 200 <= response.status < 300 and not is_missing_row(response):
            left.append(f"HTTP {response.status}")
    return left


def is_missing_row(response: HttpResponse) -> bool:
    """ProcessMaker's answer to expiring (or deleting) a token it holds no row for: Restler's
    400 ``The row "<token>" in table OAUTH_ACCESS_TOKENS doesn't exist!`` (source facts §9,
    ``OauthAccessTokens::load``). The token was removed already; it cannot stay valid."""
    if response.status != 400:
        return False
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return (
        isinstance(message, str) and "OAUTH_ACCESS_TOKENS" in message and "doesn't exist" in message
    )


def removed_token(request: HttpRequest, response: HttpResponse, workspace: str) -> str | None:
    """The access token a maintenance request removed, when it did: ``DELETE
    /{ws}/oauth2/{token}`` or ``POST /{ws}/oauth2/{token}/expire`` answered with success, or
    with the missing-row 400 (:func:`is_missing_row`)."""
    prefix = f"/{workspace}/oauth2/"
    path = request.path.split("?", 1)[0]
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    if request.method == "DELETE" and rest and "/" not in rest and rest != "token":
        token = rest
    elif request.method == "POST" and rest.endswith("/expire") and rest.count("/") == 1:
        token = rest[: -len("/expire")]
    else:
        return None
    if 200 <= response.status < 300 or is_missing_row(response):
        return token
    return None


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
