"""The conformance suite for ProcessMaker 3's OAuth 2.0 REST login: checks, targets, runner."""

from __future__ import annotations

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

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckResult",
    "CheckSpec",
    "Credentials",
    "Failure",
    "HarnessError",
    "RunResult",
    "Severity",
    "SkipCheck",
    "Target",
    "check",
    "checks",
    "load_credentials",
    "run",
    "run_check",
]
