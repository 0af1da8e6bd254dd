"""A scriptable mock ProcessMaker 3 server: every OAuth 2.0 grant, error string and quirk.

Public surface: :class:`MockServer` (serving + facade), :class:`MockApp` (the bare WSGI app),
profiles (:data:`PROFILES`, :class:`Profile`), the error classes, and the seed helpers.
"""

from __future__ import annotations

from mockserver.app import MockApp as MockApp
from mockserver.protocol.errors import ERRORS_BY_CODE as ERRORS_BY_CODE
from mockserver.protocol.errors import OAuthError as OAuthError
from mockserver.protocol.errors import RestlerError as RestlerError
from mockserver.redaction import redact_header as redact_header
from mockserver.server import MockServer as MockServer
from mockserver.state.clock import Clock as Clock
from mockserver.state.formats import SequentialTokens as SequentialTokens
from mockserver.state.mock_state import MockState as MockState
from mockserver.state.profiles import DEFAULT_PROFILE as DEFAULT_PROFILE
from mockserver.state.profiles import PROFILES as PROFILES
from mockserver.state.profiles import Profile as Profile
from mockserver.state.profiles import Source as Source
from mockserver.state.profiles import get_profile as get_profile
from mockserver.state.seed import Seed as Seed
from mockserver.state.seed import SeedClient as SeedClient
from mockserver.state.seed import SeedUser as SeedUser
from mockserver.state.seed import default_seed as default_seed

__all__ = [
    "DEFAULT_PROFILE",
    "ERRORS_BY_CODE",
    "PROFILES",
    "Clock",
    "MockApp",
    "MockServer",
    "MockState",
    "OAuthError",
    "Profile",
    "RestlerError",
    "Seed",
    "SeedClient",
    "SeedUser",
    "SequentialTokens",
    "Source",
    "default_seed",
    "get_profile",
    "redact_header",
]
