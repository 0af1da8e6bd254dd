"""The client harness: drive any client library through ProcessMaker's quirks and judge it."""

from __future__ import annotations

from .adapter import ClientAdapter as ClientAdapter
from .adapter import ClientReportedError as ClientReportedError
from .adapter import Request as Request
from .adapter import serve as serve
from .battery import SCENARIOS as SCENARIOS
from .driver import Driver as Driver
from .driver import DriverError as DriverError
from .harness import run_clients as run_clients

__all__ = [
    "SCENARIOS",
    "ClientAdapter",
    "ClientReportedError",
    "Driver",
    "DriverError",
    "Request",
    "run_clients",
    "serve",
]
