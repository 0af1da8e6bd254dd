"""The kit for negative controls: a broken server each check must catch.

A control is a mock whose profile differs from the one the check expects, or a mock with an
override or fault that breaks exactly the behaviour the check verifies. ``test_controls.py`` walks
the registry: a check without a control, or one its control does not make fail, is a defect.

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
    reason: str = ""
    """A regular expression the failure message must match: the check failed for the reason the
    control breaks, not for something incidental (empty: not asserted)."""


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
