"""What the battery's scenarios share: the tokens the mock issued, the credentials a request
carried, and how a client must report an error it was answered."""

from __future__ import annotations

import base64
import contextlib
import urllib.parse
from typing import Any

from conformance.clients.driver import Outcome
from conformance.clients.scenarios import ScenarioEnv
from mockserver.scripting.journal import Exchange


def issued_values(env: ScenarioEnv, key: str) -> list[str]:
    values = []
    for entry in env.token_requests():
        body = entry.json()
        if isinstance(body, dict) and isinstance(body.get(key), str):
            values.append(body[key])
    return values


def wrong_password(env: ScenarioEnv) -> dict[str, str]:
    return {**env.credentials, "password": env.credentials["password"] + "-wrong"}


def sent_credentials(entry: Exchange) -> tuple[str | None, str | None, str | None]:
    """The client id, secret and password a token request carried (body, or a Basic header)."""
    params = entry.request.params
    client_id, secret = params.get("client_id"), params.get("client_secret")
    auth = {k.lower(): v for k, v in entry.request.headers.items()}.get("authorization", "")
    if auth.lower().startswith("basic "):
        with contextlib.suppress(ValueError):
            pair = base64.b64decode(auth[6:].strip()).decode()
            client_id, _, secret = pair.partition(":")
            client_id, secret = urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
    return client_id, secret, params.get("password")


def answer_of(entry: Exchange) -> tuple[int, dict[str, Any] | None]:
    """What the mock answered an exchange: its status and its JSON object (None if it had none)."""
    body = entry.json()
    return entry.status, body if isinstance(body, dict) else None


def answered_error(env: ScenarioEnv, entry: Exchange, status: int) -> dict[str, Any]:
    """The error object the mock answered with ``status``: the scenario's premise, checked."""
    got, body = answer_of(entry)
    env.expect(
        got == status and body is not None and "error" in body,
        f"premise: the mock was to answer HTTP {status} with an error object, "
        f"it answered HTTP {got} with {body!r}",
    )
    assert body is not None
    return body


def reports_oauth_error(
    env: ScenarioEnv, outcome: Outcome, error: str, description: str, *, status: int | None = None
) -> None:
    """The client reports the error object it was answered, and no other status than the wire's.

    :param status: the HTTP status the answer carried (the last token exchange's, if not given).
    """
    env.expect(not outcome.ok, f"the client reported success for an error answer: {outcome.state}")
    env.expect(
        not outcome.state.get("access_token"),
        "the client holds a token after an error answer",
    )
    got = (outcome.error.get("error"), outcome.error.get("error_description"))
    env.expect(
        got == (error, description),
        f"the client reported {outcome.describe()}; expected error {error!r} with description {description!r}",
    )
    wire = status if status is not None else env.token_requests()[-1].status
    reported = outcome.error.get("status")
    env.expect(
        reported is None or reported == wire,
        f"the client reported HTTP {reported}, but the answer came with HTTP {wire}",
    )
