"""Token, client id, secret and uid generators in the formats ProcessMaker 3 produces.

Source: source fact §6. Tokens and codes are 40 lowercase hex; client ids 32 ``A-Z``;
secrets are ``G::generateUniqueID()``: 9 digits, 13 hex of ``uniqid`` time, a digit, ``0``, 8 digits.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from collections.abc import Callable

TOKEN_RE = re.compile(r"^[0-9a-f]{40}$")
CLIENT_ID_RE = re.compile(r"^[A-Z]{32}$")
CLIENT_SECRET_RE = re.compile(r"^[1-9][0-9]{8}[0-9a-f]{13}[0-9]0[0-9]{8}$")
UID_RE = CLIENT_SECRET_RE

TokenFactory = Callable[[], str]


def new_token() -> str:
    """40 lowercase hex characters, as bshaffer's ``generateAccessToken``."""
    return secrets.token_hex(20)


def new_client_id() -> str:
    """32 upper-case letters, as ``G::generateCode(32, "ALPHA")``."""
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(32))


def new_unique_id(now: float | None = None) -> str:
    """A ``G::generateUniqueID()`` value: PM's client secrets and ``USR_UID``s."""
    t = time.time() if now is None else now
    seconds = int(t) & 0xFFFFFFFF
    micros = int((t - int(t)) * 1_000_000) & 0xFFFFF
    prefix = str(secrets.randbelow(900_000_000) + 100_000_000)
    return (
        f"{prefix}{seconds:08x}{micros:05x}{secrets.randbelow(10)}0{secrets.randbelow(10**8):08d}"
    )


class SequentialTokens:
    """A deterministic token factory for golden tests: ``000…001``, ``000…002``, ..."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def __call__(self) -> str:
        value = f"{self._next:040x}"
        self._next += 1
        return value
