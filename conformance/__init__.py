"""The conformance suite for ProcessMaker 3's OAuth 2.0 REST login: checks, targets, runner.

The names below are loaded on first use, so that a light part of the package (a client driver
on :mod:`conformance.clients.adapter`) starts without importing the checks, the runner and the
mock; :data:`CHECKS` imports every check the first time it is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance._lazy import lazy_names

if TYPE_CHECKING:
    from . import checks as checks
    from .context import CheckContext as CheckContext
    from .failures import Failure as Failure
    from .failures import HarnessError as HarnessError
    from .failures import SkipCheck as SkipCheck
    from .registry import CHECKS as CHECKS
    from .registry import CheckSpec as CheckSpec
    from .registry import Severity as Severity
    from .registry import check as check
    from .runner import CheckResult as CheckResult
    from .runner import RunResult as RunResult
    from .runner import run as run
    from .runner import run_check as run_check
    from .target import Credentials as Credentials
    from .target import Target as Target
    from .target import load_credentials as load_credentials

_WHERE = {
    "checks": "",
    "CheckContext": ".context",
    "Failure": ".failures",
    "HarnessError": ".failures",
    "SkipCheck": ".failures",
    "CHECKS": ".registry",
    "CheckSpec": ".registry",
    "Severity": ".registry",
    "check": ".registry",
    "CheckResult": ".runner",
    "RunResult": ".runner",
    "run": ".runner",
    "run_check": ".runner",
    "Credentials": ".target",
    "Target": ".target",
    "load_credentials": ".target",
}

__all__ = sorted(_WHERE, key=lambda n: (n[0].islower(), n))


__getattr__ = lazy_names(__name__, globals(), _WHERE)
