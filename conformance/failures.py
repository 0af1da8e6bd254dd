"""What a check raises: a conformance failure (the target broke a rule) or a harness error.

A :class:`Failure` is an ``AssertionError`` carrying the evidence (exchanges, redacted with the
run's secrets when the runner records it: :meth:`Failure.redacted`) and the *expectation* it broke:
one id of a small, stable vocabulary (:data:`EXPECTATIONS`, or ``field:``/``header:``/``schema:``
followed by a name), so a report, a diff or a negative control can tell *why* a check failed,
not only that it did. A
:class:`HarnessError` means the suite could not test (target unreachable, login form not found,
bad configuration): it is reported as *error*, never as *failed*.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.redaction import SecretSet

from .http import Exchange

EXPECTATIONS: dict[str, str] = {
    "status": "the HTTP status",
    "json": "a JSON body",
    "body": "the body's content (empty, a JSON list, ...) where no schema says it",
    "token": "a token is issued (not an error, not another answer)",
    "refused": "the request is refused: no token is issued, no resource is served",
    "error": "the error's code (OAuth error, or the code of Restler's nested error)",
    "error_description": "the error's text (error_description, or the message of Restler's error)",
    "error_uri": "the OAuth error's error_uri",
    "reuse": "a spent refresh token or authorization code is refused when used again",
    "rotation": "a refresh hands out new tokens (a new access token; a new refresh token when "
    "the profile rotates)",
    "lifetime": "a token or code works for as long as the profile says, and no longer",
    "redirect": "a redirect, and where it points",
    "login": "the login page is served and logging in through its form starts a session",
    "page": "what an HTML page (consent, registration) shows and offers",
    "shape": "an answer has one of the documented shapes",
    "store": "the token store agrees with what the answers said",
}
"""Expectation ids a failure may name; ``field:<name>`` (a field of a token answer or a redirect
parameter), ``header:<Name>`` and ``schema:<name>`` (a schema in ``schemas/``) complete them."""

_PARAMETRIZED = re.compile(r"^(field|header|schema):[A-Za-z0-9_.-]+$")


def is_expectation(value: str) -> bool:
    """Whether ``value`` is an expectation id of the vocabulary."""
    return value in EXPECTATIONS or bool(_PARAMETRIZED.match(value))


class Failure(AssertionError):
    """The target did not behave as the profile says.

    :param expectation: the expectation broken, an id for which :func:`is_expectation` holds
        (``""`` only outside checks: client scenarios name none).
    :raises ValueError: for an id outside the vocabulary (a defect of the check).
    """

    kind = "failure"

    def __init__(
        self,
        message: str,
        *,
        expectation: str = "",
        evidence: tuple[Exchange, ...] = (),
        curl: str | None = None,
    ) -> None:
        if expectation and not is_expectation(expectation):
            raise ValueError(f"{expectation!r} is not an expectation id (conformance.failures)")
        super().__init__(message)
        self.message = message
        self.expectation = expectation
        self.evidence = evidence
        self.curl = curl

    def redacted(self, secrets: SecretSet) -> tuple[str, tuple[dict[str, Any], ...], str | None]:
        """Message, evidence and curl replay as a report may show them: every secret hidden."""
        evidence = tuple(e.to_evidence(secrets) for e in self.evidence)
        curl = self.curl or (self.evidence[-1].curl(secrets) if self.evidence else None)
        return secrets.redact(self.message), evidence, secrets.redact(curl) if curl else None


class StatusMismatch(Failure):
    kind = "status_mismatch"


class SchemaViolation(Failure):
    kind = "schema_violation"


class ErrorMismatch(Failure):
    kind = "error_mismatch"


class HeaderMismatch(Failure):
    kind = "header_mismatch"


class RedirectMismatch(Failure):
    kind = "redirect_mismatch"


class ValueMismatch(Failure):
    kind = "value_mismatch"


class TokenReuseAccepted(Failure):
    kind = "token_reuse_accepted"


class PropertyFalsified(Failure):
    kind = "property_falsified"


class OversizedAnswer(Failure):
    """The server sent more than the suite reads of one answer (the answer size cap)."""

    kind = "oversized_answer"


class HarnessError(Exception):
    """The suite could not test: reported as *error*, not *failed*."""


class CredentialsRejected(HarnessError):
    """The credentials given do not log in: no check can mean anything, and more attempts with
    them could lock the account."""


class SkipCheck(Exception):
    """The check does not apply to this target (reported as *skipped* with the reason)."""
