"""What a check raises: a conformance failure (the target broke a rule) or a harness error.

A :class:`Failure` is an ``AssertionError`` carrying the evidence (exchanges, redacted with the
run's secrets when the runner records it: :meth:`Failure.redacted`). A
:class:`HarnessError` means the suite could not test (target unreachable, login form not found,
bad configuration): it is reported as *error*, never as *failed*.
"""

from __future__ import annotations

from typing import Any

from .http import Exchange
from .redaction import SecretSet


class Failure(AssertionError):
    """The target did not behave as the profile says."""

    kind = "failure"

    def __init__(
        self, message: str, *, evidence: tuple[Exchange, ...] = (), curl: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
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


class HarnessError(Exception):
    """The suite could not test: reported as *error*, not *failed*."""


class CredentialsRejected(HarnessError):
    """The credentials given do not log in: no check can mean anything, and more attempts with
    them could lock the account."""


class SkipCheck(Exception):
    """The check does not apply to this target (reported as *skipped* with the reason)."""
