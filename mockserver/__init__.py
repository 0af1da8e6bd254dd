"""A scriptable mock ProcessMaker 3 server: every OAuth 2.0 grant, error string and quirk.

Public surface: :class:`MockServer` (serving + facade), :class:`MockApp` (the bare WSGI app),
profiles (:data:`PROFILES`, :class:`Profile`), the error classes, and the seed helpers.
"""

from __future__ import annotations

from .app import MockApp as MockApp
from .clock import Clock as Clock
from .errors import ERRORS_BY_CODE as ERRORS_BY_CODE
from .errors import OAuthError as OAuthError
from .errors import RestlerError as RestlerError
from .formats import SequentialTokens as SequentialTokens
from .journal import redact_header as redact_header
from .profiles import DEFAULT_PROFILE as DEFAULT_PROFILE
from .profiles import PROFILES as PROFILES
from .profiles import Profile as Profile
from .profiles import Source as Source
from .profiles import get_profile as get_profile
from .seed import Seed as Seed
from .seed import SeedClient as SeedClient
from .seed import SeedUser as SeedUser
from .seed import default_seed as default_seed
from .server import MockServer as MockServer
from .state import MockState as MockState

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
