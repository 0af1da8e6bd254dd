"""The client harness: drive any client library through ProcessMaker's quirks and judge it.

The names below are loaded on first use: a driver written on :mod:`conformance.clients.adapter`
starts without importing the harness, the battery or the mock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance._lazy import lazy_names

if TYPE_CHECKING:
    from .adapter import ClientAdapter as ClientAdapter
    from .adapter import ClientReportedError as ClientReportedError
    from .adapter import Request as Request
    from .adapter import serve as serve
    from .driver import Driver as Driver
    from .driver import DriverError as DriverError
    from .harness import run_clients as run_clients
    from .scenarios import SCENARIOS as SCENARIOS

_WHERE = {
    "ClientAdapter": ".adapter",
    "ClientReportedError": ".adapter",
    "Request": ".adapter",
    "serve": ".adapter",
    "Driver": ".driver",
    "DriverError": ".driver",
    "run_clients": ".harness",
    "SCENARIOS": ".scenarios",
}

__all__ = sorted(_WHERE, key=lambda n: (n[0].islower(), n))


__getattr__ = lazy_names(__name__, globals(), _WHERE)
