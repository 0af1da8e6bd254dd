"""The client battery, one module per area; importing this package registers every scenario in
:data:`~conformance.clients.scenarios.SCENARIOS`, in the order the reports list them (the order of
the imports below)."""

from __future__ import annotations

from conformance.clients.scenarios import SCENARIOS

# isort: off
from . import login as login
from . import errors as errors
from . import refresh as refresh
from . import rest as rest
from . import faults as faults
from . import security as security

# isort: on

__all__ = ["SCENARIOS"]
