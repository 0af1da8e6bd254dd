"""Keys the serving engine and the app share in the WSGI environ, beyond PEP 3333."""

from __future__ import annotations

CLOSE_CONNECTION = "pm3.close_connection"
"""Set by the app when the engine must close the connection without reading the rest of the body
(after a 413: draining megabytes to be polite would be the attack)."""
