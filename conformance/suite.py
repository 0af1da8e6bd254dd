"""The collected test of the conformance suite: ``pytest --pyargs conformance.suite``."""

from __future__ import annotations

from collections.abc import Callable

from .registry import CheckSpec


def test_conformance(pm3_check: CheckSpec, pm3_run: Callable[[CheckSpec], None]) -> None:
    pm3_run(pm3_check)
