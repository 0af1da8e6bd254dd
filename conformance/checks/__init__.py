"""Every check module, imported explicitly so that registration happens at import."""

from __future__ import annotations

from . import authorize as authorize
from . import doc_forms as doc_forms
from . import formats as formats
from . import properties as properties
from . import resources as resources
from . import rest_door as rest_door
from . import token_client_credentials as token_client_credentials
from . import token_code as token_code
from . import token_errors as token_errors
from . import token_password as token_password
from . import token_refresh as token_refresh
from . import workspace as workspace

__all__ = [
    "authorize",
    "doc_forms",
    "formats",
    "properties",
    "resources",
    "rest_door",
    "token_client_credentials",
    "token_code",
    "token_errors",
    "token_password",
    "token_refresh",
    "workspace",
]
