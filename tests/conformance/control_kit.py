"""The kit for negative controls: a broken server each check must catch.

A control is a mock with an override, a fault or one profile field changed, breaking exactly
the behaviour the check verifies; a whole other profile only where it differs from the expected
one in nothing else the check sends. ``breaks`` names that behaviour as the expectation id the
check's failure must carry (``conformance.failures.EXPECTATIONS``: ``status``, ``error_description``,
``field:refresh_token``, ``header:Cache-Control``, ``schema:oauth-error``, ``reuse``, ...).
``test_controls.py`` walks the registry: a check without a control, one its control does not make
fail, or one that fails on another expectation than ``breaks``, is a defect.

Add one entry per check id, in the module of the check's area (keep ids sorted within an area).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mockserver import MockServer

Prepare = Callable[[MockServer], None]


@dataclass(frozen=True, slots=True)
class Control:
    """Run the check expecting ``expected`` against a mock running ``server`` prepared by ``prepare``."""

    expected: str = "documented"
    server: str | None = None
    prepare: Prepare | None = None
    note: str = ""
    breaks: str = ""
    """The expectation the control breaks; the check must fail on exactly this one."""
    reason: str = ""
    """A regular expression the failure message must also match (empty: not asserted)."""


def profile_field(**changes: object) -> Prepare:
    """The mock's profile with fields changed (everything else as the check expects)."""

    def prepare(pm: MockServer) -> None:
        pm.set_profile(pm.profile.derive("broken", **changes))

    return prepare


def override_token(**alter: object) -> Prepare:
    """The real token answer, with JSON fields changed (every time)."""

    def prepare(pm: MockServer) -> None:
        pm.override("token", times=None).alter(**alter)  # type: ignore[arg-type]

    return prepare


def error_instead(
    endpoint: str, error: str | int, description: str | None = None, **match: object
) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override(endpoint, times=None, **match).respond_with_error(error, description)  # type: ignore[arg-type]

    return prepare


def fixed(endpoint: str, status: int, body: str = "", **match: object) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override(endpoint, times=None, **match).respond_with(status, body=body)  # type: ignore[arg-type]

    return prepare
